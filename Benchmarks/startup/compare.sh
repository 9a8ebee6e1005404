#!/usr/bin/env bash
# Two traktql binaries side by side, in one run, against the same emulators: the user-visible
# figures of BENCHMARKS.md, "Transport" (issue 13: each before and after in the same run).
#   Benchmarks/startup/compare.sh BEFORE/traktql AFTER/traktql EMULATOR [RUNS]
# Both binaries release builds with --static-swift-stdlib, as run.sh builds them. hyperfine
# measures "before" and "after" in one invocation (same minutes, same load). When AFTER speaks
# TLS, the same 100-item query is also timed over https:// (a throwaway openssl CA).
set -euo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=$2 emulator_bin=$3 runs=${4:-30}
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 1; }
load() { echo "load $(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "machine: $(nproc) cores, $(load), $(uname -r)"
ls -l "$before" "$after" | awk '{print $5, $9}'
dir=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
# Sets `started` to the URL. Not called in $(…): the pid must reach this shell's `pids` for the trap.
start_emulator() {  # LOG ARGS...
    local log=$1; shift
    "$emulator_bin" --port 0 --seed 42 --now 2024-06-01T12:00:00Z "$@" >"$log" 2>/dev/null &
    pids+=($!)
    for _ in $(seq 200); do [[ -s "$log" ]] && break; sleep 0.05; done
    started=$(head -1 "$log")
}
start_emulator "$dir/plain.log"
url=$started
explain="-q -c 'explain activity show:the-walking-dead season:1,2 actions:seen,rating since:7d'"
query="--api-url $url --api-key key --format ndjson --convention utc --tz UTC -c 'activity action:seen | select time, who, sxe'"
paging="--api-url $url --api-key key --format ndjson -c 'activity | limit 10000'"
echo "== start-up: explain (no call), $(load)"
hyperfine -N --warmup 5 --runs "$runs" -n before "$before $explain" -n after "$after $explain" -n /bin/true /bin/true
echo "== one 100-item query over http://, $(load)"
hyperfine -N --warmup 3 --runs "$runs" -n before "$before $query" -n after "$after $query"
echo "== 10,000 activities through paging (100 calls), $(load)"
hyperfine -N --warmup 1 --runs 10 -n before "$before $paging" -n after "$after $paging"
echo "== REPL first prompt / first result, $(load)"
for b in "$before" "$after"; do echo "$b"; python3 Benchmarks/repl/first-prompt.py 10 "$b"; done

if command -v openssl >/dev/null; then
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 2 -subj "/CN=bench ca" 2>/dev/null
    openssl req "${ec[@]}" -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
        -out "$dir/server.pem" -days 2 -extfile "$dir/ext" 2>/dev/null
    start_emulator "$dir/tls.log" --tls-cert "$dir/server.pem" --tls-key "$dir/server.key"
    surl=$started
    squery="--api-url $surl --cacert $dir/ca.pem --api-key key --format ndjson --convention utc --tz UTC -c 'activity action:seen | select time, who, sxe'"
    spaging="--api-url $surl --cacert $dir/ca.pem --api-key key --format ndjson -c 'activity | limit 10000'"
    echo "== after only: the same query over http:// and https://, $(load)"
    hyperfine -N --warmup 3 --runs "$runs" -n http "$after $query" -n https "$after $squery"
    echo "== after only: paging over https://, $(load)"
    hyperfine -N --warmup 1 --runs 10 -n https "$after $spaging"
fi
