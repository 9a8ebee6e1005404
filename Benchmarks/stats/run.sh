#!/bin/sh
# `stats … by title` against a plain `count` over the same 100,000 rows read with --input
# (issue 16: stats may cost at most 1.5× the count).
#
#   Benchmarks/stats/run.sh [RUNS]        (default 5 runs each; best and median reported)
#
# 1. Builds the release traktql (swift build -c release --product traktql).
# 2. Generates 100,000 items once, deterministically, into $TRAKTQL_BENCH_DIR (default
#    ${TMPDIR:-/tmp}/traktql-bench): the built-in emulator's dataset (seed 42, clock pinned to
#    2024-06-01T12:00:00Z) paged backwards by traktql itself, whole items as NDJSON.
# 3. Runs both queries alternately, RUNS times each, and prints wall and CPU (user+sys) seconds
#    from /usr/bin/time, the ratios, and the machine's load.
set -eu
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
DIR=${TRAKTQL_BENCH_DIR:-${TMPDIR:-/tmp}/traktql-bench}
mkdir -p "$DIR"
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time (GNU time) is not installed" >&2; exit 1; }

if [ -z "${SKIP_BUILD:-}" ]; then
    echo "== building release traktql"
    swift build -c release --product traktql 2>&1 | grep -E "error:|Build complete" | tail -3
fi
T=$(swift build -c release --product traktql --show-bin-path)/traktql

ITEMS="$DIR/stats-100000.ndjson"
if [ ! -s "$ITEMS" ]; then
    echo "== generating $ITEMS (deterministic: emulator seed 42, clock 2024-06-01T12:00:00Z)"
    "$T" -q --seed 42 --now 2024-06-01T12:00:00Z --tz UTC --format ndjson \
        -c 'set max_pages = 2000' -c 'activity | limit 100000' > "$ITEMS.tmp"
    mv "$ITEMS.tmp" "$ITEMS"
fi
echo "== input: $(wc -l < "$ITEMS") items, $(wc -c < "$ITEMS") bytes"

COUNT='activity | count'
STATS='activity | stats count, sum(runtime), avg(runtime), max(runtime) by title'
echo "== count: $("$T" -q --input "$ITEMS" --format csv -c "$COUNT" | tail -1)"
echo "== stats: $("$T" -q --input "$ITEMS" --format csv -c "$STATS" | wc -l) lines of csv (one per title + header)"

measure() {  # $1 = query; prints "wall cpu"
    /usr/bin/time -f "%e %U %S" "$T" -q --input "$ITEMS" --format csv -c "$1" 2>&1 >/dev/null | tail -1 |
        awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }'
}

: > "$DIR/count.times"
: > "$DIR/stats.times"
i=0
while [ $i -lt "$RUNS" ]; do
    measure "$COUNT" >> "$DIR/count.times"
    measure "$STATS" >> "$DIR/stats.times"
    i=$((i + 1))
done

summary() {  # $1 = file, $2 = column (1 wall, 2 cpu): "best median"
    sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", v[1], m }'
}
set -- $(summary "$DIR/count.times" 1) $(summary "$DIR/count.times" 2) $(summary "$DIR/stats.times" 1) $(summary "$DIR/stats.times" 2)
echo "== $RUNS runs each, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "                       wall best  wall median  cpu best  cpu median"
printf "count                  %9s  %11s  %8s  %10s\n" "$1" "$2" "$3" "$4"
printf "stats … by title       %9s  %11s  %8s  %10s\n" "$5" "$6" "$7" "$8"
awk -v a="$1" -v b="$5" -v c="$2" -v d="$6" -v e="$3" -v f="$7" -v g="$4" -v h="$8" 'BEGIN {
    printf "ratio stats/count      %9.2f  %11.2f  %8.2f  %10.2f   (target <= 1.5)\n", b / a, d / c, f / e, h / g }'
