#!/bin/sh
# LabRunProbe waits for its agent without holding a database reader (issue 10, item 6), and
# an account runs at most 2 probes at once (quota lab_calls_per_account).
#
# A stand-in agent on loopback holds every probe it is sent until the test releases them, so
# "held" is a state the test waits for, not a duration: 10 probes of 5 accounts are held
# while the server has 8 readers; then another account's DescribeVpcs must answer (with the
# probes holding readers it would wait for them: curl's --max-time turns that into a
# failure), a third probe of an account with 2 held is refused with Throttling.User while
# an account with none still gets one through, and once released every held probe answers
# with the agent's figures and the limit is free again.
# Usage: tests/api/lab_probe_slots.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/probes.db" --transition-delay-ms 0 --readers 8 --log off || exit 1
B="http://127.0.0.1:$PORT"
# accounts are 16-digit keys: in open mode any other AccessKeyId is the default account
rpc() { t_req GET "$B/?Version=2016-04-28&RegionId=cn-hangzhou&AccessKeyId=$1&Action=$2"; }

# ---- the stand-in agent: holds POST /v1/probes until POST /release ----
APORT=$(t_free_port)
cat > "$T_TMP/agent.py" <<'EOF'
import select, socket, sys, threading
from standin_agent import StandinAgent, serve
port = int(sys.argv[1])
released = threading.Event()
lock = threading.Lock()
held = [0]
class H(StandinAgent):
    protocol_version = 'HTTP/1.1'
    def do_GET(self):  # how many probes are held for a server still waiting on them
        with lock: n = held[0]
        data = str(n).encode()
        self.send_response(200); self.send_header('Content-Length', str(len(data))); self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        req = self.body()
        if self.path == '/release':
            released.set(); self.answer(200, {}); return
        with lock: held[0] += 1
        try:
            for _ in range(1200):  # 120 s: a bound for a broken test, never reached when it passes
                if released.wait(0.1):
                    break
                r, _, _ = select.select([self.connection], [], [], 0)
                if r and not self.connection.recv(1, socket.MSG_PEEK):
                    self.close_connection = True  # the server gave up on it: no longer held
                    return
        finally:
            with lock: held[0] -= 1
        self.answer(200, {'Sent': req['Count'], 'Received': req['Count'], 'LossPercent': 0.0,
                          'RttAvgMs': 1.0, 'RttMaxMs': 2.0})
serve(H, port)
EOF
PYTHONPATH="$(dirname "$0")" python3 "$T_TMP/agent.py" "$APORT" &
T_PIDS="$T_PIDS $!"
i=0; while [ $i -lt 100 ] && ! curl -fs "http://127.0.0.1:$APORT/held" >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
held() { curl -s "http://127.0.0.1:$APORT/held"; }
# wait_held N: until the agent holds N probes the server still waits for (bounded); 0 when it does
wait_held() {
	i=0
	while [ $i -lt 200 ]; do
		[ "$(held)" = "$1" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# the agent channel's token, which the server generated beside its database
t_req POST "$B/v1/agents" -H 'Content-Type: application/json' -H "X-Vpnlab-Agent-Token: $(cat "$T_TMP/probes.db.agent-token")" \
	-d "{\"Roles\":[\"cloud\",\"site\"],\"UnderlayIp\":\"127.0.0.1\",\"Url\":\"http://127.0.0.1:$APORT\"}"
t_expect "register the stand-in agent" 200

# ---- six accounts, each with a lab host in a vSwitch ----
for acct in 1000000000000001 1000000000000002 1000000000000003 1000000000000004 1000000000000005 1000000000000006; do
	rpc $acct "CreateVpc&CidrBlock=10.0.0.0/16"; t_expect "$acct: vpc" 200; vpc=$(t_json 'b["VpcId"]')
	rpc $acct "CreateVSwitch&VpcId=$vpc&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; t_expect "$acct: vswitch" 200
	vsw=$(t_json 'b["VSwitchId"]')
	rpc $acct "LabCreateHost&VSwitchId=$vsw"; t_expect "$acct: host" 200
	eval "HOST_$acct=\$(t_json 'b[\"HostId\"]')"
	eval "IP_$acct=\$(t_json 'b[\"IpAddress\"]')"
done
# probe ACCOUNT N: starts one probe in the background (answer in $T_TMP/probe-N.*)
probe() {
	eval "host=\$HOST_$1"
	curl -s -o "$T_TMP/probe-$2.body" -w '%{http_code}' --max-time 100 \
		"$B/?Version=2016-04-28&AccessKeyId=$1&Action=LabRunProbe&HostId=$host&Target=10.0.1.9&Count=120&IntervalMs=500" \
		>"$T_TMP/probe-$2.status" &
	PROBES="$PROBES $!"
	T_PIDS="$T_PIDS $!"
}

# ---- 10 probes held: 2 each for 5 accounts, more than the 8 readers ----
PROBES=""
n=0
for acct in 1000000000000001 1000000000000002 1000000000000003 1000000000000004 1000000000000005; do
	probe $acct $n; n=$((n + 1))
	probe $acct $n; n=$((n + 1))
done
if wait_held 10; then t_ok; else t_bad "the agent holds $(held) probes, want 10"; fi

# another account's read answers while they are held
T_BODY=$(curl -s --max-time 20 -w '\n%{http_code}' "$B/?Version=2016-04-28&RegionId=cn-hangzhou&AccessKeyId=1000000000000006&Action=DescribeVpcs")
T_STATUS=$(printf '%s\n' "$T_BODY" | tail -n 1); T_BODY=$(printf '%s\n' "$T_BODY" | sed '$d')
t_expect "DescribeVpcs beside 10 held probes" 200
t_check "its answer" 'b["TotalCount"]' 1
# and so do an item read and a write
rpc 1000000000000006 "DescribeVSwitches"; t_expect "DescribeVSwitches beside them" 200
rpc 1000000000000006 "CreateVpc&CidrBlock=10.1.0.0/16"; t_expect "CreateVpc beside them" 200
[ "$(held)" = 10 ] && t_ok || t_bad "the probes were no longer held while the reads ran"

# ---- the per-account limit ----
rpc 1000000000000001 "LabRunProbe&HostId=$HOST_1000000000000001&Target=10.0.1.9&Count=1"; t_expect "third probe of an account" 400 Throttling.User
t_check "says why" '"at most 2" in b["Message"]' true
# flows share the limit with probes
rpc 1000000000000001 "LabRunFlow&HostId=$HOST_1000000000000001&Target=$IP_1000000000000001&Seconds=1"
t_expect "a flow beside 2 probes of the account" 400 Throttling.User
# a refused probe reached no agent
[ "$(held)" = 10 ] && t_ok || t_bad "the throttled probe reached the agent"
# an account with no probe running still gets its two through
probe 1000000000000006 $n; n=$((n + 1))
if wait_held 11; then t_ok; else t_bad "1000000000000006's probe did not reach the agent: $(held) held"; fi
# refusals in the read phase end there and give their place back: 1000000000000006 still has one left
rpc 1000000000000006 "LabRunProbe&HostId=$HOST_1000000000000006&Target=ten"; t_expect "bad target" 400 InvalidTarget
rpc 1000000000000006 "LabRunProbe&HostId=host-nope&Target=10.0.1.9"; t_expect "unknown host" 404 InvalidHostId.NotFound
rpc 1000000000000006 "LabRunProbe&HostId=$HOST_1000000000000006&Target=10.0.1.9&Count=1000&IntervalMs=100"; t_expect "too long" 400 InvalidCount
probe 1000000000000006 $n; n=$((n + 1))
if wait_held 12; then t_ok; else t_bad "1000000000000006's second probe did not reach the agent: $(held) held"; fi
rpc 1000000000000006 "LabRunProbe&HostId=$HOST_1000000000000006&Target=10.0.1.9&Count=1"; t_expect "and no third" 400 Throttling.User

# ---- release: every held probe answers with the agent's figures ----
curl -s -X POST "http://127.0.0.1:$APORT/release" >/dev/null
for pid in $PROBES; do wait "$pid" 2>/dev/null; done
i=0; ok=0
while [ $i -lt $n ]; do
	st=$(cat "$T_TMP/probe-$i.status" 2>/dev/null)
	T_BODY=$(cat "$T_TMP/probe-$i.body" 2>/dev/null)
	if [ "$st" = 200 ] && [ "$(t_json '[b["Sent"], b["Received"]]' 2>/dev/null)" = "[120, 120]" ]; then
		ok=$((ok + 1))
	else
		echo "probe $i: HTTP $st $T_BODY"
	fi
	i=$((i + 1))
done
[ $ok = 12 ] && t_ok || t_bad "$ok of 12 held probes answered 200 with figures"

# the places are free again (the agent answers at once now)
rpc 1000000000000001 "LabRunProbe&HostId=$HOST_1000000000000001&Target=10.0.1.9&Count=1"; t_expect "1000000000000001 probes again" 200
rpc 1000000000000006 "LabRunProbe&HostId=$HOST_1000000000000006&Target=10.0.1.9&Count=1"; t_expect "so does 1000000000000006" 200

t_summary "lab_probe_slots.sh"
