#!/bin/sh
# bench/vpn.sh: VPN Gateway API figures for vpnlabd.
#
#   sh bench/vpn.sh            (from the repository root)
#
# Builds build/bench/loadgen and build/bench/bare, then in one run:
#   1. the bare libmicrohttpd handler (thread per connection, the server's
#      mode) under the same three loads the server gets below: the
#      DescribeVpnConnections GET (4 connections, 10 s) and the
#      CreateCustomerGateway GET (8 and 32 connections, 10 s each);
#   2. bin/vpnlabd on a fresh database, seeded through the RPC API with
#      2000 customer gateways, 30 dual-tunnel VPN gateways (each in its own
#      VPC with vSwitches in cn-hangzhou-h and cn-hangzhou-i) and 10 IPsec
#      connections on each (300, every tunnel with its own customer gateway);
#   3. DescribeVpnConnections&VpnGatewayId=<one>&PageSize=50 (4 connections,
#      10 s): a full page of 10 dual-tunnel connections;
#   4. CreateCustomerGateway, every request with its own IpAddress
#      (11.{a}.{b}.{c}, then 12.{a}.{b}.{c}), 8 then 32 connections,
#      30000 requests each;
#   5. stored counts, server RSS (and peak) and the database size at the end.
# Prints figures, never a verdict.  Exits non-zero only when a run could not
# be made at all (no server, seeding refused, loadgen could not connect).
#
# Environment: VPNLABD (default bin/vpnlabd), BENCH_SECONDS (default 10),
# BENCH_WRITES (CreateCustomerGateway requests per run, default 30000, at
# most 40000 so the runs stay inside the raised quota), BENCH_TMPDIR (default
# build/bench; holds the temporary database: not /tmp, see bench/README.md).
# Everything it starts is killed by PID on exit; its temp dir is removed.

set -u
cd "$(dirname "$0")/.." || exit 2

WRITES=${BENCH_WRITES:-30000}
Q='Version=2016-04-28&RegionId=cn-hangzhou'
FORM='Content-Type: application/x-www-form-urlencoded'

# The seeded shape.  Changing these changes what the figures mean.
N_GW=30		# VPN gateways, each in its own VPC
N_VCO=10	# IPsec connections per gateway (the default per-gateway quota)
N_CGW=2000	# customer gateways seeded (2 per connection are used by tunnels)

. bench/lib.sh

case "$WRITES" in
'' | *[!0-9]*) die "BENCH_WRITES must be a number" ;;
esac
# 2000 seeded + 2 runs must stay below customer_gateways_per_region=100000,
# and {a} must stay 0 so every address is distinct within a run's /8.
if [ "$WRITES" -lt 1 ] || [ "$WRITES" -gt 40000 ]; then
	die "BENCH_WRITES must be 1..40000"
fi

start_vpnlabd() {
	run_vpnlabd "$1" --quota vpn_gateways_per_account=1000 \
		--quota customer_gateways_per_region=100000 --quota vpcs_per_region=1000 --log off
}

# api QUERY: GET /?$Q&QUERY (see answer).  api_post BODY: POST / with the form body $Q&BODY.
api() { answer "$base/?$Q&$1"; }
api_post() { answer -H "$FORM" --data "$Q&$1" "$base/"; }

bench_tmp vpn VPN
CGW_URL="/?Action=CreateCustomerGateway&$Q&IpAddress"

# ---- 1. bare libmicrohttpd handler, same loads --------------------------
# The read URL names no real gateway here: bare answers every request alike.
launch_bare
timed_load "http://127.0.0.1:$port/?Action=DescribeVpnConnections&$Q&VpnGatewayId=vpn-x&PageSize=50" 4 bare-thread-c4; bare_r=$rps
timed_load "http://127.0.0.1:$port$CGW_URL=11.{a}.{b}.{c}" 8 bare-thread-c8; bare_w8=$rps
timed_load "http://127.0.0.1:$port$CGW_URL=11.{a}.{b}.{c}" 32 bare-thread-c32; bare_w32=$rps
stop "$spid"

# ---- 2. the real server, seeded ------------------------------------------
launch_vpnlabd
rss_idle=$(rss_kib "$spid")
t0=$(date +%s)

# Customer gateways first (13.x.y.z, disjoint from the timed runs' 11/8 and
# 12/8), through loadgen: 2000 curl processes would take longer than the bench.
run_load --url "$base$CGW_URL=13.{a}.{b}.{c}" --connections 8 --requests "$N_CGW" \
	--label seed-customer-gateways
[ "$(field "$line" s2xx)" = "$N_CGW" ] || die "seeding customer gateways failed"

# 2 customer gateway IDs per connection, read back page by page.
need=$((N_GW * N_VCO * 2))
: >"$tmp/cgw.ids"
page=1
while [ "$(wc -l <"$tmp/cgw.ids")" -lt "$need" ]; do
	api "Action=DescribeCustomerGateways&PageSize=50&PageNumber=$page" ||
		die "DescribeCustomerGateways failed: $body"
	_before=$(wc -l <"$tmp/cgw.ids")
	printf '%s\n' "$body" | grep -o '"CustomerGatewayId":"[^"]*"' |
		sed 's/.*:"\(.*\)"/\1/' >>"$tmp/cgw.ids"
	[ "$(wc -l <"$tmp/cgw.ids")" -gt "$_before" ] || die "fewer than $need customer gateways listed"
	page=$((page + 1))
done

# VPCs, vSwitches in two zones, dual-tunnel gateways.  With
# --transition-delay-ms 0 each is Available/active as soon as it is created.
: >"$tmp/gw.ids"
g=1
while [ $g -le $N_GW ]; do
	created vpc VpcId "Action=CreateVpc&CidrBlock=10.$g.0.0/16"
	created vsh VSwitchId "Action=CreateVSwitch&VpcId=$vpc&ZoneId=cn-hangzhou-h&CidrBlock=10.$g.1.0/24"
	created vsi VSwitchId "Action=CreateVSwitch&VpcId=$vpc&ZoneId=cn-hangzhou-i&CidrBlock=10.$g.2.0/24"
	api "Action=CreateVpnGateway&VpcId=$vpc&VSwitchId=$vsh&DisasterRecoveryVSwitchId=$vsi&Bandwidth=10" ||
		die "CreateVpnGateway failed: $body"
	json_str VpnGatewayId >>"$tmp/gw.ids"
	g=$((g + 1))
done

# Connections round-robin over the gateways: a gateway is "updating" while a
# connection is added, so consecutive requests go to different gateways.
# With --transition-delay-ms 0 the gateway is active again when the answer
# comes, so VpnGateway.Configuring should not happen; it is retried (and
# counted) rather than trusted never to, since the bench is not a test.
retries=0
T1=TunnelOptionsSpecification.1
T2=TunnelOptionsSpecification.2
k=1
r=1
while [ $r -le $N_VCO ]; do
	g=1
	while read -r gw; do
		c1=$(sed -n "${k}p" "$tmp/cgw.ids")
		c2=$(sed -n "$((k + 1))p" "$tmp/cgw.ids")
		k=$((k + 2))
		conn="Action=CreateVpnConnection&VpnGatewayId=$gw&Name=bench-$g-$r"
		conn="$conn&LocalSubnet=10.$g.0.0%2F16&RemoteSubnet=172.16.$r.0%2F24"
		conn="$conn&$T1.CustomerGatewayId=$c1&$T1.Role=master&$T2.CustomerGatewayId=$c2&$T2.Role=slave"
		_t=0
		until api_post "$conn"; do
			_t=$((_t + 1))
			case "$body" in
			*VpnGateway.Configuring*)
				retries=$((retries + 1))
				if [ $_t -lt 50 ]; then
					sleep 0.1
					continue
				fi
				;;
			esac
			die "CreateVpnConnection failed: $body"
		done
		g=$((g + 1))
	done <"$tmp/gw.ids"
	r=$((r + 1))
done
seed_secs=$(($(date +%s) - t0))

gw1=$(head -n 1 "$tmp/gw.ids")
n_gw=$(total DescribeVpnGateways "")
n_vco=$(total DescribeVpnConnections "")
n_cgw_seed=$(total DescribeCustomerGateways "")
api "Action=DescribeVpnConnections&VpnGatewayId=$gw1&PageSize=50" || die "DescribeVpnConnections failed: $body"
page_n=$(printf '%s\n' "$body" | grep -o '"VpnConnectionId":"[^"]*"' | wc -l)
page_bytes=$(printf '%s' "$body" | wc -c)
echo "seeded in ${seed_secs}s: vpn_gateways=${n_gw:-?} vpn_connections=${n_vco:-?}" \
	"customer_gateways=${n_cgw_seed:-?} (Configuring retries: $retries);" \
	"read page: $page_n connections, $page_bytes bytes"
rss_seed=$(rss_kib "$spid")

# ---- 3. reads ------------------------------------------------------------
run_load --url "$base/?Action=DescribeVpnConnections&$Q&VpnGatewayId=$gw1&PageSize=50" \
	--connections 4 --duration "$SECS" --label server-describe-vco
read_line=$line
srv_r=$(field "$line" rps)

# ---- 4. durable writes ---------------------------------------------------
run_load --url "$base$CGW_URL=11.{a}.{b}.{c}" --connections 8 --requests "$WRITES" \
	--label server-create-cgw-c8
w8_line=$line
srv_w8=$(field "$line" rps)
run_load --url "$base$CGW_URL=12.{a}.{b}.{c}" --connections 32 --requests "$WRITES" \
	--label server-create-cgw-c32
w32_line=$line
srv_w32=$(field "$line" rps)

n_cgw=$(total DescribeCustomerGateways "")
n_vco_end=$(total DescribeVpnConnections "")
end_figures

echo
echo "# summary"
awk -v br="$bare_r" -v b8="$bare_w8" -v b32="$bare_w32" \
	-v sr="$srv_r" -v s8="$srv_w8" -v s32="$srv_w32" \
	-v rp50="$(field "$read_line" p50_ms)" -v rp99="$(field "$read_line" p99_ms)" \
	-v w8p50="$(field "$w8_line" p50_ms)" -v w8p99="$(field "$w8_line" p99_ms)" \
	-v w32p50="$(field "$w32_line" p50_ms)" -v w32p99="$(field "$w32_line" p99_ms)" \
	-v rbad="$(field "$read_line" non2xx)+$(field "$read_line" errors)" \
	-v w8bad="$(field "$w8_line" non2xx)+$(field "$w8_line" errors)" \
	-v w32bad="$(field "$w32_line" non2xx)+$(field "$w32_line" errors)" \
	-v ng="${n_gw:-?}" -v nv="${n_vco_end:-?}" -v nc="${n_cgw:-?}" -v w="$WRITES" 'BEGIN {
	printf "%-34s %10s %8s %8s %10s %7s %s\n", "", "rps", "p50_ms", "p99_ms", "bare_rps", "ratio", "non2xx+errors"
	printf "%-34s %10s %8s %8s %10s %7.2f %s\n", "DescribeVpnConnections c4 (10/50)",
		sr, rp50, rp99, br, (br > 0 ? sr / br : 0), rbad
	printf "%-34s %10s %8s %8s %10s %7.2f %s\n", "CreateCustomerGateway c8",
		s8, w8p50, w8p99, b8, (b8 > 0 ? s8 / b8 : 0), w8bad
	printf "%-34s %10s %8s %8s %10s %7.2f %s\n", "CreateCustomerGateway c32",
		s32, w32p50, w32p99, b32, (b32 > 0 ? s32 / b32 : 0), w32bad
	printf "stored: vpn_gateways=%s vpn_connections=%s customer_gateways=%s (expected 2000 + 2 x %d)\n",
		ng, nv, nc, w
}'
print_footprint
stop "$spid"
exit 0
