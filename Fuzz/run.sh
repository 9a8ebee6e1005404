#!/usr/bin/env bash
# Runs the fuzzer over the committed corpus for SECONDS (default 60), then reports.
# New interesting inputs go to .build/fuzz/corpus (not committed); crashes to .build/fuzz/.
# Usage: Fuzz/run.sh [seconds] [extra libFuzzer flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
bin=.build/fuzz/fuzz-traktql
[ -x "$bin" ] && [ -z "$(find Sources/TraktQL Sources/TraktProtocol Fuzz/FuzzEntry.swift -newer "$bin" -name '*.swift' | head -1)" ] || Fuzz/build.sh "$bin" >/dev/null
mkdir -p .build/fuzz/corpus
SWIFT_BACKTRACE=enable=no "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix=.build/fuzz/ "$@" .build/fuzz/corpus Fuzz/corpus
