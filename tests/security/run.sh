#!/bin/sh
# Every security suite (tests/security/*.sh but this one) against one server binary.
# Usage: tests/security/run.sh path/to/vpnlabd
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../suites.sh"
BIN=$(abs_path "${1:-bin/vpnlabd}")
run_shell_suites "$HERE" "$BIN"
