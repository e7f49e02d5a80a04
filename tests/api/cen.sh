#!/bin/sh
# API tests of the CEN / transit router actions (CBN 2017-09-12) over real HTTP with curl:
# CreateCen, DescribeCens (Filter.N, tags, paging, Cens.Cen[] wrapper), ModifyCenAttribute,
# DeleteCen; CreateTransitRouter (TransitRouterCidrList JSON, DryRun, ClientToken, one per CEN
# and region), ListTransitRouters (flat array with PageNumber/PageSize), UpdateTransitRouter,
# DeleteTransitRouter; Create/List/Modify/DeleteTransitRouterCidr; a VPC attachment with two
# zones (form body ZoneMappings.N, NextToken paging, vSwitch references); a VPN attachment of
# a CreateVpnAttachment connection (tunnel addresses from the router's CIDR block, the
# connection's AttachType/State); every refusal with its code and HTTP status (CBN answers
# 400 for its NotFound codes, HostId cbn.aliyuncs.com); Creating/Attaching/Detaching/
# Deleting and what each refuses; account isolation.
# Usage: tests/api/cen.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" cen.db || exit 1
C="$B/?Version=2017-09-12"
V="$B/?Version=2016-04-28&RegionId=cn-hangzhou"
R="RegionId=cn-hangzhou"

# post BODY: a CBN request with every parameter in the form body
post() { t_req POST "$B/" -H "$FORM" --data "Version=2017-09-12&$1"; }

# wait_for URL EXPR WANT: t_poll; set-up waits count a failure, not a pass
wait_for() { t_poll "$@" && return 0; t_bad "waiting for $2 = $3"; return 1; }

# ---- a VPC with vSwitches in two zones, a second VPC ----
t_req GET "$V&Action=CreateVpc&CidrBlock=10.0.0.0/16"; t_expect "vpc" 200; VPC=$(t_json 'b["VpcId"]')
t_req GET "$V&Action=CreateVpc&CidrBlock=10.1.0.0/16"; t_expect "vpc2" 200; VPC2=$(t_json 'b["VpcId"]')
wait_for "$V&Action=DescribeVpcs&VpcId=$VPC2" 'b["Vpcs"]["Vpc"][0]["Status"]' Available
t_req GET "$V&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; VSH=$(t_json 'b["VSwitchId"]')
t_req GET "$V&Action=CreateVSwitch&VpcId=$VPC&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24"; VSI=$(t_json 'b["VSwitchId"]')
t_req GET "$V&Action=CreateVSwitch&VpcId=$VPC2&ZoneId=cn-hangzhou-h&CidrBlock=10.1.1.0/24"; VS2=$(t_json 'b["VSwitchId"]')
wait_for "$V&Action=DescribeVSwitches&VSwitchId=$VS2" 'b["VSwitches"]["VSwitch"][0]["Status"]' Available

# ---- CEN ----
t_req GET "$C&Action=CreateCen&Name=http%3A%2F%2Fx"; t_expect "cen name" 400 IllegalParam.Name
t_check "CBN host" 'b["HostId"]' cbn.aliyuncs.com
t_req GET "$C&Action=CreateCen&ProtectionLevel=FULL"; t_expect "protection level" 400 IllegalParam.ProtectionLevel
t_req GET "$C&Action=DescribeCens"; t_check "nothing created" 'b["TotalCount"]' 0
t_req GET "$C&Action=CreateCen&Name=lab&Description=d&Tag.1.Key=env&Tag.1.Value=lab&ClientToken=cen-tok"
t_expect "create cen" 200; CEN=$(t_json 'b["CenId"]')
t_check "cen id" 'b["CenId"][:4]' cen-
t_req GET "$C&Action=ModifyCenAttribute&CenId=$CEN&Name=x"; t_expect "modify while creating" 409 InvalidOperation.CenInstanceStatus
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN"; t_expect "router while cen creating" 400 IncorrectStatus.CenInstance
t_req GET "$C&Action=CreateCen&Name=lab&Description=d&Tag.1.Key=env&Tag.1.Value=lab&ClientToken=cen-tok"
t_check "client token replays" 'b["CenId"]' "$CEN"
t_req GET "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN"
t_expect "describe cens" 200
t_check "wrapper and fields" '[b["TotalCount"], b["PageNumber"], b["PageSize"], sorted(b["Cens"]["Cen"][0].keys())]' \
	"[1, 1, 10, ['CenBandwidthPackageIds', 'CenId', 'CreationTime', 'Description', 'Ipv6Level', 'Name', 'ProtectionLevel', 'ResourceGroupId', 'Status', 'Tags']]"
t_check "creating" '[b["Cens"]["Cen"][0][k] for k in ("Status", "Name", "ProtectionLevel")]' "['Creating', 'lab', 'REDUCED']"
t_check "tags wrapper" 'b["Cens"]["Cen"][0]["Tags"]["Tag"]' "[{'Key': 'env', 'Value': 'lab'}]"
t_check "minute time" 'len(b["Cens"]["Cen"][0]["CreationTime"])' 17
wait_for "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN" 'b["Cens"]["Cen"][0]["Status"]' Active
t_req GET "$C&Action=CreateCen&Name=other"; CEN2=$(t_json 'b["CenId"]')
wait_for "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN2" 'b["Cens"]["Cen"][0]["Status"]' Active
t_req GET "$C&Action=DescribeCens&PageSize=1&PageNumber=2"; t_check "paging" '[b["TotalCount"], len(b["Cens"]["Cen"])]' "[2, 1]"
t_req GET "$C&Action=DescribeCens&Filter.1.Key=Name&Filter.1.Value.1=lab&Filter.1.Value.2=other"; t_check "values OR" 'b["TotalCount"]' 2
t_req GET "$C&Action=DescribeCens&Filter.1.Key=Name&Filter.1.Value.1=lab&Filter.2.Key=CenId&Filter.2.Value.1=$CEN2"
t_check "keys AND" 'b["TotalCount"]' 0
t_req GET "$C&Action=DescribeCens&Tag.1.Key=env&Tag.1.Value=lab"; t_check "tag filter" 'b["TotalCount"]' 1
t_req GET "$C&Action=DescribeCens&Filter.1.Key=Status&Filter.1.Value.1=Active"; t_expect "filter key" 400 InvalidFilter.1.Key
t_req GET "$C&Action=DescribeCens&PageSize=51"; t_expect "page size" 400 InvalidPageSize
t_req GET "$C&Action=DescribeCens&AccessKeyId=1000000000000002"; t_check "other account" 'b["TotalCount"]' 0
t_req GET "$C&Action=ModifyCenAttribute&CenId=$CEN&Name=lab2&Description=desc2"; t_expect "modify cen" 200
t_req GET "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN"
t_check "modified" '[b["Cens"]["Cen"][0][k] for k in ("Name", "Description")]' "['lab2', 'desc2']"
t_req GET "$C&Action=ModifyCenAttribute&CenId=cen-nothere&Name=x"; t_expect "modify unknown" 400 ParameterCenInstanceId
t_req GET "$C&Action=ModifyCenAttribute&CenId=$CEN&AccessKeyId=1000000000000002"; t_expect "modify other account" 400 ParameterCenInstanceId
t_req GET "$C&Action=ModifyCenAttribute"; t_expect "modify needs id" 400 MissingCenId
t_req GET "$C&Action=DeleteCen&CenId=$CEN2"; t_expect "delete cen2" 200
t_req GET "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN2"; t_check "deleting" 'b["Cens"]["Cen"][0]["Status"]' Deleting
t_req GET "$C&Action=DeleteCen&CenId=$CEN2"; t_expect "delete deleting" 409 InvalidOperation.CenInstanceStatus
wait_for "$C&Action=DescribeCens&Filter.1.Key=CenId&Filter.1.Value.1=$CEN2" 'b["TotalCount"]' 0
t_req GET "$C&Action=DeleteCen&CenId=$CEN2"; t_expect "delete gone" 400 ParameterCenInstanceId

# ---- transit router ----
CIDRS='[{"Cidr":"192.168.10.0/24","Name":"vpn","Description":"tunnels"}]'
t_req GET "$C&Action=CreateTransitRouter&CenId=$CEN"; t_expect "router needs region" 400 MissingRegionId
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=cen-nothere"; t_expect "unknown cen" 400 InvalidCenId.NotFound
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN" -G --data-urlencode 'TransitRouterCidrList=[{"Cidr":'
t_expect "cidr list json" 400 InvalidTransitRouterCidrList
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN" -G --data-urlencode 'TransitRouterCidrList=[{"Cidr":"192.168.10.0/25"}]'
t_expect "cidr mask" 400 IllegalParam.Cidr
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN" -G --data-urlencode 'TransitRouterCidrList={"Cidr":"192.168.10.0/24"}'
t_expect "cidr list shape" 400 IllegalParam.TransitRouterCidrList
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN&DryRun=true" -G --data-urlencode "TransitRouterCidrList=$CIDRS"
t_expect "dry run" 400 DryRunOperation
t_req GET "$C&Action=ListTransitRouters&CenId=$CEN"; t_check "dry run created nothing" 'b["TotalCount"]' 0
post "Action=CreateTransitRouter&$R&CenId=$CEN&TransitRouterName=tr1&ClientToken=tr-tok&Tag.1.Key=k&Tag.1.Value=v&TransitRouterCidrList=%5B%7B%22Cidr%22%3A%22192.168.10.0%2F24%22%2C%22Name%22%3A%22vpn%22%7D%5D"
t_expect "create router (form body)" 200; TR=$(t_json 'b["TransitRouterId"]')
t_check "router id" 'b["TransitRouterId"][:6]' tr-bp1
t_req GET "$C&Action=UpdateTransitRouter&TransitRouterId=$TR&TransitRouterName=x"; t_expect "update while creating" 400 IncorrectStatus.TransitRouterInstance
post "Action=CreateTransitRouter&$R&CenId=$CEN&TransitRouterName=tr1&ClientToken=tr-tok&Tag.1.Key=k&Tag.1.Value=v&TransitRouterCidrList=%5B%7B%22Cidr%22%3A%22192.168.10.0%2F24%22%2C%22Name%22%3A%22vpn%22%7D%5D"
t_check "client token replays" 'b["TransitRouterId"]' "$TR"
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN"; t_expect "one router per region" 400 InstanceExist.TransitRouterInstance
t_req GET "$C&Action=ListTransitRouters&CenId=$CEN"
t_expect "list routers" 200
t_check "flat answer" '[b["TotalCount"], b["PageNumber"], b["PageSize"], type(b["TransitRouters"]).__name__]' "[1, 1, 10, 'list']"
t_check "router fields" '[b["TransitRouters"][0][k] for k in ("TransitRouterId", "CenId", "RegionId", "Type", "Status", "TransitRouterName", "SupportMulticast")]' \
	"['$TR', '$CEN', 'cn-hangzhou', 'Enterprise', 'Creating', 'tr1', False]"
t_check "router cidrs" '[(c["Cidr"], c["Name"], c["PublishCidrRoute"]) for c in b["TransitRouters"][0]["TransitRouterCidrList"]]' "[('192.168.10.0/24', 'vpn', True)]"
t_check "router tags" 'b["TransitRouters"][0]["Tags"]' "[{'Key': 'k', 'Value': 'v'}]"
t_check "ali uid" 'type(b["TransitRouters"][0]["AliUid"]).__name__' int
wait_for "$C&Action=ListTransitRouters&CenId=$CEN" 'b["TransitRouters"][0]["Status"]' Active
t_req GET "$C&Action=ListTransitRouters&Status=Active&RegionId=cn-hangzhou"; t_check "status filter" 'b["TotalCount"]' 1
t_req GET "$C&Action=ListTransitRouters&RegionId=cn-beijing"; t_check "region filter" 'b["TotalCount"]' 0
t_req GET "$C&Action=ListTransitRouters&Status=Sleeping"; t_expect "status value" 400 InvalidStatus
t_req GET "$C&Action=ListTransitRouters&FeatureFilter.1.Key=Multicast&FeatureFilter.1.Value.1=Enabled"; t_check "multicast filter" 'b["TotalCount"]' 0
t_req GET "$C&Action=ListTransitRouters&AccessKeyId=1000000000000002"; t_check "other account" 'b["TotalCount"]' 0
t_req GET "$C&Action=UpdateTransitRouter&TransitRouterId=$TR&TransitRouterName=tr-renamed&TransitRouterDescription=d"
t_expect "update router (region from the router)" 200
t_req GET "$C&Action=ListTransitRouters&TransitRouterId=$TR"; t_check "updated" '[b["TransitRouters"][0]["TransitRouterName"], b["TransitRouters"][0]["TransitRouterDescription"]]' "['tr-renamed', 'd']"
t_req GET "$C&Action=UpdateTransitRouter&TransitRouterId=tr-nothere"; t_expect "update unknown" 400 InvalidTransitRouterId.NotFound
t_req GET "$C&Action=UpdateTransitRouter&TransitRouterId=$TR&TransitRouterDescription=https%3A%2F%2Fd"
t_expect "update description" 400 IllegalParam.TransitRouterDescription

# ---- CIDR blocks ----
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=10.99.0.0/26"; t_expect "cidr mask" 400 IllegalParam.Cidr
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=100.64.0.0/24"; t_expect "reserved cidr" 400 IllegalParam.Cidr
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=192.168.0.0/16"; t_expect "overlap" 400 OperationFailed.CidrConflict
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=10.0.5.0/24"; t_expect "inside no attached vpc yet" 200
CIDR_TMP=$(t_json 'b["TransitRouterCidrId"]')
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=172.31.0.0/24&Name=c2&DryRun=true"; t_expect "cidr dry run" 400 DryRunOperation
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=172.31.0.0/24&Name=c2"; t_expect "create cidr" 200
CIDR2=$(t_json 'b["TransitRouterCidrId"]'); t_check "cidr id" 'b["TransitRouterCidrId"][:5]' cidr-
t_req GET "$C&Action=ListTransitRouterCidr&TransitRouterId=$TR"; t_expect "list cidrs" 200
t_check "cidr lists" '[c["Cidr"] for c in b["CidrLists"]]' "['192.168.10.0/24', '10.0.5.0/24', '172.31.0.0/24']"
t_check "cidr item" 'sorted(b["CidrLists"][2].keys())' "['Cidr', 'Description', 'Family', 'Name', 'PublishCidrRoute', 'TransitRouterCidrId', 'TransitRouterId']"
t_req GET "$C&Action=ModifyTransitRouterCidr&TransitRouterId=$TR&TransitRouterCidrId=$CIDR2&Name=c2b&PublishCidrRoute=false"; t_expect "modify cidr" 200
t_req GET "$C&Action=ListTransitRouterCidr&TransitRouterId=$TR&TransitRouterCidrId=$CIDR2"
t_check "modified cidr" '[(c["Name"], c["PublishCidrRoute"]) for c in b["CidrLists"]]' "[('c2b', False)]"
t_req GET "$C&Action=DeleteTransitRouterCidr&TransitRouterId=$TR&TransitRouterCidrId=$CIDR2"; t_expect "delete cidr" 200
t_req GET "$C&Action=DeleteTransitRouterCidr&TransitRouterId=$TR&TransitRouterCidrId=$CIDR2"; t_expect "delete cidr again" 400 InvalidTransitRouterCidrId.NotFound
t_req GET "$C&Action=DeleteTransitRouterCidr&TransitRouterId=$TR&TransitRouterCidrId=$CIDR_TMP"; t_expect "delete tmp cidr" 200
t_req GET "$C&Action=ListTransitRouterCidr&TransitRouterId=tr-nothere&$R"; t_expect "cidrs of unknown router" 400 InvalidTransitRouterId.NotFound

# ---- VPC attachment with two zones ----
Z="ZoneMappings.1.ZoneId=cn-hangzhou-h&ZoneMappings.1.VSwitchId=$VSH&ZoneMappings.2.ZoneId=cn-hangzhou-i&ZoneMappings.2.VSwitchId=$VSI"
post "Action=CreateTransitRouterVpcAttachment&VpcId=$VPC&$R"; t_expect "needs router or cen" 400 MissingParam.CenIdOrRegionId
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC"; t_expect "needs zones" 400 MissingZoneMappings
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&ZoneMappings.1.ZoneId=cn-hangzhou-h"
t_expect "zone without vswitch" 400 MissingZoneMappings.1.VSwitchId
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&ZoneMappings.1.ZoneId=cn-hangzhou-h&ZoneMappings.1.VSwitchId=$VSH&ZoneMappings.2.ZoneId=cn-hangzhou-h&ZoneMappings.2.VSwitchId=$VSH"
t_expect "zone twice" 400 Duplicated.ZoneMapping
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&ZoneMappings.1.ZoneId=cn-hangzhou-h&ZoneMappings.1.VSwitchId=$VS2"
t_expect "another vpc's vswitch" 400 IllegalParam.VSwitchId
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&ZoneMappings.1.ZoneId=cn-hangzhou-h&ZoneMappings.1.VSwitchId=vsw-nothere"
t_expect "unknown vswitch" 404 InvalidVSwitchId.NotFound
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&ZoneMappings.1.ZoneId=cn-hangzhou-i&ZoneMappings.1.VSwitchId=$VSH"
t_expect "vswitch of another zone" 400 IllegalParam.ZoneId
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=vpc-nothere&$Z"; t_expect "unknown vpc" 404 InvalidVpcId.NotFound
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&$Z&ChargeType=PREPAY"; t_expect "charge type" 400 IllegalParam.ChargeType
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&$Z&DryRun=true"; t_expect "vpc attach dry run" 400 DryRunOperation
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&$Z&TransitRouterAttachmentName=vpc1&Tag.1.Key=k&Tag.1.Value=v"
t_expect "attach vpc, two zones" 200; VATT=$(t_json 'b["TransitRouterAttachmentId"]')
t_check "attachment id" 'b["TransitRouterAttachmentId"][:13]' tr-attach-bp1
t_req GET "$C&Action=UpdateTransitRouterVpcAttachmentAttribute&TransitRouterAttachmentId=$VATT&TransitRouterAttachmentName=x"
t_expect "update while attaching" 400 IncorrectStatus.Attachment
t_req GET "$C&Action=ListTransitRouterVpcAttachments&TransitRouterId=$TR"; t_expect "list vpc attachments" 200
t_check "token page" '[b["TotalCount"], b["MaxResults"], b["NextToken"], type(b["TransitRouterAttachments"]).__name__]' "[1, 20, '', 'list']"
t_check "vpc attachment" '[b["TransitRouterAttachments"][0][k] for k in ("TransitRouterAttachmentId", "Status", "ResourceType", "VpcId", "VpcRegionId", "TransitRouterAttachmentName", "AutoPublishRouteEnabled", "ChargeType")]' \
	"['$VATT', 'Attaching', 'VPC', '$VPC', 'cn-hangzhou', 'vpc1', False, 'POSTPAY']"
t_check "zone mappings" '[(z["ZoneId"], z["VSwitchId"], z["NetworkInterfaceId"][:4]) for z in b["TransitRouterAttachments"][0]["ZoneMappings"]]' \
	"[('cn-hangzhou-h', '$VSH', 'eni-'), ('cn-hangzhou-i', '$VSI', 'eni-')]"
t_check "attachment tags" 'b["TransitRouterAttachments"][0]["Tags"]' "[{'Key': 'k', 'Value': 'v'}]"
wait_for "$C&Action=ListTransitRouterVpcAttachments&TransitRouterAttachmentId=$VATT" 'b["TransitRouterAttachments"][0]["Status"]' Attached
t_req GET "$V&Action=DescribeVSwitches&VSwitchId=$VSH"; t_check "interface address taken" 'b["VSwitches"]["VSwitch"][0]["AvailableIpAddressCount"]' 251
t_req GET "$V&Action=DeleteVSwitch&VSwitchId=$VSH"; t_expect "attached vswitch kept" 400 DependencyViolation
post "Action=CreateTransitRouterVpcAttachment&TransitRouterId=$TR&VpcId=$VPC&$Z"; t_expect "vpc twice" 400 InstanceExist
post "Action=CreateTransitRouterVpcAttachment&CenId=$CEN&$R&VpcId=$VPC2&ZoneMappings.1.ZoneId=cn-hangzhou-h&ZoneMappings.1.VSwitchId=$VS2"
t_expect "attach vpc2 by CenId" 200; VATT2=$(t_json 'b["TransitRouterAttachmentId"]')
t_req GET "$C&Action=ListTransitRouterVpcAttachments&CenId=$CEN&MaxResults=1"
t_check "first page" '[b["TotalCount"], len(b["TransitRouterAttachments"]), b["TransitRouterAttachments"][0]["TransitRouterAttachmentId"]]' "[2, 1, '$VATT2']"
NT=$(t_json 'b["NextToken"]')
t_req GET "$C&Action=ListTransitRouterVpcAttachments&CenId=$CEN&MaxResults=1&NextToken=$NT"
t_check "second page" '[b["NextToken"], b["TransitRouterAttachments"][0]["TransitRouterAttachmentId"]]' "['', '$VATT']"
t_req GET "$C&Action=ListTransitRouterVpcAttachments&NextToken=bogus"; t_expect "bad token" 400 IllegalParam.NextToken
t_req GET "$C&Action=ListTransitRouterVpcAttachments&VpcId=$VPC2"; t_check "vpc filter" 'b["TotalCount"]' 1
t_req GET "$C&Action=ListTransitRouterVpcAttachments&AccessKeyId=1000000000000002"; t_check "other account" 'b["TotalCount"]' 0
t_req GET "$C&Action=CreateTransitRouterCidr&TransitRouterId=$TR&Cidr=10.1.8.0/24"; t_expect "cidr overlaps attached vpc" 400 OperationFailed.CidrConflict
wait_for "$C&Action=ListTransitRouterVpcAttachments&TransitRouterAttachmentId=$VATT2" 'b["TransitRouterAttachments"][0]["Status"]' Attached
t_req GET "$C&Action=UpdateTransitRouterVpcAttachmentAttribute&TransitRouterAttachmentId=$VATT&TransitRouterAttachmentName=vpc1b&AutoPublishRouteEnabled=true"
t_expect "update vpc attachment (region from the attachment)" 200
t_req GET "$C&Action=ListTransitRouterVpcAttachments&TransitRouterAttachmentId=$VATT"
t_check "updated attachment" '[b["TransitRouterAttachments"][0][k] for k in ("TransitRouterAttachmentName", "AutoPublishRouteEnabled")]' "['vpc1b', True]"
t_req GET "$C&Action=UpdateTransitRouterVpcAttachmentAttribute&TransitRouterAttachmentId=tr-attach-nothere"
t_expect "update unknown attachment" 400 InvalidTransitRouterAttachmentId.NotFound

# ---- VPN attachment of a CreateVpnAttachment connection ----
t_req GET "$V&Action=CreateCustomerGateway&IpAddress=203.0.113.10&Asn=65001"; CG1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$V&Action=CreateCustomerGateway&IpAddress=203.0.113.11"; CG2=$(t_json 'b["CustomerGatewayId"]')
T1="TunnelOptionsSpecification.1"; T2="TunnelOptionsSpecification.2"
t_req POST "$B/" -H "$FORM" --data "Version=2016-04-28&$R&Action=CreateVpnAttachment&NetworkType=private&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.100.0%2F24&$T1.CustomerGatewayId=$CG1&$T1.TunnelIndex=1&$T2.CustomerGatewayId=$CG2&$T2.TunnelIndex=2"
t_expect "ipsec connection for a router" 200; VCO=$(t_json 'b["VpnConnectionId"]')
t_req GET "$V&Action=CreateVpnAttachment&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.101.0%2F24&CustomerGatewayId=$CG1"
t_expect "single-tunnel connection" 200; VCO1=$(t_json 'b["VpnConnectionId"]')
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=vco-nothere"; t_expect "unknown connection" 400 InvalidVpnId.NotFound
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO1"; t_expect "single tunnel needs a zone" 400 MissingParam.ZoneId
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO1&Zone.1.ZoneId=cn-beijing-a"; t_expect "zone of another region" 400 IllegalParam.ZoneId
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO&DryRun=true"; t_expect "vpn attach dry run" 400 DryRunOperation
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_check "dry run left it alone" '[b["State"], b["AttachType"]]' "['init', 'NO_ASSOCIATED']"
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO&TransitRouterAttachmentName=vpn1"
t_expect "attach ipsec connection" 200; NATT=$(t_json 'b["TransitRouterAttachmentId"]')
t_req GET "$V&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "connection busy" 400 VpnConnection.Configuring
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO"
t_check "connection attaching" '[b["AttachType"], b["TransitRouterId"], b["TransitRouterName"], b["AttachInstanceId"], b["State"]]' "['CEN', '$TR', 'tr-renamed', '$CEN', 'attaching']"
t_check "tunnel addresses from the router's block" '[(t["InternetIp"], t["ZoneNo"]) for t in b["TunnelOptionsSpecification"]["TunnelOptions"]]' \
	"[('192.168.10.1', 'cn-hangzhou-b'), ('192.168.10.2', 'cn-hangzhou-d')]"
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO"; t_expect "attach twice" 400 IncorrectStatus.VpnConnection
wait_for "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO" 'b["State"]' attached
t_req GET "$C&Action=ListTransitRouterVpnAttachments&TransitRouterId=$TR"; t_expect "list vpn attachments" 200
t_check "vpn attachment" '[b["TransitRouterAttachments"][0][k] for k in ("TransitRouterAttachmentId", "Status", "ResourceType", "VpnId", "VpnRegionId", "AutoPublishRouteEnabled", "TransitRouterAttachmentName")]' \
	"['$NATT', 'Attached', 'VPN', '$VCO', 'cn-hangzhou', True, 'vpn1']"
t_check "vpn zones" '[z["ZoneId"] for z in b["TransitRouterAttachments"][0]["Zones"]]' "['cn-hangzhou-b', 'cn-hangzhou-d']"
t_check "token page" '[b["TotalCount"], b["NextToken"]]' "[1, '']"
t_req GET "$V&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "attached connection kept" 400 IncorrectStatus.VpnConnection
t_req GET "$C&Action=DeleteTransitRouterCidr&TransitRouterId=$TR&TransitRouterCidrId=$(curl -s "$C&Action=ListTransitRouterCidr&TransitRouterId=$TR" | python3 -c 'import json,sys; print(json.load(sys.stdin)["CidrLists"][0]["TransitRouterCidrId"])')"
t_expect "block in use" 400 OperationFailed.CidrInUse
post "Action=CreateTransitRouterVpnAttachment&TransitRouterId=$TR&VpnId=$VCO1&Zone.1.ZoneId=cn-hangzhou-h"
t_expect "attach single-tunnel connection" 200; NATT1=$(t_json 'b["TransitRouterAttachmentId"]')
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO1"; t_check "public address, zone" '[b["InternetIp"][:7], b["ZoneNo"]]' "['198.18.', 'cn-hangzhou-h']"
t_req GET "$C&Action=UpdateTransitRouterVpnAttachmentAttribute&TransitRouterAttachmentId=$NATT&AutoPublishRouteEnabled=false&TransitRouterAttachmentDescription=dd"
t_expect "update vpn attachment" 200
t_req GET "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$NATT"
t_check "updated vpn attachment" '[b["TransitRouterAttachments"][0][k] for k in ("AutoPublishRouteEnabled", "TransitRouterAttachmentDescription")]' "[False, 'dd']"
t_req GET "$C&Action=UpdateTransitRouterVpnAttachmentAttribute&TransitRouterAttachmentId=$VATT&TransitRouterAttachmentName=x"
t_expect "vpn action, vpc attachment" 400 InvalidTransitRouterAttachmentId.NotFound

# ---- what keeps a router and a CEN ----
t_req GET "$C&Action=DeleteTransitRouter&TransitRouterId=$TR"; t_expect "router with attachments" 400 InvalidOperation.AttachedChildInstanceExist
t_req GET "$C&Action=DeleteCen&CenId=$CEN"; t_expect "cen with attachments" 400 InvalidOperation.AttachedChildInstanceExist

# ---- detach: Detaching, then gone; the connection goes back ----
t_req GET "$C&Action=DeleteTransitRouterVpnAttachment&TransitRouterAttachmentId=$NATT&DryRun=true"; t_expect "detach dry run" 400 DryRunOperation
t_req GET "$C&Action=DeleteTransitRouterVpnAttachment&TransitRouterAttachmentId=$NATT"; t_expect "detach ipsec connection" 200
t_req GET "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$NATT"; t_check "detaching" 'b["TransitRouterAttachments"][0]["Status"]' Detaching
t_req GET "$C&Action=DeleteTransitRouterVpnAttachment&TransitRouterAttachmentId=$NATT"; t_expect "detach while detaching" 400 IncorrectStatus.ResourceStatus
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_check "connection detaching" '[b["AttachType"], b["TransitRouterId"], b["State"]]' "['NO_ASSOCIATED', '', 'detaching']"
wait_for "$C&Action=ListTransitRouterVpnAttachments&TransitRouterAttachmentId=$NATT" 'b["TotalCount"]' 0
wait_for "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO" 'b["State"]' init
t_req GET "$V&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_check "tunnel addresses released" '[t["InternetIp"] for t in b["TunnelOptionsSpecification"]["TunnelOptions"]]' "['', '']"
t_req GET "$C&Action=DeleteTransitRouterVpnAttachment&TransitRouterAttachmentId=$NATT"; t_expect "detach gone" 400 InvalidTransitRouterAttachmentId.NotFound
t_req GET "$V&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "connection deletable again" 200
t_req GET "$C&Action=DeleteTransitRouterVpnAttachment&TransitRouterAttachmentId=$NATT1&Force=true"; t_expect "detach single" 200
t_req GET "$C&Action=DeleteTransitRouterVpcAttachment&TransitRouterAttachmentId=$VATT"; t_expect "detach vpc" 200
t_req GET "$C&Action=ListTransitRouterVpcAttachments&TransitRouterAttachmentId=$VATT"; t_check "vpc detaching" 'b["TransitRouterAttachments"][0]["Status"]' Detaching
t_req GET "$C&Action=DeleteTransitRouterVpcAttachment&TransitRouterAttachmentId=$VATT"; t_expect "vpc detach while detaching" 400 IncorrectStatus.Attachment
t_req GET "$C&Action=DeleteTransitRouterVpcAttachment&TransitRouterAttachmentId=$VATT2"; t_expect "detach vpc2" 200
wait_for "$C&Action=ListTransitRouterVpcAttachments&CenId=$CEN" 'b["TotalCount"]' 0
wait_for "$C&Action=ListTransitRouterVpnAttachments&CenId=$CEN" 'b["TotalCount"]' 0
t_req GET "$V&Action=DescribeVSwitches&VSwitchId=$VSH"; t_check "interface address given back" 'b["VSwitches"]["VSwitch"][0]["AvailableIpAddressCount"]' 252
t_req GET "$V&Action=DeleteVSwitch&VSwitchId=$VSH"; t_expect "vswitch free again" 200

# ---- delete the router, then the CEN ----
t_req GET "$C&Action=DeleteTransitRouter&TransitRouterId=tr-nothere"; t_expect "delete unknown router" 400 InvalidTransitRouterInstance.NotFound
t_req GET "$C&Action=DeleteTransitRouter&TransitRouterId=$TR&DryRun=true"; t_expect "delete router dry run" 400 DryRunOperation
t_req GET "$C&Action=DeleteTransitRouter&TransitRouterId=$TR"; t_expect "delete router" 200
t_req GET "$C&Action=ListTransitRouters&TransitRouterId=$TR"; t_check "router deleting" 'b["TransitRouters"][0]["Status"]' Deleting
t_req GET "$C&Action=DeleteTransitRouter&TransitRouterId=$TR"; t_expect "delete deleting router" 400 IncorrectStatus.TransitRouterInstance
wait_for "$C&Action=ListTransitRouters&CenId=$CEN" 'b["TotalCount"]' 0
t_req GET "$C&Action=CreateTransitRouter&$R&CenId=$CEN"; t_expect "a new router in the region" 200
wait_for "$C&Action=ListTransitRouters&CenId=$CEN" 'b["TransitRouters"][0]["Status"]' Active
t_req GET "$C&Action=DeleteCen&CenId=$CEN&AccessKeyId=1000000000000002"; t_expect "delete other account's cen" 400 ParameterCenInstanceId
t_req GET "$C&Action=DeleteCen&CenId=$CEN"; t_expect "delete cen with an empty router" 200
t_req GET "$C&Action=ListTransitRouters&CenId=$CEN"; t_check "router goes with it" 'b["TransitRouters"][0]["Status"]' Deleting
wait_for "$C&Action=DescribeCens" 'b["TotalCount"]' 0
t_req GET "$C&Action=ListTransitRouters"; t_check "nothing left" 'b["TotalCount"]' 0

t_summary "cen"
