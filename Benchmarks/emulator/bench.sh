#!/usr/bin/env bash
# Emulator benchmarks (release build): dataset generation time and peak RSS at each scale, then
# wrk throughput for 100-item pages. Loopback only. Usage: Benchmarks/emulator/bench.sh
# Environment: DURATION (wrk seconds, default 10), CONNECTIONS (default 16), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
NOW=2025-06-01T12:00:00Z
BIN=.build/release/trakt-emulator

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  swift build -c release --static-swift-stdlib --product trakt-emulator >/dev/null
fi

echo "machine: $(nproc) cores, $(uname -sr), $(swift --version 2>/dev/null | head -1)"

PID=""
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# Starts the emulator with "$@", waits for its URL line, sets URL and PID.
start() {
  local out err
  out=$(mktemp); err=$(mktemp)
  "$BIN" --now "$NOW" "$@" >"$out" 2>"$err" &
  PID=$!
  for _ in $(seq 1 600); do
    if [ -s "$out" ]; then break; fi
    sleep 0.05
  done
  URL=$(head -1 "$out")
  GEN=$(grep -o 'generated in [0-9]* ms' "$err" | grep -o '[0-9]*' || true)
}

stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

rss_mib() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

echo
echo "## generation (wall ms, as reported by the server) and peak RSS after start"
for scale in small default large huge; do
  t0=$(date +%s%N)
  start --scale "$scale"
  t1=$(date +%s%N)
  echo "scale=$scale generate_ms=$GEN start_to_url_ms=$(( (t1 - t0) / 1000000 )) peak_rss_mib=$(rss_mib "$PID")"
  stop
done

echo
echo "## throughput: wrk -t1 -c$CONNECTIONS -d${DURATION}s"
V2H=(-H "trakt-api-version: 2" -H "trakt-api-key: bench")
# bench PATH [wrk/curl header args...]
bench() {
  local path=$1; shift
  bytes=$(curl -s "$@" "$URL$path" | wc -c)
  echo "### scale=$scale path=$path body_bytes=$bytes"
  c0=$(cpu_ticks "$PID")
  out=$( { /usr/bin/time -f "wrk_cpu_s=%U %S" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$@" "$URL$path"; } 2>&1)
  c1=$(cpu_ticks "$PID")
  wrk_s=$(echo "$out" | awk '/wrk_cpu_s=/ { split($1, a, "="); print a[2] + $2 }')
  echo "$out" | grep -E 'Requests/sec|Transfer/sec|Latency|requests in|Non-2xx'
  n=$(echo "$out" | awk '/requests in/ { print $1 }')
  # Server CPU per request: robust to other load on the machine; 2 cores / this = capacity.
  # Throughput on a shared machine swings with other load; CPU per request does not (much).
  # Capacity on 2 otherwise idle cores ~ 2 s / (server + wrk CPU per request).
  awk -v t="$((c1 - c0))" -v hz="$TICK" -v n="$n" -v w="$wrk_s" 'BEGIN {
    us = t * 1e6 / hz / n; wus = w * 1e6 / n
    printf "cpu_us_per_request: server=%.0f wrk=%.0f  -> 2-core capacity ~%.0f req/s\n", us, wus, 2e6 / (us + wus) }'
}
for scale in default large; do
  # v2 needs the rate limit off (default 1000/300s) and a token for /sync.
  start --scale "$scale" --rate-limit 0 --access-token bench
  bench "/activity/seasons.json/KEY/the-walking-dead/1,2"
  bench "/activity/community.json/KEY"
  bench "/activity/community.json/KEY?min=1"
  # v2: 100-item history pages (default limit), minimal and extended=full, and /sync/history.
  bench "/users/justin/history" "${V2H[@]}"
  bench "/users/justin/history?extended=full" "${V2H[@]}"
  bench "/sync/history?page=2" "${V2H[@]}" -H "Authorization: Bearer bench"
  bench "/users/justin/watchlist" "${V2H[@]}"
  echo "peak_rss_mib_after_load=$(rss_mib "$PID")"
  stop
done
