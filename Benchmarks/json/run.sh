#!/bin/sh
# Release, whole-module build of the JSON reader with its benchmark driver, then run it.
set -e
cd "$(dirname "$0")/../.."
out="${TMPDIR:-/tmp}/traktql-jsonbench"
swiftc -O -wmo -swift-version 6 -module-name JSONBench \
    Sources/TraktQL/Execution/Value.swift \
    Sources/TraktQL/Execution/JSON/JSONReader.swift \
    Sources/TraktQL/Execution/JSON/JSONBytes.swift \
    Benchmarks/json/main.swift -o "$out"
"$out"
