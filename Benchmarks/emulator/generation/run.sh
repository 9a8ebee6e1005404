#!/usr/bin/env bash
# Dataset generation of the emulator core, measured in-process: the core's sources compiled
# with `swiftc -O -wmo` together with Harness.swift (module TraktEmulator, so the harness
# reaches internal types).
#   Benchmarks/emulator/generation/run.sh [SOURCE_TREE] [RUNS|hash|digest]
# RUNS (default 8): CPU and wall of Dataset.generate and of the Emulator around it, and of the
# v2 objects alone, at the default scale (seed 1, 2024-06-01T12:00:00Z); then digests.
# hash: digests of nine datasets (compare two trees: the bytes must not change).
# digest: the digests GenerationTests pins.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../../..}
what=${2:-8}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swiftc -O -wmo -parse-as-library -module-name TraktProtocol -emit-module -emit-module-path "$out/TraktProtocol.swiftmodule" \
    -emit-object -o "$out/TraktProtocol.o" "$src"/Sources/TraktProtocol/*.swift -swift-version 6
mapfile -t sources < <(find "$src/Sources/TraktEmulator" -name '*.swift' | sort)
swiftc -O -wmo -parse-as-library -module-name TraktEmulator -I "$out" -swift-version 6 "${sources[@]}" "$here/Harness.swift" \
    "$out/TraktProtocol.o" -o "$out/generation"
"$out/generation" "$what"
