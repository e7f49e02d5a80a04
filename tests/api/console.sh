#!/bin/sh
# The server's console (stderr, what `make run` shows) and its JSON request log (--log):
# by default one line per API action a user makes, agents coming and going, tunnels up and
# down with the reason, failovers, and no line for the agent protocol's status reports (one
# every 5 s per agent); --log FILE gets one JSON line per request, status reports included;
# --console verbose shows the agent protocol too, --console quiet none of it.  The agent is
# faked with curl, as tests/api/agents.sh does.
# Usage: tests/api/console.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

# the agent protocol needs the token the server keeps beside its database ($DB)
agent_token() { echo "X-Vpnlab-Agent-Token: $(cat "$DB.agent-token")"; }
post() {
	case $1 in
	/v1/agents*) t_req POST "$B$1" -H "$J" -H "$(agent_token)" -d "$2" ;;
	*) t_req POST "$B$1" -H "$J" -d "$2" ;;
	esac
}
# report TUNNELS LOGS: one status report of the fake agent
report() { post "/v1/agents/$AGENT/status" "{\"AppliedGeneration\":0,\"Tunnels\":[$1],\"Logs\":[$2]}"; }
tunnel() { # tunnel TUNNEL-ID IKE CHILD ACTIVE
	echo "{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$1\",\"Endpoint\":\"$GW-1\",\"Side\":\"gateway\",\"IkeState\":\"$2\",\"ChildState\":\"$3\",\"Active\":$4}"
}
logline() { echo "{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$1\",\"Side\":\"gateway\",\"TimeMs\":$(date +%s)000,\"Line\":\"$2\"}"; }
# console_has NAME EXTENDED-REGEX: the server's console shows a matching line
console_has() {
	if grep -qE "$2" "$T_LAST_LOG"; then t_ok; else t_bad "$1: no console line matches /$2/"; cat "$T_LAST_LOG"; fi
}
console_lacks() {
	if grep -qE "$2" "$T_LAST_LOG"; then t_bad "$1: a console line matches /$2/: $(grep -m1 -E "$2" "$T_LAST_LOG")"; else t_ok; fi
}

# fresh_server DBNAME [args...]: a server of its own (transitions not held) for the next
# checks, database $T_TMP/DBNAME; sets PORT, DB and B
fresh_server() {
	PORT=$(t_free_port); DB="$T_TMP/$1"; shift
	B="http://127.0.0.1:$PORT"
	t_start_server "$BIN" "$PORT" "$DB" --transition-delay-ms 0 "$@"
}

# a VPC with a dual-tunnel gateway and connection, an agent, reports (JSON log in $T_TMP/requests.log)
scenario() {
	post /v1/vpcs "{$RJ,\"CidrBlock\":\"10.0.0.0/16\"}"; t_expect "vpc" 201; VPC=$(t_json 'b["VpcId"]')
	post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.0.1.0/24\"}"; VSH=$(t_json 'b["VSwitchId"]')
	post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-i\",\"CidrBlock\":\"10.0.2.0/24\"}"; VSI=$(t_json 'b["VSwitchId"]')
	post /v1/vpn-gateways "{$RJ,\"VpcId\":\"$VPC\",\"VSwitchId\":\"$VSH\",\"DisasterRecoveryVSwitchId\":\"$VSI\",\"Bandwidth\":10}"
	t_expect "gateway" 201; GW=$(t_json 'b["VpnGatewayId"]')
	t_rest_connection 203.0.113.10 203.0.113.11 192.168.0.0/16
	TUN1=$MASTER
	TUN2=$SLAVE
	post /v1/agents '{"Roles":["cloud","site"],"UnderlayIp":"10.99.0.1","Url":"http://127.0.0.1:9/"}'; t_expect "agent registers" 200
	AGENT=$(t_json 'b["AgentId"]')
	# both tunnels come up, the master carries the traffic
	report "$(tunnel "$TUN1" ESTABLISHED INSTALLED true),$(tunnel "$TUN2" ESTABLISHED INSTALLED false)" \
		"$(logline "$TUN1" "CHILD_SA $TUN1{1} established")"; t_expect "report: up" 200
	# the master's peer stops answering: DPD drops it, the slave takes over
	report "$(tunnel "$TUN1" "" "" false),$(tunnel "$TUN2" ESTABLISHED INSTALLED true)" \
		"$(logline "$TUN1" "sending DPD request"),$(logline "$TUN1" "giving up after 5 retransmits")"; t_expect "report: DPD" 200
	# the same state again, as every 5 s: no news
	report "$(tunnel "$TUN1" "" "" false),$(tunnel "$TUN2" ESTABLISHED INSTALLED true)" ""; t_expect "report: heartbeat" 200
	# a wrong key: the master's renegotiation fails
	report "$(tunnel "$TUN1" CONNECTING "" false),$(tunnel "$TUN2" ESTABLISHED INSTALLED true)" \
		"$(logline "$TUN1" "received AUTHENTICATION_FAILED notify error")"; t_expect "report: auth failed" 200
	t_req DELETE "$B/v1/agents/$AGENT" -H "$(agent_token)"; t_expect "agent deregisters" 200
}

# ---- the default console ----
fresh_server console.db || exit 1
scenario
console_has "a user's action" "POST /v1/vpcs +CreateVpc +201 +default"
console_has "an RPC-free REST read" "GET /v1/vpn-connections/$VCO +DescribeVpnConnection +200"
console_has "the agent connects" "agent $AGENT connected \\(cloud,site"
console_has "tunnel up" "tunnel $VCO $TUN1 UP: IKE_SA and CHILD_SA established"
console_has "tunnel down with the reason" "tunnel $VCO $TUN1 DOWN: DPD timeout"
console_has "failover" "failover $VCO: traffic now on $TUN2"
console_has "a failed negotiation says why" "tunnel $VCO $TUN1 negotiation failed: AUTHENTICATION_FAILED"
console_has "the agent goes" "agent $AGENT disconnected"
console_lacks "no status report lines" "AgentReportStatus|/status"
console_lacks "no agent protocol lines" "AgentRegister"
console_lacks "no JSON lines" '^\{|"latency_us"'
n=$(grep -c "tunnel $VCO $TUN1 DOWN" "$T_LAST_LOG"); [ "$n" = 1 ] && t_ok || t_bad "one DOWN line, not one per report: $n"
t_stop_server "$T_LAST_PID"

# ---- --log FILE: the JSON request log, every request; the console as before ----
fresh_server console2.db --log "$T_TMP/requests.log" || exit 1
scenario
n=$(grep -c '"action":"AgentReportStatus"' "$T_TMP/requests.log"); [ "$n" = 4 ] && t_ok || t_bad "four status reports in the JSON log: $n"
python3 - "$T_TMP/requests.log" <<'PY' && t_ok || t_bad "every JSON log line parses, with the request's fields"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines and all({"time", "request_id", "account", "method", "path", "action", "status", "code", "latency_us"} <= set(l) for l in lines)
assert any(l["action"] == "CreateVpc" and l["status"] == 201 for l in lines)
PY
console_has "console unchanged" "tunnel $VCO $TUN1 UP"
console_lacks "no JSON on the console" '"latency_us"'
t_stop_server "$T_LAST_PID"

# ---- --console verbose shows the agent protocol; quiet shows none of it ----
fresh_server console3.db --console verbose || exit 1
scenario
console_has "verbose: status reports" "POST /v1/agents/$AGENT/status +AgentReportStatus +200"
t_stop_server "$T_LAST_PID"
fresh_server console4.db --console quiet || exit 1
scenario
console_lacks "quiet: no actions" "CreateVpc"
console_lacks "quiet: no tunnels" "tunnel vco-"
t_stop_server "$T_LAST_PID"
# ---- an agent that stops reporting without deregistering (killed) is news too ----
fresh_server console5.db --push-resync-ms 500 || exit 1
post /v1/agents '{"Roles":["cloud"],"UnderlayIp":"10.99.0.2","Url":"http://127.0.0.1:9/"}'; SILENT=$(t_json 'b["AgentId"]')
post "/v1/agents/$SILENT/status" '{"AppliedGeneration":0}'; t_expect "one report" 200
# it goes silent: once it is offline (15 s without a report) the console says so (waited for, up to 60 s)
i=0; while [ $i -lt 600 ] && ! grep -q "agent $SILENT disconnected (silent" "$T_LAST_LOG"; do sleep 0.1; i=$((i + 1)); done
console_has "a silent agent" "agent $SILENT disconnected \\(silent for [0-9]+ s\\)"
post "/v1/agents/$SILENT/status" '{"AppliedGeneration":0}'; t_expect "it reports again" 200
i=0; while [ $i -lt 100 ] && ! grep -q "agent $SILENT reports again" "$T_LAST_LOG"; do sleep 0.1; i=$((i + 1)); done
console_has "back" "agent $SILENT reports again"
t_stop_server "$T_LAST_PID"
"$BIN" --console loud >/dev/null 2>&1; [ $? = 2 ] && t_ok || t_bad "an unknown console level is refused"

# the ASan/UBSan build reports to the servers' output
if grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$T_TMP"/server-*.log; then
	t_bad "sanitizer report: $(grep -h -m1 -E 'runtime error|AddressSanitizer|LeakSanitizer' "$T_TMP"/server-*.log | head -1)"
else
	t_ok
fi
t_summary "console"
