#!/usr/bin/env python3
"""Mirror queries against --api v2 (issue 26): whole process, median of paired runs.

Over a mirror of the large dataset's busiest user (justin, about 54,000 plays) and a local
`trakt-emulator --scale large` with the same seed and clock, each query runs RUNS times as
`traktql --mirror` and as `traktql --api v2`, alternating, and the outputs are compared.

  Benchmarks/mirror/bench.sh            # RUNS=5; SKIP_BUILD=1 reuses the release build

The mirror is written by the test-only filler (Tests/TraktQLMirrorTests/Query/TestMirrorFiller.swift,
through MirrorFixtureFile) until `traktql sync` exists; then `traktql sync` should write it.
"""
import os, re, shutil, statistics, subprocess, sys, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNS = int(os.environ.get("RUNS", "5"))
NOW = os.environ.get("NOW", "2025-06-01T12:00:00Z")
MIRROR = os.environ.get("MIRROR", "/tmp/traktql-bench-mirror/justin.sqlite")
BIN = os.path.join(ROOT, ".build/release")


def statements():
    """The statements of Examples/year-in-review.tql (its `let` kept in front of each)."""
    text = open(os.path.join(ROOT, "Examples/year-in-review.tql")).read()
    out, current = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("activity"):
            current = [stripped]
            out.append(current)
        elif stripped.startswith("|") and current:
            current.append(stripped)
        else:
            current = []
    return [" ".join(parts) for parts in out]


QUERIES = [("stats count, hours(runtime) by title (every play)",
            "activity user:me action:seen,scrobble,checkin | stats count, hours(runtime) by title")]
QUERIES += [("year-in-review #%d" % (i + 1), q) for i, q in enumerate(statements())]


def run(arguments, env=None):
    started = time.perf_counter()
    done = subprocess.run(arguments, capture_output=True, text=True, env=env)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (done.returncode, " ".join(arguments), done.stderr))
    return elapsed, done.stdout


def main():
    emulator = subprocess.Popen([os.path.join(BIN, "trakt-emulator"), "--scale", "large", "--now", NOW, "--port", "0",
                                 "--client-id", "bench", "--access-token", "bench-token", "--rate-limit", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = emulator.stdout.readline().strip()
        if not os.path.exists(MIRROR):
            # The mirror of the same server's justin, read through its v2 routes (extended=full).
            os.makedirs(os.path.dirname(MIRROR), exist_ok=True)
            env = dict(os.environ, TRAKTQL_MIRROR_FIXTURE=MIRROR, TRAKTQL_MIRROR_SCALE="small", TRAKTQL_MIRROR_NOW=NOW,
                       TRAKTQL_MIRROR_SERVER=url, TRAKTQL_MIRROR_URL=url)
            subprocess.run(["swift", "test", "--filter", "MirrorFixtureFile"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        size = os.path.getsize(MIRROR)
        common = ["--now", NOW, "--tz", "UTC", "-q", "--format", "tsv", "-c", "let me = justin"]
        mirror = [os.path.join(BIN, "traktql"), "--mirror", "--mirror-file", MIRROR] + common
        v2 = [os.path.join(BIN, "traktql"), "--api-url", url, "--api", "v2", "--client-id", "bench", "--access-token", "bench-token",
              "--no-name-check"] + common + ["-c", "set max_pages = 1000"]
        plays = subprocess.run(mirror + ["-c", "activity user:me action:seen,scrobble,checkin | count"], capture_output=True,
                               text=True).stdout.split()[-1]
        print("mirror %s: %.1f MB, %s plays; emulator %s; %d paired runs; %s" % (MIRROR, size / 1e6, plays, url, RUNS,
                                                                                   time.strftime("%H:%M UTC", time.gmtime())))
        print("| query | mirror median (ms) | v2 median (ms) | mirror / v2 | same output |")
        print("|---|---|---|---|---|")
        for name, query in QUERIES:
            m, v, same = [], [], True
            for i in range(RUNS):
                pair = [(m, mirror), (v, v2)] if i % 2 == 0 else [(v, v2), (m, mirror)]
                outputs = {}
                for times, command in pair:
                    elapsed, out = run(command + ["-c", query])
                    times.append(elapsed)
                    outputs[id(times)] = out
                same = same and outputs[id(m)] == outputs[id(v)]
            mm, vm = statistics.median(m), statistics.median(v)
            print("| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | %.3f | %s |" % (name, mm, min(m), max(m), vm, min(v), max(v), mm / vm,
                                                                               "yes" if same else "NO"))
            sys.stdout.flush()
    finally:
        emulator.terminate()
        emulator.wait()


if __name__ == "__main__":
    main()
