#!/usr/bin/env python3
"""Paired runs of two traktql binaries (before/after) and of curl | jq, alternating run by run,
so that both sides share the same minutes of this shared machine. Wall time per process, and CPU
(the child's user + system time, from wait4), median over the runs.

  Benchmarks/transport/compare.py BEFORE AFTER EMULATOR [RUNS]

BEFORE, AFTER: traktql binaries (release, --static-swift-stdlib, as run.sh builds them).
EMULATOR: a trakt-emulator binary; it serves the same dataset over http:// and over https://
(a throwaway openssl CA), both on 127.0.0.1.
"""
import os, shlex, statistics, subprocess, sys, tempfile, time

before, after, emulator = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 30
tmp = tempfile.mkdtemp()
children = []

def load():
    return open("/proc/loadavg").read().split()[:3]

def start(*extra):
    log = os.path.join(tmp, f"emulator-{len(children)}.log")
    out = open(log, "w")
    p = subprocess.Popen([emulator, "--port", "0", "--seed", "42", "--now", "2024-06-01T12:00:00Z", *extra],
                         stdout=out, stderr=subprocess.DEVNULL)
    children.append(p)
    for _ in range(400):
        text = open(log).read()
        if text.strip():
            return text.split()[0]
        time.sleep(0.05)
    raise SystemExit("emulator did not start")

def run(command):
    """Wall seconds and CPU seconds of one process (a shell only where the command needs one)."""
    argv = ["/bin/sh", "-c", command] if "|" in command else shlex.split(command)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {command}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime

def paired(title, commands, warmup=2):
    for name, command in commands:
        for _ in range(warmup):
            run(command)
    results = {name: ([], []) for name, _ in commands}
    for _ in range(runs):
        for name, command in commands:
            wall, cpu = run(command)
            results[name][0].append(wall)
            results[name][1].append(cpu)
    print(f"== {title} ({runs} runs each, alternating; load {' '.join(load())})")
    first = commands[0][0]
    for name, _ in commands:
        walls, cpus = results[name]
        line = (f"  {name:>10}: wall median {statistics.median(walls) * 1000:7.1f} ms (min {min(walls) * 1000:6.1f}), "
                f"CPU median {statistics.median(cpus) * 1000:6.1f} ms (min {min(cpus) * 1000:6.1f})")
        if name != first:
            w0, c0 = results[first]
            line += (f"  -> {statistics.median(walls) / statistics.median(w0):.2f}x wall, "
                     f"{statistics.median(cpus) / statistics.median(c0):.2f}x CPU of {first}")
        print(line, flush=True)

try:
    print(f"machine: {os.cpu_count()} cores, load {' '.join(load())}")
    for b in (before, after):
        print(f"  {b}: {os.path.getsize(b) / 1e6:.1f} MB")
    url = start()
    common = "--format ndjson --convention utc --tz UTC"
    query = f"--api-url {url} --api-key key {common} -c 'activity action:seen | select time, who, sxe'"
    jq = ("curl -s " + url + "/activity/community.json/key/all/seen | jq -c '.activity[] | "
          "{time: .timestamp, who: .user.username, season: .episode.season, episode: .episode.number}'")
    paired("one 100-item query over http:// (after against curl | jq)",
           [("curl|jq", jq), ("before", f"{before} {query}"), ("after", f"{after} {query}")])
    explain = "-q -c 'explain activity show:the-walking-dead season:1,2 actions:seen,rating since:7d'"
    paired("explain (no call)", [("before", f"{before} {explain}"), ("after", f"{after} {explain}")])

    ca = os.path.join(tmp, "ca.pem")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subprocess.run(["openssl", "req", "-x509", *ec, "-keyout", f"{tmp}/ca.key", "-out", ca, "-days", "2", "-subj", "/CN=bench ca"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "req", *ec, "-keyout", f"{tmp}/server.key", "-out", f"{tmp}/server.csr", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    open(f"{tmp}/ext", "w").write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "x509", "-req", "-in", f"{tmp}/server.csr", "-CA", ca, "-CAkey", f"{tmp}/ca.key", "-CAcreateserial",
                    "-out", f"{tmp}/server.pem", "-days", "2", "-extfile", f"{tmp}/ext"], check=True, capture_output=True)
    surl = start("--tls-cert", f"{tmp}/server.pem", "--tls-key", f"{tmp}/server.key")
    squery = f"--api-url {surl} --cacert {ca} --api-key key {common} -c 'activity action:seen | limit 1 | select time'"
    scurl = f"curl -s --cacert {ca} {surl}/activity/community.json/key/all/seen"
    paired("one https:// call per process, private CA (--cacert)",
           [("curl", scurl), ("before", f"{before} {squery}"), ("after", f"{after} {squery}")])

    history = "--api v2 --tz UTC -q -c 'activity user:justin actions:seen,scrobble,checkin | limit all | count'"
    paired("justin's full v2 history, built-in emulator (28 calls)",
           [("before", f"{before} {history}"), ("after", f"{after} {history}")], warmup=1)
finally:
    for p in children:
        p.terminate()
