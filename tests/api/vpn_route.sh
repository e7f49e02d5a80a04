#!/bin/sh
# API tests over real HTTP with curl for VPN gateway routes: Create/Delete/Describe
# VpnRouteEntry, ModifyVpnRouteEntryWeight, PublishVpnRouteEntry and the policy-based
# (Pbr) actions — answer keys, the cloud's error codes, the pending → published | normal
# lifecycle with the gateway's one-change-at-a-time rule, AutoConfigRoute, quotas, DryRun
# and isolation.  The gateway and its IPsec connections are created through the API
# (the emulated regions are dual-tunnel, so every gateway here is dual-tunnel).
# Usage: tests/api/vpn_route.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" route.db \
	--quota vpn_routes_per_gateway=5 --quota vpn_pbr_routes_per_gateway=2 || exit 1
R="Version=2016-04-28&RegionId=cn-hangzhou"
A="$B/?$R"
T="TunnelOptionsSpecification"

gw_active() { t_wait_for "${1:-gateway active}" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active; }
# route EXPR over the entry with destination $1 and next hop $2 of the last DescribeVpnRouteEntries
routes() { t_req GET "$A&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW&PageSize=50${1:-}"; }
route_of() { echo "[r for r in b['VpnRouteEntries']['VpnRouteEntry'] if r['RouteDest']=='$1' and r['NextHop']=='$2']"; }

# ---- a VPC, two vSwitches, a gateway, customer gateways, two connections ----
t_rpc_vpc_two_zones "$A"
t_rpc_gateway "$A"
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.2"; CGW1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.3"; CGW2=$(t_json 'b["CustomerGatewayId"]')
tunnels="$T.1.CustomerGatewayId=$CGW1&$T.1.Role=master&$T.2.CustomerGatewayId=$CGW2&$T.2.Role=slave"
# AutoConfigRoute (default true): a published weight-100 route per remote CIDR
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data \
	"Action=CreateVpnConnection&$R&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.10.0%2F24%2C192.168.20.0%2F24&$tunnels"
t_expect "connection with auto routes" 200
VCO1=$(t_json 'b["VpnConnectionId"]')
routes; t_expect "describe auto routes" 200
t_check "auto routes" 'sorted((r["RouteDest"], r["NextHop"], r["Weight"]) for r in b["VpnRouteEntries"]["VpnRouteEntry"])' \
	"[('192.168.10.0/24', '$VCO1', 100), ('192.168.20.0/24', '$VCO1', 100)]"
gw_active
routes; t_check "auto routes published" 'sorted(set(r["State"] for r in b["VpnRouteEntries"]["VpnRouteEntry"]))' "['published']"
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data \
	"Action=CreateVpnConnection&$R&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=172.16.0.0%2F16&AutoConfigRoute=false&$tunnels"
t_expect "connection without auto routes" 200
VCO2=$(t_json 'b["VpnConnectionId"]')
gw_active
routes; t_check "no route for the second" 'b["TotalCount"]' 2

# ---- CreateVpnRouteEntry: parameters ----
C="$A&Action=CreateVpnRouteEntry"
t_expect_each query "$C&" <<EOF
RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true|400|MissingVpnGatewayId|missing gateway
VpnGatewayId=$GW&NextHop=$VCO2&Weight=100&PublishVpc=true|400|MissingRouteDest|missing dest
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&Weight=100&PublishVpc=true|400|MissingNextHop|missing next hop
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&PublishVpc=true|400|MissingWeight|missing weight
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100|400|MissingPublishVpc|missing publish
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=50&PublishVpc=true|400|InvalidWeight|weight 0 or 100
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=yes|400|InvalidPublishVpc|publish bool
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true&OverlayMode=Gre|400|InvalidOverlayMode|overlay
VpnGatewayId=$GW&RouteDest=0.0.0.0/0&NextHop=$VCO2&Weight=100&PublishVpc=true|400|IllegalParam.RouteDest|default route
VpnGatewayId=$GW&RouteDest=10.10.0.1/16&NextHop=$VCO2&Weight=100&PublishVpc=true|400|IllegalParam.RouteDest|host bits
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true&Description=http://x|400|InvalidDescription|description
VpnGatewayId=vpn-doesnotexist&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true|404|InvalidVpnGatewayInstanceId.NotFound|unknown gateway
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=vco-doesnotexist&Weight=100&PublishVpc=true|404|InvalidVpnConnectionInstanceId.NotFound|unknown next hop
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true&AccessKeyId=1000000000000002|404|InvalidVpnGatewayInstanceId.NotFound|other account
VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true&DryRun=true|400|DryRunOperation|dry run
EOF
routes; t_check "failures and dry run created nothing" 'b["TotalCount"]' 2
t_req GET "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_check "gateway untouched" 'b["Status"]' active

# ---- create, lifecycle, one change at a time ----
# the requests that must land while the change is applied (1 s) go first, checks after
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=0&PublishVpc=true&Description=to+hq&ClientToken=rt-1"
CREATED_STATUS=$T_STATUS; CREATED=$T_BODY
t_req GET "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW"; GW_BODY=$T_BODY
routes; ROUTES_BODY=$T_BODY
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.11.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true"; BUSY_STATUS=$T_STATUS; BUSY=$T_BODY
t_req GET "$A&Action=DeleteVpnRouteEntry&VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100"; PENDING_STATUS=$T_STATUS; PENDING=$T_BODY
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=0&PublishVpc=true&Description=to+hq&ClientToken=rt-1"
t_expect "client token retry" 200
t_check "client token retry answer" 'b["RouteDest"]' 10.10.0.0/16
T_STATUS=$CREATED_STATUS; T_BODY=$CREATED; t_expect "create" 200
t_check "create answer keys" '",".join(sorted(b.keys()))' "CreateTime,Description,NextHop,OverlayMode,RequestId,RouteDest,State,VpnInstanceId,Weight"
t_check "create answer" '[b["VpnInstanceId"], b["RouteDest"], b["NextHop"], b["OverlayMode"], b["State"], b["Description"]]' \
	"['$GW', '10.10.0.0/16', '$VCO2', 'Ipsec', 'published', 'to hq']"
t_check "dual tunnel: weight has no effect" 'b["Weight"]' 100
t_check "create time ms" 'isinstance(b["CreateTime"], int) and b["CreateTime"] > 10**12' true
T_BODY=$GW_BODY; t_check "gateway updating" 'b["Status"]' updating
T_BODY=$ROUTES_BODY; t_check "route pending" "$(route_of 10.10.0.0/16 "$VCO2")[0]['State']" pending
T_STATUS=$BUSY_STATUS; T_BODY=$BUSY; t_expect "gateway configuring" 400 VpnGateway.Configuring
T_STATUS=$PENDING_STATUS; T_BODY=$PENDING; t_expect "route configuring" 400 VpnRouteEntry.Configuring
routes; t_check "one entry despite the retry" "len($(route_of 10.10.0.0/16 "$VCO2"))" 1
gw_active
t_wait_for "route published" "$A&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW&PageSize=50" \
	"$(route_of 10.10.0.0/16 "$VCO2")[0]['State']" published
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=false"; t_expect "duplicate" 400 VpnRouteEntry.AlreadyExists

# ---- describe ----
routes; t_expect "describe" 200
t_check "describe keys" '",".join(sorted(b.keys()))' "PageNumber,PageSize,RequestId,TotalCount,VpnRouteCounts,VpnRouteEntries"
t_check "total" 'b["TotalCount"]' 3
t_check "item keys" '",".join(sorted(b["VpnRouteEntries"]["VpnRouteEntry"][0].keys()))' \
	"AsPath,Community,CreateTime,NextHop,NextHopTunnelId,RouteDest,RouteEntryType,Source,State,VpnInstanceId,Weight"
t_check "newest first" 'b["VpnRouteEntries"]["VpnRouteEntry"][0]["RouteDest"]' 10.10.0.0/16
t_check "custom routes" 'sorted(set(r["RouteEntryType"] for r in b["VpnRouteEntries"]["VpnRouteEntry"]))' "['custom']"
t_check "counts" 'b["VpnRouteCounts"]["VpnRouteCount"][0]["RouteCount"]' 3
t_req GET "$A&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW&PageSize=2&PageNumber=2"; t_check "page 2" 'len(b["VpnRouteEntries"]["VpnRouteEntry"])' 1
routes "&RouteEntryType=bgp"; t_check "no learned bgp routes" 'b["TotalCount"]' 0
routes "&RouteEntryType=system"; t_expect "entry type" 400 InvalidRouteEntryType
t_req GET "$A&Action=DescribeVpnRouteEntries"; t_expect "describe missing gateway" 400 MissingVpnGatewayId
t_req GET "$A&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW&AccessKeyId=1000000000000002"; t_expect "describe other account" 404 InvalidVpnGatewayInstanceId.NotFound

# ---- publish / withdraw ----
P="$A&Action=PublishVpnRouteEntry&VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2"
t_req GET "$P&PublishVpc=false"; t_expect "missing route type" 400 MissingRouteType
t_req GET "$P&PublishVpc=false&RouteType=xbr"; t_expect "route type" 400 InvalidRouteType
t_req GET "$P&RouteType=dbr"; t_expect "missing publish" 400 MissingPublishVpc
t_req GET "$A&Action=PublishVpnRouteEntry&VpnGatewayId=$GW&RouteDest=10.99.0.0/16&NextHop=$VCO2&RouteType=dbr&PublishVpc=false"
t_expect "publish unknown route" 404 InvalidRouteEntry.NotFound
t_req GET "$P&RouteType=dbr&PublishVpc=false"; t_expect "withdraw" 200
t_check "withdraw answer keys" '",".join(sorted(b.keys()))' RequestId
t_wait_for "route normal" "$A&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW&PageSize=50" \
	"$(route_of 10.10.0.0/16 "$VCO2")[0]['State']" normal
gw_active

# ---- modify weight (dual-tunnel: accepted, no effect) ----
M="$A&Action=ModifyVpnRouteEntryWeight&VpnGatewayId=$GW&RouteDest=10.10.0.0/16&NextHop=$VCO2"
t_req GET "$M&Weight=0&NewWeight=100"; t_expect "old weight wrong" 404 InvalidRouteEntry.NotFound
t_req GET "$M&Weight=100"; t_expect "missing new weight" 400 MissingNewWeight
t_req GET "$M&Weight=100&NewWeight=1"; t_expect "new weight 0|100" 400 InvalidNewWeight
t_req GET "$M&Weight=100&NewWeight=0"; t_expect "modify weight" 200
gw_active
routes; t_check "weight unchanged on dual tunnel" "$(route_of 10.10.0.0/16 "$VCO2")[0]['Weight']" 100

# ---- quota (5 destination routes per gateway in this server) ----
for d in 10.11.0.0/16 10.12.0.0/16; do
	t_req GET "$C&VpnGatewayId=$GW&RouteDest=$d&NextHop=$VCO2&Weight=100&PublishVpc=true"; t_expect "create $d" 200
	gw_active "gateway active after $d"
done
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.13.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true"; t_expect "quota" 400 QuotaExceeded.VpnRouteEntry

# ---- delete ----
D="$A&Action=DeleteVpnRouteEntry&VpnGatewayId=$GW&RouteDest=10.12.0.0/16&NextHop=$VCO2"
t_req GET "$D"; t_expect "delete missing weight" 400 MissingWeight
t_req GET "$D&Weight=0"; t_expect "delete wrong weight" 404 InvalidRouteEntry.NotFound
t_req GET "$D&Weight=100&AccessKeyId=1000000000000002"; t_expect "delete other account" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$D&Weight=100"; t_expect "delete" 200
t_check "delete answer keys" '",".join(sorted(b.keys()))' RequestId
routes; t_check "deleted" "len($(route_of 10.12.0.0/16 "$VCO2"))" 0
gw_active
t_req GET "$D&Weight=100"; t_expect "delete again" 404 InvalidRouteEntry.NotFound
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.13.0.0/16&NextHop=$VCO2&Weight=100&PublishVpc=true"; t_expect "quota freed" 200
gw_active

# ---- policy-based routes ----
PC="$A&Action=CreateVpnPbrRouteEntry&VpnGatewayId=$GW&NextHop=$VCO2&Weight=100&PublishVpc=true"
t_req GET "$PC&RouteDest=10.20.0.0/16"; t_expect "pbr missing source" 400 MissingRouteSource
t_req GET "$PC&RouteSource=10.0.0.0/16&RouteDest=10.20.0.0/16&Priority=0"; t_expect "pbr priority range" 400 InvalidPriority
t_req GET "$PC&RouteSource=10.0.0.0/16&RouteDest=10.20.0.0/16&Priority=101"; t_expect "pbr priority range 2" 400 InvalidPriority
t_req GET "$PC&RouteSource=10.0.0.1/16&RouteDest=10.20.0.0/16"; t_expect "pbr bad source" 400 IllegalParam.RouteSource
t_req GET "$PC&RouteSource=10.0.0.0/16&RouteDest=10.20.0.0/16"; t_expect "pbr create" 200
t_check "pbr answer keys" '",".join(sorted(b.keys()))' \
	"CreateTime,Description,NextHop,OverlayMode,Priority,RequestId,RouteDest,RouteSource,State,VpnInstanceId,Weight"
t_check "pbr default priority" 'b["Priority"]' 10
gw_active
t_req GET "$PC&RouteSource=10.0.0.0/16&RouteDest=10.20.0.0/16&Priority=5"; t_expect "pbr duplicate" 400 VpnRouteEntry.AlreadyExists
t_req GET "$PC&RouteSource=10.0.0.0/16&RouteDest=0.0.0.0/0&Priority=5"; t_expect "pbr default route on dual tunnel" 200
gw_active
t_req GET "$PC&RouteSource=10.0.0.0/24&RouteDest=10.21.0.0/16"; t_expect "pbr quota" 400 QuotaExceeded.PolicyBasedRoute
t_req GET "$A&Action=DescribeVpnPbrRouteEntries&VpnGatewayId=$GW"; t_expect "pbr describe" 200
t_check "pbr describe keys" '",".join(sorted(b.keys()))' "PageNumber,PageSize,RequestId,TotalCount,VpnPbrRouteEntries"
t_check "pbr total" 'b["TotalCount"]' 2
t_check "pbr item keys" '",".join(sorted(b["VpnPbrRouteEntries"]["VpnPbrRouteEntry"][0].keys()))' \
	"CreateTime,NextHop,NextHopTunnelId,Priority,RouteDest,RouteSource,State,VpnInstanceId,Weight"
routes; t_check "destination routes unaffected" 'b["TotalCount"]' 5
K="VpnGatewayId=$GW&RouteSource=10.0.0.0/16&RouteDest=10.20.0.0/16&NextHop=$VCO2"
t_req GET "$A&Action=ModifyVpnPbrRouteEntryPriority&$K&Weight=100&Priority=7&NewPriority=3"; t_expect "pbr priority mismatch" 404 InvalidRouteEntry.NotFound
t_req GET "$A&Action=ModifyVpnPbrRouteEntryPriority&$K&Weight=100&NewPriority=3"; t_expect "pbr priority" 200
gw_active
t_req GET "$A&Action=DescribeVpnPbrRouteEntries&VpnGatewayId=$GW"
t_check "pbr new priority" '[r["Priority"] for r in b["VpnPbrRouteEntries"]["VpnPbrRouteEntry"] if r["RouteDest"]=="10.20.0.0/16"]' "[3]"
t_req GET "$A&Action=ModifyVpnPbrRouteEntryWeight&$K&Weight=100&NewWeight=0&Priority=3"; t_expect "pbr weight" 200
gw_active
# withdrawing the policy route withdraws a published destination route of the same destination
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.20.0.0/16&NextHop=$VCO1&Weight=100&PublishVpc=true"; t_expect "quota still full" 400 QuotaExceeded.VpnRouteEntry
t_req GET "$A&Action=DeleteVpnRouteEntry&VpnGatewayId=$GW&RouteDest=10.13.0.0/16&NextHop=$VCO2&Weight=100"; t_expect "make room" 200
gw_active
t_req GET "$C&VpnGatewayId=$GW&RouteDest=10.20.0.0/16&NextHop=$VCO1&Weight=100&PublishVpc=true"; t_expect "dbr to the pbr destination" 200
gw_active
t_req GET "$A&Action=PublishVpnRouteEntry&VpnGatewayId=$GW&RouteDest=10.20.0.0/16&NextHop=$VCO2&RouteType=pbr&PublishVpc=false"
t_expect "pbr withdraw" 200
gw_active
t_wait_for "pbr normal" "$A&Action=DescribeVpnPbrRouteEntries&VpnGatewayId=$GW" \
	'[r["State"] for r in b["VpnPbrRouteEntries"]["VpnPbrRouteEntry"] if r["RouteDest"]=="10.20.0.0/16"][0]' normal
routes; t_check "dbr of the same destination withdrawn too" "$(route_of 10.20.0.0/16 "$VCO1")[0]['State']" normal
t_check "other dbr stay published" "$(route_of 10.11.0.0/16 "$VCO2")[0]['State']" published
t_req GET "$A&Action=DescribeVpnPbrRouteEntries&VpnGatewayId=$GW"
t_check "pbr weight unchanged on dual tunnel" '[r["Weight"] for r in b["VpnPbrRouteEntries"]["VpnPbrRouteEntry"] if r["RouteDest"]=="10.20.0.0/16"]' "[100]"
t_req GET "$A&Action=DeleteVpnPbrRouteEntry&$K&Weight=0"; t_expect "pbr delete wrong weight" 404 InvalidRouteEntry.NotFound
t_req GET "$A&Action=DeleteVpnPbrRouteEntry&$K&Weight=100&Priority=10"; t_expect "pbr delete old priority" 404 InvalidRouteEntry.NotFound
t_req GET "$A&Action=DeleteVpnPbrRouteEntry&$K&Weight=100&Priority=3"; t_expect "pbr delete" 200
gw_active
t_req GET "$A&Action=DescribeVpnPbrRouteEntries&VpnGatewayId=$GW"; t_check "pbr left" 'b["TotalCount"]' 1

# ---- deleting a connection removes the routes through it ----
t_req GET "$A&Action=DeleteVpnConnection&VpnConnectionId=$VCO1"; t_expect "delete connection" 200
gw_active
routes; t_check "its auto routes are gone" "len([r for r in b['VpnRouteEntries']['VpnRouteEntry'] if r['NextHop']=='$VCO1'])" 0
t_check "the others stay" 'sorted(r["RouteDest"] for r in b["VpnRouteEntries"]["VpnRouteEntry"])' "['10.10.0.0/16', '10.11.0.0/16']"

t_summary "vpn_route.sh"
