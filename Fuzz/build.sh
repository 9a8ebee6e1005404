#!/usr/bin/env bash
# Builds the libFuzzer target over the engine's sources (see swift-notes §6: SwiftPM cannot).
# Usage: Fuzz/build.sh [output]   (default .build/fuzz/fuzz-traktql)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/fuzz/fuzz-traktql}
dir=$(dirname "$out")
mkdir -p "$dir"
# TraktProtocol is its own module (TraktQL imports it).
swiftc -O -parse-as-library -module-name TraktProtocol -emit-module -emit-module-path "$dir/TraktProtocol.swiftmodule" \
    -emit-object -o "$dir/TraktProtocol.o" Sources/TraktProtocol/*.swift -swift-version 6
mapfile -t sources < <(find Sources/TraktQL -name '*.swift' | sort)
swiftc -O -sanitize=fuzzer -parse-as-library -module-name TraktQL -I "$dir" -swift-version 6 \
    "${sources[@]}" Fuzz/FuzzEntry.swift "$dir/TraktProtocol.o" -o "$out"
echo "$out"
