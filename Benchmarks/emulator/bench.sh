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
  swift build -c release --product trakt-emulator >/dev/null
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
for scale in default large; do
  start --scale "$scale"
  for path in \
    "/activity/seasons.json/KEY/the-walking-dead/1,2" \
    "/activity/community.json/KEY" \
    "/activity/community.json/KEY?min=1"; do
    bytes=$(curl -s "$URL$path" | wc -c)
    echo "### scale=$scale path=$path body_bytes=$bytes"
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$URL$path" | grep -E 'Requests/sec|Transfer/sec|Latency|requests in'
  done
  echo "peak_rss_mib_after_load=$(rss_mib "$PID")"
  stop
done
