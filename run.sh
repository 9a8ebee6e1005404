#!/usr/bin/env bash
# Builds traktql (release) and starts it. With no API configured it runs on the built-in
# v1 emulator. Arguments are passed on: ./run.sh -c 'activity since:1d | limit 5'
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
# Statically linked Swift runtime and Foundation: the command starts in ~half the time.
# The toolchain's static Foundation makes the linker warn about glibc's mktemp, which
# traktql never calls; that one line is dropped, everything else is shown.
set +e
swift build -c release --static-swift-stdlib --product traktql 2>&1 \
    | grep -v "warning: the use of \`mktemp' is dangerous" >&2
build=${PIPESTATUS[0]}
set -e
[ "$build" -eq 0 ] || exit "$build"
exec .build/release/traktql "$@"
