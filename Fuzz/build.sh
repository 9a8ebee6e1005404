#!/usr/bin/env bash
# Builds the libFuzzer target over the engine's sources (see swift-notes §6: SwiftPM cannot).
# Usage: Fuzz/build.sh [output]   (default .build/fuzz/fuzz-traktql)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/fuzz/fuzz-traktql}
dir=$(dirname "$out")
mkdir -p "$dir"
# TraktTime is its own module (TraktQL imports it).
swiftc -O -parse-as-library -module-name TraktTime -emit-module -emit-module-path "$dir/TraktTime.swiftmodule" \
    -emit-object -o "$dir/TraktTime.o" Sources/TraktTime/*.swift -swift-version 6
mapfile -t sources < <(find Sources/TraktQL -name '*.swift' | sort)
swiftc -O -sanitize=fuzzer -parse-as-library -module-name TraktQL -I "$dir" -swift-version 6 \
    "${sources[@]}" Fuzz/FuzzEntry.swift "$dir/TraktTime.o" -o "$out"
echo "$out"
