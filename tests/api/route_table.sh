#!/bin/sh
# API tests over real HTTP with curl for VPC route tables and route entries: the system table
# every VPC gets, CreateRouteTable / ModifyRouteTableAttributes / DeleteRouteTable,
# AssociateRouteTable / UnassociateRouteTable, DescribeRouteTableList / DescribeRouteTables,
# CreateRouteEntry(ies) / DeleteRouteEntry(ies) / ModifyRouteEntry / DescribeRouteEntryList
# (filters, NextToken paging that ends without a token), the routes a VPN gateway publishes
# to the system table, the cloud's error codes (unknown table, system entry delete, duplicate
# destination, next hop of another account or VPC, quotas), Pending → Available, isolation,
# DryRun and the REST routes.
# Usage: tests/api/route_table.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" rtb.db \
	--quota route_tables_per_vpc=2 --quota route_entries_per_table=3 || exit 1
R="Version=2016-04-28&RegionId=cn-hangzhou"
A="$B/?$R"
OTHER="AccessKeyId=1000000000000002"
T="TunnelOptionsSpecification"

entries() { t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$1&MaxResult=100${2:-}"; }
dests='[(e["DestinationCidrBlock"], e["Type"], e["NextHops"]["NextHop"][0]["NextHopType"] if e["NextHops"]["NextHop"] else "") for e in b["RouteEntrys"]["RouteEntry"]]'

# ---- a VPC: its system table comes with it ----
t_req GET "$A&Action=CreateVpc&CidrBlock=10.0.0.0/16"; VPC=$(t_json 'b["VpcId"]')
t_wait_for "vpc available" "$A&Action=DescribeVpcs&VpcId=$VPC" 'b["Vpcs"]["Vpc"][0]["Status"]' Available
SYS=$(t_json 'b["Vpcs"]["Vpc"][0]["RouterTableIds"]["RouterTableIds"][0]')
VRT=$(t_json 'b["Vpcs"]["Vpc"][0]["VRouterId"]')
t_req GET "$A&Action=DescribeRouteTableList&VpcId=$VPC&PageSize=50&PageNumber=1"
t_expect "route table list" 200
t_check "one system table" 'b["TotalCount"]' 1
t_check "system table shape" '[(t["RouteTableId"], t["RouteTableType"], t["RouterId"], t["RouterType"], t["VpcId"], t["Status"], t["AssociateType"]) for t in b["RouterTableList"]["RouterTableListType"]]' \
	"[('$SYS', 'System', '$VRT', 'VRouter', '$VPC', 'Available', 'VSwitch')]"
t_check "vrouter id shape" "'$VRT'.startswith('vrt-') and '$SYS'.startswith('vtb-')" true
t_req GET "$A&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; VSW1=$(t_json 'b["VSwitchId"]')
t_req GET "$A&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24"; VSW2=$(t_json 'b["VSwitchId"]')
t_wait_for "vswitch available" "$A&Action=DescribeVSwitches&VSwitchId=$VSW2" 'b["VSwitches"]["VSwitch"][0]["Status"]' Available
entries "$SYS"; t_expect "system entries" 200
t_check "system entries" "$dests" "[('10.0.1.0/24', 'System', ''), ('10.0.2.0/24', 'System', ''), ('100.64.0.0/10', 'System', '')]"
t_check "last page has no NextToken" '"NextToken" in b' false
# Terraform's alicloud_route_entry reads DescribeRouteTables
t_req GET "$A&Action=DescribeRouteTables&RouteTableId=$SYS"
t_expect "describe route tables" 200
t_check "route tables shape" '[(t["RouteTableId"], t["VRouterId"], t["RouteTableType"], len(t["RouteEntrys"]["RouteEntry"])) for t in b["RouteTables"]["RouteTable"]]' \
	"[('$SYS', '$VRT', 'System', 3)]"
t_req GET "$A&Action=DescribeRouteTables&RouteTableId=vtb-doesnotexist"
t_expect "unknown id: empty page" 200
t_check "unknown id: empty page" 'b["TotalCount"]' 0
t_req GET "$A&Action=DescribeRouteTableList&VpcId=$VPC&$OTHER"; t_check "other account sees nothing" 'b["TotalCount"]' 0

# ---- a gateway and a connection: their routes in the system table ----
t_req GET "$A&Action=CreateVpnGateway&VpcId=$VPC&VSwitchId=$VSW1&DisasterRecoveryVSwitchId=$VSW2&Bandwidth=10"
GW=$(t_json 'b["VpnGatewayId"]')
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.2"; CGW1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.3"; CGW2=$(t_json 'b["CustomerGatewayId"]')
tunnels="$T.1.CustomerGatewayId=$CGW1&$T.1.Role=master&$T.2.CustomerGatewayId=$CGW2&$T.2.Role=slave"
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data \
	"Action=CreateVpnConnection&$R&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=0.0.0.0%2F0&AutoConfigRoute=false&$tunnels"
t_expect "connection in destination-routing mode" 200
VCO=$(t_json 'b["VpnConnectionId"]')
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
t_req GET "$A&Action=CreateVpnRouteEntry&VpnGatewayId=$GW&RouteDest=192.168.50.0/24&NextHop=$VCO&Weight=100&PublishVpc=false"
t_expect "gateway route, not published" 200
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
entries "$SYS"; t_check "unpublished: not in the VPC" 'len(b["RouteEntrys"]["RouteEntry"])' 3
t_req GET "$A&Action=PublishVpnRouteEntry&VpnGatewayId=$GW&RouteDest=192.168.50.0/24&NextHop=$VCO&RouteType=dbr&PublishVpc=true"
t_expect "publish" 200
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
entries "$SYS" "&NextHopType=VpnGateway"
t_check "published route in the system table" '[(e["DestinationCidrBlock"], e["NextHops"]["NextHop"][0]["NextHopId"], e["Status"]) for e in b["RouteEntrys"]["RouteEntry"]]' \
	"[('192.168.50.0/24', '$GW', 'Available')]"
PUB=$(t_json 'b["RouteEntrys"]["RouteEntry"][0]["RouteEntryId"]')
t_req GET "$A&Action=DeleteRouteEntry&RouteTableId=$SYS&RouteEntryId=$PUB"
t_expect "published route: withdraw it at the gateway" 400 InvalidRouteEntry.SystemRoute
t_req GET "$A&Action=PublishVpnRouteEntry&VpnGatewayId=$GW&RouteDest=192.168.50.0/24&NextHop=$VCO&RouteType=dbr&PublishVpc=false"
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
entries "$SYS" "&NextHopType=VpnGateway"; t_check "withdrawn: gone" 'b["TotalCount"]' 0
t_req GET "$A&Action=PublishVpnRouteEntry&VpnGatewayId=$GW&RouteDest=192.168.50.0/24&NextHop=$VCO&RouteType=dbr&PublishVpc=true"
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
t_req GET "$A&Action=DeleteVpnRouteEntry&VpnGatewayId=$GW&RouteDest=192.168.50.0/24&NextHop=$VCO&Weight=100"
t_expect "delete the gateway route" 200
t_wait_for "gateway active" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
entries "$SYS" "&NextHopType=VpnGateway"; t_check "deleted: gone" 'b["TotalCount"]' 0

# ---- custom tables ----
C="$A&Action=CreateRouteTable"
t_req GET "$C"; t_expect "missing vpc" 400 MissingVpcId
t_req GET "$C&VpcId=vpc-doesnotexist"; t_expect "unknown vpc" 404 InvalidVpcId.NotFound
t_req GET "$C&VpcId=$VPC&$OTHER"; t_expect "other account's vpc" 404 InvalidVpcId.NotFound
t_req GET "$C&VpcId=$VPC&AssociateType=Gateway"; t_expect "gateway tables not emulated" 400 InvalidParameter.AssociateType
t_req GET "$C&VpcId=$VPC&RouteTableName=http://x"; t_expect "bad name" 400 InvalidRouteTableName.Malformed
t_req GET "$C&VpcId=$VPC&RouteTableName=rt1&Description=first&Tag.1.Key=env&Tag.1.Value=lab"
t_expect "create table" 200
RT1=$(t_json 'b["RouteTableId"]')
t_req GET "$A&Action=DescribeRouteTableList&RouteTableId=$RT1"
t_check "Pending first" '[(t["Status"], t["RouteTableType"], t["RouteTableName"], t["Description"], t["Tags"]["Tag"]) for t in b["RouterTableList"]["RouterTableListType"]]' \
	"[('Pending', 'Custom', 'rt1', 'first', [{'Key': 'env', 'Value': 'lab'}])]"
t_req GET "$A&Action=CreateRouteEntry&RouteTableId=$RT1&DestinationCidrBlock=192.168.1.0/24&NextHopType=VpnGateway&NextHopId=$GW"
t_expect "entry in a Pending table" 400 IncorrectStatus.RouteTable
t_req GET "$A&Action=DeleteRouteTable&RouteTableId=$RT1"; t_expect "delete a Pending table" 400 IncorrectRouteTableStatus
t_wait_for "table available" "$A&Action=DescribeRouteTableList&RouteTableId=$RT1" 'b["RouterTableList"]["RouterTableListType"][0]["Status"]' Available
t_req GET "$A&Action=DescribeRouteTableList&VpcId=$VPC&RouteTableType=Custom"; t_check "filter by type" 'b["TotalCount"]' 1
t_req GET "$A&Action=DescribeRouteTableList&Tag.1.Key=env&Tag.1.Value=lab"; t_check "filter by tag" 'b["TotalCount"]' 1
t_req GET "$A&Action=DescribeRouteTableList&RouterId=$VRT"; t_check "filter by router" 'b["TotalCount"]' 2
t_req GET "$C&VpcId=$VPC&RouteTableName=rt2"; RT2=$(t_json 'b["RouteTableId"]')
t_req GET "$C&VpcId=$VPC"; t_expect "quota (2 here)" 400 QuotaExceeded.RouteTable
t_req GET "$A&Action=ModifyRouteTableAttributes&RouteTableId=$RT1&RouteTableName=renamed&Description=changed"
t_expect "modify" 200
t_req GET "$A&Action=DescribeRouteTableList&RouteTableId=$RT1"
t_check "modified" '[(t["RouteTableName"], t["Description"]) for t in b["RouterTableList"]["RouterTableListType"]]' "[('renamed', 'changed')]"
t_req GET "$A&Action=ModifyRouteTableAttributes&RouteTableId=$RT1&RoutePropagationEnable=false"
t_expect "propagation stays on" 400 InvalidParameter.RoutePropagationEnable
t_req GET "$A&Action=DeleteRouteTable&RouteTableId=$SYS"; t_expect "system table" 400 OperationDenied.SystemRouteTable
t_req GET "$A&Action=DeleteRouteTable&RouteTableId=vtb-doesnotexist"; t_expect "unknown table" 404 InvalidRouteTableId.NotFound
t_req GET "$A&Action=DeleteVpc&VpcId=$VPC"; t_expect "vpc with custom tables" 400

# ---- bindings ----
t_req GET "$A&Action=AssociateRouteTable&RouteTableId=$RT1&VSwitchId=$VSW1"; t_expect "associate" 200
t_req GET "$A&Action=DescribeVSwitches&VSwitchId=$VSW1"; t_check "vSwitch Pending while binding" 'b["VSwitches"]["VSwitch"][0]["Status"]' Pending
t_req GET "$A&Action=UnassociateRouteTable&RouteTableId=$RT1&VSwitchId=$VSW1"; t_expect "busy vSwitch" 400 IncorrectVSwitchStatus
t_wait_for "vswitch available" "$A&Action=DescribeVSwitches&VSwitchId=$VSW1" 'b["VSwitches"]["VSwitch"][0]["Status"]' Available
t_req GET "$A&Action=AssociateRouteTable&RouteTableId=$RT2&VSwitchId=$VSW1"; t_expect "bound already" 400 OperationDenied.VSwitchAssociated
t_req GET "$A&Action=UnassociateRouteTable&RouteTableId=$RT2&VSwitchId=$VSW1"; t_expect "not bound here" 400 OperationDenied.VSwitchNotAssociated
t_req GET "$A&Action=AssociateRouteTable&RouteTableId=$SYS&VSwitchId=$VSW2"; t_expect "system table" 400 OperationDenied.SystemRouteTable
t_req GET "$A&Action=AssociateRouteTable&RouteTableId=$RT2&VSwitchId=vsw-doesnotexist"; t_expect "unknown vswitch" 404 InvalidVSwitchId.NotFound
t_req GET "$A&Action=DescribeRouteTableList&VpcId=$VPC&PageSize=50"
t_check "bindings listed" '[(t["RouteTableId"], t["VSwitchIds"]["VSwitchId"]) for t in b["RouterTableList"]["RouterTableListType"]]' \
	"[('$SYS', ['$VSW2']), ('$RT1', ['$VSW1']), ('$RT2', [])]"
t_req GET "$A&Action=DeleteRouteTable&RouteTableId=$RT1"; t_expect "table with a vSwitch" 400 DependencyViolation.VSwitch

# ---- custom entries ----
E="$A&Action=CreateRouteEntry&RouteTableId=$RT1&NextHopType=VpnGateway&NextHopId=$GW"
t_expect_each query "$A&Action=CreateRouteEntry&" <<EOF
RouteTableId=vtb-doesnotexist&DestinationCidrBlock=192.168.1.0/24&NextHopType=VpnGateway&NextHopId=$GW|404|InvalidRouteTableId.NotFound|unknown table
RouteTableId=$RT1&NextHopType=VpnGateway&NextHopId=$GW&DestinationCidrBlock=192.168.1.0/24&$OTHER|404|InvalidRouteTableId.NotFound|other account's table
RouteTableId=$RT1&DestinationCidrBlock=192.168.1.0/24&NextHopType=Instance&NextHopId=i-1|400|IllegalParam.NextHopType|next hop type not emulated
RouteTableId=$RT1&NextHopType=VpnGateway&NextHopId=$GW&DestinationCidrBlock=10.0.1.0/25|400|InvalidCidrBlock.Overlapped|inside a vSwitch
RouteTableId=$RT1&NextHopType=VpnGateway&NextHopId=$GW&DestinationCidrBlock=100.64.0.0/16|400|InvalidCidrBlock.Overlapped|reserved
RouteTableId=$RT1&NextHopType=VpnGateway&NextHopId=$GW&DestinationCidrBlock=192.168.1.1/24|400|InvalidDestinationCidrBlock.Malformed|malformed
EOF
# a gateway of another account, one of another VPC
t_req GET "$A&Action=CreateVpc&CidrBlock=10.9.0.0/16&$OTHER"; VPCO=$(t_json 'b["VpcId"]')
t_req GET "$A&Action=CreateVpc&CidrBlock=10.8.0.0/16"; VPC2=$(t_json 'b["VpcId"]')
t_wait_for "vpc2 available" "$A&Action=DescribeVpcs&VpcId=$VPC2" 'b["Vpcs"]["Vpc"][0]["Status"]' Available
t_req GET "$A&Action=CreateVSwitch&VpcId=$VPC2&ZoneId=cn-hangzhou-h&CidrBlock=10.8.1.0/24"; VSWX=$(t_json 'b["VSwitchId"]')
t_req GET "$A&Action=CreateVSwitch&VpcId=$VPC2&ZoneId=cn-hangzhou-i&CidrBlock=10.8.2.0/24"; VSWX2=$(t_json 'b["VSwitchId"]')
t_req GET "$A&Action=CreateVSwitch&VpcId=$VPCO&ZoneId=cn-hangzhou-h&CidrBlock=10.9.1.0/24&$OTHER"; VSWO=$(t_json 'b["VSwitchId"]')
t_req GET "$A&Action=CreateVSwitch&VpcId=$VPCO&ZoneId=cn-hangzhou-i&CidrBlock=10.9.2.0/24&$OTHER"; VSWO2=$(t_json 'b["VSwitchId"]')
t_wait_for "vswitch x available" "$A&Action=DescribeVSwitches&VSwitchId=$VSWX" 'b["VSwitches"]["VSwitch"][0]["Status"]' Available
t_req GET "$A&Action=CreateVpnGateway&VpcId=$VPC2&VSwitchId=$VSWX&DisasterRecoveryVSwitchId=$VSWX2&Bandwidth=10"
t_expect "gateway of another VPC" 200
GWX=$(t_json 'b["VpnGatewayId"]')
t_req GET "$A&Action=CreateVpnGateway&VpcId=$VPCO&VSwitchId=$VSWO&DisasterRecoveryVSwitchId=$VSWO2&Bandwidth=10&$OTHER"
t_expect "gateway of another account" 200
GWO=$(t_json 'b["VpnGatewayId"]')
t_settle
t_req GET "$A&Action=CreateRouteEntry&RouteTableId=$RT1&DestinationCidrBlock=192.168.1.0/24&NextHopType=VpnGateway&NextHopId=$GWO"
t_expect "next hop of another account" 400 InvalidNextHopId.NotFound
t_req GET "$A&Action=CreateRouteEntry&RouteTableId=$RT1&DestinationCidrBlock=192.168.1.0/24&NextHopType=VpnGateway&NextHopId=$GWX"
t_expect "next hop of another VPC" 400 OperationFailed.NextHopNotInSameVpc
t_req GET "$E&DestinationCidrBlock=192.168.1.0/24&DryRun=true"; t_expect "dry run" 400 DryRunOperation
t_req GET "$E&DestinationCidrBlock=192.168.1.0/24&RouteEntryName=to-branch&Description=branch"
t_expect "create entry" 200
RTE1=$(t_json 'b["RouteEntryId"]')
t_check "entry id shape" "'$RTE1'.startswith('rte-')" true
entries "$RT1" "&RouteEntryType=Custom"
t_check "Pending first" '[(e["RouteEntryId"], e["Status"], e["RouteEntryName"], e["Description"], e["NextHops"]["NextHop"][0]["NextHopId"]) for e in b["RouteEntrys"]["RouteEntry"]]' \
	"[('$RTE1', 'Pending', 'to-branch', 'branch', '$GW')]"
t_req GET "$A&Action=DeleteRouteEntry&RouteEntryId=$RTE1"; t_expect "delete while Pending" 400 IncorrectRouteEntryStatus
t_req GET "$E&DestinationCidrBlock=192.168.1.0/24"; t_expect "duplicate destination" 400 RouterEntryConflict.Duplicated
# the same destination in another table is fine: uniqueness is per table
t_req GET "$A&Action=CreateRouteEntry&RouteTableId=$SYS&DestinationCidrBlock=192.168.1.0/24&NextHopType=VpnGateway&NextHopId=$GW"
t_expect "same destination, system table" 200
t_wait_for "entry available" "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&RouteEntryId=$RTE1" 'b["RouteEntrys"]["RouteEntry"][0]["Status"]' Available
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&RouteEntryId=$RTE1&$OTHER"; t_expect "list other account" 404 InvalidRouteTableId.NotFound
t_req GET "$A&Action=DescribeRouteEntryList"; t_expect "list without table" 400 MissingRouteTableId
# CreateRouteEntries: per-item results
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data \
	"Action=CreateRouteEntries&$R&RouteEntries.1.RouteTableId=$RT1&RouteEntries.1.DstCidrBlock=192.168.2.0/24&RouteEntries.1.NextHopType=VpnGateway&RouteEntries.1.NextHop=$GW&RouteEntries.2.RouteTableId=$RT1&RouteEntries.2.DstCidrBlock=192.168.1.0/24&RouteEntries.2.NextHopType=VpnGateway&RouteEntries.2.NextHop=$GW&RouteEntries.3.RouteTableId=$RT1&RouteEntries.3.DstCidrBlock=192.168.3.0/24&RouteEntries.3.NextHopType=VpnGateway&RouteEntries.3.NextHop=$GW"
t_expect "create entries" 200
t_check "batch counts" '(b["SuccessCount"], b["FailedCount"], len(b["RouteEntryIds"]))' "(2, 1, 2)"
t_check "batch failure" '[(f["DstCidrBlock"], f["FailedCode"]) for f in b["FailedRouteEntries"]]' "[('192.168.1.0/24', 'RouterEntryConflict.Duplicated')]"
t_req GET "$E&DestinationCidrBlock=192.168.4.0/24"; t_expect "entry quota (3 here)" 400 QuotaExceeded
t_settle
# paging: 2 vSwitch entries + 100.64.0.0/10 + 3 custom, 4 a page
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&MaxResult=4"
t_check "first page" '(len(b["RouteEntrys"]["RouteEntry"]), b["TotalCount"], b["NextToken"] != "")' "(4, 6, True)"
TOKEN=$(t_json 'b["NextToken"]')
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&MaxResult=4&NextToken=$TOKEN"
t_check "second page, no token" '(len(b["RouteEntrys"]["RouteEntry"]), "NextToken" in b)' "(2, False)"
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&NextToken=garbage"; t_expect "foreign token" 400 InvalidNextToken
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&MaxResult=101"; t_expect "MaxResult 1-100" 400 InvalidMaxResult
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&DestCidrBlockList.1=192.168.2.0/24&DestCidrBlockList.2=192.168.3.0/24"
t_check "destination list" 'sorted(e["DestinationCidrBlock"] for e in b["RouteEntrys"]["RouteEntry"])' "['192.168.2.0/24', '192.168.3.0/24']"
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&RouteEntryType=System"; t_check "system filter" 'b["TotalCount"]' 3
SYSE=$(t_json 'b["RouteEntrys"]["RouteEntry"][0]["RouteEntryId"]')
t_req GET "$A&Action=DeleteRouteEntry&RouteTableId=$RT1&RouteEntryId=$SYSE"; t_expect "system entry" 400 InvalidRouteEntry.SystemRoute
t_req GET "$A&Action=DeleteRouteEntry&RouteTableId=$RT1&DestinationCidrBlock=100.64.0.0/10"; t_expect "reserved system entry" 400 InvalidRouteEntry.SystemRoute
t_req GET "$A&Action=DeleteRouteEntry&RouteEntryId=rte-doesnotexist"; t_expect "unknown entry" 404 InvalidRouteEntry.NotFound
# ModifyRouteEntry: names at once, a next hop change through Modifying
t_req GET "$A&Action=ModifyRouteEntry&RouteEntryId=$RTE1&RouteEntryName=renamed&Description=changed"; t_expect "modify names" 200
t_req GET "$A&Action=ModifyRouteEntry&RouteEntryId=$RTE1&NewNextHopType=Instance&NewNextHopId=i-1"; t_expect "modify to Instance" 400 IllegalParam.NextHopType
t_req GET "$A&Action=DescribeRouteEntryList&RouteTableId=$RT1&RouteEntryName=renamed"
t_check "modified" '[(e["RouteEntryId"], e["Description"]) for e in b["RouteEntrys"]["RouteEntry"]]' "[('$RTE1', 'changed')]"
# DeleteRouteEntries: per-item results
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data \
	"Action=DeleteRouteEntries&$R&RouteEntries.1.RouteTableId=$RT1&RouteEntries.1.DstCidrBlock=192.168.2.0/24&RouteEntries.2.RouteTableId=$RT1&RouteEntries.2.RouteEntryId=$SYSE"
t_expect "delete entries" 200
t_check "batch delete" '(b["SuccessCount"], b["FailedCount"], [f["FailedCode"] for f in b["FailedRouteEntries"]])' "(1, 1, ['InvalidRouteEntry.SystemRoute'])"
t_req GET "$A&Action=DeleteRouteEntry&RouteTableId=$RT1&RouteEntryId=$RTE1"; t_expect "delete entry" 200
entries "$RT1" "&RouteEntryId=$RTE1"; t_check "Deleting" '[e["Status"] for e in b["RouteEntrys"]["RouteEntry"]]' "['Deleting']"
t_settle
entries "$RT1" "&RouteEntryId=$RTE1"; t_check "gone" 'b["TotalCount"]' 0
t_req GET "$A&Action=DeleteRouteEntry&RouteTableId=$RT1&DestinationCidrBlock=192.168.3.0/24"; t_expect "delete by destination" 200
t_settle
t_req GET "$A&Action=DeleteRouteTable&RouteTableId=$RT1"; t_expect "table with a vSwitch still" 400 DependencyViolation.VSwitch
t_req GET "$A&Action=UnassociateRouteTable&RouteTableId=$RT1&VSwitchId=$VSW1"; t_expect "unassociate" 200
t_settle
t_req GET "$A&Action=DeleteRouteTable&RouteTableId=$RT1"; t_expect "delete table" 200
t_settle
t_req GET "$A&Action=DescribeRouteTableList&RouteTableId=$RT1"; t_check "table gone" 'b["TotalCount"]' 0

# ---- a gateway a route entry points at cannot go ----
t_req GET "$A&Action=DescribeVpcs&VpcId=$VPC2"; SYS2=$(t_json 'b["Vpcs"]["Vpc"][0]["RouterTableIds"]["RouterTableIds"][0]')
t_req GET "$A&Action=CreateRouteEntry&RouteTableId=$SYS2&DestinationCidrBlock=172.20.0.0/16&NextHopType=VpnGateway&NextHopId=$GWX"
t_expect "entry to the other VPC's gateway" 200
t_settle
t_req GET "$A&Action=DeleteVpnGateway&VpnGatewayId=$GWX"; t_expect "gateway with a route entry" 400 DependencyViolation.RouteEntry
t_req GET "$A&Action=DeleteRouteEntry&RouteTableId=$SYS2&DestinationCidrBlock=172.20.0.0/16"; t_expect "delete that entry" 200
t_settle
t_req GET "$A&Action=DeleteVpnGateway&VpnGatewayId=$GWX"; t_expect "gateway without entries" 200

# ---- REST ----
t_req POST "$B/v1/route-tables" -H 'Content-Type: application/json' --data "{\"RegionId\":\"cn-hangzhou\",\"VpcId\":\"$VPC\",\"RouteTableName\":\"rest\"}"
t_expect "REST create table" 201
RT3=$(t_json 'b["RouteTableId"]')
t_req GET "$B/v1/route-tables?RegionId=cn-hangzhou&VpcId=$VPC"; t_expect "REST list tables" 200
t_check "REST list" "sorted(t['RouteTableId'] for t in b['RouterTableList'])" "$(python3 -c "print(sorted(['$SYS','$RT2','$RT3']))")"
t_settle
t_req POST "$B/v1/route-tables/$RT3/route-entries" -H 'Content-Type: application/json' \
	--data "{\"RegionId\":\"cn-hangzhou\",\"DestinationCidrBlock\":\"172.30.0.0/16\",\"NextHopType\":\"VpnGateway\",\"NextHopId\":\"$GW\"}"
t_expect "REST create entry" 201
t_req GET "$B/v1/route-tables/$RT3/route-entries?RegionId=cn-hangzhou&RouteEntryType=Custom"; t_expect "REST list entries" 200
t_check "REST entries" "[e['DestinationCidrBlock'] for e in b['RouteEntrys']['RouteEntry']]" "['172.30.0.0/16']"
t_req GET "$B/v1/route-tables/vtb-doesnotexist/route-entries?RegionId=cn-hangzhou"; t_expect "REST unknown table" 404 InvalidRouteTableId.NotFound

t_summary "route_table.sh"
