#!/bin/sh
# End-to-end lab tests: real namespaces, real charons, through the public API.  Needs root.
# Usage: tests/lab/run.sh path/to/vpnlabd path/to/vpnlab-agent
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../suites.sh"
SERVER=$(abs_path "$1")
AGENT=$(abs_path "$2")
if [ "$(id -u)" != 0 ]; then
	echo "lab: not root: the end-to-end lab tests (namespaces, charon) are skipped"
	exit 0
fi
# the Node dependencies (pop-core) live with the API tests
if [ ! -d "$HERE/../api/node_modules" ]; then
	(cd "$HERE/../api" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$HERE"
# one file at a time: each builds a whole lab and the machine has two cores
VPNLABD="$SERVER" VPNLAB_AGENT="$AGENT" node --test --test-concurrency=1 --test-reporter=spec *.test.js
