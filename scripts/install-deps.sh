#!/usr/bin/env sh
# Installs the system packages the build needs (Debian/Ubuntu), only when missing:
# libedit-dev and pkg-config (the REPL's line editor), libcurl4-openssl-dev (the HTTP client:
# its headers to build, libcurl4 to run; traktql loads libcurl on its first call), libsqlite3-dev
# (the local mirror's store, through GRDB), tmux (the
# terminal tests), openssl (the TLS tests make throwaway certificate authorities with it),
# script and flock (terminal and history-locking tests),
# strace and python3 (tests: the built-in default opens no socket; an outside Python client),
# and a venv with pytrakt from PyPI (the outside client library that writes to the emulator).
set -eu
PYVENV=/opt/traktql-pyvenv
pytrakt() {
  # pytrakt 4.4.6 (PyPI) in its own venv: Tests/EndToEndTests/OutsideClientWriteTests.
  [ -x "$PYVENV/bin/python" ] && "$PYVENV/bin/python" -c 'import trakt.sync' 2>/dev/null && return 0
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  /usr/bin/python3 -c 'import ensurepip' 2>/dev/null || {
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  }
  echo "installing: pytrakt 4.4.6 into $PYVENV (pip)" >&2
  $SUDO /usr/bin/python3 -m venv "$PYVENV"
  $SUDO "$PYVENV/bin/pip" install -q --disable-pip-version-check pytrakt==4.4.6
}
missing=""
pkg-config --exists libedit 2>/dev/null || missing="$missing libedit-dev pkg-config"
pkg-config --exists libcurl 2>/dev/null || missing="$missing libcurl4-openssl-dev"
pkg-config --exists sqlite3 2>/dev/null || missing="$missing libsqlite3-dev"
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v script >/dev/null 2>&1 || missing="$missing bsdutils"
command -v flock >/dev/null 2>&1 || missing="$missing util-linux"
[ -x /usr/bin/strace ] || missing="$missing strace"
[ -x /usr/bin/python3 ] || missing="$missing python3"
if [ -z "$missing" ]; then
  pytrakt || echo "install-deps: pytrakt could not be installed (no PyPI here?); OutsideClientWriteTests will report a skip" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing:$missing (apt-get)" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
pytrakt || echo "install-deps: pytrakt could not be installed (no PyPI here?); OutsideClientWriteTests will report a skip" >&2
