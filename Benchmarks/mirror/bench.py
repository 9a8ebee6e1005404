#!/usr/bin/env python3
"""Mirror queries against --api v2 (issue 26): whole process, median of paired runs.

Starts `trakt-emulator --scale large` (pinned clock, a token for justin, no rate limits; with
FAULTS set, `--faults FAULTS` too, e.g. FAULTS=latency:150ms as a stand-in for api.trakt.tv),
grows justin's history to about 54,000 plays (the issue's size) with `POST /sync/history` of
whole shows at seeded random times, builds the mirror with the real `traktql sync`, then runs
each query RUNS times as `traktql --mirror` and as `traktql --api v2` against that server,
alternating which goes first, and compares the outputs.

  Benchmarks/mirror/bench.sh                          # RUNS=5; SKIP_BUILD=1 reuses the builds
  FAULTS=latency:150ms RUNS=3 Benchmarks/mirror/bench.sh

Environment: RUNS (5), NOW (the emulator's clock), GROW_WRITES (130 writes of 3 whole shows:
56,595 plays for justin with the generator of 7 December 2026), SEED (5, of the writes' shows
and times), FAULTS, TRAKTQL and TRAKT_EMULATOR (the binaries; default .build/release/…),
MIRROR (the mirror file, rebuilt each run).
"""
import datetime, json, os, random, resource, shutil, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNS = int(os.environ.get("RUNS", "5"))
NOW = os.environ.get("NOW", "2025-06-01T12:00:00Z")
GROW_WRITES = int(os.environ.get("GROW_WRITES", "130"))
SEED = int(os.environ.get("SEED", "5"))
FAULTS = os.environ.get("FAULTS", "")
MIRROR = os.environ.get("MIRROR", "/tmp/traktql-bench-mirror/justin.sqlite")
TRAKTQL = os.environ.get("TRAKTQL", os.path.join(ROOT, ".build/release/traktql"))
EMULATOR = os.environ.get("TRAKT_EMULATOR", os.path.join(ROOT, ".build/release/trakt-emulator"))
CLIENT, TOKEN = "bench", "bench-token"


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
            "activity user:me action:seen,scrobble,checkin | stats count, hours(runtime) by title"),
           ("stats count, hours(runtime) by title (every activity, limit all)",
            "activity user:me | limit all | stats count, hours(runtime) by title")]
QUERIES += [("year-in-review #%d" % (i + 1), q) for i, q in enumerate(statements())]


def run(arguments, env=None, cpu=None):
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(arguments, capture_output=True, text=True, env=env)
    elapsed = (time.perf_counter() - started) * 1000
    spent = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append((spent.ru_utime - usage.ru_utime + spent.ru_stime - usage.ru_stime) * 1000)
    if done.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (done.returncode, " ".join(arguments), done.stderr))
    return elapsed, done.stdout


def grow(url):
    """Adds GROW_WRITES × 3 whole shows to justin's history, each write at one seeded random
    time within the two years before NOW (as a user who binges whole shows)."""
    headers = {"trakt-api-version": "2", "trakt-api-key": CLIENT, "Authorization": "Bearer " + TOKEN,
               "Content-Type": "application/json"}

    def call(method, path, body=None):
        request = urllib.request.Request(url + path, data=None if body is None else json.dumps(body).encode(),
                                         headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read() or b"null")

    catalog = call("GET", "/emulator/catalog.json")
    shows = [s["slug"] if isinstance(s, dict) else s for s in (catalog.get("shows") or [])]
    end = int(datetime.datetime.strptime(NOW, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    rng = random.Random(SEED)
    for _ in range(GROW_WRITES):
        picks = rng.sample(shows, 3)
        when = datetime.datetime.fromtimestamp(end - rng.randint(3600, 2 * 365 * 86400), datetime.timezone.utc)
        call("POST", "/sync/history", {"shows": [{"ids": {"slug": s}, "watched_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
                                                 for s in picks]})


def main():
    scratch = tempfile.mkdtemp(prefix="traktql-bench-")
    token_file = os.path.join(scratch, "token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    emulator_arguments = [EMULATOR, "--scale", "large", "--now", NOW, "--port", "0", "--client-id", CLIENT,
                          "--access-token-file", token_file, "--rate-limit", "0", "--write-rate-limit", "0"]
    if FAULTS:
        emulator_arguments += ["--faults", FAULTS]
    emulator = subprocess.Popen(emulator_arguments, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = emulator.stdout.readline().strip()
        started = time.perf_counter()
        grow(url)
        grown = time.perf_counter() - started
        # The mirror of this server's justin, by `traktql sync` (a fresh one: the writes above live
        # in this emulator's memory only).
        for suffix in ["", "-wal", "-shm"]:
            if os.path.exists(MIRROR + suffix):
                os.remove(MIRROR + suffix)
        os.makedirs(os.path.dirname(MIRROR), exist_ok=True)
        env = dict(os.environ, TRAKT_ACCESS_TOKEN=TOKEN, XDG_DATA_HOME=os.path.join(scratch, "data"))
        sync_seconds, sync_out = run([TRAKTQL, "sync", "--api-url", url, "--client-id", CLIENT, "--mirror-file", MIRROR], env=env)
        calls = sync_out.strip().splitlines()[-1]
        size = os.path.getsize(MIRROR)
        common = ["--now", NOW, "--tz", "UTC", "-q", "--format", "tsv", "-c", "let me = justin"]
        mirror = [TRAKTQL, "--mirror", "--mirror-file", MIRROR] + common
        v2 = [TRAKTQL, "--api-url", url, "--api", "v2", "--client-id", CLIENT, "--access-token", TOKEN,
              "--no-name-check"] + common + ["-c", "set max_pages = 1000"]
        plays = subprocess.run(mirror + ["-c", "activity user:me action:seen,scrobble,checkin | limit all | count"],
                               capture_output=True, text=True).stdout.split()[-1]
        print("emulator %s (--scale large --now %s%s); justin grown by %d writes of 3 shows (%.0f s); "
              "traktql sync: %s, %.1f s; mirror %s: %.1f MB, %s plays; %d paired runs; %s"
              % (url, NOW, " --faults " + FAULTS if FAULTS else "", GROW_WRITES, grown, calls, sync_seconds / 1000,
                 MIRROR, size / 1e6, plays, RUNS, time.strftime("%H:%M UTC", time.gmtime())))
        sys.stdout.flush()
        print("| query | mirror median (ms) | mirror CPU median (ms) | v2 median (ms) | mirror / v2 | same output |")
        print("|---|---|---|---|---|---|")
        for name, query in QUERIES:
            m, v, same, same_rows, moved = [], [], True, True, 0
            mirror_cpu = []
            for i in range(RUNS):
                pair = [(m, mirror), (v, v2)] if i % 2 == 0 else [(v, v2), (m, mirror)]
                outputs = {}
                for times, command in pair:
                    elapsed, out = run(command + ["-c", query], cpu=mirror_cpu if times is m else None)
                    times.append(elapsed)
                    outputs[id(times)] = out
                same = same and outputs[id(m)] == outputs[id(v)]
                # Plays in the same second may come in another order (docs/MIRROR.md): then the
                # rows are the same set, some in other places.
                mine, theirs = outputs[id(m)].splitlines(), outputs[id(v)].splitlines()
                same_rows = same_rows and sorted(mine) == sorted(theirs)
                moved = max(moved, sum(1 for a, b in zip(mine, theirs) if a != b))
            mm, vm = statistics.median(m), statistics.median(v)
            verdict = "yes" if same else "same rows, %d lines elsewhere" % moved if same_rows else "NO"
            print("| %s | %.0f (%.0f–%.0f) | %.0f | %.0f (%.0f–%.0f) | %.3f | %s |" % (
                name, mm, min(m), max(m), statistics.median(mirror_cpu), vm, min(v), max(v), mm / vm, verdict))
            sys.stdout.flush()
    finally:
        emulator.terminate()
        emulator.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
