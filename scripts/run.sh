#!/bin/sh
# Starts the vpnlab server in the foreground with the embedded SQLite default.
# VPNLAB_LISTEN (127.0.0.1:8080), VPNLAB_DB (data/vpnlab.db), VPNLAB_ARGS (extra options).
# The data-plane agent is not part of this release yet (issue 5); when it lands, this script
# starts it too where root allows.
set -eu
cd "$(dirname "$0")/.."
LISTEN=${VPNLAB_LISTEN:-127.0.0.1:8080}
DB=${VPNLAB_DB:-data/vpnlab.db}
mkdir -p "$(dirname "$DB")"
echo "vpnlab: server on http://$LISTEN, database $DB (Ctrl-C stops)"
exec bin/vpnlabd --listen "$LISTEN" --db "$DB" ${VPNLAB_ARGS:-}
