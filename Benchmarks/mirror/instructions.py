#!/usr/bin/env python3
"""Instructions each traktql binary executes for bench.py's mirror queries (valgrind callgrind).

    python3 Benchmarks/mirror/instructions.py BINARY [BINARY ...] [--mirror FILE]

Wall and CPU times on this VM drift with the host by up to 1.8x within minutes; the count of
instructions a process executes does not (the same binary, file and query give the same count
to a few thousand). It does not count the kernel (page faults, reads), so it complements
paired.py rather than replacing it. Each binary is copied without its debug info first
(`strip --strip-debug`): valgrind 3.19 gives up on the static binary's DWARF.

The mirror is the file Benchmarks/mirror/bench.sh leaves (run that first). Needs valgrind
(`apt-get install -y valgrind`).
"""
import importlib.util, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench", os.path.join(HERE, "bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

args = sys.argv[1:]
mirror = bench.MIRROR
if "--mirror" in args:
    at = args.index("--mirror")
    mirror = args[at + 1]
    del args[at:at + 2]
if not args:
    sys.exit(__doc__)
for tool in ("valgrind", "strip"):
    if shutil.which(tool) is None:
        sys.exit("needs %s" % tool)
if not os.path.exists(mirror):
    sys.exit("no mirror at %s: run Benchmarks/mirror/bench.sh first" % mirror)

scratch = tempfile.mkdtemp(prefix="traktql-instructions-")
binaries = []
for n, path in enumerate(args):
    copy = os.path.join(scratch, "traktql-%d" % n)
    subprocess.run(["strip", "--strip-debug", "-o", copy, path], check=True)
    binaries.append(copy)


def instructions(binary, query):
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary, "--mirror",
                           "--mirror-file", mirror, "--now", bench.NOW, "--tz", "UTC", "-q", "--format", "tsv",
                           "-c", "let me = justin", "-c", query], capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        sys.exit("callgrind failed for %s:\n%s" % (binary, done.stderr[-2000:]))
    return int(found.group(1))


print("millions of instructions (ratio to the first binary); %s" % mirror)
print("| query | " + " | ".join(args) + " |")
print("|---|" + "---|" * len(args))
for name, query in bench.QUERIES:
    counts = [instructions(b, query) for b in binaries]
    print("| %s | %s |" % (name, " | ".join("%.0f (%.2f)" % (c / 1e6, c / counts[0]) for c in counts)))
shutil.rmtree(scratch)
