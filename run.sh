#!/usr/bin/env sh
# Builds traktql (release) and starts it. With no API configured it runs on the built-in
# v1 emulator. Arguments are passed on: ./run.sh -c 'activity since:1d | limit 5'
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh
# Statically linked Swift runtime and Foundation: the command starts in ~half the time.
swift build -c release --static-swift-stdlib --product traktql >&2
exec .build/release/traktql "$@"
