#!/usr/bin/env bash
# Peak memory of remote aggregates over every item (issue 24; BENCHMARKS.md, "Remote
# limit all | stats streams"), over v1 (one call per user, paged by end_ts) and v2 (one call
# per user and action group, paged by number), merged newest first:
#   activity user:justin | limit all | stats count by title          (one user)
#   activity user:U1,…,UK | limit all | stats count by title         (the catalog's first K public users)
# against a trakt-emulator on loopback (pinned clock, v2 rate limit off). Prints the rows'
# count, sum and checksum (equal before and after a change), calls, wall time and peak RSS (GNU time).
# Usage: Benchmarks/memory/remote-stats.sh TRAKTQL EMULATOR [RUNS] [K] [EMULATOR-ARGS…]
#   e.g. Benchmarks/memory/remote-stats.sh .build/release/traktql .build/release/trakt-emulator 3 40 --scale large
set -euo pipefail
usage="usage: remote-stats.sh TRAKTQL EMULATOR [RUNS] [K] [EMULATOR-ARGS…]"
traktql=${1:?$usage}
emulator_bin=${2:?$usage}
runs=${3:-3}
users=${4:-40}
shift 4 || shift $#
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

log=$(mktemp)
"$emulator_bin" --port 0 --now 2026-06-01T12:00:00Z --rate-limit 0 "$@" >"$log" 2>/dev/null &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1200); do [[ -s "$log" ]] && break; sleep 0.1; done
url=$(head -1 "$log")
names=$(curl -s "$url/emulator/catalog.json" | python3 -c '
import json, sys
users = [u["username"] for u in json.load(sys.stdin)["users"] if not u["protected"]]
print(",".join(users[:int(sys.argv[1])]))' "$users")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); emulator $url ($*); $traktql"
for query in 'activity user:justin | limit all | stats count by title' "activity user:$names | limit all | stats count by title"; do
    for api in v1 v2; do
        echo "== $api: ${query:0:60}… ($(tr -cd , <<<"${query%% |*}" | wc -c) commas)"
        for run in $(seq "$runs"); do
            rows=$(mktemp)
            stats=$(/usr/bin/time -f '%e s wall, %M KiB peak RSS' "$traktql" --api "$api" --api-url "$url" --api-key key --client-id bench \
                --format tsv -c "set max_pages = 50000" -c "set max_fetch = 4g" -c ".timing on" -c "$query" 2>&1 >"$rows" | tail -2 | tr '\n' ' ')
            echo "run $run: $stats; $(($(wc -l <"$rows") - 1)) rows, items $(awk -F'\t' 'NR>1 {s += $2} END {print s}' "$rows"), md5 $(md5sum <"$rows" | cut -c1-8)"
            rm -f "$rows"
        done
    done
done
