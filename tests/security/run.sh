#!/bin/sh
# Every security suite (tests/security/*.sh but this one) against one server binary.
# Usage: tests/security/run.sh path/to/vpnlabd
set -eu
BIN=$(cd "$(dirname "${1:-bin/vpnlabd}")" && pwd)/$(basename "${1:-bin/vpnlabd}")
HERE=$(cd "$(dirname "$0")" && pwd)
for suite in "$HERE"/*.sh; do
	[ "$(basename "$suite")" = run.sh ] && continue
	sh "$suite" "$BIN"
done
