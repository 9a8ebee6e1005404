#!/usr/bin/env bash
# Process-level figures of BENCHMARKS.md's Engine section, in one run:
#   - process start → `explain` printed, and `--help` (no engine at all);
#   - one 100-item query against a local emulator, against `curl | jq` doing the same;
#   - 10,000 activities through paging (100 calls).
# Builds the release binaries (statically linked Swift runtime, as ./run.sh does) unless
# SKIP_BUILD=1; needs hyperfine, curl and jq. Usage: Benchmarks/startup/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-40}
flags=(-c release --static-swift-stdlib)
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    swift build "${flags[@]}" --product traktql 2>&1 | grep -E "error:|Compiling|Build complete" | tail -1
    swift build "${flags[@]}" --product trakt-emulator 2>&1 | grep -E "error:|Build complete" | tail -1
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
T="$bin/traktql"
for tool in hyperfine curl jq; do command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }; done

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo "== start-up"
# /bin/true is the reference: the cost of any exec on this machine at this moment (the
# shared VM's speed drifts by tens of percent within minutes).
hyperfine -N --warmup 5 --runs "$runs" \
    "$T -q -c 'explain activity show:the-walking-dead season:1,2 actions:seen,rating since:7d'" \
    "$T --help" \
    "/bin/true"

log=$(mktemp)
"$bin/trakt-emulator" --port 0 --seed 42 --now 2024-06-01T12:00:00Z >"$log" 2>/dev/null &
emulator=$!
trap 'kill $emulator 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do [[ -s "$log" ]] && break; sleep 0.05; done
url=$(head -1 "$log")
echo "== one 100-item query against $url (traktql vs curl | jq)"
query='activity action:seen | select time, who, sxe'
jqprogram='.activity[] | {time: .timestamp, who: .user.username, season: .episode.season, episode: .episode.number}'
hyperfine -N --warmup 3 --runs "$runs" \
    "$T --api-url $url --api-key key --format ndjson --convention utc --tz UTC -c '$query'"
# curl | jq needs a shell for the pipe; hyperfine subtracts the shell's own start-up.
hyperfine --warmup 3 --runs "$runs" \
    "curl -s $url/activity/community.json/key/all/seen | jq -c '$jqprogram'"
echo "== 10,000 activities through paging (100 calls)"
hyperfine -N --warmup 1 --runs 10 \
    "$T --api-url $url --api-key key --format ndjson -c 'activity | limit 10000'"
