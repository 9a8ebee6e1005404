#!/usr/bin/env bash
# Mirror queries against --api v2 over a local trakt-emulator --scale large (issue 26): the
# mirror is built by `traktql sync` of justin grown to about 54,000 plays (see bench.py).
# RUNS=5 paired runs per query by default; SKIP_BUILD=1 reuses the release builds;
# FAULTS=latency:150ms passes --faults to the emulator (a stand-in for api.trakt.tv's latency);
# TRAKTQL / TRAKT_EMULATOR name other binaries.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product traktql
    swift build -c release --product trakt-emulator
fi
exec python3 Benchmarks/mirror/bench.py
