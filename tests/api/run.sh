#!/bin/sh
# Every API test over real HTTP against one server binary: the shell suites (curl), then the
# official SDKs and the OpenAPI validation (Node, dependencies from npm, installed here).
# Usage: tests/api/run.sh path/to/vpnlabd
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../suites.sh"
BIN=$(abs_path "${1:-bin/vpnlabd}")
run_shell_suites "$HERE" "$BIN"
cd "$HERE"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
VPNLABD="$BIN" node --test --test-reporter=spec *.test.js
