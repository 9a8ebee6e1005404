#!/usr/bin/env python3
"""Start-up CPU of traktql binaries against `jq -n 1`, in paired runs (issue 23's targets).

    Benchmarks/startup/paired.py [RUNS] NAME=BINARY [NAME=BINARY ...]

Each round runs every command once, in a shuffled order, so that all of them meet the same
load; a command's CPU is its user + system time from wait4's rusage (wall times on this VM carry
~15 ms of scheduling noise per process, CPU far less). Prints, per command, the median and
quartiles of CPU and wall, and the median of the per-round ratio CPU(command) / CPU(jq -n 1).
The commands: `BINARY --help`, and `BINARY -q -c 'explain …'` (no call, no emulator).
"""
import os, random, statistics, subprocess, sys, time

runs = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 40
binaries = [a.split("=", 1) for a in sys.argv[1:] if "=" in a]
explain = "explain activity show:the-walking-dead season:1,2 actions:seen,rating since:7d"
commands = [("jq -n 1", ["jq", "-n", "1"])]
for name, path in binaries:
    commands.append((f"{name} --help", [path, "--help"]))
    commands.append((f"{name} explain", [path, "-q", "-c", explain]))
env = dict(os.environ, XDG_CONFIG_HOME="/nonexistent", NO_COLOR="1")
for key in ("TRAKT_API_URL", "TRAKT_API_KEY", "TRAKT_CLIENT_ID"):
    env.pop(key, None)

def once(argv):
    start = time.monotonic()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        raise SystemExit(f"{argv} exited {status}")
    return (usage.ru_utime + usage.ru_stime) * 1000, wall * 1000

for _, argv in commands:  # warm-up: page cache, binary mapped once
    for _ in range(3):
        once(argv)
cpu = {name: [] for name, _ in commands}
wall = {name: [] for name, _ in commands}
ratio = {name: [] for name, _ in commands}
for _ in range(runs):
    order = commands[:]
    random.shuffle(order)
    round_cpu = {}
    for name, argv in order:
        c, w = once(argv)
        cpu[name].append(c)
        wall[name].append(w)
        round_cpu[name] = c
    for name in round_cpu:
        ratio[name].append(round_cpu[name] / max(round_cpu["jq -n 1"], 0.001))

def quartiles(xs):
    q = statistics.quantiles(xs, n=4)
    return f"{statistics.median(xs):6.2f} ({q[0]:.2f}–{q[2]:.2f})"

print(f"load {open('/proc/loadavg').read().split()[:3]}, {runs} rounds")
print(f"{'command':28} {'CPU ms median (IQR)':24} {'wall ms median (IQR)':24} CPU / jq -n 1 (median of rounds)")
for name, _ in commands:
    print(f"{name:28} {quartiles(cpu[name]):24} {quartiles(wall[name]):24} {statistics.median(ratio[name]):.2f}")
