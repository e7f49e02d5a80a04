#!/bin/sh
# API tests over real HTTP with curl for transit router route tables, associations,
# propagations and route entries (CBN 2017-09-12): answer keys, flat lists with
# NextToken/MaxResults, the cloud's error codes and HTTP statuses (HostId cbn.aliyuncs.com),
# Creating/Associating/Enabling → Active, learned routes (VPC vSwitch CIDRs, IPsec remote
# subnets), ECMP of two IPsec connections, a static route over learned ones, RouteFilter,
# DryRun, ClientToken and account isolation.
#
#   VPC 10.0.0.0/16 (vSwitches 10.0.1.0/24 h, 10.0.2.0/24 i) ──┐
#   IPsec A  remote 172.16.0.0/16                    ──────────┼── TR ── custom table
#   IPsec B  remote 172.16.0.0/16, 172.17.0.0/16     ──────────┘
#
# The whole topology is built through the API (CEN, router, attachments: the CEN model).
# Usage: tests/api/tr_route.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" tr_route.db || exit 1
V="$B/?Version=2016-04-28&RegionId=cn-hangzhou"
C="$B/?Version=2017-09-12"

# retry NAME URL: repeats a request the topology's owners may refuse while busy (up to 5 s)
retry() {
	t_settle || return 1
	i=0
	while [ $i -lt 50 ]; do
		t_req GET "$2"
		[ "$T_STATUS" = 200 ] && { t_ok; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	t_bad "$1: never answered 200"
}
entries() { t_req GET "$C&Action=ListTransitRouterRouteEntries&TransitRouterRouteTableId=$RT${1:-}"; }
# the statuses of the routes to $1, sorted, from the last ListTransitRouterRouteEntries
statuses() { echo "sorted(r['TransitRouterRouteEntryStatus'] for r in b['TransitRouterRouteEntries'] if r['TransitRouterRouteEntryDestinationCidrBlock']=='$1')"; }

# ---- the topology ----
t_rpc_vpc_two_zones "$V"
t_req GET "$V&Action=CreateCustomerGateway&IpAddress=47.100.9.1"; CG1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$V&Action=CreateCustomerGateway&IpAddress=47.100.9.2"; CG2=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$V&Action=CreateVpnAttachment&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=172.16.0.0%2F16&CustomerGatewayId=$CG1"
t_expect "ipsec A" 200; VCO1=$(t_json 'b["VpnConnectionId"]')
t_req GET "$V&Action=CreateVpnAttachment&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=172.16.0.0%2F16%2C172.17.0.0%2F16&CustomerGatewayId=$CG2"
t_expect "ipsec B" 200; VCO2=$(t_json 'b["VpnConnectionId"]')

t_req GET "$C&Action=CreateCen&Name=lab"; t_expect "cen" 200; CEN=$(t_json 'b["CenId"]')
retry "transit router" "$C&Action=CreateTransitRouter&RegionId=cn-hangzhou&CenId=$CEN&TransitRouterCidrList=%5B%7B%22Cidr%22%3A%22192.168.250.0%2F24%22%7D%5D"
TR=$(t_json 'b["TransitRouterId"]')
t_wait_for "router active" "$C&Action=ListTransitRouters&TransitRouterId=$TR" 'b["TransitRouters"][0]["Status"]' Active
retry "vpc attachment" "$C&Action=CreateTransitRouterVpcAttachment&RegionId=cn-hangzhou&TransitRouterId=$TR&VpcId=$VPC&ZoneMappings.1.ZoneId=cn-hangzhou-h&ZoneMappings.1.VSwitchId=$VSW1&ZoneMappings.2.ZoneId=cn-hangzhou-i&ZoneMappings.2.VSwitchId=$VSW2"
ATT_VPC=$(t_json 'b["TransitRouterAttachmentId"]')
retry "vpn attachment A" "$C&Action=CreateTransitRouterVpnAttachment&RegionId=cn-hangzhou&TransitRouterId=$TR&VpnId=$VCO1&Zone.1.ZoneId=cn-hangzhou-h"
ATT_A=$(t_json 'b["TransitRouterAttachmentId"]')
retry "vpn attachment B" "$C&Action=CreateTransitRouterVpnAttachment&RegionId=cn-hangzhou&TransitRouterId=$TR&VpnId=$VCO2&Zone.1.ZoneId=cn-hangzhou-h"
ATT_B=$(t_json 'b["TransitRouterAttachmentId"]')
t_wait_for "vpc attached" "$C&Action=ListTransitRouterVpcAttachments&TransitRouterAttachmentId=$ATT_VPC" 'b["TransitRouterAttachments"][0]["Status"]' Attached
t_wait_for "vpn A attached" "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$ATT_A" 'b["TransitRouterAttachments"][0]["Status"]' Attached
t_wait_for "vpn B attached" "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$ATT_B" 'b["TransitRouterAttachments"][0]["Status"]' Attached

# ---- route tables ----
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR"; t_expect "list tables" 200
t_check "flat list with paging keys" '[type(b["TransitRouterRouteTables"]).__name__, b["TotalCount"], b["MaxResults"], b["NextToken"]]' "['list', 1, 20, '']"
t_check "system table" '[b["TransitRouterRouteTables"][0][k] for k in ("TransitRouterRouteTableType","TransitRouterId","RegionId")]' "['System', '$TR', 'cn-hangzhou']"
SYS=$(t_json 'b["TransitRouterRouteTables"][0]["TransitRouterRouteTableId"]')

t_req GET "$C&Action=CreateTransitRouterRouteTable&TransitRouterId=$TR&TransitRouterRouteTableName=blue&DryRun=true"
t_expect "dry run" 400 DryRunOperation
t_check "cbn host" 'b["HostId"]' cbn.aliyuncs.com
t_req GET "$C&Action=CreateTransitRouterRouteTable&TransitRouterId=$TR&TransitRouterRouteTableName=blue&TransitRouterRouteTableDescription=lab&RouteTableOptions.MultiRegionECMP=enable&Tag.1.Key=env&Tag.1.Value=lab&ClientToken=rt-1"
t_expect "create table" 200; RT=$(t_json 'b["TransitRouterRouteTableId"]')
t_check "id" '[b["TransitRouterRouteTableId"][:4], sorted(b)]' "['vtb-', ['RequestId', 'TransitRouterRouteTableId']]"
t_req GET "$C&Action=CreateTransitRouterRouteTable&TransitRouterId=$TR&TransitRouterRouteTableName=blue&TransitRouterRouteTableDescription=lab&RouteTableOptions.MultiRegionECMP=enable&Tag.1.Key=env&Tag.1.Value=lab&ClientToken=rt-1"
t_check "client token replays" 'b["TransitRouterRouteTableId"]' "$RT"
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterRouteTableIds.1=$RT"
t_check "creating" 'b["TransitRouterRouteTables"][0]["TransitRouterRouteTableStatus"]' Creating
t_req GET "$C&Action=CreateTransitRouterRouteEntry&TransitRouterRouteTableId=$RT&TransitRouterRouteEntryDestinationCidrBlock=10.9.0.0%2F16&TransitRouterRouteEntryNextHopType=BlackHole"
t_expect "creating table refuses entries" 400 IncorrectStatus.TransitRouterRouteTable
t_wait_for "table active" "$C&Action=ListTransitRouterRouteTables&TransitRouterRouteTableIds.1=$RT" 'b["TransitRouterRouteTables"][0]["TransitRouterRouteTableStatus"]' Active
t_check "table keys" 'sorted(b["TransitRouterRouteTables"][0])' "['CreateTime', 'RegionId', 'RouteTableOptions', 'Tags', 'TransitRouterId', 'TransitRouterRouteTableDescription', 'TransitRouterRouteTableId', 'TransitRouterRouteTableName', 'TransitRouterRouteTableStatus', 'TransitRouterRouteTableType']"
t_check "table values" '[b["TransitRouterRouteTables"][0][k] for k in ("TransitRouterRouteTableName","TransitRouterRouteTableDescription","TransitRouterRouteTableType","RouteTableOptions","Tags")]' \
	"['blue', 'lab', 'Custom', {'MultiRegionECMP': 'enable'}, [{'Key': 'env', 'Value': 'lab'}]]"
t_check "create time in minutes" 'len(b["TransitRouterRouteTables"][0]["CreateTime"]) == 17 and b["TransitRouterRouteTables"][0]["CreateTime"].endswith("Z")' true
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR&TransitRouterRouteTableType=Custom&Tag.1.Key=env"
t_check "filters" '[t["TransitRouterRouteTableId"] for t in b["TransitRouterRouteTables"]]' "['$RT']"
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR&MaxResults=1"
t_check "page 1" '[len(b["TransitRouterRouteTables"]), b["TotalCount"], b["NextToken"] != ""]' "[1, 2, True]"
TOKEN=$(t_json 'b["NextToken"]')
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR&MaxResults=1&NextToken=$TOKEN"
t_check "page 2" '[b["TransitRouterRouteTables"][0]["TransitRouterRouteTableId"], b["NextToken"]]' "['$RT', '']"
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterRouteTableType=Other"; t_expect "bad type" 400 InvalidTransitRouterRouteTableType
t_req GET "$C&Action=UpdateTransitRouterRouteTable&TransitRouterRouteTableId=$RT&TransitRouterRouteTableName=green"; t_expect "update" 200
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterRouteTableNames.1=green"; t_check "renamed" 'b["TotalCount"]' 1
t_req GET "$C&Action=UpdateTransitRouterRouteTable&TransitRouterRouteTableId=$RT&TransitRouterRouteTableName=http%3A%2F%2Fx"; t_expect "bad name" 400 InvalidName
t_req GET "$C&Action=UpdateTransitRouterRouteTable&TransitRouterRouteTableId=vtb-nothere"; t_expect "unknown table" 400 InvalidTransitRouterRouteTableId.NotFound
t_req GET "$C&Action=DeleteTransitRouterRouteTable&TransitRouterRouteTableId=$SYS"; t_expect "system table stays" 400 OperationFailed.DeleteSystemRouteTable
t_req GET "$C&Action=DeleteTransitRouterRouteTable"; t_expect "id required" 400 MissingTransitRouterRouteTableId

# ---- associations ----
t_req GET "$C&Action=AssociateTransitRouterAttachmentWithRouteTable&TransitRouterAttachmentId=$ATT_VPC&TransitRouterRouteTableId=vtb-nothere"
t_expect "unknown table" 404 InvalidRouteTableId.NotFound
t_req GET "$C&Action=AssociateTransitRouterAttachmentWithRouteTable&TransitRouterAttachmentId=tr-attach-nothere&TransitRouterRouteTableId=$RT"
t_expect "unknown attachment" 404 InvalidAttachmentId.NotFound
t_req GET "$C&Action=AssociateTransitRouterAttachmentWithRouteTable&TransitRouterAttachmentId=$ATT_VPC&TransitRouterRouteTableId=$RT"
t_expect "associate" 200
t_check "answer" 'sorted(b)' "['RequestId']"
t_req GET "$C&Action=ListTransitRouterRouteTableAssociations&TransitRouterRouteTableId=$RT"
t_check "associating" '[(a["TransitRouterAttachmentId"], a["ResourceId"], a["ResourceType"], a["Status"]) for a in b["TransitRouterAssociations"]]' \
	"[('$ATT_VPC', '$VPC', 'VPC', 'Associating')]"
t_check "list defaults" '[b["MaxResults"], b["NextToken"], b["TotalCount"]]' "[50, '', 1]"
t_req GET "$C&Action=DissociateTransitRouterAttachmentFromRouteTable&TransitRouterAttachmentId=$ATT_VPC&TransitRouterRouteTableId=$RT"
t_expect "busy while associating" 400 IncorrectStatus.AttachmentOrRouteTable
t_wait_for "associated" "$C&Action=ListTransitRouterRouteTableAssociations&TransitRouterAttachmentId=$ATT_VPC" 'b["TransitRouterAssociations"][0]["Status"]' Active
t_req GET "$C&Action=AssociateTransitRouterAttachmentWithRouteTable&TransitRouterAttachmentId=$ATT_VPC&TransitRouterRouteTableId=$SYS"
t_expect "one association per attachment" 400 OperationFailed.RouteTableAssociationExist
t_req GET "$C&Action=DeleteTransitRouterRouteTable&TransitRouterRouteTableId=$RT"
t_expect "associated table stays" 400 OperationFailed.DeleteRouteTableWithAssociation

# ---- propagations and learned routes ----
for att in $ATT_VPC $ATT_A $ATT_B; do
	t_req GET "$C&Action=EnableTransitRouterRouteTablePropagation&TransitRouterAttachmentId=$att&TransitRouterRouteTableId=$RT"
	t_expect "enable $att" 200
done
t_req GET "$C&Action=ListTransitRouterRouteTablePropagations&TransitRouterRouteTableId=$RT"
t_check "enabling" '[p["Status"] for p in b["TransitRouterPropagations"]]' "['Enabling', 'Enabling', 'Enabling']"
t_check "propagation keys" 'sorted(b["TransitRouterPropagations"][1])' "['ResourceId', 'ResourceType', 'Status', 'TransitRouterAttachmentId', 'TransitRouterRouteTableId']"
t_req GET "$C&Action=EnableTransitRouterRouteTablePropagation&TransitRouterAttachmentId=$ATT_A&TransitRouterRouteTableId=$RT"
t_expect "twice" 400 IncorrectStatus.AttachmentOrRouteTable
t_wait_for "propagating" "$C&Action=ListTransitRouterRouteTablePropagations&TransitRouterRouteTableId=$RT&Status=Active" 'b["TotalCount"]' 3
t_req GET "$C&Action=ListTransitRouterRouteTablePropagations"; t_expect "table required" 400 MissingTransitRouterRouteTableId

entries; t_expect "list entries" 200
t_check "learned: vSwitch CIDRs and remote subnets, in order" '[(r["TransitRouterRouteEntryDestinationCidrBlock"], r.get("TransitRouterRouteEntryNextHopId")) for r in b["TransitRouterRouteEntries"]]' \
	"[('10.0.1.0/24', '$ATT_VPC'), ('10.0.2.0/24', '$ATT_VPC'), ('172.16.0.0/16', '$ATT_A'), ('172.16.0.0/16', '$ATT_B'), ('172.17.0.0/16', '$ATT_B')]"
t_check "ecmp: both active" "$(statuses 172.16.0.0/16)" "['Active', 'Active']"
t_check "learned route keys" 'sorted(b["TransitRouterRouteEntries"][0])' \
	"['OperationalMode', 'PathAttributes', 'TransitRouterRouteEntryDestinationCidrBlock', 'TransitRouterRouteEntryNextHopId', 'TransitRouterRouteEntryNextHopResourceId', 'TransitRouterRouteEntryNextHopResourceType', 'TransitRouterRouteEntryNextHopType', 'TransitRouterRouteEntryOriginResourceId', 'TransitRouterRouteEntryOriginResourceType', 'TransitRouterRouteEntryStatus', 'TransitRouterRouteEntryType']"
t_check "vpn route" '[(r["TransitRouterRouteEntryType"], r["TransitRouterRouteEntryNextHopResourceType"], r["TransitRouterRouteEntryNextHopResourceId"], r["OperationalMode"], r["PathAttributes"]["OriginInstanceType"]) for r in b["TransitRouterRouteEntries"] if r.get("TransitRouterRouteEntryNextHopId")=="'"$ATT_A"'"]' \
	"[('Propagated', 'VPN', '$VCO1', False, 'VPN')]"

# ---- static entries ----
R="$C&Action=CreateTransitRouterRouteEntry&TransitRouterRouteTableId=$RT"
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=BlackHole&TransitRouterRouteEntryNextHopId=$ATT_VPC"
t_expect "blackhole with hop" 400 ParamExclusive.NextHopTypeBlackHoleAndNextHopId
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=Attachment"
t_expect "hop required" 400 MissingParam.TransitRouterRouteEntryNextHopId
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.1%2F16&TransitRouterRouteEntryNextHopType=BlackHole"
t_expect "bad cidr" 400 IllegalParam.TransitRouterDestinationCidrBlock
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=Peer"
t_expect "bad type" 400 IllegalParam.NextHopType
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=Attachment&TransitRouterRouteEntryNextHopId=tr-attach-nothere"
t_expect "unknown hop" 400 InvalidTransitRouterRouteEntryNextHopId.NotFound
t_req GET "$C&Action=CreateTransitRouterRouteEntry&TransitRouterRouteTableId=vtb-nothere&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=BlackHole"
t_expect "unknown table" 400 InvalidTransitRouterRouteTableId.NotFound
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=Attachment&TransitRouterRouteEntryNextHopId=$ATT_VPC&TransitRouterRouteEntryName=pin&TransitRouterRouteEntryDescription=to+the+vpc"
t_expect "static over learned" 200; RTE=$(t_json 'b["TransitRouterRouteEntryId"]')
t_check "entry id" '[b["TransitRouterRouteEntryId"][:4], sorted(b)]' "['rte-', ['RequestId', 'TransitRouterRouteEntryId']]"
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=Attachment&TransitRouterRouteEntryNextHopId=$ATT_VPC"
t_expect "same entry" 400 InstanceExist.TransitRouterRouteEntry
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0%2F16&TransitRouterRouteEntryNextHopType=BlackHole"
t_expect "same destination" 400 OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock
t_req GET "$R&TransitRouterRouteEntryDestinationCidrBlock=10.99.0.0%2F16&TransitRouterRouteEntryNextHopType=BlackHole&DryRun=true"
t_expect "entry dry run" 400 DryRunOperation
entries "&TransitRouterRouteEntryIds.1=$RTE"
t_check "creating" '[r["TransitRouterRouteEntryStatus"] for r in b["TransitRouterRouteEntries"]]' "['Creating']"
t_wait_for "entry active" "$C&Action=ListTransitRouterRouteEntries&TransitRouterRouteTableId=$RT&TransitRouterRouteEntryIds.1=$RTE" 'b["TransitRouterRouteEntries"][0]["TransitRouterRouteEntryStatus"]' Active
t_check "static keys" 'sorted(b["TransitRouterRouteEntries"][0])' \
	"['CreateTime', 'OperationalMode', 'PathAttributes', 'TransitRouterRouteEntryDescription', 'TransitRouterRouteEntryDestinationCidrBlock', 'TransitRouterRouteEntryId', 'TransitRouterRouteEntryName', 'TransitRouterRouteEntryNextHopId', 'TransitRouterRouteEntryNextHopResourceId', 'TransitRouterRouteEntryNextHopResourceType', 'TransitRouterRouteEntryNextHopType', 'TransitRouterRouteEntryOriginResourceId', 'TransitRouterRouteEntryOriginResourceType', 'TransitRouterRouteEntryStatus', 'TransitRouterRouteEntryType']"
t_check "static values" '[b["TransitRouterRouteEntries"][0][k] for k in ("TransitRouterRouteEntryType","TransitRouterRouteEntryName","TransitRouterRouteEntryDescription","TransitRouterRouteEntryNextHopResourceId","OperationalMode")]' \
	"['Static', 'pin', 'to the vpc', '$VPC', True]"
entries "&TransitRouterRouteEntryStatus=All"
t_check "learned ones rejected" "$(statuses 172.16.0.0/16)" "['Active', 'Rejected', 'Rejected']"
entries; t_check "default status Active" "$(statuses 172.16.0.0/16)" "['Active']"
entries "&TransitRouterRouteEntryStatus=Rejected"; t_check "status filter" 'b["TotalCount"]' 2
entries "&TransitRouterRouteEntryIds.1=$RTE&TransitRouterRouteEntryStatus=Active"; t_expect "ids and status" 400 ParamExclusive.RouteEntryIdsAndStatus
entries "&TransitRouterRouteEntryStatus=Up"; t_expect "bad status" 400 IllegalParam.TransitRouterRouteEntryStatus

# ---- filters and paging ----
entries "&RouteFilter.1.Key=LongestPrefixMatchCidrs&RouteFilter.1.Value.1=10.0.2.77&RouteFilter.1.Value.2=172.17.9.9"
t_check "longest prefix" 'sorted(r["TransitRouterRouteEntryDestinationCidrBlock"] for r in b["TransitRouterRouteEntries"])' "['10.0.2.0/24', '172.17.0.0/16']"
entries "&RouteFilter.1.Key=SubnetOfMatchCidrs&RouteFilter.1.Value.1=10.0.0.0%2F16&TransitRouterRouteEntryType=Propagated"
t_check "subnet of" 'b["TotalCount"]' 2
entries "&RouteFilter.1.Key=SupernetOfMatchCidrs&RouteFilter.1.Value.1=172.16.5.0%2F24&TransitRouterRouteEntryStatus=All"
t_check "supernet of" 'b["TotalCount"]' 3
entries "&RouteFilter.1.Key=PrefixExactMatchCidrs&RouteFilter.1.Value.1=1.2.3.4&RouteFilter.2.Key=PrefixExactMatchCidrs&RouteFilter.2.Value.1=1.2.3.4"
t_expect "duplicate key" 400 FilterKeyDuplicated.RouteFilter
# a repeated name: a signature covers only the last copy, the filter would read both (issue 10.7)
entries "&RouteFilter.1.Value.1=172.17.9.9&RouteFilter.1.Key=LongestPrefixMatchCidrs&RouteFilter.1.Value.1=10.0.2.77"
t_expect "repeated name" 400 RepeatedRouteFilter.1.Value.1
t_check "repeated name message" 'b["Message"]' "The specified RouteFilter.1.Value.1 is repeated."
entries "&RouteFilter.1.Key=Anything&RouteFilter.1.Value.1=1.2.3.4"; t_expect "bad key" 400 InvalidFilterKey
entries "&RouteFilter.1.Key=SubnetOfMatchCidrs&RouteFilter.1.Value.1=10.0.0"; t_expect "bad value" 400 IllegalParam.SubnetOfMatchCidr
entries "&TransitRouterRouteEntryNextHopResourceType=VPN"; t_check "next hop type filter" 'b["TotalCount"]' 1
entries "&PrefixListId=pl-x"; t_expect "no prefix list" 400 ResourceNotFound.PrefixlistAssociation
SEEN=""
TOKEN=""
PAGES=0
while :; do
	entries "&TransitRouterRouteEntryStatus=All&MaxResults=2${TOKEN:+&NextToken=$TOKEN}"
	SEEN="$SEEN $(t_json '" ".join(r["TransitRouterRouteEntryDestinationCidrBlock"] for r in b["TransitRouterRouteEntries"])')"
	TOKEN=$(t_json 'b["NextToken"]'); PAGES=$((PAGES + 1))
	[ -z "$TOKEN" ] || [ $PAGES -gt 5 ] && break
done
t_check "three pages" "$PAGES == 3 and len('$SEEN'.split()) == 6" true
entries "&NextToken=bogus"; t_expect "bad token" 400 IllegalParam.NextToken
entries "&MaxResults=101"; t_expect "max results" 400 InvalidMaxResults
t_req GET "$C&Action=ListTransitRouterRouteEntries&TransitRouterRouteTableId=vtb-nothere"; t_expect "unknown table" 400 InvalidTransitRouterRouteTableId.NotFound

# ---- another account sees nothing ----
t_req GET "$C&Action=ListTransitRouterRouteEntries&TransitRouterRouteTableId=$RT&AccessKeyId=1000000000000003"
t_expect "foreign table" 400 InvalidTransitRouterRouteTableId.NotFound
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR&AccessKeyId=1000000000000003"; t_check "foreign list" 'b["TotalCount"]' 0
t_req GET "$C&Action=DeleteTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE&AccessKeyId=1000000000000003"
t_expect "foreign entry" 400 IllegalParam.TransitRouterRouteEntryId

# ---- taking it apart ----
t_req GET "$C&Action=DeleteTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE&TransitRouterRouteTableId=$RT"
t_expect "id excludes table" 400 ParamExclusive.RouteEntryIdAndRouteTableIdOrDestCidrBlock
t_req GET "$C&Action=DeleteTransitRouterRouteEntry&TransitRouterRouteTableId=$RT&TransitRouterRouteEntryDestinationCidrBlock=172.17.0.0%2F16"
t_expect "learned routes stay" 400 OperationFailed.DeleteTransitRouterRouteEntry
t_req GET "$C&Action=DeleteTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE"; t_expect "delete entry" 200
t_req GET "$C&Action=DeleteTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE"; t_expect "busy while deleting" 400 Operation.Blocking
t_wait_for "ecmp again" "$C&Action=ListTransitRouterRouteEntries&TransitRouterRouteTableId=$RT&RouteFilter.1.Key=PrefixExactMatchCidrs&RouteFilter.1.Value.1=172.16.0.0%2F16" 'b["TotalCount"]' 2
t_req GET "$C&Action=DeleteTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE"; t_expect "gone" 400 IllegalParam.TransitRouterRouteEntryId
t_req GET "$C&Action=DeleteTransitRouterRouteTable&TransitRouterRouteTableId=$RT"
t_expect "still associated" 400 OperationFailed.DeleteRouteTableWithAssociation
t_req GET "$C&Action=DissociateTransitRouterAttachmentFromRouteTable&TransitRouterAttachmentId=$ATT_VPC&TransitRouterRouteTableId=$RT"; t_expect "dissociate" 200
t_wait_for "dissociated" "$C&Action=ListTransitRouterRouteTableAssociations&TransitRouterRouteTableId=$RT" 'b["TotalCount"]' 0
t_req GET "$C&Action=DeleteTransitRouterRouteTable&TransitRouterRouteTableId=$RT"
t_expect "still learning" 400 OperationFailed.DeleteRouteTableWithPropagation
for att in $ATT_VPC $ATT_A $ATT_B; do
	t_req GET "$C&Action=DisableTransitRouterRouteTablePropagation&TransitRouterAttachmentId=$att&TransitRouterRouteTableId=$RT"
	t_expect "disable $att" 200
done
entries "&TransitRouterRouteEntryStatus=All"; t_check "nothing learned" 'b["TotalCount"]' 0
t_req GET "$C&Action=DisableTransitRouterRouteTablePropagation&TransitRouterAttachmentId=$ATT_A&TransitRouterRouteTableId=$RT"
t_expect "disabling" 400 IncorrectStatus.AttachmentOrRouteTable
t_wait_for "disabled" "$C&Action=ListTransitRouterRouteTablePropagations&TransitRouterRouteTableId=$RT" 'b["TotalCount"]' 0
t_req GET "$C&Action=DeleteTransitRouterRouteTable&TransitRouterRouteTableId=$RT"; t_expect "delete table" 200
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR"; t_check "only the system table" 'b["TotalCount"]' 1

t_summary "tr_route"
