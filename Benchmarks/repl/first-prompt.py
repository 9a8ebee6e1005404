#!/usr/bin/env python3
"""Time from starting `traktql` on a pseudo-terminal to its first prompt, and to the first
query's result (which starts the embedded emulator: dataset generation + bind + one call).

    Benchmarks/repl/first-prompt.py [RUNS] [BINARY]
"""
import os, pty, select, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyread import read_until  # noqa: E402

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
binary = sys.argv[2] if len(sys.argv) > 2 else ".build/release/traktql"


prompts, results = [], []
for _ in range(runs):
    env = dict(os.environ, TERM="xterm", XDG_CONFIG_HOME="/tmp/traktql-bench-noconfig")
    env.pop("TRAKT_API_URL", None)
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "--now", "2024-06-01T12:00:00Z"], env)
    prompts.append(read_until(fd, b"traktql>", start))
    t0 = time.monotonic()
    os.write(fd, b"activity | limit 1\r")
    results.append(read_until(fd, b"(1 row)", start))
    os.write(fd, b".quit\r")
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)

def summary(name, xs):
    xs = sorted(x * 1000 for x in xs)
    print(f"{name}: min {xs[0]:.1f} ms, median {xs[len(xs)//2]:.1f} ms, max {xs[-1]:.1f} ms ({len(xs)} runs)")

summary("start -> first prompt", prompts)
summary("start -> first query result (emulator started on first use)", results)
print("load:", open("/proc/loadavg").read().split()[:3])
