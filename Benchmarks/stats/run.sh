#!/bin/bash
# `stats … by title` against a plain `count` over the same 100,000 rows read with --input
# (issue 16: stats may cost at most 1.5× the count).
#
#   Benchmarks/stats/run.sh [RUNS]        (default 7 runs each, alternating; best and median)
#
# 1. Compiles TraktProtocol + TraktQL + Benchmarks/stats/main.swift with swiftc -O -wmo (the
#    library is Foundation-only, as for Fuzz/build.sh), so no release build of the whole package
#    (NIO, Hummingbird) is needed.
# 2. Generates 100,000 items once, deterministically, into $TRAKTQL_BENCH_DIR (default
#    ${TMPDIR:-/tmp}/traktql-bench): the built-in emulator's dataset (seed 42, clock pinned to
#    2024-06-01T12:00:00Z) paged backwards by traktql itself (the debug build is enough:
#    generation is not timed), whole items as NDJSON.
# 3. Runs both queries in one process through Engine with --input's streaming reader,
#    alternating, and prints wall and CPU seconds and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-7}
DIR=${TRAKTQL_BENCH_DIR:-${TMPDIR:-/tmp}/traktql-bench}
OUT="$DIR/stats-bench-build"
mkdir -p "$DIR" "$OUT"

echo "== compiling (swiftc -O -wmo)"
swiftc -O -wmo -parse-as-library -module-name TraktProtocol -emit-module -emit-module-path "$OUT/TraktProtocol.swiftmodule" \
    -emit-object -o "$OUT/TraktProtocol.o" Sources/TraktProtocol/*.swift -swift-version 6
mapfile -t sources < <(find Sources/TraktQL -name '*.swift' | sort)
swiftc -O -wmo -parse-as-library -module-name TraktQL -I "$OUT" -emit-module -emit-module-path "$OUT/TraktQL.swiftmodule" \
    -emit-object -o "$OUT/TraktQL.o" "${sources[@]}" -swift-version 6
swiftc -O -parse-as-library -I "$OUT" Benchmarks/stats/main.swift "$OUT/TraktQL.o" "$OUT/TraktProtocol.o" -o "$OUT/stats-bench" -swift-version 6

ALL="$DIR/stats-100000.ndjson"
if [ ! -s "$ALL" ]; then
    echo "== generating $ALL (deterministic: emulator seed 42, clock 2024-06-01T12:00:00Z)"
    [ -x .build/debug/traktql ] || swift build --product traktql
    .build/debug/traktql -q --seed 42 --now 2024-06-01T12:00:00Z --tz UTC --format ndjson \
        -c 'set max_pages = 2000' -c 'activity | limit 100000' > "$ALL.tmp"
    mv "$ALL.tmp" "$ALL"
fi
# The dataset holds 83,078 public activities before that clock: the first 16,922 come twice.
ITEMS="$DIR/stats-100k-rows.ndjson"
# (cat dies of SIGPIPE once head has its rows: not a failure, hence the `|| true` under pipefail.)
{ cat "$ALL" "$ALL" || true; } | head -n 100000 > "$ITEMS"
echo "== input: $(wc -l < "$ITEMS") items, $(wc -c < "$ITEMS") bytes; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/stats-bench" "$ITEMS" "$RUNS"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
