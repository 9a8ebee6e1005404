#!/usr/bin/env sh
# Builds everything and runs the whole test suite (unit, golden, emulator over loopback,
# end-to-end on the built binaries, terminal tests under tmux).
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
