#!/bin/sh
# Every API test over real HTTP against one server binary: the shell suites (curl), then the
# official SDKs and the OpenAPI validation (Node, dependencies from npm, installed here).
# Usage: tests/api/run.sh path/to/vpnlabd
set -eu
BIN=$(cd "$(dirname "${1:-bin/vpnlabd}")" && pwd)/$(basename "${1:-bin/vpnlabd}")
HERE=$(cd "$(dirname "$0")" && pwd)
for suite in "$HERE"/*.sh; do
	[ "$(basename "$suite")" = run.sh ] && continue
	sh "$suite" "$BIN"
done
cd "$HERE"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
VPNLABD="$BIN" node --test --test-reporter=spec *.test.js
