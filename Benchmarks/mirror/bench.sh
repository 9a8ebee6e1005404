#!/usr/bin/env bash
# Mirror queries against --api v2 over a local trakt-emulator --scale large (issue 26).
# RUNS=5 paired runs per query by default; SKIP_BUILD=1 reuses the release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product traktql
    swift build -c release --product trakt-emulator
fi
exec python3 Benchmarks/mirror/bench.py
