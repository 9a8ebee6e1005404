#!/bin/sh
# traktql --input against jq 1.6 on the same filter + project job over a ~100 MB v1 dump.
#
#   Benchmarks/compare.sh [RUNS]        (default 3 runs each; the best time is reported)
#
# 1. Builds the release traktql (swift build -c release --static-swift-stdlib --product traktql).
# 2. Generates the dump once, deterministically, into $TRAKTQL_BENCH_DIR (default
#    ${TMPDIR:-/tmp}/traktql-bench): the built-in emulator's dataset (seed 42, clock pinned to
#    2024-06-01T12:00:00Z), paged backwards through the API by traktql itself, whole items as
#    NDJSON, then wrapped in a v1 envelope {"timestamps":…,"activity":[…]} cut at ~100 MB.
# 3. Runs the job with both tools, checks that the outputs are identical (same rows, same
#    order, byte for byte as NDJSON), and prints wall time, peak RSS (/usr/bin/time) and the
#    ratios. The machine's load is printed with the figures.
#
# The job: seen activity whose show title contains "dead" (any case), projected to the time
# (Unix seconds read as UTC, printed ISO-8601), the username and SxxEyy.
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-3}
DIR=${TRAKTQL_BENCH_DIR:-${TMPDIR:-/tmp}/traktql-bench}
TARGET_BYTES=${TRAKTQL_BENCH_BYTES:-100000000}
mkdir -p "$DIR"

command -v jq >/dev/null || { echo "compare.sh: jq is not installed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time (GNU time) is not installed" >&2; exit 1; }

echo "== building release traktql"
swift build -c release --static-swift-stdlib --product traktql 2>&1 | grep -E "error:|Build complete" | tail -3
T=$(swift build -c release --static-swift-stdlib --product traktql --show-bin-path)/traktql

DUMP="$DIR/dump-$TARGET_BYTES.json"
if [ ! -s "$DUMP" ]; then
    echo "== generating $DUMP (deterministic: emulator seed 42, clock 2024-06-01T12:00:00Z)"
    "$T" -q --seed 42 --now 2024-06-01T12:00:00Z --tz UTC --format ndjson \
        -c 'set max_pages = 2000' -c 'activity | limit 100000' > "$DIR/items.ndjson"
    LC_ALL=C awk -v limit="$TARGET_BYTES" '
        BEGIN { printf "{\"timestamps\":{\"start\":0,\"current\":1717218000},\"activity\":[\n"; n = 60 }
        { if (n + length($0) + 4 > limit) exit; if (NR > 1) printf ",\n"; printf "%s", $0; n += length($0) + 2 }
        END { printf "\n]}\n" }' "$DIR/items.ndjson" > "$DUMP.tmp"
    mv "$DUMP.tmp" "$DUMP"
    rm -f "$DIR/items.ndjson"
fi
BYTES=$(wc -c < "$DUMP")
ITEMS=$(grep -c '^{"id"' "$DUMP" || true)
echo "dump: $DUMP, $BYTES bytes, $ITEMS items, md5 $(md5sum < "$DUMP" | cut -c1-32)"

TRAKTQL_QUERY='activity action:seen | where show.title ~ "dead" | select time, who, sxe'
JQ_PROGRAM='.activity[]
  | select(.action == "seen" and ((.show.title // "") | ascii_downcase | contains("dead")))
  | ((.episode // .episodes[0]) as $e
     | ($e.season) as $s | ($e.episode // $e.number) as $n
     | { time: (.timestamp | todate | sub("Z$"; "+00:00")),
         who: .user.username,
         sxe: (if $e == null or $s == null or $n == null then null
               else "S" + (if $s < 10 then "0" else "" end) + ($s | tostring)
                  + "E" + (if $n < 10 then "0" else "" end) + ($n | tostring) end) })'

# best_of NAME OUT CMD...: runs CMD RUNS times (stdout to OUT), prints "seconds maxrss_kib cpu_seconds"
# of the fastest run (cpu = user + system: less sensitive than wall time to other work on the machine).
best_of() {
    name=$1; out=$2; shift 2
    best=""
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        /usr/bin/time -f "%e %M %U %S" -o "$DIR/time.$name" "$@" > "$out"
        read -r secs kib user sys < "$DIR/time.$name"
        cpu=$(awk "BEGIN { printf \"%.2f\", $user + $sys }")
        echo "  $name run $((i + 1)): ${secs} s wall, ${cpu} s cpu, $((kib / 1024)) MiB peak RSS   (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        if [ -z "$best" ] || awk "BEGIN { exit !($secs < $(echo "$best" | cut -d' ' -f1)) }"; then best="$secs $kib $cpu"; fi
        i=$((i + 1))
    done
    echo "$best"
}

echo "== jq 1.6: jq -c '<program>' dump"
JQ=$(best_of jq "$DIR/out.jq" jq -c "$JQ_PROGRAM" "$DUMP")
echo "== traktql: traktql --input dump --convention utc --tz UTC --format ndjson -c '$TRAKTQL_QUERY'"
TQ=$(best_of traktql "$DIR/out.traktql" "$T" --input "$DUMP" --convention utc --tz UTC --format ndjson -c "$TRAKTQL_QUERY")

ROWS=$(wc -l < "$DIR/out.traktql")
if cmp -s "$DIR/out.jq" "$DIR/out.traktql"; then
    echo "outputs: identical, $ROWS rows ($(md5sum < "$DIR/out.traktql" | cut -c1-32))"
else
    echo "outputs DIFFER: jq $(wc -l < "$DIR/out.jq") rows, traktql $ROWS rows; first difference:"
    diff "$DIR/out.jq" "$DIR/out.traktql" | head -5
    exit 1
fi

echo "$JQ $TQ $BYTES" | awk '{
    jt = $1; jm = $2 / 1024; jc = $3; tt = $4; tm = $5 / 1024; tc = $6; mb = $7 / 1e6
    printf "\n%-9s %8s %12s %9s %12s\n", "", "wall", "throughput", "cpu", "peak RSS"
    printf "%-9s %7.3fs %8.0f MB/s %8.2fs %8.0f MiB\n", "jq", jt, mb / jt, jc, jm
    printf "%-9s %7.3fs %8.0f MB/s %8.2fs %8.0f MiB\n", "traktql", tt, mb / tt, tc, tm
    printf "\ntraktql vs jq: %.1fx the throughput (wall), %.1fx (cpu), %.1f%% of the peak memory\n", jt / tt, jc / tc, 100 * tm / jm
    printf "targets: >= 10x throughput (%s), <= 25%% of the memory (%s)\n", (jt / tt >= 10 ? "met" : "MISSED"), (tm / jm <= 0.25 ? "met" : "MISSED")
}'
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
