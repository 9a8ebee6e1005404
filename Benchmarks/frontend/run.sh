#!/usr/bin/env bash
# Release whole-module build of the engine's front end plus a timing loop; prints µs per query.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${TMPDIR:-/tmp}/traktql-frontend
mkdir -p "$out"
swiftc -O -wmo -parse-as-library -module-name TraktProtocol -emit-module -emit-module-path "$out/TraktProtocol.swiftmodule" \
    -emit-object -o "$out/TraktProtocol.o" Sources/TraktProtocol/*.swift
mapfile -t sources < <(find Sources/TraktQL -name '*.swift' | sort)
swiftc -O -wmo -module-name TraktQL -D FRONTEND_STANDALONE -I "$out" "${sources[@]}" Benchmarks/Benchmarks/FrontEnd/TypicalQueries.swift Benchmarks/frontend/main.swift "$out/TraktProtocol.o" -o "$out/bench"
for _ in 1 2 3; do "$out/bench" "${1:-50000}"; done
