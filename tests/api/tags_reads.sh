#!/bin/sh
# API tests over real HTTP (curl) of what Terraform reads and tags:
#   DescribeVpcAttribute, DescribeVSwitchAttributes (fields, NotFound, another account);
#   VPC TagResources / UnTagResources / ListTagResources on VPC, VSWITCH, ROUTETABLE,
#   CUSTOMERGATEWAY, VPNCONNECTION, VPNATTACHMENT (types in any case, the 20-tag quota,
#   unknown types and resources, a request naming one unknown resource changes nothing,
#   tag filters, NextToken paging that ends with NO NextToken, another account);
#   CBN TagResources / UntagResources / ListTagResources on cen, TransitRouter, its route
#   tables and VPN attachments;
#   CreateVpnAttachment with Tag.N (Terraform) and Tags.N (the SDK), DescribeVpnAttachments,
#   ModifyVpnAttachmentAttribute, DeleteVpnAttachment (refused while attached to a transit
#   router, a gateway's connection is not an attachment);
#   ReplaceTransitRouterRouteTableAssociation, UpdateTransitRouterRouteEntry,
#   ListTransitRouterAvailableResource.
# Usage: tests/api/tags_reads.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" tags.db || exit 1
R="RegionId=cn-hangzhou"
V="$B/?Version=2016-04-28&$R"
C="$B/?Version=2017-09-12&$R"
OTHER="AccessKeyId=6543210987654321"

# wait_for URL EXPR WANT: t_poll; set-up waits count a failure, not a pass
wait_for() { t_poll "$@" && return 0; t_bad "waiting for $2 = $3"; return 1; }

# ---- a VPC with a vSwitch ----
t_req GET "$V&Action=CreateVpc&CidrBlock=10.0.0.0/16&VpcName=tf&Tag.1.Key=made&Tag.1.Value=create"
t_expect "vpc" 200; VPC=$(t_json 'b["VpcId"]'); RTB=$(t_json 'b["RouteTableId"]'); VRT=$(t_json 'b["VRouterId"]')
t_req GET "$V&Action=DescribeVpcAttribute&VpcId=$VPC"; t_expect "attribute while Pending" 200
t_check "attribute Pending" 'b["Status"]' Pending
wait_for "$V&Action=DescribeVpcAttribute&VpcId=$VPC" 'b["Status"]' Available
t_req GET "$V&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24&VSwitchName=web"
VSW=$(t_json 'b["VSwitchId"]')
wait_for "$V&Action=DescribeVSwitchAttributes&VSwitchId=$VSW" 'b["Status"]' Available

# ---- DescribeVpcAttribute ----
t_req GET "$V&Action=DescribeVpcAttribute&VpcId=$VPC"; t_expect "describe vpc attribute" 200
t_check "vpc attribute core" '[b["VpcId"], b["VpcName"], b["CidrBlock"], b["VRouterId"], b["RegionId"]]' \
	"['$VPC', 'tf', '10.0.0.0/16', '$VRT', 'cn-hangzhou']"
t_check "vpc attribute vswitches" 'b["VSwitchIds"]["VSwitchId"]' "['$VSW']"
t_check "vpc attribute tags" 'b["Tags"]["Tag"]' "[{'Key': 'made', 'Value': 'create'}]"
t_check "vpc attribute cloud resources" 'b["CloudResources"]["CloudResourceSetType"]' \
	"[{'ResourceType': 'VSwitch', 'ResourceCount': 1}]"
t_check "vpc attribute flags" '[b["IsDefault"], b["ClassicLinkEnabled"], b["EnabledIpv6"], b["SupportIpv4Gateway"]]' \
	"[False, False, False, False]"
t_check "vpc attribute cens (none yet)" 'b["AssociatedCens"]["AssociatedCen"]' "[]"
t_check "vpc attribute: no list-only members" '"RouterTableIds" in b or "NatGatewayIds" in b' false
t_req GET "$V&Action=DescribeVpcAttribute"; t_expect "vpc attribute needs VpcId" 400 MissingVpcId
t_req GET "$V&Action=DescribeVpcAttribute&VpcId=vpc-nothere"; t_expect "vpc attribute unknown" 404 InvalidVpcId.NotFound
t_req GET "$V&Action=DescribeVpcAttribute&VpcId=$VPC&$OTHER"; t_expect "vpc attribute other account" 404 InvalidVpcId.NotFound
t_req GET "$B/?Version=2016-04-28&Action=DescribeVpcAttribute&VpcId=$VPC"; t_expect "vpc attribute region from the id" 200
t_req GET "$B/v1/vpcs/$VPC/attribute"; t_expect "REST vpc attribute" 200
t_check "REST vpc attribute" 'b["VpcId"]' "$VPC"

# ---- DescribeVSwitchAttributes ----
t_req GET "$V&Action=DescribeVSwitchAttributes&VSwitchId=$VSW"; t_expect "describe vswitch attributes" 200
t_check "vswitch attributes" '[b["VSwitchId"], b["VpcId"], b["ZoneId"], b["CidrBlock"], b["VSwitchName"], b["AvailableIpAddressCount"]]' \
	"['$VSW', '$VPC', 'cn-hangzhou-h', '10.0.1.0/24', 'web', 252]"
t_check "vswitch route table" 'b["RouteTable"]' "{'RouteTableId': '$RTB', 'RouteTableType': 'System'}"
t_check "vswitch tags" 'b["Tags"]["Tag"]' "[]"
t_req GET "$V&Action=DescribeVSwitchAttributes"; t_expect "vswitch attributes need id" 400 MissingVSwitchId
t_req GET "$V&Action=DescribeVSwitchAttributes&VSwitchId=vsw-nothere"; t_expect "vswitch attributes unknown" 404 InvalidVSwitchId.NotFound
t_req GET "$V&Action=DescribeVSwitchAttributes&VSwitchId=$VSW&$OTHER"; t_expect "vswitch attributes other account" 404 InvalidVSwitchId.NotFound
t_req GET "$B/v1/vswitches/$VSW/attributes"; t_expect "REST vswitch attributes" 200

# ---- VPC TagResources / UnTagResources / ListTagResources ----
t_req GET "$V&Action=TagResources&ResourceType=VPC&ResourceId.1=$VPC&Tag.1.Key=env&Tag.1.Value=prod&Tag.2.Key=made&Tag.2.Value=update"
t_expect "tag vpc" 200
t_check "tag answer is RequestId only" 'sorted(b)' "['RequestId']"
t_req GET "$V&Action=DescribeVpcAttribute&VpcId=$VPC"
t_check "tags replaced and added" 'b["Tags"]["Tag"]' "[{'Key': 'env', 'Value': 'prod'}, {'Key': 'made', 'Value': 'update'}]"
t_req GET "$V&Action=TagResources&ResourceType=vswitch&ResourceId.1=$VSW&Tag.1.Key=env&Tag.1.Value=prod"
t_expect "type in any case" 200
t_req GET "$V&Action=TagResources&ResourceType=ROUTETABLE&ResourceId.1=$RTB&Tag.1.Key=env&Tag.1.Value=dev"
t_expect "tag route table" 200
t_expect_each query "$V&Action=TagResources&" <<EOF
ResourceType=SECURITYGROUP&ResourceId.1=$VPC&Tag.1.Key=a|400|InvalidResourceType.NotFound|type not emulated
ResourceType=VPC&ResourceId.1=$VSW&Tag.1.Key=a|404|InvalidResourceId.NotFound|id of another type
ResourceType=VPC&ResourceId.1=$VPC&ResourceId.2=vpc-nothere&Tag.1.Key=half|404|InvalidResourceId.NotFound|one unknown id
ResourceType=VPC&ResourceId.1=$VPC&Tag.1.Key=a&$OTHER|404|InvalidResourceId.NotFound|other account
ResourceType=VPC&ResourceId.1=$VPC|400|MissingTag.1.Key|tag needs tags
ResourceType=VPC&Tag.1.Key=a|400|MissingResourceId.1|tag needs ids
ResourceType=VPC&ResourceId.1=$VPC&Tag.1.Key=aliyun-x|400|InvalidTagKey.Malformed|reserved key
ResourceId.1=$VPC&Tag.1.Key=a|400|MissingResourceType|tag needs type
EOF
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC"
t_check "nothing of the refused requests" '[t["TagKey"] for t in b["TagResources"]["TagResource"]]' "['env', 'made']"
# the 20-tag quota: 18 more keys make 20, one more is refused, a known key is not counted again
Q=""; n=1; while [ $n -le 18 ]; do Q="$Q&Tag.$n.Key=q$n&Tag.$n.Value=v"; n=$((n + 1)); done
t_req GET "$V&Action=TagResources&ResourceType=VPC&ResourceId.1=$VPC$Q"; t_expect "20 tags" 200
t_req GET "$V&Action=TagResources&ResourceType=VPC&ResourceId.1=$VPC&Tag.1.Key=q21"; t_expect "21st tag" 400 QuotaExceed.TagNum
t_req GET "$V&Action=TagResources&ResourceType=VPC&ResourceId.1=$VPC&Tag.1.Key=env&Tag.1.Value=stage"; t_expect "replace at 20" 200
# ListTagResources pages of 7 over 20 rows: the last page has no NextToken at all
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC&MaxResults=7"; t_expect "list page 1" 200
t_check "page 1" '[len(b["TagResources"]["TagResource"]), len(b["NextToken"]) > 0]' "[7, True]"
TOK=$(t_json 'b["NextToken"]')
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC&MaxResults=7&NextToken=$TOK"
TOK=$(t_json 'b["NextToken"]')
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC&MaxResults=7&NextToken=$TOK"
t_expect "list page 3" 200
t_check "last page: 6 rows, NextToken absent" '[len(b["TagResources"]["TagResource"]), "NextToken" in b]' "[6, False]"
t_check "row shape" 'sorted(b["TagResources"]["TagResource"][0])' "['ResourceId', 'ResourceType', 'TagKey', 'TagValue']"
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC&NextToken=bogus"; t_expect "bad token" 400 InvalidNextToken
t_req GET "$V&Action=ListTagResources&ResourceType=VPC"; t_expect "list needs a filter" 400 InvalidParameter.ResourceIdOrTag
# by tag: env=prod is now on the vSwitch only (the VPC's env is stage)
t_req GET "$V&Action=ListTagResources&ResourceType=VSWITCH&Tag.1.Key=env&Tag.1.Value=prod"
t_check "by tag" '[(t["ResourceId"], t["ResourceType"], t["TagKey"], t["TagValue"]) for t in b["TagResources"]["TagResource"]]' \
	"[('$VSW', 'VSWITCH', 'env', 'prod')]"
t_req GET "$V&Action=ListTagResources&ResourceType=VSWITCH&Tag.1.Key=env&$OTHER"
t_check "by tag, other account" 'b["TagResources"]["TagResource"]' "[]"
# tag filters of the Describe actions see TagResources' tags
t_req GET "$V&Action=DescribeVSwitches&Tag.1.Key=env&Tag.1.Value=prod"; t_check "DescribeVSwitches tag filter" 'b["TotalCount"]' 1
t_req GET "$V&Action=DescribeVpcs&Tag.1.Key=env&Tag.1.Value=prod"; t_check "DescribeVpcs tag filter" 'b["TotalCount"]' 0
t_req GET "$V&Action=DescribeVpcs&Tag.1.Key=env&Tag.1.Value=stage"; t_check "DescribeVpcs tag filter (2)" 'b["TotalCount"]' 1
# UnTagResources: some keys, then All
t_req GET "$V&Action=UnTagResources&ResourceType=VPC&ResourceId.1=$VPC&TagKey.1=env&TagKey.2=absent"; t_expect "untag keys" 200
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC&MaxResults=50"
t_check "untagged one" 'len(b["TagResources"]["TagResource"])' 19
t_req GET "$V&Action=UnTagResources&ResourceType=VPC&ResourceId.1=vpc-nothere&TagKey.1=made"; t_expect "untag unknown" 404 InvalidResourceId.NotFound
t_req GET "$V&Action=UnTagResources&ResourceType=VPC&ResourceId.1=$VPC&All=true"; t_expect "untag all" 200
t_req GET "$V&Action=ListTagResources&ResourceType=VPC&ResourceId.1=$VPC"
t_check "none left" 'b["TagResources"]["TagResource"]' "[]"
# REST: /v1/tags
t_req POST "$B/v1/tags" -d "{\"RegionId\":\"cn-hangzhou\",\"ResourceType\":\"VPC\",\"ResourceId\":[\"$VPC\"],\"Tag\":[{\"Key\":\"rest\",\"Value\":\"yes\"}]}"
t_expect "REST tag" 200
t_req GET "$B/v1/tags?RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=$VPC"; t_expect "REST list tags" 200
t_check "REST list tags" '[t["TagKey"] for t in b["TagResources"]["TagResource"]]' "['rest']"
t_req DELETE "$B/v1/tags?RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=$VPC&TagKey.1=rest"; t_expect "REST untag" 200

# ---- VPN attachments (IPsec connections for transit routers) ----
t_req GET "$V&Action=CreateCustomerGateway&IpAddress=203.0.113.10"; CGW=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$V&Action=TagResources&ResourceType=CustomerGateway&ResourceId.1=$CGW&Tag.1.Key=site&Tag.1.Value=a"
t_expect "tag customer gateway" 200
t_req GET "$V&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW"; t_check "customer gateway tags" 'b["Tags"]["Tag"]' "[{'Key': 'site', 'Value': 'a'}]"
# Terraform sends Tag.N (expandTagsToMap); the SDK sends Tags.N: both are taken
t_req GET "$V&Action=CreateVpnAttachment&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.1.0%2F24&CustomerGatewayId=$CGW&Name=tf&Tag.1.Key=by&Tag.1.Value=terraform"
t_expect "attachment with Tag.N" 200; VCO=$(t_json 'b["VpnConnectionId"]')
t_req GET "$V&Action=CreateVpnAttachment&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.2.0%2F24&CustomerGatewayId=$CGW&Tags.1.Key=by&Tags.1.Value=sdk"
t_expect "attachment with Tags.N" 200; VCO2=$(t_json 'b["VpnConnectionId"]')
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_check "Tag.N kept" 'b["Tags"]["Tag"]' "[{'Key': 'by', 'Value': 'terraform'}]"
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO2"; t_check "Tags.N kept" 'b["Tags"]["Tag"]' "[{'Key': 'by', 'Value': 'sdk'}]"
t_req GET "$V&Action=TagResources&ResourceType=VPNATTACHMENT&ResourceId.1=$VCO&Tag.1.Key=by&Tag.1.Value=terraform"
t_expect "tag attachment" 200
t_req GET "$V&Action=ListTagResources&ResourceType=VpnAttachment&ResourceId.1=$VCO"
t_check "attachment tags" '[(t["ResourceType"], t["TagKey"]) for t in b["TagResources"]["TagResource"]]' "[('VPNATTACHMENT', 'by')]"
# DescribeVpnAttachments lists the connections attached to transit routers (AttachType CEN)
t_req GET "$V&Action=DescribeVpnAttachments"; t_expect "describe attachments" 200
t_check "none attached yet" '[b["TotalCount"], b["VpnAttachments"], b["PageNumber"], b["PageSize"]]' "[0, [], 1, 10]"
t_req GET "$V&Action=DescribeVpnAttachments&AttachType=VPNGW"; t_expect "attach type CEN only" 400 InvalidAttachType
t_req GET "$V&Action=ModifyVpnAttachmentAttribute&VpnConnectionId=$VCO&Name=tf-renamed&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.1.0%2F24" \
	-G --data-urlencode 'HealthCheckConfig={"enable":true,"dip":"192.168.1.1","sip":"10.0.0.1","interval":3,"retry":3,"Policy":"revoke_route"}'
t_expect "modify attachment" 200
t_check "modify answer" '[b["VpnConnectionId"], b["Name"], b["AttachType"], b["NetworkType"], b["VcoHealthCheck"]["Dip"]]' \
	"['$VCO', 'tf-renamed', 'NO_ASSOCIATED', 'public', '192.168.1.1']"
t_req GET "$V&Action=ModifyVpnAttachmentAttribute&VpnConnectionId=vco-nothere&Name=x"; t_expect "modify unknown" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$V&Action=ModifyVpnAttachmentAttribute&VpnConnectionId=$VCO&Name=x&$OTHER"; t_expect "modify other account" 404 InvalidVpnConnectionInstanceId.NotFound

# ---- CEN, a transit router, the attachment attached ----
t_req GET "$C&Action=CreateCen&Name=tf"; CEN=$(t_json 'b["CenId"]')
wait_for "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN" 'b["Cens"]["Cen"][0]["Status"]' Active
t_req GET "$C&Action=CreateTransitRouter&CenId=$CEN" -G --data-urlencode 'TransitRouterCidrList=[{"Cidr":"192.168.10.0/24"}]'
t_expect "router" 200; TR=$(t_json 'b["TransitRouterId"]')
wait_for "$C&Action=ListTransitRouters&CenId=$CEN" 'b["TransitRouters"][0]["Status"]' Active
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR&TransitRouterRouteTableType=System"; SYS=$(t_json 'b["TransitRouterRouteTables"][0]["TransitRouterRouteTableId"]')
t_req GET "$C&Action=CreateTransitRouterRouteTable&TransitRouterId=$TR&TransitRouterRouteTableName=blue"; RT=$(t_json 'b["TransitRouterRouteTableId"]')
t_req POST "$B/" -H "$FORM" --data "Version=2017-09-12&$R&Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO&Zone.1.ZoneId=cn-hangzhou-h"
t_expect "vpn attachment on the router" 200; TRA=$(t_json 'b["TransitRouterAttachmentId"]')
wait_for "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$TRA" 'b["TransitRouterAttachments"][0]["Status"]' Attached
t_req GET "$V&Action=DescribeVpnAttachments"; t_expect "describe attachments (attached)" 200
t_check "attached one" '[b["TotalCount"], b["VpnAttachments"][0]["InstanceId"], b["VpnAttachments"][0]["AttachType"], b["VpnAttachments"][0]["TransitRouterId"], b["VpnAttachments"][0]["Tags"]]' \
	"[1, '$VCO', 'CEN', '$TR', [{'Key': 'by', 'Value': 'terraform'}]]"
t_req GET "$V&Action=DescribeVpnAttachments&VpnConnectionId=$VCO2"; t_check "filter by id (not attached)" 'b["TotalCount"]' 0
t_req GET "$V&Action=DeleteVpnAttachment&VpnConnectionId=$VCO"; t_expect "delete while attached" 400 IncorrectStatus.VpnConnection
t_req GET "$V&Action=DeleteVpnAttachment&VpnConnectionId=vco-nothere"; t_expect "delete unknown" 404 InvalidVpnConnectionInstanceId.NotFound

# ---- CBN tags ----
t_req GET "$C&Action=TagResources&ResourceType=cen&ResourceId.1=$CEN&Tag.1.Key=team&Tag.1.Value=net"; t_expect "cbn tag cen" 200
t_req GET "$C&Action=TagResources&ResourceType=TransitRouter&ResourceId.1=$TR&Tag.1.Key=team&Tag.1.Value=net"; t_expect "cbn tag router" 200
t_req GET "$C&Action=TagResources&ResourceType=TransitRouterRouteTable&ResourceId.1=$RT&Tag.1.Key=team&Tag.1.Value=net"; t_expect "cbn tag table" 200
t_req GET "$C&Action=TagResources&ResourceType=TRANSITROUTERVPNATTACHMENT&ResourceId.1=$TRA&Tag.1.Key=team&Tag.1.Value=net"; t_expect "cbn tag attachment" 200
t_req GET "$C&Action=TagResources&ResourceType=TransitRouterVpcAttachment&ResourceId.1=$TRA&Tag.1.Key=team"; t_expect "cbn vpn attachment is no vpc attachment" 404 InvalidResourceId.NotFound
t_req GET "$C&Action=TagResources&ResourceType=VPC&ResourceId.1=$VPC&Tag.1.Key=team"; t_expect "cbn: VPC is not a CBN type" 400 InvalidResourceType.NotFound
t_req GET "$C&Action=ListTagResources&ResourceType=TransitRouterRouteTable&ResourceId.1=$RT"
t_check "cbn list" '[(t["ResourceId"], t["ResourceType"], t["TagKey"], t["TagValue"]) for t in b["TagResources"]["TagResource"]]' \
	"[('$RT', 'TransitRouterRouteTable', 'team', 'net')]"
t_check "cbn list ends without NextToken" '"NextToken" in b' false
t_req GET "$C&Action=ListTransitRouterRouteTables&TransitRouterId=$TR&TransitRouterRouteTableIds.1=$RT"
t_check "route table shows its tags" 'b["TransitRouterRouteTables"][0]["Tags"]' "[{'Key': 'team', 'Value': 'net'}]"
t_req GET "$C&Action=UntagResources&ResourceType=TransitRouterRouteTable&ResourceId.1=$RT&TagKey.1=team"; t_expect "cbn untag" 200
t_req GET "$C&Action=ListTagResources&ResourceType=TransitRouterRouteTable&ResourceId.1=$RT"; t_check "cbn untagged" 'b["TagResources"]["TagResource"]' "[]"
t_req GET "$C&Action=ListTagResources&ResourceType=cen&Tag.1.Key=team"; t_check "cbn list by tag" '[t["ResourceId"] for t in b["TagResources"]["TagResource"]]' "['$CEN']"

# ---- transit router: association replace, route entry update, available resources ----
t_req GET "$C&Action=AssociateTransitRouterAttachmentWithRouteTable&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=$SYS"; t_expect "associate" 200
t_req GET "$C&Action=ReplaceTransitRouterRouteTableAssociation&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=$RT"
t_expect "replace while Associating" 400 IncorrectStatus.AttachmentOrRouteTable
t_settle
t_req GET "$C&Action=ReplaceTransitRouterRouteTableAssociation&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=$SYS"
t_expect "replace with the same table" 400 OperationFailed.RouteTableAssociationExist
t_req GET "$C&Action=ReplaceTransitRouterRouteTableAssociation&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=vtb-nothere"
t_expect "replace unknown table" 404 InvalidRouteTableId.NotFound
t_req GET "$C&Action=ReplaceTransitRouterRouteTableAssociation&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=$RT&DryRun=true"
t_expect "replace dry run" 400 DryRunOperation
t_req GET "$C&Action=ReplaceTransitRouterRouteTableAssociation&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=$RT"
t_expect "replace" 200
t_req GET "$C&Action=ListTransitRouterRouteTableAssociations&TransitRouterRouteTableId=$RT"
t_check "moved, Associating" '[a["TransitRouterAttachmentId"] + ":" + a["Status"] for a in b["TransitRouterAssociations"]]' "['$TRA:Associating']"
wait_for "$C&Action=ListTransitRouterRouteTableAssociations&TransitRouterRouteTableId=$RT" 'b["TransitRouterAssociations"][0]["Status"]' Active
t_req GET "$C&Action=ListTransitRouterRouteTableAssociations&TransitRouterRouteTableId=$SYS"; t_check "old table has none" 'b["TotalCount"]' 0
t_req GET "$C&Action=CreateTransitRouterRouteEntry&TransitRouterRouteTableId=$RT&TransitRouterRouteEntryDestinationCidrBlock=172.16.0.0/16&TransitRouterRouteEntryNextHopType=BlackHole"
RTE=$(t_json 'b["TransitRouterRouteEntryId"]')
t_req GET "$C&Action=UpdateTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE&TransitRouterRouteEntryName=x"; t_expect "update while Creating" 400 Operation.Blocking
t_settle
t_req GET "$C&Action=UpdateTransitRouterRouteEntry&TransitRouterRouteEntryId=$RTE&TransitRouterRouteEntryName=drop&TransitRouterRouteEntryDescription=sink"
t_expect "update route entry" 200
t_req GET "$C&Action=ListTransitRouterRouteEntries&TransitRouterRouteTableId=$RT&TransitRouterRouteEntryIds.1=$RTE"
t_check "renamed" '[b["TransitRouterRouteEntries"][0]["TransitRouterRouteEntryName"], b["TransitRouterRouteEntries"][0]["TransitRouterRouteEntryDescription"]]' "['drop', 'sink']"
t_req GET "$C&Action=UpdateTransitRouterRouteEntry&TransitRouterRouteEntryId=rte-nothere&TransitRouterRouteEntryName=x"; t_expect "update unknown" 400 IllegalParam.TransitRouterRouteEntryId
t_req GET "$C&Action=UpdateTransitRouterRouteEntry"; t_expect "update needs id" 400 MissingTransitRouterRouteEntryId
t_req GET "$C&Action=ListTransitRouterAvailableResource"; t_expect "available resource" 200
t_check "zones" '[b["SupportMulticast"], "cn-hangzhou-h" in b["AvailableZones"], b["MasterZones"] == b["SlaveZones"] == b["AvailableZones"]]' "[False, True, True]"
t_req GET "$C&Action=ListTransitRouterAvailableResource&SupportMulticast=true"
t_check "no multicast zones" '[b["AvailableZones"], b["MasterZones"]]' "[[], []]"

# ---- the attachment leaves the router, then DeleteVpnAttachment works ----
t_req GET "$C&Action=DissociateTransitRouterAttachmentFromRouteTable&TransitRouterAttachmentId=$TRA&TransitRouterRouteTableId=$RT"
t_settle
t_req GET "$C&Action=DeleteTransitRouterVpnAttachment&TransitRouterAttachmentId=$TRA"; t_expect "detach" 200
wait_for "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$TRA" 'b["TotalCount"]' 0
wait_for "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO" 'b["State"]' init
t_req GET "$V&Action=DeleteVpnAttachment&VpnConnectionId=$VCO&ClientToken=del-1"; t_expect "delete attachment" 200
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_expect "gone" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$V&Action=ListTagResources&ResourceType=VPNATTACHMENT&ResourceId.1=$VCO"; t_check "its tags gone" 'b["TagResources"]["TagResource"]' "[]"
t_req DELETE "$B/v1/vpn-attachments/$VCO2"; t_expect "REST delete attachment" 200

t_summary "tags_reads"
