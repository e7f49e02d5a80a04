#!/bin/sh
# API tests of the VPN gateway actions over real HTTP with curl: CreateVpnGateway (every
# parameter rule), DescribeVpnGateway(s) (keys, filters, paging), ModifyVpnGatewayAttribute,
# DeleteVpnGateway (refusals, release), DescribeVpnGatewayAvailableZones, the lifecycle
# (provisioning, updating, VpnGateway.Configuring), the address pool (a tiny --public-ip-pool),
# quota (--quota vpn_gateways_per_account=3), ClientToken, account and region isolation;
# then a second server with a --catalog file whose region is single-tunnel.
# Usage: tests/api/vpn_gateway.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" vpngw.db \
	--public-ip-pool 203.0.113.0/29 --quota vpn_gateways_per_account=3 || exit 1
R="Version=2016-04-28&RegionId=cn-hangzhou"
Q="$B/?$R"

# ---- network to put gateways in: one VPC, vSwitches in zones h, i and a second in h ----
t_req GET "$Q&Action=CreateVpc&CidrBlock=10.0.0.0/16"; t_expect "vpc" 200; VPC=$(t_json 'b["VpcId"]')
t_settle
t_req GET "$Q&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; t_expect "vsw h" 200
VSH=$(t_json 'b["VSwitchId"]')
t_req GET "$Q&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24"; t_expect "vsw i" 200
VSI=$(t_json 'b["VSwitchId"]')
t_req GET "$Q&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.3.0/24"; t_expect "vsw h2" 200
VSH2=$(t_json 'b["VSwitchId"]')
t_req GET "$Q&Action=CreateVpc&CidrBlock=192.168.0.0/16"; VPC2=$(t_json 'b["VpcId"]')
t_settle
t_req GET "$Q&Action=CreateVSwitch&VpcId=$VPC2&ZoneId=cn-hangzhou-i&CidrBlock=192.168.1.0/24"
VSX=$(t_json 'b["VSwitchId"]')
t_settle
C="$Q&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSI"

# ---- create: bad input is refused and creates nothing ----
t_req GET "$Q&Action=CreateVpnGateway&Bandwidth=10"; t_expect "missing vpc" 400 MissingVpcId
t_req GET "$Q&Action=CreateVpnGateway&VpcId=$VPC"; t_expect "missing bandwidth" 400 MissingBandwidth
t_expect_each query "$C" <<'EOF'
&Bandwidth=ten|400|InvalidBandwidth|bandwidth type
&Bandwidth=7|400|InvalidSpec.NotFound|bandwidth set
&Bandwidth=10&NetworkType=private|400|InvalidSpec.NotFound|private bandwidth set
&Bandwidth=10&NetworkType=hybrid|400|InvalidNetworkType|network type
&Bandwidth=10&VpnType=NationalStandard|400|InvalidVpnType|vpn type
&Bandwidth=10&InstanceChargeType=MONTHLY|400|InvalidInstanceChargeType|charge type
&Bandwidth=10&InstanceChargeType=PREPAY|400|MissingPeriod|prepaid needs period
&Bandwidth=10&InstanceChargeType=PREPAY&Period=10|400|InvalidPeriod|period set
&Bandwidth=10&EnableSsl=true&SslConnections=3|400|InvalidSslConnections|ssl connections
&Bandwidth=10&EnableIpsec=maybe|400|InvalidEnableIpsec|boolean
&Bandwidth=10&Name=x|400|InvalidName|name
EOF
t_check "name message" 'b["Message"]' "The name is not valid"
t_req GET "$Q&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&Bandwidth=10"
t_expect "second vswitch required" 400 InvalidVSwitchId.NotFound
t_check "vswitch message" 'b["Message"]' "The specified vswitchId is not found."
t_req GET "$Q&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSX&Bandwidth=10"
t_expect "vswitch of another vpc" 400 InvalidVSwitchId.NotFound
t_req GET "$Q&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSH2&Bandwidth=10"
t_expect "two zones" 400 InvalidParameter
t_req GET "$Q&Action=CreateVpnGateway&VpcId=vpc-nothere&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSI&Bandwidth=10"
t_expect "vpc not found" 404 InvalidVpcId.NotFound
t_req GET "$C&Bandwidth=10&DryRun=true"; t_expect "no DryRun in this API: ignored, created" 200
DRY=$(t_json 'b["VpnGatewayId"]')
t_req GET "$Q&Action=DescribeVpnGateways"; t_check "only that one exists" 'b["TotalCount"]' 1

# ---- create (POST form) and the lifecycle ----
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data "Action=CreateVpnGateway&$R&VpcId=$VPC&VSwitchId=$VSI&DisasterRecoveryVSwitchId=$VSH2&Bandwidth=100&Name=lab-gw"
t_expect "create" 200
GW=$(t_json 'b["VpnGatewayId"]')
t_check "id format" 'b["VpnGatewayId"].startswith("vpn-bp1") and len(b["VpnGatewayId"]) == 28' true
t_check "name" 'b["Name"]' lab-gw
t_check "order id is a number" 'isinstance(b["OrderId"], int) and b["OrderId"] > 10**14' true
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_expect "describe" 200
t_check "provisioning" 'b["Status"]' provisioning
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&Name=x2x"; t_expect "modify while provisioning" 400 VpnGateway.Configuring
t_check "configuring message" 'b["Message"]' "The specified service is configuring."
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW"; t_expect "delete while provisioning" 400 VpnGateway.Configuring
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$DRY"; t_check "default name is the id" 'b["Name"]' "$DRY"
t_settle
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_expect "describe active" 200
t_check "active" 'b["Status"]' active
t_check "every SDK key" 'sorted(k for k in ["AutoPropagate","BusinessStatus","ChargeType","CreateTime","Description","DisasterRecoveryInternetIp","DisasterRecoveryVSwitchId","EnableBgp","EniInstanceIds","GatewayType","InternetIp","IpsecVpn","Name","NetworkType","RequestId","ResourceGroupId","Spec","SslMaxConnections","SslVpn","SslVpnInternetIp","Status","Tag","Tags","VSwitchId","VpcId","VpnGatewayId","VpnType"] if k not in b)' "[]"
t_check "vswitches" '[b["VSwitchId"], b["DisasterRecoveryVSwitchId"], b["VpcId"]]' "['$VSI', '$VSH2', '$VPC']"
t_check "pool addresses (first gateway took .1 and .2)" '[b["InternetIp"], b["DisasterRecoveryInternetIp"], b["SslVpnInternetIp"]]' "['203.0.113.3', '203.0.113.4', '']"
t_check "spec" 'b["Spec"]' 100M
t_check "charge type" 'b["ChargeType"]' PostpayByFlow
t_check "no EndTime for pay-as-you-go" '"EndTime" in b' false
t_check "create time ms" 'b["CreateTime"] > 1600000000000' true
t_check "features" '[b["IpsecVpn"], b["SslVpn"], b["SslMaxConnections"], b["EnableBgp"], b["AutoPropagate"]]' "['enable', 'disable', 0, True, True]"
t_check "types" '[b["NetworkType"], b["VpnType"], b["GatewayType"], b["BusinessStatus"]]' "['public', 'Normal', 'Traditional', 'Normal']"
t_check "interfaces" 'len(b["EniInstanceIds"]["EniInstanceId"])' 2
t_check "tags wrapper" 'b["Tags"]' "{'Tag': []}"
t_check "system labels" '__import__("json").loads(b["Tag"])["VpnEnableBgp"]' true
t_check "no reservation data unless asked" '"ReservationData" in b' false
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW&IncludeReservationData=true"
t_check "reservation data" 'b["ReservationData"]' "{}"
t_req GET "$Q&Action=DescribeVpnGateway"; t_expect "describe needs id" 400 MissingVpnGatewayId
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=vpn-nothere"; t_expect "not found" 404 InvalidVpnGatewayInstanceId.NotFound
t_check "not found message" 'b["Message"]' "The specified vpn gateway instance id does not exist."

# ---- ClientToken ----
t_req GET "$C&Bandwidth=10&ClientToken=tok-gw"; t_expect "token first" 200; TOKGW=$(t_json 'b["VpnGatewayId"]')
t_req GET "$C&Bandwidth=10&ClientToken=tok-gw"; t_expect "token replay" 200
t_check "same gateway" 'b["VpnGatewayId"]' "$TOKGW"
t_req GET "$C&Bandwidth=20&ClientToken=tok-gw"; t_expect "token mismatch" 400 IdempotentParameterMismatch

# ---- the pool (a /29: six addresses) is now full: three gateways took two each ----
t_req GET "$Q&Action=DescribeVpnGateways"; t_check "three gateways" 'b["TotalCount"]' 3
t_settle
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$DRY"; t_expect "delete frees two" 200
t_req GET "$C&Bandwidth=10&EnableSsl=true"; t_expect "ssl needs a third address" 400 OperationFailed.PublicIpPoolExhausted
t_req GET "$Q&Action=DescribeVpnGateways"; t_check "refused create left nothing" 'b["TotalCount"]' 2
t_req GET "$C&Bandwidth=10"; t_expect "two addresses are free again" 200; G3=$(t_json 'b["VpnGatewayId"]')
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$G3"
t_check "lowest free addresses" '[b["InternetIp"], b["DisasterRecoveryInternetIp"]]' "['203.0.113.1', '203.0.113.2']"

# ---- quota: three per account, across regions ----
t_req GET "$C&Bandwidth=200&NetworkType=private"; t_expect "quota" 400 Resource.QuotaFull
t_check "quota message" 'b["Message"]' "The quota of resource is full"
t_settle
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$G3"; t_expect "delete G3" 200
t_req GET "$C&Bandwidth=200&NetworkType=private"; t_expect "private gateway" 200; PRIV=$(t_json 'b["VpnGatewayId"]')
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$PRIV"
t_check "private addresses from the vSwitches" '[b["InternetIp"].rsplit(".",1)[0], b["DisasterRecoveryInternetIp"].rsplit(".",1)[0], b["NetworkType"]]' "['10.0.1', '10.0.2', 'private']"

# ---- DescribeVpnGateways: wrapper, filters, paging ----
t_req GET "$Q&Action=DescribeVpnGateways"; t_expect "list" 200
t_check "wrapper and page" '[b["TotalCount"], b["PageNumber"], b["PageSize"], len(b["VpnGateways"]["VpnGateway"])]' "[3, 1, 10, 3]"
t_check "newest first" 'b["VpnGateways"]["VpnGateway"][0]["VpnGatewayId"]' "$PRIV"
t_req GET "$Q&Action=DescribeVpnGateways&PageSize=2&PageNumber=2"; t_check "page 2" 'len(b["VpnGateways"]["VpnGateway"])' 1
t_req GET "$Q&Action=DescribeVpnGateways&PageSize=51"; t_expect "page size" 400 InvalidPageSize
t_req GET "$Q&Action=DescribeVpnGateways&VpnGatewayId=$GW"; t_check "id filter" '[g["VpnGatewayId"] for g in b["VpnGateways"]["VpnGateway"]]' "['$GW']"
t_req GET "$Q&Action=DescribeVpnGateways&VpcId=$VPC2"; t_check "vpc filter" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnGateways&VpcId=$VPC"; t_check "vpc filter all" 'b["TotalCount"]' 3
t_req GET "$Q&Action=DescribeVpnGateways&Status=provisioning"; t_check "status filter" '[g["VpnGatewayId"] for g in b["VpnGateways"]["VpnGateway"]]' "['$PRIV']"
t_req GET "$Q&Action=DescribeVpnGateways&BusinessStatus=FinancialLocked"; t_check "business status filter" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnGateways&GatewayType=Traditional"; t_check "gateway type" 'b["TotalCount"]' 3
t_req GET "$Q&Action=DescribeVpnGateways&GatewayType=Other"; t_expect "gateway type value" 400 InvalidGatewayType
t_req GET "$Q&Action=DescribeVpnGateways&Tag.1.Key=env&Tag.1.Value=lab"; t_check "tag filter" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnGateways&IncludeReservationData=true"; t_check "reservation per item" '"ReservationData" in b["VpnGateways"]["VpnGateway"][0]' true

# ---- ModifyVpnGatewayAttribute ----
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&Name=renamed&Description=branch+office"
t_expect "modify" 200
t_check "answer fields" '[b["Name"], b["Description"], b["Status"], b["Spec"], b["VpnGatewayId"], b["IntranetIp"], b["AutoPropagate"]]' "['renamed', 'branch office', 'active', '100M', '$GW', '', True]"
t_check "answer keys" 'sorted(k for k in ["AutoPropagate","BusinessStatus","CreateTime","Description","DisasterRecoveryInternetIp","DisasterRecoveryVSwitchId","EnableBgp","InternetIp","IntranetIp","Name","RequestId","ResourceGroupId","Spec","SslVpnInternetIp","Status","VSwitchId","VpcId","VpnGatewayId"] if k not in b)' "[]"
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&Description=http://x"; t_expect "description" 400 InvalidDescription
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&Name=9lives"; t_expect "bad name" 400 InvalidName
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&AutoPropagate=false"; t_expect "auto propagate" 200
t_check "reconfiguring" '[b["Status"], b["AutoPropagate"]]' "['updating', False]"
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_check "updating" 'b["Status"]' updating
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&Name=again"; t_expect "busy" 400 VpnGateway.Configuring
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW"; t_expect "delete while updating" 400 VpnGateway.Configuring
t_settle
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"
t_check "active again, unchanged by refusals" '[b["Status"], b["Name"], b["Description"], b["AutoPropagate"]]' "['active', 'renamed', 'branch office', False]"

# ---- accounts and regions ----
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW&AccessKeyId=1000000000000002"; t_expect "other account" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$Q&Action=DescribeVpnGateways&AccessKeyId=1000000000000002"; t_check "other account sees none" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW&AccessKeyId=1000000000000002"; t_expect "other account delete" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$Q&Action=ModifyVpnGatewayAttribute&VpnGatewayId=$GW&Name=mine&AccessKeyId=1000000000000002"; t_expect "other account modify" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$B/?Version=2016-04-28&RegionId=cn-beijing&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_expect "other region" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$Q&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSI&Bandwidth=10&AccessKeyId=1000000000000002"
t_expect "another account's VPC" 404 InvalidVpcId.NotFound

# ---- DescribeVpnGatewayAvailableZones ----
t_req GET "$Q&Action=DescribeVpnGatewayAvailableZones&Spec=10M"; t_expect "zones" 200
t_check "region" 'b["RegionId"]' cn-hangzhou
t_check "flat list with names" '[z for z in b["AvailableZoneIdList"] if z["ZoneId"] == "cn-hangzhou-h" and z["ZoneName"]] != []' true
t_req GET "$Q&Action=DescribeVpnGatewayAvailableZones&Spec=10M&AcceptLanguage=zh-CN"; t_expect "zones zh" 200
t_req GET "$Q&Action=DescribeVpnGatewayAvailableZones"; t_expect "spec required" 400 MissingSpec
t_req GET "$Q&Action=DescribeVpnGatewayAvailableZones&Spec=3M"; t_expect "spec value" 400 InvalidSpec
t_req GET "$Q&Action=DescribeVpnGatewayAvailableZones&Spec=5M&AcceptLanguage=fr"; t_expect "language" 400 InvalidAcceptLanguage
t_req GET "$B/?Version=2016-04-28&RegionId=ap-northeast-2&Action=DescribeVpnGatewayAvailableZones&Spec=5M"
t_check "one-zone region" '[z["ZoneId"] for z in b["AvailableZoneIdList"]]' "['ap-northeast-2-a']"

# ---- delete: vSwitch references, release, not found afterwards ----
t_req GET "$Q&Action=DeleteVSwitch&VSwitchId=$VSH2"; t_expect "vswitch in use" 400 DependencyViolation
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW&ClientToken=del-1"; t_expect "delete" 200
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW&ClientToken=del-1"; t_expect "delete replayed" 200
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_expect "gone" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW"; t_expect "delete again" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$Q&Action=DeleteVSwitch&VSwitchId=$VSH2"; t_expect "vswitch free" 200
t_req GET "$Q&Action=DeleteVpnGateway"; t_expect "delete needs id" 400 MissingVpnGatewayId

# ---- a one-zone region: one vSwitch carries both tunnels ----
S="Version=2016-04-28&RegionId=ap-northeast-2"
t_req GET "$B/?$S&Action=CreateVpc&CidrBlock=172.16.0.0/16"; SVPC=$(t_json 'b["VpcId"]')
t_settle
t_req GET "$B/?$S&Action=CreateVSwitch&VpcId=$SVPC&ZoneId=ap-northeast-2-a&CidrBlock=172.16.1.0/24"; SVSW=$(t_json 'b["VSwitchId"]')
t_settle
t_req GET "$B/?$S&Action=CreateVpnGateway&VpcId=$SVPC&VSwitchId=$SVSW&DisasterRecoveryVSwitchId=$SVSW&Bandwidth=10"
t_expect "same vswitch in a one-zone region" 200; SGW=$(t_json 'b["VpnGatewayId"]')
t_check "region infix" 'b["VpnGatewayId"].startswith("vpn-mj7")' true
t_req GET "$Q&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSH&DisasterRecoveryVSwitchId=$VSI&Bandwidth=10"
t_expect "quota counts every region" 400 Resource.QuotaFull
t_settle
t_req GET "$B/?$S&Action=DeleteVpnGateway&VpnGatewayId=$SGW"; t_expect "delete one-zone gateway" 200
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$PRIV"; t_expect "delete private" 200
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$TOKGW"; t_expect "delete token gateway" 200
t_req GET "$Q&Action=DescribeVpnGateways"; t_check "all gone" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DeleteVSwitch&VSwitchId=$VSH"; t_expect "vswitch h free" 200

t_req GET "$B/healthz"; [ "$T_STATUS" = 200 ] && t_ok || t_bad "server alive"

# ---- a single-tunnel region from a --catalog file ("VpnDualTunnel": false) ----
# One vSwitch per gateway, connections in the single-tunnel form with health checks, and
# active/standby as two connections with routes weighted 100/0 to one destination.
printf '%s' '{"Regions":[{"RegionId":"r-bad","VpnDualTunnel":"false","Zones":[]}]}' >"$T_TMP/bad-catalog.json"
BADPORT=$(t_free_port)
if timeout 10 "$BIN" --listen "127.0.0.1:$BADPORT" --db "$T_TMP/bad.db" --log off \
	--catalog "$T_TMP/bad-catalog.json" >"$T_TMP/bad.out" 2>&1; then
	T_STATUS=0; T_BODY=$(cat "$T_TMP/bad.out"); t_bad "non-boolean VpnDualTunnel: server started"
else
	grep -q '"VpnDualTunnel" must be true or false' "$T_TMP/bad.out" && t_ok ||
		{ T_STATUS=; T_BODY=$(cat "$T_TMP/bad.out"); t_bad "non-boolean VpnDualTunnel: message"; }
fi
SPORT=$(t_free_port)
t_start_server "$BIN" "$SPORT" "$T_TMP/single.db" --transition-delay-ms "$T_HOLD_MS" --log off \
	--catalog "$(dirname "$0")/../lab/catalog-single-tunnel.json" || exit 1
SB="http://127.0.0.1:$SPORT"
SR="Version=2016-04-28&RegionId=cn-lab-single"
SQ="$SB/?$SR"
sgw_idle() { t_wait_for "${1:-single gateway active}" "$SQ&Action=DescribeVpnGateway&VpnGatewayId=$STGW" 'b["Status"]' active; }
t_req GET "$SB/?Version=2016-04-28&Action=DescribeRegions"; t_expect "catalogue regions" 200
t_check "only the catalogue's region" '[r["RegionId"] for r in b["Regions"]["Region"]]' "['cn-lab-single']"
t_req GET "$SQ&Action=DescribeZones"; t_check "two zones" '[z["ZoneId"] for z in b["Zones"]["Zone"]]' "['cn-lab-single-a', 'cn-lab-single-b']"
t_req GET "$SQ&Action=CreateVpc&CidrBlock=10.0.0.0/16"; t_expect "single: vpc" 200; STVPC=$(t_json 'b["VpcId"]')
t_wait_for "single: vpc available" "$SQ&Action=DescribeVpcs&VpcId=$STVPC" 'b["Vpcs"]["Vpc"][0]["Status"]' Available
t_req GET "$SQ&Action=CreateVSwitch&VpcId=$STVPC&ZoneId=cn-lab-single-a&CidrBlock=10.0.1.0/24"; STA=$(t_json 'b["VSwitchId"]')
t_req GET "$SQ&Action=CreateVSwitch&VpcId=$STVPC&ZoneId=cn-lab-single-b&CidrBlock=10.0.2.0/24"; STB=$(t_json 'b["VSwitchId"]')
t_wait_for "single: vswitch available" "$SQ&Action=DescribeVSwitches&VSwitchId=$STB" 'b["VSwitches"]["VSwitch"][0]["Status"]' Available
t_req GET "$SQ&Action=CreateVpnGateway&VpcId=$STVPC&VSwitchId=$STA&DisasterRecoveryVSwitchId=$STB&Bandwidth=10"
t_expect "single: second vswitch refused" 400 IllegalParam.DisasterRecoveryVSwitchId
t_check "single: refusal message" 'b["Message"]' "The region cn-lab-single does not support dual-tunnel VPN gateways: specify VSwitchId only."
t_req GET "$SQ&Action=CreateVpnGateway&VpcId=$STVPC&VSwitchId=vsw-nothere&Bandwidth=10"
t_expect "single: vswitch still checked" 400 InvalidVSwitchId.NotFound
t_req GET "$SQ&Action=DescribeVpnGateways"; t_check "single: refusals created nothing" 'b["TotalCount"]' 0
t_req GET "$SQ&Action=CreateVpnGateway&VpcId=$STVPC&VSwitchId=$STA&Bandwidth=10"; t_expect "single: gateway" 200
STGW=$(t_json 'b["VpnGatewayId"]')
t_check "single: region infix" 'b["VpnGatewayId"].startswith("vpn-lab")' true
sgw_idle
t_check "single: one vswitch, one address" '[b["VSwitchId"], b["DisasterRecoveryVSwitchId"], b["InternetIp"] != "", b["DisasterRecoveryInternetIp"], len(b["EniInstanceIds"]["EniInstanceId"])]' \
	"['$STA', '', True, '', 1]"
t_req GET "$SQ&Action=CreateCustomerGateway&IpAddress=203.0.113.61"; STC1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$SQ&Action=CreateCustomerGateway&IpAddress=203.0.113.62"; STC2=$(t_json 'b["CustomerGatewayId"]')
STCON="$SQ&Action=CreateVpnConnection&VpnGatewayId=$STGW&LocalSubnet=10.0.0.0/16&RemoteSubnet=192.168.60.0/24&AutoConfigRoute=false"
t_req GET "$STCON&CustomerGatewayId=$STC1&TunnelOptionsSpecification.1.CustomerGatewayId=$STC1&TunnelOptionsSpecification.1.Role=master&TunnelOptionsSpecification.2.CustomerGatewayId=$STC2&TunnelOptionsSpecification.2.Role=slave"
t_expect "single: no tunnel options" 400 IllegalParam.TunnelOptionsSpecification
t_req GET "$STCON&CustomerGatewayId=$STC1" -G --data-urlencode 'IkeConfig={"IkeVersion":"ikev2","Psk":"standby-psk-0"}' \
	--data-urlencode 'HealthCheckConfig={"enable":true,"sip":"10.0.1.250","dip":"192.168.60.1","interval":2,"retry":4}'
t_expect "single: connection A with health check" 200; STV1=$(t_json 'b["VpnConnectionId"]')
t_req GET "$SQ&Action=DescribeVpnConnection&VpnConnectionId=$STV1"; t_expect "single: describe A" 200
t_check "single: health check" '[b["VcoHealthCheck"][k] for k in ("Enable","Sip","Dip","Interval","Retry")]' \
	"['true', '10.0.1.250', '192.168.60.1', 2, 4]"
t_check "single: single-tunnel form" '[b["CustomerGatewayId"], b["IkeConfig"]["IkeVersion"], b["IkeConfig"]["Psk"], b.get("TunnelOptionsSpecification", {}).get("TunnelOptions", [])]' \
	"['$STC1', 'ikev2', 'standby-psk-0', []]"
sgw_idle
t_req GET "$STCON&CustomerGatewayId=$STC2" -G --data-urlencode 'IkeConfig={"IkeVersion":"ikev2","Psk":"standby-psk-1"}' \
	--data-urlencode 'HealthCheckConfig={"enable":true,"sip":"10.0.1.250","dip":"192.168.60.2","interval":1,"retry":3}'
t_expect "single: connection B with health check" 200; STV2=$(t_json 'b["VpnConnectionId"]')
sgw_idle
t_req GET "$SQ&Action=CreateVpnRouteEntry&VpnGatewayId=$STGW&RouteDest=192.168.60.0/24&NextHop=$STV1&Weight=100&PublishVpc=true"
t_expect "single: route weight 100 via A" 200
t_check "single: weight kept" 'b["Weight"]' 100
sgw_idle
t_req GET "$SQ&Action=CreateVpnRouteEntry&VpnGatewayId=$STGW&RouteDest=192.168.60.0/24&NextHop=$STV2&Weight=0&PublishVpc=true"
t_expect "single: route weight 0 via B" 200
t_check "single: standby weight kept" 'b["Weight"]' 0
sgw_idle
t_req GET "$SQ&Action=DescribeVpnRouteEntries&VpnGatewayId=$STGW"
t_check "single: active/standby routes" 'sorted((r["RouteDest"], r["NextHop"], r["Weight"]) for r in b["VpnRouteEntries"]["VpnRouteEntry"])' \
	"$(python3 -c "import sys; print(sorted([('192.168.60.0/24', sys.argv[1], 100), ('192.168.60.0/24', sys.argv[2], 0)]))" "$STV1" "$STV2")"
t_req GET "$SB/?Version=2016-04-28&RegionId=cn-hangzhou&Action=DescribeVpnGateways"
t_expect "single: built-in regions are gone" 404 InvalidRegionId.NotFound
t_req GET "$SB/healthz"; [ "$T_STATUS" = 200 ] && t_ok || t_bad "single-tunnel server alive"
t_summary "vpn_gateway"
