#!/usr/bin/env python3
"""Two traktql binaries over one mirror, in paired runs: bench.py's queries, whole process.

    python3 Benchmarks/mirror/paired.py RUNS BEFORE_BINARY AFTER_BINARY [MIRROR]

MIRROR defaults to the file Benchmarks/mirror/bench.sh leaves (/tmp/traktql-bench-mirror/
justin.sqlite; run that first). Each round runs both binaries on a query, alternating which goes
first; prints the median wall time and the child's CPU (getrusage) of each, and whether their
outputs were identical. Wall times on this VM drift with the host; compare within one run.
"""
import importlib.util, os, resource, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench", os.path.join(HERE, "bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

runs, before, after = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mirror = sys.argv[4] if len(sys.argv) > 4 else bench.MIRROR
common = ["--mirror", "--mirror-file", mirror, "--now", bench.NOW, "--tz", "UTC", "-q", "--format", "tsv",
          "-c", "let me = justin"]


def run(binary, query):
    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([binary] + common + ["-c", query], capture_output=True, text=True)
    spent = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = spent.ru_utime - usage.ru_utime + spent.ru_stime - usage.ru_stime
    if done.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (done.returncode, binary, done.stderr))
    return (time.perf_counter() - started) * 1000, cpu * 1000, done.stdout


print("load %s, %d paired runs, %s" % (" ".join("%.2f" % x for x in os.getloadavg()), runs, mirror))
print("| query | before wall (CPU) ms | after wall (CPU) ms | output |")
print("|---|---|---|---|")
for name, query in bench.QUERIES:
    wall = {before: [], after: []}
    cpu = {before: [], after: []}
    outputs = {}
    for i in range(runs):
        for binary in ([before, after] if i % 2 == 0 else [after, before]):
            w, c, out = run(binary, query)
            wall[binary].append(w)
            cpu[binary].append(c)
            outputs[binary] = out
    print("| %s | %.1f (%.1f) | %.1f (%.1f) | %s |" % (
        name, statistics.median(wall[before]), statistics.median(cpu[before]),
        statistics.median(wall[after]), statistics.median(cpu[after]),
        "identical" if outputs[before] == outputs[after] else "DIFFERENT"))
    sys.stdout.flush()
