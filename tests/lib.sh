# Shared helpers for the shell test suites (sourced).  POSIX sh.
# Servers started here are tracked by PID and killed on exit, also on failure.

# Every suite runs as `sh SUITE [path/to/vpnlabd]`, an unset variable being an error; sourced
# with `.`, this file sees the suite's own arguments.
set -u
BIN=${1:-bin/vpnlabd}

T_PASS=0
T_FAIL=0
T_PIDS=""
T_TMP=$(mktemp -d /tmp/vpnlab-test.XXXXXX)

# Request pieces the API suites share: the two body types and the region as a JSON member
J='Content-Type: application/json'
FORM='Content-Type: application/x-www-form-urlencoded'
RJ='"RegionId":"cn-hangzhou"'

t_cleanup() {
	for pid in $T_PIDS; do kill -9 "$pid" 2>/dev/null || true; done
	for pid in $T_PIDS; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT INT TERM

t_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# t_start_server BIN PORT DB [args...]: starts vpnlabd, waits for /healthz; sets T_LAST_PID
t_start_server() {
	bin=$1; port=$2; db=$3; shift 3
	"$bin" --listen "127.0.0.1:$port" --db "$db" "$@" >>"$T_TMP/server-$port.log" 2>&1 &
	T_LAST_PID=$!
	T_LAST_LOG="$T_TMP/server-$port.log"
	T_PIDS="$T_PIDS $T_LAST_PID"
	i=0
	while [ $i -lt 100 ]; do
		if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
		if ! kill -0 "$T_LAST_PID" 2>/dev/null; then break; fi
		sleep 0.1; i=$((i + 1))
	done
	echo "server on port $port did not start:"; cat "$T_TMP/server-$port.log"
	return 1
}

# Transitional states (Pending, provisioning, Creating, …) are held, never timed: suites start
# their server with --transition-delay-ms $T_HOLD_MS and end every pending transition with
# t_settle when they are done looking at them, so a loaded machine cannot end them early.
T_HOLD_MS=600000

# t_settle [PID [LOG]]: completes every timed transition of the server (SIGUSR1) and waits
# until it says so in its log (defaults: the last server started)
t_settle() {
	pid=${1:-$T_LAST_PID}; log=${2:-$T_LAST_LOG}
	before=$(grep -c 'transitions released' "$log")
	if ! kill -USR1 "$pid" 2>/dev/null; then t_bad "settle: server $pid is gone"; return 1; fi
	i=0
	while [ $i -lt 600 ]; do
		[ "$(grep -c 'transitions released' "$log")" -gt "$before" ] && return 0
		sleep 0.05; i=$((i + 1))
	done
	t_bad "settle: server $pid did not release its transitions"
	return 1
}

# t_api_server BIN DBNAME [args...]: starts vpnlabd on a free port, database $T_TMP/DBNAME, its
# transitions held (see t_settle) and its request log off; sets PORT and B (its base URL)
t_api_server() {
	bin=$1; db=$2; shift 2
	PORT=$(t_free_port)
	B="http://127.0.0.1:$PORT"
	t_start_server "$bin" "$PORT" "$T_TMP/$db" --transition-delay-ms "$T_HOLD_MS" --log off "$@"
}

t_stop_server() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# t_req METHOD URL [curl args...]: sets T_STATUS and T_BODY
t_req() {
	method=$1; url=$2; shift 2
	T_BODY=$(curl -s -o - -w '\n%{http_code}' -X "$method" "$url" "$@")
	T_STATUS=$(printf '%s\n' "$T_BODY" | tail -n 1)
	T_BODY=$(printf '%s\n' "$T_BODY" | sed '$d')
}

# t_json EXPR: evaluates a Python expression over the last body bound to `b`
t_json() {
	printf '%s' "$T_BODY" | python3 -c "import json,sys; b=json.load(sys.stdin); v=($1); print(v if not isinstance(v,bool) else str(v).lower())"
}

t_ok() { T_PASS=$((T_PASS + 1)); }
t_bad() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*"; echo "  status=${T_STATUS:-} body=${T_BODY:-}"; }

# t_expect NAME STATUS [CODE]: checks the last answer's HTTP status and error Code
t_expect() {
	name=$1; want_status=$2; want_code=${3:-}
	if [ "$T_STATUS" != "$want_status" ]; then t_bad "$name: HTTP $T_STATUS, want $want_status"; return 1; fi
	if [ -n "$want_code" ]; then
		got=$(t_json 'b.get("Code","")' 2>/dev/null)
		if [ "$got" != "$want_code" ]; then t_bad "$name: Code $got, want $want_code"; return 1; fi
	fi
	t_ok
}

# t_check NAME EXPR WANT: compares a JSON expression of the last body
t_check() {
	got=$(t_json "$2" 2>/dev/null)
	if [ "$got" = "$3" ]; then t_ok; else t_bad "$1: got '$got', want '$3'"; fi
}

# How many times t_poll asks (0.1 s apart); a suite whose waits are longer raises it.
T_POLL_TRIES=50

# t_poll URL EXPR WANT [curl args...]: settles the held transitions, then polls GET URL until
# the Python expression EXPR over its answer (bound to b) prints WANT; the last answer stays in
# T_STATUS and T_BODY.  Returns 1 if it never does (counting nothing: callers decide).
t_poll() {
	t_settle || return 1
	poll_url=$1; poll_expr=$2; poll_want=$3; shift 3
	poll_try=0
	while [ $poll_try -lt $T_POLL_TRIES ]; do
		t_req GET "$poll_url" "$@"
		[ "$(t_json "$poll_expr" 2>/dev/null)" = "$poll_want" ] && return 0
		sleep 0.1; poll_try=$((poll_try + 1))
	done
	return 1
}

# t_wait_for NAME URL EXPR WANT [curl args...]: t_poll counted as one check named NAME
t_wait_for() {
	wait_name=$1; shift
	if t_poll "$@"; then t_ok; return 0; fi
	t_bad "$wait_name: $2 never became $3"
	return 1
}

# t_allow METHOD URL WANT: checks the Allow header of the 405 answer to METHOD URL
t_allow() {
	got=$(curl -s -o /dev/null -D - -X "$1" "$2" | tr -d '\r' | sed -n 's/^Allow: //Ip')
	[ "$got" = "$3" ] && t_ok || t_bad "Allow of $1 $2: '$got', want '$3'"
}

# t_expect_each HOW URL: a table of requests and the answers they must get, one a line on
# stdin as "INPUT|STATUS|CODE|NAME" (CODE may be empty; empty lines are skipped): HOW query
# sends GET URL followed by INPUT, HOW json POSTs INPUT to URL as a JSON body; each answer is
# one t_expect NAME STATUS CODE.
t_expect_each() {
	while IFS='|' read -r each_in each_status each_code each_name; do
		[ -n "$each_in" ] || continue
		case $1 in
		query) t_req GET "$2$each_in" ;;
		json) t_req POST "$2" -H "$J" -d "$each_in" ;;
		*) t_bad "t_expect_each: no such way to send: $1"; return 1 ;;
		esac
		t_expect "$each_name" "$each_status" "$each_code"
	done
}

# ---- set-up through the VPC RPC door: URL is "$B/?Version=2016-04-28&RegionId=cn-hangzhou" ----

# t_gateway_idle URL GW: waits until VPN gateway GW is active; only a failure is counted
t_gateway_idle() {
	t_poll "$1&Action=DescribeVpnGateway&VpnGatewayId=$2" 'b.get("Status","")' active && return 0
	t_bad "gateway $2 did not become active"; return 1
}

# t_rpc_vpc_two_zones URL: a VPC 10.0.0.0/16 with vSwitches 10.0.1.0/24 (zone h) and
# 10.0.2.0/24 (zone i), both waited Available (checks "vpc available", "vswitch available");
# sets VPC, VSW1, VSW2
t_rpc_vpc_two_zones() {
	t_req GET "$1&Action=CreateVpc&CidrBlock=10.0.0.0/16"; VPC=$(t_json 'b["VpcId"]')
	t_wait_for "vpc available" "$1&Action=DescribeVpcs&VpcId=$VPC" 'b["Vpcs"]["Vpc"][0]["Status"]' Available
	t_req GET "$1&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; VSW1=$(t_json 'b["VSwitchId"]')
	t_req GET "$1&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24"; VSW2=$(t_json 'b["VSwitchId"]')
	t_wait_for "vswitch available" "$1&Action=DescribeVSwitches&VSwitchId=$VSW2" 'b["VSwitches"]["VSwitch"][0]["Status"]' Available
}

# t_rpc_gateway URL: a dual-tunnel VPN gateway in $VSW1 and $VSW2 of $VPC, waited active
# (checks "vpn gateway", "gateway active"); sets GW
t_rpc_gateway() {
	t_req GET "$1&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSW1&DisasterRecoveryVSwitchId=$VSW2&Bandwidth=10"
	t_expect "vpn gateway" 200
	GW=$(t_json 'b["VpnGatewayId"]')
	t_wait_for "gateway active" "$1&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
}

# t_rpc_gateway_network URL: a VPC 10.0.0.0/16 (check "vpc"), vSwitches 10.0.1.0/24 (zone h)
# and 10.0.2.0/24 (zone i), a dual-tunnel VPN gateway in them (check "gateway") waited active;
# sets VPC, VSH, VSI, GW and the gateway's two addresses GWIP, GWIP2
t_rpc_gateway_network() {
	t_req GET "$1&Action=CreateVpc&CidrBlock=10.0.0.0/16"; t_expect "vpc" 200; VPC=$(t_json 'b["VpcId"]')
	t_settle
	t_req GET "$1&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; VSH=$(t_json 'b["VSwitchId"]')
	t_req GET "$1&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24"; VSI=$(t_json 'b["VSwitchId"]')
	t_settle
	t_req GET "$1&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSI&Bandwidth=10"
	t_expect "gateway" 200; GW=$(t_json 'b["VpnGatewayId"]')
	t_gateway_idle "$1" "$GW" || return 1
	t_req GET "$1&Action=DescribeVpnGateway&VpnGatewayId=$GW"
	GWIP=$(t_json 'b["InternetIp"]'); GWIP2=$(t_json 'b["DisasterRecoveryInternetIp"]')
}

# t_rest_vpc_two_zones [MORE-JSON]: through the REST door of $B, a VPC 10.0.0.0/16 (its body
# ending with MORE-JSON members, if given) with vSwitches 10.0.1.0/24 (zone h) and 10.0.2.0/24
# (zone i), both waited Available (checks "vpc", "vpc available", "vsw h", "vsw i", "vswitch
# available"); sets VPC, VSH and VSI
t_rest_vpc_two_zones() {
	t_req POST "$B/v1/vpcs" -H "$J" -d "{$RJ,\"CidrBlock\":\"10.0.0.0/16\"${1:+,$1}}"; t_expect "vpc" 201
	VPC=$(t_json 'b["VpcId"]')
	t_wait_for "vpc available" "$B/v1/vpcs/$VPC?RegionId=cn-hangzhou" 'b["Status"]' Available
	t_req POST "$B/v1/vswitches" -H "$J" -d "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.0.1.0/24\"}"
	t_expect "vsw h" 201; VSH=$(t_json 'b["VSwitchId"]')
	t_req POST "$B/v1/vswitches" -H "$J" -d "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-i\",\"CidrBlock\":\"10.0.2.0/24\"}"
	t_expect "vsw i" 201; VSI=$(t_json 'b["VSwitchId"]')
	t_wait_for "vswitch available" "$B/v1/vswitches/$VSI?RegionId=cn-hangzhou" 'b["Status"]' Available
}

# t_rest_dual_tunnel_connection: through the REST door of $B, a VPC 10.0.0.0/16 with vSwitches
# 10.0.1.0/24 (zone h) and 10.0.2.0/24 (zone i), a dual-tunnel VPN gateway in them, customer
# gateways 203.0.113.11 and .12 and an IPsec connection over both to 192.168.10.0/24 (checks
# "vpc", "vsw h", "vsw i", "gateway", "cgw1", "cgw2", "connection"); sets VPC, VSH, VSI, GW,
# CG1, CG2, VCO and its tunnels' ids MASTER and SLAVE
t_rest_dual_tunnel_connection() {
	t_req POST "$B/v1/vpcs" -H "$J" -d "{$RJ,\"CidrBlock\":\"10.0.0.0/16\"}"; t_expect "vpc" 201; VPC=$(t_json 'b["VpcId"]')
	t_req POST "$B/v1/vswitches" -H "$J" -d "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.0.1.0/24\"}"
	t_expect "vsw h" 201; VSH=$(t_json 'b["VSwitchId"]')
	t_req POST "$B/v1/vswitches" -H "$J" -d "{$RJ,\"VpcId\":\"$VPC\",\"ZoneId\":\"cn-hangzhou-i\",\"CidrBlock\":\"10.0.2.0/24\"}"
	t_expect "vsw i" 201; VSI=$(t_json 'b["VSwitchId"]')
	t_req POST "$B/v1/vpn-gateways" -H "$J" -d "{$RJ,\"VpcId\":\"$VPC\",\"VSwitchId\":\"$VSH\",\"DisasterRecoveryVSwitchId\":\"$VSI\",\"Bandwidth\":10,\"EnableIpsec\":true}"
	t_expect "gateway" 201; GW=$(t_json 'b["VpnGatewayId"]')
	t_rest_connection 203.0.113.11 203.0.113.12 192.168.10.0/24
}

# t_rest_connection IP1 IP2 REMOTE: through the REST door of $B, customer gateways IP1 and IP2
# and an IPsec connection of the dual-tunnel gateway $GW from 10.0.0.0/16 to REMOTE, its master
# tunnel to IP1 and its slave to IP2 (checks "cgw1", "cgw2", "connection"); sets CG1, CG2, VCO
# and its tunnels' ids MASTER and SLAVE
t_rest_connection() {
	t_req POST "$B/v1/customer-gateways" -H "$J" -d "{$RJ,\"IpAddress\":\"$1\"}"; t_expect "cgw1" 201; CG1=$(t_json 'b["CustomerGatewayId"]')
	t_req POST "$B/v1/customer-gateways" -H "$J" -d "{$RJ,\"IpAddress\":\"$2\"}"; t_expect "cgw2" 201; CG2=$(t_json 'b["CustomerGatewayId"]')
	t_req POST "$B/v1/vpn-connections" -H "$J" -d "{$RJ,\"VpnGatewayId\":\"$GW\",\"LocalSubnet\":\"10.0.0.0/16\",\"RemoteSubnet\":\"$3\",\"TunnelOptionsSpecification\":[{\"CustomerGatewayId\":\"$CG1\",\"Role\":\"master\"},{\"CustomerGatewayId\":\"$CG2\",\"Role\":\"slave\"}]}"
	t_expect "connection" 201; VCO=$(t_json 'b["VpnConnectionId"]')
	t_req GET "$B/v1/vpn-connections/$VCO?RegionId=cn-hangzhou"
	MASTER=$(t_json '[t for t in b["TunnelOptionsSpecification"]["TunnelOptions"] if t["Role"]=="master"][0]["TunnelId"]')
	SLAVE=$(t_json '[t for t in b["TunnelOptionsSpecification"]["TunnelOptions"] if t["Role"]=="slave"][0]["TunnelId"]')
}

t_summary() {
	echo "$1: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
