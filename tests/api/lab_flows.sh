#!/bin/sh
# Lab flows (POST /v1/lab/flows, LabRunFlow) and the per-tunnel counters on GET /metrics,
# against a stand-in agent on loopback.  Every bad input is refused with its 400 code and no
# agent is asked anything (the stand-in logs every flow request it gets); without an agent
# 503; with the stand-in: the iperf3 server asked of the target host's agent, the client run
# of the sending host's agent with the port it got, the figures relayed, and the server
# stopped afterwards, also when the client run fails.  Then status reports with tunnel
# counters show up on /metrics per tunnel and summed per connection, and grow.
# Usage: tests/api/lab_flows.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/flows.db" --transition-delay-ms 0 --log off || exit 1
TOKEN=$(cat "$T_TMP/flows.db.agent-token")
AH="X-Vpnlab-Agent-Token: $TOKEN"
B="http://127.0.0.1:$PORT"

post() { t_req POST "$B$1" -H "$J" -d "$2"; }
id_of() { t_json "b[\"$1\"]"; }

# ---- network: a VPC with two vSwitches, a dual-tunnel connection, two lab hosts ----
t_rest_dual_tunnel_connection
post /v1/lab/hosts "{\"VSwitchId\":\"$VSH\",\"IpAddress\":\"10.0.1.10\"}"; t_expect "host 1" 201; H1=$(id_of HostId)
post /v1/lab/hosts "{\"VSwitchId\":\"$VSI\",\"IpAddress\":\"10.0.2.20\"}"; t_expect "host 2" 201; H2=$(id_of HostId)

# ---- the stand-in agent: logs every flow request, answers like vpnlab-agent ----
APORT=$(t_free_port)
cat > "$T_TMP/agent.py" <<'EOF'
import json, sys, os
from standin_agent import StandinAgent, serve
port, out = int(sys.argv[1]), sys.argv[2]
def log(entry):
    with open(os.path.join(out, 'flow-requests.log'), 'a') as f:
        f.write(json.dumps(entry) + '\n')
class H(StandinAgent):
    token = sys.argv[3]
    def do_DELETE(self):
        log({'method': 'DELETE', 'path': self.path})
        self.answer(200, {'ServerId': 7})
    def do_POST(self):
        req = self.body()
        log({'method': 'POST', 'path': self.path, 'body': req})
        if self.path == '/v1/flows/servers':
            self.answer(200, {'ServerId': 7, 'Port': 5301})
        elif self.path == '/v1/flows' and req.get('Streams') == 3:
            self.answer(500, {'Code': 'FlowFailed', 'Message': 'iperf3: unable to connect to server'})
        elif self.path == '/v1/flows':
            self.answer(200, {'TotalMbps': 123.5, 'Streams': [{'Mbps': 61.0}, {'Mbps': 62.5}], 'Retransmits': 4,
                              'Bytes': 154375000, 'LostPercent': 0.0})
        else:
            self.answer(404, {'Code': 'NotFound'})
serve(H, port)
EOF
PYTHONPATH="$(dirname "$0")" python3 "$T_TMP/agent.py" "$APORT" "$T_TMP" "$TOKEN" &
T_PIDS="$T_PIDS $!"
i=0; while [ $i -lt 50 ] && ! curl -fs -H "$AH" "http://127.0.0.1:$APORT/healthz" >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
flow_requests() { cat "$T_TMP/flow-requests.log" 2>/dev/null | wc -l | tr -d ' '; }

# ---- no agent yet ----
T="\"Target\":\"10.0.2.20\""
post /v1/lab/flows "{\"HostId\":\"$H1\",$T,\"Streams\":2,\"Seconds\":1}"; t_expect "no agent" 503 Agent.Unavailable

t_req POST "$B/v1/agents" -H "$J" -H "$AH" -d "{\"Roles\":[\"cloud\",\"site\"],\"UnderlayIp\":\"127.0.0.1\",\"Url\":\"http://127.0.0.1:$APORT\"}"
t_expect "register the stand-in" 200; AGENT=$(id_of AgentId)

# ---- bad input: a 400 with its code, and no agent is asked anything ----
t_expect_each json "$B/v1/lab/flows" <<EOF
{$RJ,$T,"Streams":2}|400|MissingHostId|no host
{"HostId":"host-nope",$T}|400|InvalidHostId.Unknown|unknown host
{$RJ,"HostId":"host-nope",$T}|400|InvalidHostId.Unknown|unknown host, region given
{"HostId":"$H1"}|400|MissingTarget|no target
{"HostId":"$H1","Target":"ten"}|400|InvalidTarget|target not an address
{"HostId":"$H1","Target":"10.0.2.99"}|400|InvalidTarget.NotLabHost|target no host owns
{"HostId":"$H1",$T,"Streams":0}|400|InvalidStreams|0 streams
{"HostId":"$H1",$T,"Streams":129}|400|InvalidStreams|129 streams
{"HostId":"$H1",$T,"Streams":"many"}|400|InvalidStreams|streams not a number
{"HostId":"$H1",$T,"Seconds":0}|400|InvalidSeconds|0 seconds
{"HostId":"$H1",$T,"Seconds":61}|400|InvalidSeconds|61 seconds
{"HostId":"$H1",$T,"Protocol":"sctp"}|400|InvalidProtocol|protocol
{"HostId":"$H1",$T,"Protocol":"TCP"}|400|InvalidProtocol|protocol is lower case
EOF
t_req GET "$B/?Action=LabRunFlow&Version=2016-04-28&HostId=$H1&Target=10.0.2.20&Streams=200"
t_expect "rpc: 200 streams" 400 InvalidStreams
[ "$(flow_requests)" = 0 ] && t_ok || t_bad "bad input reached the agent: $(cat "$T_TMP/flow-requests.log")"

# ---- a flow relayed: server in the target host, client in the sending host, server stopped ----
post /v1/lab/flows "{\"HostId\":\"$H1\",$T,\"Streams\":2,\"Seconds\":5,\"Protocol\":\"udp\"}"; t_expect "flow" 200
t_check "figures relayed" '[b["TotalMbps"], [s["Mbps"] for s in b["Streams"]], b["Retransmits"], b["Bytes"]]' \
	"[123.5, [61.0, 62.5], 4, 154375000]"
T_BODY=$(python3 -c "import json,sys; print(json.dumps([json.loads(l) for l in open('$T_TMP/flow-requests.log')]))")
t_check "server, client, stop, in that order" '[(r["method"], r["path"]) for r in b]' \
	"[('POST', '/v1/flows/servers'), ('POST', '/v1/flows'), ('DELETE', '/v1/flows/servers/7')]"
t_check "the server in the target host, outliving the run" '[b[0]["body"]["HostId"], b[0]["body"]["LifetimeSeconds"] > 5]' "['$H2', True]"
t_check "the client in the sending host, to the server's port" \
	'[b[1]["body"][k] for k in ("HostId", "Target", "Port", "Streams", "Seconds", "Protocol")]' \
	"['$H1', '10.0.2.20', 5301, 2, 5, 'udp']"
rm -f "$T_TMP/flow-requests.log"

# the RPC front door, defaults (1 stream, 10 s, tcp)
t_req GET "$B/?Action=LabRunFlow&Version=2016-04-28&HostId=$H2&Target=10.0.1.10"; t_expect "rpc flow" 200
T_BODY=$(python3 -c "import json,sys; print(json.dumps([json.loads(l) for l in open('$T_TMP/flow-requests.log')]))")
t_check "defaults" '[b[0]["body"]["HostId"]] + [b[1]["body"][k] for k in ("HostId", "Streams", "Seconds", "Protocol")]' \
	"['$H1', '$H2', 1, 10, 'tcp']"
rm -f "$T_TMP/flow-requests.log"

# the client run fails: 503 with the agent's reason, and the server is stopped all the same
post /v1/lab/flows "{\"HostId\":\"$H1\",$T,\"Streams\":3,\"Seconds\":1}"; t_expect "client fails" 503 Agent.Unavailable
t_check "the reason" '"unable to connect" in b["Message"]' true
T_BODY=$(python3 -c "import json,sys; print(json.dumps([json.loads(l) for l in open('$T_TMP/flow-requests.log')]))")
t_check "stopped anyway" '[(r["method"], r["path"]) for r in b][-1]' "('DELETE', '/v1/flows/servers/7')"

# ---- tunnel counters on /metrics, from status reports ----
report() { # master bytes in/out, slave bytes in/out
	t_req POST "$B/v1/agents/$AGENT/status" -H "$J" -H "$AH" -d "{\"AppliedGeneration\":0,\"Tunnels\":[
	{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$MASTER\",\"Endpoint\":\"$GW-1\",\"Side\":\"gateway\",\"IkeState\":\"ESTABLISHED\",\"ChildState\":\"INSTALLED\",\"Active\":true,\"BytesIn\":$1,\"BytesOut\":$2,\"PacketsIn\":10,\"PacketsOut\":20},
	{\"VpnConnectionId\":\"$VCO\",\"TunnelId\":\"$SLAVE\",\"Endpoint\":\"$GW-2\",\"Side\":\"gateway\",\"IkeState\":\"ESTABLISHED\",\"ChildState\":\"INSTALLED\",\"BytesIn\":$3,\"BytesOut\":$4,\"PacketsIn\":1,\"PacketsOut\":2}],\"Logs\":[]}"
}
metric() { # the value of series $1 on /metrics (empty when absent)
	curl -s "$B/metrics" | awk -v s="$1" 'index($0, s " ") == 1 { print $NF }'
}
report 1000 2000 30 40; t_expect "report" 200
M="vpnlab_tunnel_bytes_total{vpn_connection_id=\"$VCO\",tunnel_id=\"$MASTER\",direction=\"in\"}"
[ "$(metric "$M")" = 1000 ] && t_ok || t_bad "master bytes in: '$(metric "$M")'"
M="vpnlab_tunnel_bytes_total{vpn_connection_id=\"$VCO\",tunnel_id=\"$SLAVE\",direction=\"out\"}"
[ "$(metric "$M")" = 40 ] && t_ok || t_bad "slave bytes out: '$(metric "$M")'"
M="vpnlab_tunnel_packets_total{vpn_connection_id=\"$VCO\",tunnel_id=\"$MASTER\",direction=\"out\"}"
[ "$(metric "$M")" = 20 ] && t_ok || t_bad "master packets out: '$(metric "$M")'"
M="vpnlab_vpn_connection_bytes_total{vpn_connection_id=\"$VCO\",direction=\"in\"}"
[ "$(metric "$M")" = 1030 ] && t_ok || t_bad "connection bytes in: '$(metric "$M")'"
M="vpnlab_vpn_connection_packets_total{vpn_connection_id=\"$VCO\",direction=\"out\"}"
[ "$(metric "$M")" = 22 ] && t_ok || t_bad "connection packets out: '$(metric "$M")'"
report 5000 2500 30 40; t_expect "report more" 200
M="vpnlab_vpn_connection_bytes_total{vpn_connection_id=\"$VCO\",direction=\"in\"}"
[ "$(metric "$M")" = 5030 ] && t_ok || t_bad "grown: '$(metric "$M")'"
# the connection goes: its series go with it
t_req DELETE "$B/v1/vpn-connections/$VCO?RegionId=cn-hangzhou"; t_expect "delete connection" 200
report 6000 2500 30 40
[ -z "$(metric "$M")" ] && t_ok || t_bad "series of a deleted connection: '$(metric "$M")'"

t_req DELETE "$B/v1/agents/$AGENT" -H "$AH"; t_expect "forget the stand-in" 200
t_summary "lab_flows.sh"
