#!/usr/bin/env bash
# Peak memory of an aggregate over the whole default dataset (BENCHMARKS.md, "Memory"):
#   activity | limit all | count by action
# against a trakt-emulator on loopback (default seed and size, pinned clock), with max_pages
# raised so that nothing is cut. Prints the rows, the calls, wall time and peak RSS (GNU time).
# Builds the release binaries unless SKIP_BUILD=1. Usage: Benchmarks/memory/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
flags=(-c release --static-swift-stdlib)
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    swift build "${flags[@]}" --product traktql 2>&1 | grep -E "error:|Build complete" | tail -1
    swift build "${flags[@]}" --product trakt-emulator 2>&1 | grep -E "error:|Build complete" | tail -1
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

log=$(mktemp)
"$bin/trakt-emulator" --port 0 --now 2026-06-01T12:00:00Z >"$log" 2>/dev/null &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do [[ -s "$log" ]] && break; sleep 0.05; done
url=$(head -1 "$log")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); emulator $url"
for query in 'activity | limit all | count by action' 'activity | limit all | count' 'activity | limit all | select who, sxe | count by who'; do
    echo "== $query"
    for run in $(seq "$runs"); do
        rows=$(mktemp)
        stats=$(/usr/bin/time -f '%e s wall, %M KiB peak RSS' "$bin/traktql" --api-url "$url" --api-key key \
            --format tsv -c "set max_pages = 5000" -c "$query" 2>&1 >"$rows" | tail -1)
        echo "run $run: $stats; $(($(wc -l <"$rows") - 1)) rows, first: $(sed -n 2p "$rows" | tr '\t' ' ')"
        rm -f "$rows"
    done
done
