#!/usr/bin/env sh
# Builds everything and runs the whole test suite (unit, golden, emulator over loopback,
# end-to-end on the built binaries, terminal tests under tmux).
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh
swift build --build-tests
# One test at a time: on two cores, suites that spawn hundreds of processes or serve TLS
# starve the ones that measure time when they all run at once.
swift test --skip-build --no-parallel
