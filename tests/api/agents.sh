#!/bin/sh
# The server side of the agent protocol (api-docs/agent-protocol.md) over real HTTP, with a
# small receiver (agent_receiver.py) playing the agent's HTTP side:
#   agent token enforcement both ways (REST and RPC front doors; pushes carry it),
#   AgentRegister → a document with generation >= 1 that validates against
#   schema/agent-document.schema.json (ajv), AgentList (item route, Online, generations),
#   a change of the model → a new generation; a burst of 20 concurrent creates → far fewer
#   than 20 pushes (coalescing), AgentReportStatus for a real dual-tunnel connection →
#   DescribeVpnConnection shows ipsec_sa_established and DescribeVpnConnectionLogs the line,
#   refused reports change nothing, an agent that restarts gets a new generation, an agent
#   that was down gets its document on the periodic resync, an agent that never answers
#   stalls neither the other agents nor the server's shutdown, AgentDeregister.
# Usage: tests/api/agents.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SCHEMA="$HERE/../../schema/agent-document.schema.json"
TOKEN="lab-agent-s3cret"

if [ ! -d "$HERE/node_modules/ajv" ]; then
	(cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || { echo "agents: npm ci failed"; exit 1; }
fi

PORT=$(t_free_port)
# the stand-in agents here report only when a check says so: the silence of an agent that
# stops reporting (default 10 s) is tested on a server of its own at the end
t_start_server "$BIN" "$PORT" "$T_TMP/agents.db" --transition-delay-ms "$T_HOLD_MS" --log off \
	--agent-token "$TOKEN" --push-resync-ms 500 --agent-silent-ms 3600000 || exit 1
SERVER_PID=$T_LAST_PID
B="http://127.0.0.1:$PORT"
H="X-Vpnlab-Agent-Token: $TOKEN"
R='RegionId=cn-hangzhou'

# api METHOD PATH [JSON]: an agent-protocol request with the token
api() {
	if [ $# -ge 3 ]; then t_req "$1" "$B$2" -H "$H" -H "$J" -d "$3"; else t_req "$1" "$B$2" -H "$H"; fi
}
post() { t_req POST "$B$1" -H "$J" -d "$2"; }

# start_receiver DIR [PORT]: an agent's HTTP side storing what it gets in DIR; sets RECV_PORT
start_receiver() {
	mkdir -p "$1"
	python3 "$HERE/agent_receiver.py" --dir "$1" --port-file "$1/port" --token "$TOKEN" --port "${2:-0}" &
	T_PIDS="$T_PIDS $!"
	i=0
	while [ ! -s "$1/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	RECV_PORT=$(cat "$1/port")
}

docs_in() { find "$1" -name '*.json' | wc -l; }
last_doc() { find "$1" -name '*.json' | sort | tail -n 1; }

# wait_docs NAME DIR N: waits (5 s) until DIR holds at least N documents
wait_docs() {
	i=0
	while [ $i -lt 50 ]; do
		[ "$(docs_in "$2")" -ge "$3" ] && { t_ok; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	t_bad "$1: $(docs_in "$2") documents pushed, want at least $3"
	return 1
}

# wait_for NAME PATH EXPR WANT: t_wait_for GET PATH with the token (up to 10 s)
T_POLL_TRIES=100
wait_for() { t_wait_for "$1" "$B$2" "$3" "$4" -H "$H"; }

# same NAME GOT WANT: a value computed by the test
same() { if [ "$2" = "$3" ]; then t_ok; else t_bad "$1: got '$2', want '$3'"; fi; }

# doc_expr FILE EXPR: a Python expression over a pushed document bound to d
doc_expr() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# valid_doc NAME FILE: the document validates against the JSON schema (ajv, draft 2020-12)
valid_doc() {
	if out=$(node -e '
const m = require(process.argv[1] + "/node_modules/ajv/dist/2020");
const Ajv = m.default || m;
const fs = require("fs");
const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(process.argv[2])));
if (!validate(JSON.parse(fs.readFileSync(process.argv[3])))) {
	console.log(JSON.stringify(validate.errors));
	process.exit(1);
}' "$HERE" "$SCHEMA" "$2" 2>&1); then t_ok; else t_bad "$1: $out"; fi
}

RDIR="$T_TMP/agent1"
start_receiver "$RDIR"
REG="{\"Zones\":[],\"Roles\":[\"cloud\",\"site\"],\"UnderlayIp\":\"127.0.0.1\",\"Url\":\"http://127.0.0.1:$RECV_PORT\",\"Backend\":\"kernel-libipsec\",\"BackendReason\":\"test receiver\",\"Version\":\"0.5.0\",\"AppliedGeneration\":0}"

# ---- the agent token ----
t_req POST "$B/v1/agents" -H "$J" -d "$REG"; t_expect "register without the token" 403 Forbidden.AgentToken
t_req POST "$B/v1/agents" -H "$J" -H "X-Vpnlab-Agent-Token: nope" -d "$REG"; t_expect "wrong token" 403 Forbidden.AgentToken
t_req GET "$B/v1/agents"; t_expect "list without the token" 403 Forbidden.AgentToken
t_req GET "$B/?Action=AgentList&Version=2016-04-28"; t_expect "RPC without the token" 403 Forbidden.AgentToken
t_req GET "$B/?Action=AgentList&Version=2016-04-28" -H "$H"; t_expect "RPC with the token" 200
t_check "nobody yet" 'b["TotalCount"]' 0
t_req GET "$B/v1/agents" -H "$H"; t_check "nothing registered by the refusals" 'b["Agents"]' "[]"
t_req GET "$B/v1/vpcs?$R" -H "$H"; t_expect "the token is no account credential elsewhere" 200

# ---- registration refused ----
api POST /v1/agents '{"Roles":["cloud"],"UnderlayIp":"127.0.0.1"}'; t_expect "url required" 400 MissingUrl
api POST /v1/agents '{"Roles":["edge"],"UnderlayIp":"127.0.0.1","Url":"http://127.0.0.1:1"}'; t_expect "role" 400 InvalidRoles
api POST /v1/agents '{"Roles":["cloud"],"UnderlayIp":"127.0.0.300","Url":"http://127.0.0.1:1"}'; t_expect "address" 400 InvalidUnderlayIp
api POST /v1/agents '{"Roles":["cloud"],"UnderlayIp":"127.0.0.1","Url":"file:///etc/passwd"}'; t_expect "url" 400 InvalidUrl
api POST /v1/agents '{"Roles":["cloud"],"Zones":["mars-1a"],"UnderlayIp":"127.0.0.1","Url":"http://127.0.0.1:1"}'; t_expect "zone" 400 InvalidZones
api POST /v1/agents '{"Roles":["cloud"],"UnderlayIp":"127.0.0.1","Url":"http://127.0.0.1:1","AppliedGeneration":-1}'; t_expect "generation" 400 InvalidAppliedGeneration
api POST /v1/agents '{"Roles":'; t_expect "not JSON" 400 InvalidParameter
api GET /v1/agents; t_check "refusals registered nothing" 'b["TotalCount"]' 0

# ---- registration → a document ----
api POST /v1/agents "$REG"; t_expect "register" 200
AGENT=$(t_json 'b["AgentId"]')
t_check "agent id" 'b["AgentId"].startswith("agt-")' true
wait_docs "first document" "$RDIR" 1 || exit 1
DOC=$(last_doc "$RDIR")
valid_doc "first document" "$DOC"
same "generation >= 1" "$(doc_expr "$DOC" 'd["generation"] >= 1 and d["agent_id"] == "'"$AGENT"'"')" True
[ "$(cat "${DOC%.json}.token")" = "$TOKEN" ] && t_ok || t_bad "the push carried token '$(cat "${DOC%.json}.token")'"
G1=$(doc_expr "$DOC" 'd["generation"]')
wait_for "applied recorded" "/v1/agents/$AGENT" 'b["AppliedGeneration"]' "$G1"
t_check "list item" '[b["Generation"], b["Online"], b["Roles"], b["Zones"], b["Backend"], b["Url"]]' \
	"[$G1, True, ['cloud', 'site'], [], 'kernel-libipsec', 'http://127.0.0.1:$RECV_PORT']"
api GET /v1/agents/agt-nothere; t_expect "item 404" 404 Agent.NotFound

# ---- the model changes → a new generation ----
post /v1/vpcs "{$RJ,\"CidrBlock\":\"10.0.0.0/16\"}"; t_expect "vpc" 201; VPC=$(t_json 'b["VpcId"]')
wait_for "vpc available" "/v1/vpcs/$VPC?$R" 'b["Status"]' Available
post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.0.1.0/24\"}"; VSH=$(t_json 'b["VSwitchId"]')
post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-i\",\"CidrBlock\":\"10.0.2.0/24\"}"; VSI=$(t_json 'b["VSwitchId"]')
wait_for "vswitch available" "/v1/vswitches/$VSI?$R" 'b["Status"]' Available
post /v1/vpn-gateways "{$RJ,\"VpcId\":\"$VPC\",\"VSwitchId\":\"$VSH\",\"DisasterRecoveryVSwitchId\":\"$VSI\",\"Bandwidth\":10}"
t_expect "gateway" 201; GW=$(t_json 'b["VpnGatewayId"]')
wait_for "gateway active" "/v1/vpn-gateways/$GW?$R" 'b["Status"]' active
# the VPC is placed on the (only) cloud agent once it has a gateway
i=0
while [ $i -lt 50 ]; do
	DOC=$(last_doc "$RDIR")
	[ "$(doc_expr "$DOC" "'$VPC' in [v['id'] for v in d['vpcs']]")" = True ] && break
	sleep 0.1; i=$((i + 1))
done
same "the VPC reached the agent" "$(doc_expr "$DOC" "'$VPC' in [v['id'] for v in d['vpcs']]")" True
same "a newer generation" "$(doc_expr "$DOC" "d['generation'] > $G1")" True
valid_doc "document with a VPC" "$DOC"

# ---- a burst of 20 concurrent creates: coalesced pushes ----
wait_for "settled" "/v1/agents/$AGENT" 'b["AppliedGeneration"] == b["Generation"]' true
sleep 0.5
BEFORE=$(docs_in "$RDIR")
pids=""
n=1
while [ $n -le 20 ]; do
	curl -s -o /dev/null -X POST "$B/v1/vswitches" -H "$J" \
		-d "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.0.$((10 + n)).0/24\"}" &
	pids="$pids $!"
	n=$((n + 1))
done
for pid in $pids; do wait "$pid"; done
t_req GET "$B/v1/vswitches?$R&VpcId=$VPC&PageSize=50"; t_check "22 vSwitches" 'b["TotalCount"]' 22
# the last document holds all 22 once pushes settle
i=0
while [ $i -lt 100 ]; do
	DOC=$(last_doc "$RDIR")
	[ "$(doc_expr "$DOC" "sum(len(v['vswitches']) for v in d['vpcs'] if v['id'] == '$VPC')")" = 22 ] && break
	sleep 0.1; i=$((i + 1))
done
same "the burst reached the agent" "$(doc_expr "$DOC" "sum(len(v['vswitches']) for v in d['vpcs'] if v['id'] == '$VPC')")" 22
wait_for "burst applied" "/v1/agents/$AGENT" 'b["AppliedGeneration"] == b["Generation"]' true
t_settle # the vSwitches' lifecycle transitions bring one more
wait_for "transitions applied" "/v1/agents/$AGENT" 'b["AppliedGeneration"] == b["Generation"]' true
PUSHES=$(( $(docs_in "$RDIR") - BEFORE ))
echo "agents: a burst of 20 creates (+ their transitions) made $PUSHES pushes"
[ "$PUSHES" -ge 1 ] && [ "$PUSHES" -le 8 ] && t_ok || t_bad "burst: $PUSHES pushes, want 1..8"
valid_doc "document after the burst" "$DOC"

# ---- a status report for a real connection ----
t_rest_connection 203.0.113.10 203.0.113.11 192.168.0.0/16
TUN1=$MASTER
TUN2=$SLAVE
t_check "no SA before the report" '[b["Status"], b["TunnelOptionsSpecification"]["TunnelOptions"][0]["Status"]]' \
	"['ike_sa_not_established', 'ike_sa_not_established']"
NOWMS=$(($(date +%s) * 1000))
LINE="$(date -u '+%Y-%m-%d %H:%M:%S') $VCO [INFO]: CHILD_SA $VCO-master{1} established"
TUNNEL1="{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$TUN1\",\"Endpoint\":\"$GW-m\",\"Side\":\"gateway\",\"IkeState\":\"ESTABLISHED\",\"ChildState\":\"INSTALLED\",\"Health\":\"\",\"Active\":true,\"BytesIn\":100,\"BytesOut\":200,\"PacketsIn\":1,\"PacketsOut\":2}"
SITE1="{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$TUN2\",\"Endpoint\":\"site-1\",\"Side\":\"site_device\",\"IkeState\":\"ESTABLISHED\",\"ChildState\":\"INSTALLED\"}"
api POST "/v1/agents/$AGENT/status" "{\"AppliedGeneration\":$G1,\"Tunnels\":[$TUNNEL1,$SITE1],\"Logs\":[{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$TUN1\",\"TimeMs\":$NOWMS,\"Line\":\"$LINE\"},{\"VpnConnectionId\":\"vco-gone\",\"TimeMs\":$NOWMS,\"Line\":\"lagging\"}]}"
t_expect "report" 200
t_check "report answers the server's generation" 'b["Generation"] >= '"$G1" true
t_req GET "$B/v1/vpn-connections/$VCO?$R"
t_check "connection established" 'b["Status"]' ipsec_sa_established
t_check "tunnel statuses (the branch side changes nothing)" '[t["Status"] for t in b["TunnelOptionsSpecification"]["TunnelOptions"]]' \
	"['ipsec_sa_established', 'ike_sa_not_established']"
t_req GET "$B/?Action=DescribeVpnConnection&Version=2016-04-28&$R&VpnConnectionId=$VCO"
t_check "RPC shows it too" 'b["Status"]' ipsec_sa_established
t_req GET "$B/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10"; t_expect "logs" 200
t_check "the reported line" "any('CHILD_SA $VCO-master{1} established' in str(x) for x in b['Data']['Logs'])" true
t_check "one line" 'b["Count"]' 1
api GET "/v1/agents/$AGENT"; SEEN=$(t_json 'b["LastSeenMs"]')

# ---- refused reports change nothing ----
BAD2="{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$TUN2\",\"Endpoint\":\"$GW-s\",\"Side\":\"gateway\",\"IkeState\":\"UP\"}"
GOOD2="{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$TUN2\",\"Endpoint\":\"$GW-s\",\"Side\":\"gateway\",\"IkeState\":\"ESTABLISHED\",\"ChildState\":\"INSTALLED\"}"
sleep 0.01
api POST "/v1/agents/$AGENT/status" "{\"AppliedGeneration\":99,\"Tunnels\":[$GOOD2,$BAD2]}"; t_expect "bad IKE state" 400 InvalidTunnels.2.IkeState
api POST "/v1/agents/$AGENT/status" "{\"AppliedGeneration\":99,\"Tunnels\":[$GOOD2],\"Logs\":[{\"VpnConnectionId\":\"$VCO\",\"TimeMs\":1,\"Line\":\"a\\nb\"}]}"
t_expect "two lines in one" 400 InvalidLogs.1.Line
api POST "/v1/agents/$AGENT/status" "{\"Tunnels\":{\"VpnConnectionId\":\"$VCO\"}}"; t_expect "tunnels not a list" 400 InvalidTunnels
api POST "/v1/agents/$AGENT/status" "{\"AppliedGeneration\":\"seven\"}"; t_expect "generation type" 400 InvalidAppliedGeneration
api POST "/v1/agents/$AGENT/status" '{"Tunnels":['; t_expect "not JSON" 400 InvalidParameter
api POST /v1/agents/agt-nothere/status '{"AppliedGeneration":1}'; t_expect "unknown agent" 404 Agent.NotFound
t_req POST "$B/v1/agents/$AGENT/status" -H "$J" -d "{\"Tunnels\":[$GOOD2]}"; t_expect "report without the token" 403 Forbidden.AgentToken
t_req GET "$B/v1/vpn-connections/$VCO?$R"
t_check "refusals changed no status" '[b["Status"]] + [t["Status"] for t in b["TunnelOptionsSpecification"]["TunnelOptions"]]' \
	"['ipsec_sa_established', 'ipsec_sa_established', 'ike_sa_not_established']"
t_req GET "$B/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10"; t_check "refusals added no line" 'b["Count"]' 1
# (the pusher may meanwhile deliver a document to the receiver, which moves AppliedGeneration
# on its own: what the refused reports claimed, 99, must not have been taken)
api GET "/v1/agents/$AGENT"; t_check "refusals were no heartbeat" '[b["LastSeenMs"], b["AppliedGeneration"] != 99]' "[$SEEN, True]"

# ---- the agent restarts with an empty state: a new generation ----
BEFORE=$(docs_in "$RDIR"); GEN=$(doc_expr "$(last_doc "$RDIR")" 'd["generation"]')
api POST /v1/agents "{\"AgentId\":\"$AGENT\",\"Roles\":[\"cloud\",\"site\"],\"UnderlayIp\":\"127.0.0.1\",\"Url\":\"http://127.0.0.1:$RECV_PORT\",\"AppliedGeneration\":0}"
t_expect "re-register" 200; t_check "same id" 'b["AgentId"]' "$AGENT"
wait_docs "pushed again after the restart" "$RDIR" $((BEFORE + 1))
same "above the last one" "$(doc_expr "$(last_doc "$RDIR")" "d['generation'] > $GEN")" True

# ---- an agent that was down gets its document on the resync ----
DOWN_PORT=$(t_free_port)
RDIR2="$T_TMP/agent2"
api POST /v1/agents "{\"Roles\":[\"site\"],\"UnderlayIp\":\"127.0.0.2\",\"Url\":\"http://127.0.0.1:$DOWN_PORT\"}"
t_expect "register a down agent" 200; AGENT2=$(t_json 'b["AgentId"]')
wait_for "generation compiled" "/v1/agents/$AGENT2" 'b["Generation"] >= 1 and b["AppliedGeneration"] == 0' true
start_receiver "$RDIR2" "$DOWN_PORT"
wait_docs "resync after the agent came up" "$RDIR2" 1
wait_for "resync applied" "/v1/agents/$AGENT2" 'b["AppliedGeneration"] == b["Generation"]' true
valid_doc "second agent's document" "$(last_doc "$RDIR2")"
same "peers" "$(doc_expr "$(last_doc "$RDIR2")" "'127.0.0.1' in d['underlay']['peers']")" True

# ---- an agent whose IPsec backend is unusable (its preflight charon died) ----
WHY="preflight: charon exited at start: plugin 'openssl': failed to load - openssl_plugin_create not found and no plugin file available (install the Debian package libstrongswan-standard-plugins)"
REG1="\"AgentId\":\"$AGENT\",\"Roles\":[\"cloud\",\"site\"],\"UnderlayIp\":\"127.0.0.1\",\"Url\":\"http://127.0.0.1:$(cat "$RDIR/port")\""
api POST /v1/agents "{$REG1,\"BackendUsable\":false}"; t_expect "unusable needs a reason" 400 MissingBackendError
api POST /v1/agents "{$REG1,\"BackendUsable\":true,\"BackendError\":\"x\"}"; t_expect "usable has none" 400 InvalidBackendError
api POST /v1/agents "{$REG1,\"BackendUsable\":false,\"BackendError\":\"a\\nb\"}"; t_expect "one line" 400 InvalidBackendError
api POST /v1/agents "{$REG1,\"ZoneIndex\":65}"; t_expect "zone index beyond the catalogue's" 400 InvalidZoneIndex
api POST /v1/agents "{$REG1,\"ZoneIndex\":-1}"; t_expect "negative zone index" 400 InvalidZoneIndex
api GET "/v1/agents/$AGENT"; t_check "refusals changed nothing" '[b["BackendUsable"], b["BackendError"]]' "[True, '']"
t_check "no zone index" 'b["ZoneIndex"]' 0
wait_for "settled before" "/v1/agents/$AGENT" 'b["AppliedGeneration"] == b["Generation"]' true
api POST /v1/agents "{$REG1,\"BackendUsable\":false,\"BackendError\":\"$WHY\"}"; t_expect "register unusable" 200
api GET "/v1/agents/$AGENT"; t_check "listed unusable" 'b["BackendUsable"]' false
t_check "with the reason" 'b["BackendError"]' "$WHY"
sleep 0.3 # a push in flight before the registration may still land
BEFORE=$(docs_in "$RDIR")
# a site places the connection's tunnels on this agent: its logs get the reason, per tunnel
post /v1/lab/sites "{$RJ,\"CustomerGatewayIds\":[\"$CG1\",\"$CG2\"],\"LanCidr\":\"192.168.10.0/24\"}"; t_expect "site" 201
REASON_LINES="[x for x in b['Data']['Logs'] if 'IPsec backend of agent $AGENT is unusable: preflight' in x and x.endswith('libstrongswan-standard-plugins)')]"
wait_for "reason in the logs of both tunnels" "/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10" "len($REASON_LINES)" 2
t_req GET "$B/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10&TunnelId=$TUN1"
t_check "one line for the first tunnel, in the cloud's form" \
	"[x.split(' ')[2] + ' ' + x.split(' ')[3] for x in $REASON_LINES]" "['$VCO [ERROR]:']"
sleep 1.5 # three resync periods: nothing is pushed, no line is written twice
t_req GET "$B/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10"; t_check "written once" "len($REASON_LINES)" 2
same "nothing pushed to an unusable agent" "$(docs_in "$RDIR")" "$BEFORE"
api POST /v1/agents "{$REG1,\"BackendUsable\":true}"; t_expect "usable again" 200
wait_docs "its document once usable" "$RDIR" $((BEFORE + 1))
api GET "/v1/agents/$AGENT"; t_check "listed usable" '[b["BackendUsable"], b["BackendError"]]' "[True, '']"
same "the document holds the connection" "$(doc_expr "$(last_doc "$RDIR")" "any(t['connection_id'] == '$VCO' for e in d['endpoints'] for t in e['tunnels'])")" True

# ---- an agent that never answers stalls nobody ----
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(64); open(sys.argv[1],"w").write(str(s.getsockname()[1])); time.sleep(600)' "$T_TMP/hole" &
T_PIDS="$T_PIDS $!"
i=0; while [ ! -s "$T_TMP/hole" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
api POST /v1/agents "{\"Roles\":[\"cloud\"],\"UnderlayIp\":\"127.0.0.3\",\"Url\":\"http://127.0.0.1:$(cat "$T_TMP/hole")\"}"
t_expect "register a silent agent" 200
BEFORE=$(docs_in "$RDIR")
post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-i\",\"CidrBlock\":\"10.0.99.0/24\"}"; t_expect "one more change" 201
wait_docs "the others still get pushes" "$RDIR" $((BEFORE + 1))

# ---- deregistration ----
api DELETE "/v1/agents/$AGENT2"; t_expect "deregister" 200
api GET "/v1/agents/$AGENT2"; t_expect "gone" 404 Agent.NotFound
api DELETE "/v1/agents/$AGENT2"; t_expect "deregister twice" 404 Agent.NotFound
t_req DELETE "$B/v1/agents/$AGENT"; t_expect "deregister without the token" 403 Forbidden.AgentToken
api GET /v1/agents; t_check "two left" 'b["TotalCount"]' 2

# ---- shutdown does not wait out a push in flight ----
start=$(date +%s)
t_stop_server "$SERVER_PID"
took=$(($(date +%s) - start))
[ "$took" -le 5 ] && t_ok || t_bad "shutdown took $took s with a push in flight"
# the pusher logs a compiled document that fails doc_parse as a BUG; sanitizers report at exit
if grep -Eq "BUG|Sanitizer|runtime error" "$T_TMP/server-$PORT.log"; then
	t_bad "server log: $(grep -E "BUG|Sanitizer|runtime error" "$T_TMP/server-$PORT.log" | head -3)"
else
	t_ok
fi

# ---- an agent that stops reporting: its tunnels read down, the logs say why; it comes back ----
PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/agents-silent.db" --transition-delay-ms "$T_HOLD_MS" --log off \
	--agent-token "$TOKEN" --agent-silent-ms 1000 || exit 1
SERVER_PID=$T_LAST_PID
B="http://127.0.0.1:$PORT"
api POST /v1/agents "{\"Roles\":[\"cloud\"],\"ZoneIndex\":1,\"UnderlayIp\":\"127.0.0.1\",\"Url\":\"http://127.0.0.1:$(cat "$T_TMP/hole")\"}"
t_expect "register" 200; SA=$(t_json 'b["AgentId"]')
api GET "/v1/agents/$SA"; t_check "zone index and not silent" '[b["ZoneIndex"], b["Silent"]]' "[1, False]"
post /v1/vpcs "{$RJ,\"CidrBlock\":\"10.0.0.0/16\"}"; VPC=$(t_json 'b["VpcId"]')
wait_for "vpc available" "/v1/vpcs/$VPC?$R" 'b["Status"]' Available
post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.0.1.0/24\"}"; VSH=$(t_json 'b["VSwitchId"]')
post /v1/vswitches "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-i\",\"CidrBlock\":\"10.0.2.0/24\"}"; VSI=$(t_json 'b["VSwitchId"]')
wait_for "vswitch available" "/v1/vswitches/$VSI?$R" 'b["Status"]' Available
post /v1/vpn-gateways "{$RJ,\"VpcId\":\"$VPC\",\"VSwitchId\":\"$VSH\",\"DisasterRecoveryVSwitchId\":\"$VSI\",\"Bandwidth\":10}"; GW=$(t_json 'b["VpnGatewayId"]')
wait_for "gateway active" "/v1/vpn-gateways/$GW?$R" 'b["Status"]' active
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"203.0.113.10\"}"; CG1=$(t_json 'b["CustomerGatewayId"]')
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"203.0.113.11\"}"; CG2=$(t_json 'b["CustomerGatewayId"]')
post /v1/vpn-connections "{$RJ,\"VpnGatewayId\":\"$GW\",\"LocalSubnet\":\"10.0.0.0/16\",\"RemoteSubnet\":\"192.168.0.0/16\",\"TunnelOptionsSpecification\":[{\"CustomerGatewayId\":\"$CG1\",\"Role\":\"master\"},{\"CustomerGatewayId\":\"$CG2\",\"Role\":\"slave\"}]}"
t_expect "connection" 201; VCO=$(t_json 'b["VpnConnectionId"]')
t_req GET "$B/v1/vpn-connections/$VCO?$R"; TUN1=$(t_json 'b["TunnelOptionsSpecification"]["TunnelOptions"][0]["TunnelId"]')
UP="{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$TUN1\",\"Endpoint\":\"$GW-1\",\"Side\":\"gateway\",\"IkeState\":\"ESTABLISHED\",\"ChildState\":\"INSTALLED\",\"Active\":true}"
api POST "/v1/agents/$SA/status" "{\"Tunnels\":[$UP]}"; t_expect "report the master up" 200
t_req GET "$B/v1/vpn-connections/$VCO?$R"; t_check "established" 'b["Status"]' ipsec_sa_established
# reported no more: within the silence (1 s) and a check (1 s) it reads down, with the reason
i=0
while [ $i -lt 100 ]; do
	t_req GET "$B/v1/vpn-connections/$VCO?$R"
	[ "$(t_json 'b["Status"]')" = ike_sa_not_established ] && break
	sleep 0.1; i=$((i + 1))
done
t_check "silent agent: the connection reads down" '[b["Status"]] + [t["Status"] for t in b["TunnelOptionsSpecification"]["TunnelOptions"]]' \
	"['ike_sa_not_established', 'ike_sa_not_established', 'ike_sa_not_established']"
api GET "/v1/agents/$SA"; t_check "listed silent" 'b["Silent"]' true
t_req GET "$B/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10&TunnelId=$TUN1"
t_check "the log says why" "any('[ERROR]: agent $SA stopped reporting' in x for x in b['Data']['Logs'])" true
api POST "/v1/agents/$SA/status" "{\"Tunnels\":[$UP]}"; t_expect "report again" 200
t_req GET "$B/v1/vpn-connections/$VCO?$R"; t_check "established again" 'b["Status"]' ipsec_sa_established
api GET "/v1/agents/$SA"; t_check "not silent any more" 'b["Silent"]' false
t_req GET "$B/v1/vpn-connections/$VCO/logs?$R&MinutePeriod=10&TunnelId=$TUN1"
t_check "the log says it is back" "any('agent $SA reports again after' in x for x in b['Data']['Logs'])" true
t_stop_server "$SERVER_PID"

t_summary agents
