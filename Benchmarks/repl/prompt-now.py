#!/usr/bin/env python3
"""Start → first prompt of the REPL, with and without `--now 2024-06-01T12:00:00Z`, for several
binaries in shuffled rounds (fresh HOME and XDG directories each run: no history).

    Benchmarks/repl/prompt-now.py RUNS NAME=BINARY [NAME=BINARY ...]
"""
import os, pty, select, sys, time, tempfile, shutil, statistics, random
runs = int(sys.argv[1]); bins = [a.split("=",1) for a in sys.argv[2:]]
def once(binary, args):
    home = tempfile.mkdtemp(prefix="tq-")
    env = dict(os.environ, TERM="xterm", HOME=home, XDG_CONFIG_HOME=home+"/c", XDG_STATE_HOME=home+"/s", XDG_DATA_HOME=home+"/d")
    env.pop("TRAKT_API_URL", None)
    start = time.monotonic(); pid, fd = pty.fork()
    if pid == 0: os.execve(binary, [binary] + args, env)
    buf = b""
    while b"traktql>" not in buf:
        r,_,_ = select.select([fd],[],[],0.05)
        if r: buf += os.read(fd, 65536)
    t = (time.monotonic()-start)*1000
    os.write(fd, b".quit\r"); os.waitpid(pid,0); os.close(fd); shutil.rmtree(home, ignore_errors=True)
    return t
res = {}
for _ in range(runs):
    order = [(n,b,a) for n,b in bins for a in (["--now","2024-06-01T12:00:00Z"], [])]
    random.shuffle(order)
    for n,b,a in order: res.setdefault((n, bool(a)), []).append(once(b,a))
for k,v in sorted(res.items()): print(k, "median %.1f" % statistics.median(v))
