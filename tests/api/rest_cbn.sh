#!/bin/sh
# The CBN API (2017-09-12) through the REST front door only (curl, JSON bodies): a CEN, an
# Enterprise transit router with a CIDR block for tunnel addresses, a VPC attached through
# vSwitches in two zones, two unbound IPsec connections (POST /v1/vpn-attachments) attached
# as VPN attachments, a custom route table with both connections associated and propagating,
# their two learned routes to the branch CIDR as Active ECMP entries, a static entry over
# them, and the teardown with its refusals.  Also: 201 on create, DescribeCens unwrapped,
# the flat CBN lists passed on as they are, {id} winning over the body, TransitRouterId of
# the CIDR routes from the query or the body, HostId cbn.aliyuncs.com, 405 with Allow.
#
#   VPC 10.0.0.0/16 (vSwitches 10.0.1.0/24 h, 10.0.2.0/24 i) ──┐
#   IPsec A  remote 172.16.0.0/16                    ──────────┼── TR ── custom table
#   IPsec B  remote 172.16.0.0/16                    ──────────┘
#
# Usage: tests/api/rest_cbn.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" rest_cbn.db || exit 1
R='RegionId=cn-hangzhou'

post() { t_req POST "$B$1" -H "$J" -d "$2"; }
patch() { t_req PATCH "$B$1" -H "$J" -d "$2"; }

# wait_for NAME PATH EXPR WANT: t_wait_for on this server
wait_for() { t_wait_for "$1" "$B$2" "$3" "$4"; }
# allow METHOD PATH WANT: the Allow header of a 405 answer
allow() { t_allow "$1" "$B$2" "$3"; }

# ---- the VPC side ----
t_rest_vpc_two_zones
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"47.100.9.1\"}"; t_expect "customer gateway A" 201; CGA=$(t_json 'b["CustomerGatewayId"]')
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"47.100.9.2\"}"; t_expect "customer gateway B" 201; CGB=$(t_json 'b["CustomerGatewayId"]')
IPSEC="\"LocalSubnet\":\"10.0.0.0/16\",\"RemoteSubnet\":\"172.16.0.0/16\",\"IkeConfig\":{\"IkeVersion\":\"ikev2\"}"
post /v1/vpn-attachments "{$RJ,\"CustomerGatewayId\":\"$CGA\",$IPSEC,\"Name\":\"branch-a\"}"; t_expect "ipsec A" 201; VCOA=$(t_json 'b["VpnConnectionId"]')
post /v1/vpn-attachments "{$RJ,\"CustomerGatewayId\":\"$CGB\",$IPSEC,\"Name\":\"branch-b\"}"; t_expect "ipsec B" 201; VCOB=$(t_json 'b["VpnConnectionId"]')

# ---- CEN ----
post /v1/cens '{"Name":"http://x"}'; t_expect "bad name" 400 IllegalParam.Name
t_check "cbn host" 'b["HostId"]' cbn.aliyuncs.com
post /v1/cens '{"Name":"lab","Description":"rest","Tag":[{"Key":"suite","Value":"rest_cbn"}],"ClientToken":"rest-cen-1"}'
t_expect "create cen" 201; CEN=$(t_json 'b["CenId"]')
t_check "create answer" 'sorted(b)' "['CenId', 'RequestId']"
post /v1/cens '{"Name":"lab","Description":"rest","Tag":[{"Key":"suite","Value":"rest_cbn"}],"ClientToken":"rest-cen-1"}'
t_expect "token replay" 201; t_check "same cen" 'b["CenId"]' "$CEN"
wait_for "cen active" "/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=$CEN" 'b["Cens"][0]["Status"]' Active
t_check "DescribeCens unwrapped" '[type(b["Cens"]).__name__, b["TotalCount"], b["Cens"][0]["Tags"]["Tag"]]' \
	"['list', 1, [{'Key': 'suite', 'Value': 'rest_cbn'}]]"
patch "/v1/cens/$CEN" '{"CenId":"cen-fromthebody","Name":"lab2"}'; t_expect "modify cen (path id wins)" 200
t_req GET "$B/v1/cens?Filter.1.Key=Name&Filter.1.Value.1=lab2"; t_check "renamed" '[c["CenId"] for c in b["Cens"]]' "['$CEN']"
patch /v1/cens/cen-doesnotexist '{"Name":"x"}'; t_expect "unknown cen" 400 ParameterCenInstanceId
allow PUT "/v1/cens/$CEN" "PATCH, DELETE"

# ---- transit router with a CIDR block ----
post /v1/transit-routers "{$RJ,\"CenId\":\"$CEN\",\"TransitRouterName\":\"hub\",\"TransitRouterCidrList\":[{\"Cidr\":\"192.168.250.0/24\",\"Name\":\"tunnels\"}]}"
t_expect "create router" 201; TR=$(t_json 'b["TransitRouterId"]')
post /v1/transit-routers "{$RJ,\"CenId\":\"$CEN\"}"; t_expect "one router per cen and region" 400 InstanceExist.TransitRouterInstance
wait_for "router active" "/v1/transit-routers?TransitRouterId=$TR" 'b["TransitRouters"][0]["Status"]' Active
t_check "flat list as is" '[type(b["TransitRouters"]).__name__, b["TransitRouters"][0]["Type"], [c["Cidr"] for c in b["TransitRouters"][0]["TransitRouterCidrList"]]]' \
	"['list', 'Enterprise', ['192.168.250.0/24']]"
patch "/v1/transit-routers/$TR" '{"TransitRouterDescription":"branch hub"}'; t_expect "update router" 200
t_req GET "$B/v1/transit-routers?CenId=$CEN"; t_check "described" 'b["TransitRouters"][0]["TransitRouterDescription"]' "branch hub"
post "/v1/transit-routers/$TR/cidrs" '{"Cidr":"192.168.251.0/24","Name":"spare"}'; t_expect "add cidr" 201; CIDR=$(t_json 'b["TransitRouterCidrId"]')
post "/v1/transit-routers/$TR/cidrs" '{"Cidr":"192.168.251.0/24"}'; t_expect "same cidr" 400 OperationFailed.CidrConflict
t_req GET "$B/v1/transit-routers/$TR/cidrs"; t_expect "list cidrs" 200
t_check "cidrs" '[c["Cidr"] for c in b["CidrLists"]]' "['192.168.250.0/24', '192.168.251.0/24']"
patch "/v1/transit-router-cidrs/$CIDR" "{\"TransitRouterId\":\"$TR\",\"Description\":\"later\"}"; t_expect "modify cidr (router in the body)" 200
t_req DELETE "$B/v1/transit-router-cidrs/$CIDR?$R"; t_expect "router needed" 400 MissingTransitRouterId
t_req DELETE "$B/v1/transit-router-cidrs/$CIDR?TransitRouterId=$TR"; t_expect "delete cidr (router in the query)" 200
t_req GET "$B/v1/transit-routers/$TR/cidrs"; t_check "one cidr left" 'len(b["CidrLists"])' 1

# ---- attachments ----
post /v1/transit-router-vpc-attachments "{$RJ,\"TransitRouterId\":\"$TR\",\"VpcId\":\"$VPC\",\"ZoneMappings\":[{\"ZoneId\":\"cn-hangzhou-h\",\"VSwitchId\":\"$VSH\"},{\"ZoneId\":\"cn-hangzhou-i\",\"VSwitchId\":\"$VSI\"}]}"
t_expect "attach vpc" 201; ATT_VPC=$(t_json 'b["TransitRouterAttachmentId"]')
post /v1/transit-router-vpn-attachments "{$RJ,\"TransitRouterId\":\"$TR\",\"VpnId\":\"$VCOA\",\"Zone\":[{\"ZoneId\":\"cn-hangzhou-h\"}]}"
t_expect "attach ipsec A" 201; ATT_A=$(t_json 'b["TransitRouterAttachmentId"]')
post /v1/transit-router-vpn-attachments "{$RJ,\"TransitRouterId\":\"$TR\",\"VpnId\":\"$VCOB\",\"Zone\":[{\"ZoneId\":\"cn-hangzhou-h\"}]}"
t_expect "attach ipsec B" 201; ATT_B=$(t_json 'b["TransitRouterAttachmentId"]')
post /v1/transit-router-vpn-attachments "{$RJ,\"TransitRouterId\":\"$TR\",\"VpnId\":\"$VCOA\",\"Zone\":[{\"ZoneId\":\"cn-hangzhou-h\"}]}"
t_expect "attached once" 400 IncorrectStatus.VpnConnection
wait_for "vpc attached" "/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=$ATT_VPC" 'b["TransitRouterAttachments"][0]["Status"]' Attached
t_check "both vSwitches" '[z["VSwitchId"] for z in b["TransitRouterAttachments"][0]["ZoneMappings"]]' "['$VSH', '$VSI']"
wait_for "vpn attached" "/v1/transit-router-vpn-attachments?TransitRouterId=$TR" '[a["Status"] for a in b["TransitRouterAttachments"]]' "['Attached', 'Attached']"
t_check "token-paged list as is" '[b["TotalCount"], b["MaxResults"], b["NextToken"]]' "[2, 20, '']"
t_req GET "$B/v1/vpn-connections/$VCOA?$R"; t_check "connection bound to the router" '[b["State"], b["AttachType"], b["AttachInstanceId"], b["TransitRouterId"]]' "['attached', 'CEN', '$CEN', '$TR']"
patch "/v1/transit-router-vpn-attachments/$ATT_A" '{"TransitRouterAttachmentName":"branch-a"}'; t_expect "name attachment" 200
patch "/v1/transit-router-vpc-attachments/$ATT_VPC" '{"TransitRouterAttachmentName":"http://x"}'; t_expect "bad attachment name" 400 IllegalParam.TransitRouterAttachmentName

# ---- no RegionId on REST: ids find their region, lists span every region, other accounts find nothing ----
O='AccessKeyId=1234567890123456'
t_req GET "$B/v1/vpn-connections/$VCOA"; t_expect "attached connection without RegionId" 200
t_check "its region" '[b["RegionId"], b["TransitRouterId"]]' "['cn-hangzhou', '$TR']"
t_req GET "$B/v1/transit-routers"; t_check "routers of every region, with RegionId" '[(r["TransitRouterId"], r["RegionId"]) for r in b["TransitRouters"]]' "[('$TR', 'cn-hangzhou')]"
t_req GET "$B/v1/transit-router-vpn-attachments?TransitRouterId=$TR"; t_check "attachments without RegionId" 'b["TotalCount"]' 2
t_req GET "$B/v1/customer-gateways"; t_check "customer gateways of every region" 'sorted(g["CustomerGatewayId"] for g in b["CustomerGateways"])' \
	"$(python3 -c "print(sorted(['$CGA', '$CGB']))")"
patch "/v1/transit-router-vpn-attachments/$ATT_B" '{"TransitRouterAttachmentDescription":"no region"}'; t_expect "PATCH attachment without RegionId" 200
patch "/v1/transit-routers/$TR?$O" '{"TransitRouterDescription":"theirs"}'; t_expect "another account's router" 400 InvalidTransitRouterId.NotFound
patch "/v1/transit-router-vpn-attachments/$ATT_B?$O" '{"TransitRouterAttachmentDescription":"theirs"}'; t_expect "another account's attachment" 400 InvalidTransitRouterAttachmentId.NotFound
t_req GET "$B/v1/vpn-connections/$VCOA?$O"; t_expect "another account's connection" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$B/v1/transit-routers?$O"; t_check "another account lists nothing" 'b["TotalCount"]' 0

# ---- a custom route table: associate and propagate both connections ----
post /v1/transit-router-route-tables "{\"TransitRouterId\":\"$TR\",\"TransitRouterRouteTableName\":\"branches\"}"
t_expect "create table" 201; RT=$(t_json 'b["TransitRouterRouteTableId"]')
wait_for "table active" "/v1/transit-router-route-tables?TransitRouterId=$TR&TransitRouterRouteTableType=Custom" \
	'b["TransitRouterRouteTables"][0]["TransitRouterRouteTableStatus"]' Active
patch "/v1/transit-router-route-tables/$RT" '{"TransitRouterRouteTableDescription":"two branches"}'; t_expect "update table" 200
for att in $ATT_A $ATT_B; do
	post "/v1/transit-router-route-tables/$RT/associations" "{\"TransitRouterAttachmentId\":\"$att\"}"; t_expect "associate $att" 201
	post "/v1/transit-router-route-tables/$RT/propagations" "{\"TransitRouterAttachmentId\":\"$att\"}"; t_expect "propagate $att" 201
done
wait_for "associated" "/v1/transit-router-route-tables/$RT/associations" '[a["Status"] for a in b["TransitRouterAssociations"]]' "['Active', 'Active']"
wait_for "propagating" "/v1/transit-router-route-tables/$RT/propagations" '[p["Status"] for p in b["TransitRouterPropagations"]]' "['Active', 'Active']"
post "/v1/transit-router-route-tables/$RT/associations" "{\"TransitRouterAttachmentId\":\"$ATT_A\"}"
t_expect "associated once" 400 OperationFailed.RouteTableAssociationExist

# ---- two Active ECMP routes to the branch, then a static route ----
E="/v1/transit-router-route-tables/$RT/route-entries"
t_req GET "$B$E"; t_expect "list entries" 200
t_check "ECMP: two Active learned routes" '[(r["TransitRouterRouteEntryDestinationCidrBlock"], r["TransitRouterRouteEntryType"], r["TransitRouterRouteEntryStatus"]) for r in b["TransitRouterRouteEntries"]]' \
	"[('172.16.0.0/16', 'Propagated', 'Active'), ('172.16.0.0/16', 'Propagated', 'Active')]"
t_check "one per connection" 'sorted(r["TransitRouterRouteEntryNextHopResourceId"] for r in b["TransitRouterRouteEntries"])' \
	"$(printf '%s\n%s\n' "$VCOA" "$VCOB" | sort | python3 -c 'import sys; print(sorted(sys.stdin.read().split()))')"
post "$E" "{\"TransitRouterRouteEntryDestinationCidrBlock\":\"10.99.0.0/16\",\"TransitRouterRouteEntryNextHopType\":\"Attachment\",\"TransitRouterRouteEntryNextHopId\":\"$ATT_VPC\"}"
t_expect "static route to the vpc" 201
RTE_VPC=$(t_json 'b.get("TransitRouterRouteEntryId","")')
post "$E" "{\"TransitRouterRouteEntryDestinationCidrBlock\":\"10.50.0.0/16\",\"TransitRouterRouteEntryNextHopType\":\"BlackHole\",\"TransitRouterRouteEntryName\":\"drop\"}"
t_expect "static blackhole" 201; RTE=$(t_json 'b["TransitRouterRouteEntryId"]')
post "$E" "{\"TransitRouterRouteEntryDestinationCidrBlock\":\"10.50.0.0/16\",\"TransitRouterRouteEntryNextHopType\":\"BlackHole\"}"
t_expect "same destination" 400 InstanceExist.TransitRouterRouteEntry
wait_for "static active" "$E?TransitRouterRouteEntryIds.1=$RTE" 'b["TransitRouterRouteEntries"][0]["TransitRouterRouteEntryStatus"]' Active
t_check "static entry" '[b["TransitRouterRouteEntries"][0][k] for k in ("TransitRouterRouteEntryType","TransitRouterRouteEntryName","TransitRouterRouteEntryNextHopType")]' \
	"['Static', 'drop', 'BlackHole']"
t_req GET "$B$E?TransitRouterRouteEntryStatus=Up"; t_expect "bad status filter" 400 IllegalParam.TransitRouterRouteEntryStatus
t_req GET "$B/v1/transit-router-route-tables/vtb-doesnotexist/route-entries"; t_expect "unknown table" 400 InvalidTransitRouterRouteTableId.NotFound
allow PUT "$E" "GET, POST"
allow GET "/v1/transit-router-route-entries/$RTE" "PATCH, DELETE"

# ---- teardown, with the refusals first ----
t_req DELETE "$B/v1/transit-router-route-tables/$RT"; t_expect "table in use" 400 OperationFailed.DeleteRouteTableWithAssociation
t_req DELETE "$B/v1/transit-routers/$TR"; t_expect "router in use" 400 InvalidOperation.AttachedChildInstanceExist
t_req DELETE "$B/v1/cens/$CEN"; t_expect "cen in use" 400
for id in $RTE $RTE_VPC; do
	[ -n "$id" ] || continue
	t_req DELETE "$B/v1/transit-router-route-entries/$id"; t_expect "delete entry $id" 200
done
wait_for "entries gone" "$E?TransitRouterRouteEntryType=Static&TransitRouterRouteEntryStatus=All" 'b["TotalCount"]' 0
for att in $ATT_A $ATT_B; do
	t_req DELETE "$B/v1/transit-router-route-tables/$RT/associations?TransitRouterAttachmentId=$att"; t_expect "dissociate $att" 200
	t_req DELETE "$B/v1/transit-router-route-tables/$RT/propagations" -H "$J" -d "{\"TransitRouterAttachmentId\":\"$att\"}"; t_expect "disable $att" 200
done
wait_for "dissociated" "/v1/transit-router-route-tables/$RT/associations" 'b["TotalCount"]' 0
wait_for "disabled" "/v1/transit-router-route-tables/$RT/propagations" 'b["TotalCount"]' 0
t_req GET "$B$E?TransitRouterRouteEntryStatus=All"; t_check "nothing learned" 'b["TotalCount"]' 0
t_req DELETE "$B/v1/transit-router-route-tables/$RT"; t_expect "delete table" 200
wait_for "table gone" "/v1/transit-router-route-tables?TransitRouterId=$TR" 'b["TotalCount"]' 1
for att in $ATT_A $ATT_B; do
	t_req DELETE "$B/v1/transit-router-vpn-attachments/$att"; t_expect "detach $att" 200
done
t_req DELETE "$B/v1/transit-router-vpc-attachments/$ATT_VPC?DryRun=true"; t_expect "detach dry run" 400 DryRunOperation
t_req DELETE "$B/v1/transit-router-vpc-attachments/$ATT_VPC"; t_expect "detach vpc" 200
wait_for "vpn detached" "/v1/transit-router-vpn-attachments?TransitRouterId=$TR" 'b["TotalCount"]' 0
wait_for "vpc detached" "/v1/transit-router-vpc-attachments?TransitRouterId=$TR" 'b["TotalCount"]' 0
t_req GET "$B/v1/vpn-connections/$VCOA?$R"; t_check "connection unbound again" 'b["State"]' init
t_req DELETE "$B/v1/transit-routers/$TR"; t_expect "delete router" 200
wait_for "router gone" "/v1/transit-routers?CenId=$CEN" 'b["TotalCount"]' 0
t_req DELETE "$B/v1/cens/$CEN"; t_expect "delete cen" 200
wait_for "cen gone" "/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=$CEN" 'b["TotalCount"]' 0
t_req DELETE "$B/v1/cens/$CEN"; t_expect "cen gone" 400 ParameterCenInstanceId

t_summary "rest_cbn"
