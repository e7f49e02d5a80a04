#!/bin/sh
# Starts the vpnlab server with the embedded SQLite default and, when run as root, a local
# data-plane agent (roles cloud and site, every zone) that builds real tunnels in network
# namespaces.  Ctrl-C stops both; the agent removes the namespaces and charons it built.
# VPNLAB_LISTEN (127.0.0.1:8080), VPNLAB_DB (data/vpnlab.db), VPNLAB_ARGS (extra server
# options), VPNLAB_AGENT_LISTEN (127.0.0.1:8181), VPNLAB_AGENT_STATE (data/agent),
# VPNLAB_AGENT_ARGS (extra agent options), VPNLAB_NO_AGENT=1 (server only),
# VPNLAB_LOG (data/requests.log: the JSON request log; the terminal shows the console).
# The agent channel is always authenticated: the server keeps a random token in
# $VPNLAB_DB.agent-token (mode 0600, made at its first start) and the agent reads it from there
# (VPNLAB_AGENT_TOKEN_FILE names another file, e.g. with --agent-token-file in VPNLAB_ARGS).
set -eu
cd "$(dirname "$0")/.."
LISTEN=${VPNLAB_LISTEN:-127.0.0.1:8080}
DB=${VPNLAB_DB:-data/vpnlab.db}
AGENT_LISTEN=${VPNLAB_AGENT_LISTEN:-127.0.0.1:8181}
AGENT_STATE=${VPNLAB_AGENT_STATE:-data/agent}
TOKEN_FILE=${VPNLAB_AGENT_TOKEN_FILE:-$DB.agent-token}
LOG=${VPNLAB_LOG:-data/requests.log}
mkdir -p "$(dirname "$DB")" "$(dirname "$LOG")"
echo "vpnlab: server on http://$LISTEN, database $DB, JSON request log $LOG (Ctrl-C stops)"
if [ "$(id -u)" != 0 ] || [ "${VPNLAB_NO_AGENT:-0}" = 1 ]; then
	[ "$(id -u)" != 0 ] && echo "vpnlab: not root: no data-plane agent (tunnels stay ike_sa_not_established)"
	exec bin/vpnlabd --listen "$LISTEN" --db "$DB" --log "$LOG" ${VPNLAB_ARGS:-}
fi
bin/vpnlabd --listen "$LISTEN" --db "$DB" --log "$LOG" ${VPNLAB_ARGS:-} &
SERVER_PID=$!
AGENT_PID=
stop() {
	trap - INT TERM EXIT
	if [ -n "$AGENT_PID" ]; then
		kill -TERM "$AGENT_PID" 2>/dev/null || true
		wait "$AGENT_PID" 2>/dev/null || true
	fi
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
}
trap stop INT TERM EXIT
# the server writes the token file before it listens: wait for it (or for the server to fail)
i=0
while [ ! -s "$TOKEN_FILE" ]; do
	if ! kill -0 "$SERVER_PID" 2>/dev/null || [ $i -ge 150 ]; then
		echo "vpnlab: no agent token in $TOKEN_FILE (set VPNLAB_AGENT_TOKEN_FILE when the server keeps it elsewhere)"
		exit 1
	fi
	sleep 0.1 &
	wait $! || true
	i=$((i + 1))
done
mkdir -p "$AGENT_STATE"
echo "vpnlab: agent on http://$AGENT_LISTEN, state in $AGENT_STATE, token from $TOKEN_FILE"
bin/vpnlab-agent --server "http://$LISTEN" --listen "$AGENT_LISTEN" --state-dir "$AGENT_STATE" \
	--token-file "$TOKEN_FILE" ${VPNLAB_AGENT_ARGS:-} &
AGENT_PID=$!
# either one ending ends the lab; `wait` (not a foreground sleep) lets a signal run the trap at once
while kill -0 "$SERVER_PID" 2>/dev/null && kill -0 "$AGENT_PID" 2>/dev/null; do
	sleep 1 &
	wait $! || true
done
