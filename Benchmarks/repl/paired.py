#!/usr/bin/env python3
"""The REPL's first prompt and first result for several binaries, in paired rounds.

    Benchmarks/repl/paired.py [RUNS] NAME=BINARY [NAME=BINARY ...]

Each round starts every binary once, in a shuffled order, on a pseudo-terminal (as
first-prompt.py does: `--now 2024-06-01T12:00:00Z`, no configuration, the built-in emulator;
and, as a new user, no history: HOME and the XDG directories are a fresh empty directory each run,
because the history file grows by a line each run and loading it is part of the first prompt),
waits for the first prompt, types `activity | limit 1` and waits for its "(1 row)". Prints,
per binary, the median and quartiles of: start → first prompt, start → first result (wall,
what the issue's targets are), and the process's CPU (user + system, from wait4) for the
whole session; and the median of the per-round differences against the first binary.
"""
import os, pty, random, select, shutil, statistics, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyread import read_until  # noqa: E402

runs = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20
binaries = [a.split("=", 1) for a in sys.argv[1:] if "=" in a]


def once(binary):
    home = tempfile.mkdtemp(prefix="traktql-repl-bench-")
    env = dict(os.environ, TERM="xterm", HOME=home, XDG_CONFIG_HOME=home + "/config", XDG_STATE_HOME=home + "/state",
               XDG_DATA_HOME=home + "/data")
    for key in ("TRAKT_API_URL", "TRAKT_API_KEY", "TRAKT_CLIENT_ID"):
        env.pop(key, None)
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "--now", "2024-06-01T12:00:00Z"], env)
    prompt = read_until(fd, b"traktql>", start) * 1000
    os.write(fd, b"activity | limit 1\r")
    result = read_until(fd, b"(1 row)", start) * 1000
    os.write(fd, b".quit\r")
    _, _, usage = os.wait4(pid, 0)
    os.close(fd)
    shutil.rmtree(home, ignore_errors=True)
    return prompt, result, (usage.ru_utime + usage.ru_stime) * 1000

for _, binary in binaries:  # warm-up: page cache
    once(binary)
data = {name: {"prompt": [], "result": [], "cpu": []} for name, _ in binaries}
loads = [open("/proc/loadavg").read().split()[0]]
for _ in range(runs):
    order = binaries[:]
    random.shuffle(order)
    for name, binary in order:
        p, r, c = once(binary)
        data[name]["prompt"].append(p)
        data[name]["result"].append(r)
        data[name]["cpu"].append(c)
loads.append(open("/proc/loadavg").read().split()[0])

def q(xs):
    qs = statistics.quantiles(xs, n=4)
    return f"{statistics.median(xs):6.1f} ({qs[0]:.1f}–{qs[2]:.1f})"

print(f"load {loads[0]} → {loads[1]}, {runs} rounds; ms, median (IQR)")
print(f"{'binary':12} {'first prompt':22} {'first result':22} {'CPU of the session':22}")
base = binaries[0][0]
for name, _ in binaries:
    d = data[name]
    print(f"{name:12} {q(d['prompt']):22} {q(d['result']):22} {q(d['cpu']):22}")
for name, _ in binaries[1:]:
    diffs = {k: statistics.median([a - b for a, b in zip(data[name][k], data[base][k])]) for k in ("prompt", "result", "cpu")}
    print(f"{name} − {base}, median of paired differences: prompt {diffs['prompt']:+.1f}, result {diffs['result']:+.1f}, CPU {diffs['cpu']:+.1f}")
