#!/usr/bin/env bash
# Write throughput of the emulator (issue 25): the server pinned to one core (taskset -c 0),
# wrk on the other, POSTing v2 writes as one user (justin, bearer token); then the read pages
# again, to see what the writes cost later readers. Loopback only.
# Usage: Benchmarks/emulator/writes.sh   Environment: DURATION (s, default 10), CONNECTIONS
# (default 16), SCALE (default), STATE=1 (also with --state), SKIP_BUILD=1, BIN (another build).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
SCALE=${SCALE:-default}
BIN=${BIN:-.build/release/trakt-emulator}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  swift build -c release --static-swift-stdlib --product trakt-emulator >/dev/null
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -sr)"

WORK=$(mktemp -d)
PID=""
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT

# The writes, in rotation: a movie play, a rating, a watchlist add and remove, a collection add.
cat >"$WORK/writes.lua" <<'LUA'
local bodies = {
  {"/sync/history", '{"movies":[{"ids":{"slug":"inception-2010"}}]}'},
  {"/sync/ratings", '{"movies":[{"ids":{"slug":"the-social-network-2010"},"rating":8}]}'},
  {"/sync/watchlist", '{"shows":[{"ids":{"slug":"sherlock"}}]}'},
  {"/sync/watchlist/remove", '{"shows":[{"ids":{"slug":"sherlock"}}]}'},
  {"/sync/collection", '{"episodes":[{"ids":{"trakt":100001}}]}'},
}
local n = 0
request = function()
  n = n + 1
  local b = bodies[(n % #bodies) + 1]
  return wrk.format("POST", b[1], {["Content-Type"] = "application/json", ["trakt-api-version"] = "2",
    ["trakt-api-key"] = "bench", ["Authorization"] = "Bearer bench"}, b[2])
end
LUA

start() {
  : >"$WORK/out"
  taskset -c 0 "$BIN" --now 2025-06-01T12:00:00Z --scale "$SCALE" --rate-limit 0 --write-rate-limit 0 --access-token bench "$@" >"$WORK/out" 2>"$WORK/err" &
  PID=$!
  for _ in $(seq 1 600); do [ -s "$WORK/out" ] && break; sleep 0.05; done
  URL=$(head -1 "$WORK/out")
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

read_pages() {
  # Another public user than the writer.
  OTHER=$(curl -s "$URL/emulator/catalog.json" | python3 -c 'import json,sys; print(next(u["username"] for u in json.load(sys.stdin)["users"][1:] if not u["protected"]))')
  for path in "/activity/community.json/KEY" "/users/$OTHER/history" "/users/justin/history" "/sync/last_activities" "/sync/watchlist"; do
    printf '%-30s ' "$path"
    # v1 takes no bearer token (its Authorization is Basic).
    case $path in /activity/*) auth=(-H "X-Bench: v1") ;; *) auth=(-H "Authorization: Bearer bench") ;; esac
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d3s -H "trakt-api-version: 2" -H "trakt-api-key: bench" "${auth[@]}" \
      "$URL$path" | awk '/Requests\/sec/ { printf "%s req/s", $2 } /Non-2xx/ { printf " (%s non-2xx)", $5 } END { print "" }'
  done
}

run() {
  echo "## reads before any write ($*)"
  read_pages
  echo "## writes: wrk -t1 -c$CONNECTIONS -d${DURATION}s, server on 1 core"
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/writes.lua" "$URL" | grep -E 'Requests/sec|Latency|requests in|Non-2xx'
  echo "## reads after the writes"
  read_pages
  curl -s -H "trakt-api-version: 2" -H "trakt-api-key: bench" -H "Authorization: Bearer bench" "$URL/sync/history?limit=1" -D - -o /dev/null \
    | grep -i 'x-pagination-item-count' || true
}

start
run "in memory"
stop
if [ "${STATE:-0}" = 1 ]; then
  start --state "$WORK/state.jsonl"
  run "--state"
  echo "journal: $(wc -l <"$WORK/state.jsonl") lines, $(du -h "$WORK/state.jsonl" | cut -f1)"
  stop
fi
