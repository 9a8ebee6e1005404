#!/usr/bin/env sh
# Builds traktql (release) and starts it. With no API configured it runs on the built-in
# v1 emulator. Arguments are passed on: ./run.sh -c 'activity since:1d | limit 5'
set -eu
cd "$(dirname "$0")"
scripts/install-deps.sh
swift build -c release --product traktql >&2
exec .build/release/traktql "$@"
