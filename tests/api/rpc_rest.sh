#!/bin/sh
# API tests over real HTTP with curl: the RPC front door (GET, POST form, x-acs-* headers),
# the REST front door, errors, lifecycle, isolation, metrics, request log, hostile input.
# Usage: tests/api/rpc_rest.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/api.db" --transition-delay-ms "$T_HOLD_MS" --log "$T_TMP/requests.log" || exit 1
B="http://127.0.0.1:$PORT"
R="Version=2016-04-28&RegionId=cn-hangzhou"

# ---- protocol ----
t_req GET "$B/healthz"; [ "$T_STATUS" = 200 ] && t_ok || t_bad healthz
t_req GET "$B/?Action=NoSuchAction&$R"; t_expect "unknown action" 404 InvalidApi.NotFound
t_check "error envelope has HostId" 'b["HostId"]' vpc.aliyuncs.com
t_check "error envelope has Recommend" '"troubleshoot?q=InvalidApi.NotFound" in b["Recommend"]' true
t_check "error envelope has RequestId" 'len(b["RequestId"])' 36
t_req GET "$B/?Action=DescribeVpcs&RegionId=cn-hangzhou"; t_expect "missing version" 400 MissingVersion
t_req GET "$B/?Action=DescribeVpcs&Version=2099-01-01&RegionId=cn-hangzhou"; t_expect "bad version" 400 InvalidVersion
t_req GET "$B/?Action=DescribeVpcs&Version=2016-04-28"; t_expect "missing region" 400 MissingRegionId
t_check "missing message" 'b["Message"]' "RegionId is mandatory for this action."
t_req GET "$B/?Action=DescribeVpcs&Version=2016-04-28&RegionId=mars-1"; t_expect "unknown region" 404 InvalidRegionId.NotFound
t_req GET "$B/?Action=DescribeVpcs&$R&PageSize=51"; t_expect "page size bound" 400 InvalidPageSize
t_req GET "$B/?Action=DescribeVpcs&$R&PageNumber=abc"; t_expect "page number type" 400 InvalidPageNumber
t_req PUT "$B/?Action=DescribeVpcs&$R"; t_expect "method" 403 UnsupportedHTTPMethod
t_req GET "$B/?Action=DescribeRegions&Version=2016-04-28"; t_expect "regions" 200
t_check "regions list" '[r["RegionId"] for r in b["Regions"]["Region"] if r["RegionId"]=="cn-hangzhou"][0]' cn-hangzhou
t_req GET "$B/?Action=DescribeZones&$R"; t_expect "zones" 200
t_check "zones of region" '"cn-hangzhou-h" in [z["ZoneId"] for z in b["Zones"]["Zone"]]' true

# ---- VPC via GET, POST form, and V3-style headers ----
t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=10.0.0.0/16&VpcName=one"; t_expect "create vpc GET" 200
VPC1=$(t_json 'b["VpcId"]')
t_check "vrouter id" 'b["VRouterId"].startswith("vrt-")' true
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data "Action=CreateVpc&$R&CidrBlock=192.168.0.0%2F16&Description=second+vpc"
t_expect "create vpc POST form" 200
VPC2=$(t_json 'b["VpcId"]')
t_req POST "$B/?RegionId=cn-hangzhou&CidrBlock=172.16.0.0%2F12" -H 'x-acs-action: CreateVpc' -H 'x-acs-version: 2016-04-28'
t_expect "create vpc x-acs headers" 200
VPC3=$(t_json 'b["VpcId"]')
t_req GET "$B/?Action=DescribeVpcs&$R&VpcId=$VPC1"; t_expect "describe pending" 200
t_check "pending status" 'b["Vpcs"]["Vpc"][0]["Status"]' Pending
t_req GET "$B/?Action=ModifyVpcAttribute&$R&VpcId=$VPC1&VpcName=x"; t_expect "modify while pending" 400 IncorrectVpcStatus
t_req GET "$B/?Action=CreateVSwitch&$R&VpcId=$VPC1&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24"; t_expect "vswitch in pending vpc" 400 IncorrectVpcStatus
t_settle
t_req GET "$B/?Action=DescribeVpcs&$R&VpcId=$VPC1,$VPC2"; t_expect "describe available" 200
t_check "available" 'sorted(v["Status"] for v in b["Vpcs"]["Vpc"])' "['Available', 'Available']"
t_check "total count" 'b["TotalCount"]' 2
t_req GET "$B/?Action=DescribeVpcs&$R&VpcId=$VPC2"; t_check "form description stored" 'b["Vpcs"]["Vpc"][0]["Description"]' "second vpc"
t_req GET "$B/?Action=DescribeVpcs&$R&PageSize=2&PageNumber=2"; t_expect "paging" 200
t_check "page 2 size" 'len(b["Vpcs"]["Vpc"])' 1
t_check "paging total" 'b["TotalCount"]' 3

# ---- bad input changes nothing ----
t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=10.0.0.1/16"; t_expect "host bits" 400 InvalidCidrBlock.Malformed
t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=10.0.0.0/30"; t_expect "vpc mask" 400 IllegalParam.CidrBlockMask
t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=100.64.0.0/16"; t_expect "reserved range" 400 InvalidParameter
t_req GET "$B/?Action=CreateVpc&$R&VpcName=http://x"; t_expect "bad name" 400 InvalidVpcName.Malformed
t_req GET "$B/?Action=CreateVpc&$R&DryRun=true"; t_expect "dry run" 400 DryRunOperation
t_req GET "$B/?Action=DescribeVpcs&$R"; t_check "nothing created by failures" 'b["TotalCount"]' 3
t_req GET "$B/?Action=DeleteVpc&$R"; t_expect "missing id" 400 MissingVpcId
t_req GET "$B/?Action=DeleteVpc&$R&VpcId=vpc-doesnotexist"; t_expect "not found" 404 InvalidVpcId.NotFound

# ---- vSwitches ----
V="$B/?Action=CreateVSwitch&$R&VpcId=$VPC1"
t_req GET "$V&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.0/24&VSwitchName=web"; t_expect "create vswitch" 200
VSW1=$(t_json 'b["VSwitchId"]')
t_req GET "$V&ZoneId=cn-hangzhou-h&CidrBlock=10.0.1.128/25"; t_expect "overlap" 400 InvalidCidrBlock.Overlapped
t_req GET "$V&ZoneId=cn-hangzhou-h&CidrBlock=10.1.0.0/24"; t_expect "outside vpc" 400 InvalidParameter
t_req GET "$V&ZoneId=cn-hangzhou-h&CidrBlock=10.0.8.0/30"; t_expect "mask length" 400 InvalidCirdrBlock.MaskLength
t_req GET "$V&ZoneId=cn-beijing-a&CidrBlock=10.0.2.0/24"; t_expect "zone of other region" 404 InvalidZoneId.NotFound
t_req GET "$V&CidrBlock=10.0.2.0/24"; t_expect "missing zone" 400 MissingZoneId
t_req GET "$B/?Action=DescribeVSwitches&$R&VpcId=$VPC1"; t_expect "describe vswitches" 200
t_check "vswitch listed" 'b["VSwitches"]["VSwitch"][0]["VSwitchId"]' "$VSW1"
t_check "available ips" 'b["VSwitches"]["VSwitch"][0]["AvailableIpAddressCount"]' 252
t_req GET "$B/?Action=DescribeVpcs&$R&VpcId=$VPC1"; t_check "vpc lists vswitch" 'b["Vpcs"]["Vpc"][0]["VSwitchIds"]["VSwitchId"]' "['$VSW1']"
t_req GET "$B/?Action=DeleteVpc&$R&VpcId=$VPC1"; t_expect "dependency" 400 DependencyViolation.VSwitch
t_settle
t_req GET "$B/?Action=ModifyVSwitchAttribute&$R&VSwitchId=$VSW1&VSwitchName=web2&Description=d"; t_expect "modify vswitch" 200
t_req GET "$B/?Action=DescribeVSwitches&$R&VSwitchId=$VSW1"; t_check "modified" 'b["VSwitches"]["VSwitch"][0]["VSwitchName"]' web2

# ---- RegionId from the resource (SDKs call regional endpoints and may omit RegionId) ----
t_req GET "$B/?Action=DescribeVSwitches&Version=2016-04-28&VpcId=$VPC1"; t_expect "region from VpcId" 200
t_check "listed without RegionId" 'b["TotalCount"]' 1
t_req GET "$B/?Action=ModifyVSwitchAttribute&Version=2016-04-28&VSwitchId=$VSW1&Description=from-id"; t_expect "region from VSwitchId" 200
t_req GET "$B/?Action=DeleteVSwitch&Version=2016-04-28&VSwitchId=vsw-nope"; t_expect "unknown id without region" 404 InvalidVSwitchId.NotFound
t_req GET "$B/?Action=DeleteVSwitch&Version=2016-04-28"; t_expect "neither id nor region" 400 MissingRegionId
# ... and nothing more on RPC: the REST door's id resolution and all-region lists are REST's
t_req GET "$B/?Action=DescribeVpcs&Version=2016-04-28&VpcId=$VPC1"; t_expect "RPC: a list by id still needs RegionId" 400 MissingRegionId
t_req GET "$B/?Action=ModifyVpcAttribute&Version=2016-04-28&VpcId=$VPC1&Description=x"; t_expect "RPC: the action's own region_from" 200
t_req GET "$B/?Action=DescribeVpnGateway&Version=2016-04-28&VpnGatewayId=vpn-nope"; t_expect "RPC: gateway needs RegionId" 400 MissingRegionId
t_req GET "$B/?Action=DescribeCustomerGateways&Version=2016-04-28"; t_expect "RPC: list needs RegionId" 400 MissingRegionId
t_req GET "$B/v1/vpcs/$VPC1"; t_expect "REST: the same VPC without RegionId" 200
t_check "REST: its region" 'b["RegionId"]' cn-hangzhou
t_req GET "$B/v1/vpcs"; t_expect "REST: a list without RegionId" 200

# ---- ClientToken ----
t_req GET "$B/?Action=CreateVSwitch&$R&VpcId=$VPC1&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24&ClientToken=tok-1"
t_expect "token first" 200; TOK=$(t_json 'b["VSwitchId"]')
t_req GET "$B/?Action=CreateVSwitch&$R&VpcId=$VPC1&ZoneId=cn-hangzhou-i&CidrBlock=10.0.2.0/24&ClientToken=tok-1"
t_expect "token replay" 200; t_check "same id" 'b["VSwitchId"]' "$TOK"
t_req GET "$B/?Action=CreateVSwitch&$R&VpcId=$VPC1&ZoneId=cn-hangzhou-i&CidrBlock=10.0.3.0/24&ClientToken=tok-1"
t_expect "token mismatch" 400 IdempotentParameterMismatch

# ---- accounts (open mode: an AccessKeyId of 16 digits names that account; any other is "default") ----
t_req GET "$B/?Action=DescribeVpcs&$R&AccessKeyId=1000000000000002"; t_check "other account sees nothing" 'b["TotalCount"]' 0
t_req GET "$B/?Action=DeleteVSwitch&$R&VSwitchId=$VSW1&AccessKeyId=1000000000000002"; t_expect "other account not found" 404 InvalidVSwitchId.NotFound
t_req GET "$B/?Action=DescribeVpcs&$R"; N=$(t_json 'b["TotalCount"]')
t_check "the default account has VPCs" "$N > 0" true
t_req GET "$B/?Action=DescribeVpcs&$R&AccessKeyId=LTAIanything"; t_check "any other key acts for default" 'b["TotalCount"]' "$N"
t_req GET "$B/?Action=DescribeVpcs&$R&AccessKeyId=100000000000000"; t_check "15 digits: default" 'b["TotalCount"]' "$N"
t_req GET "$B/v1/vpcs?RegionId=cn-hangzhou&AccessKeyId=LTAIanything"; t_check "REST: default" 'b["TotalCount"]' "$N"
t_req GET "$B/v1/vpcs?RegionId=cn-hangzhou" -H 'Authorization: ACS3-HMAC-SHA256 Credential=LTAIsdk,SignedHeaders=host,Signature=00'
t_check "V3 credential: default" 'b["TotalCount"]' "$N"
t_req GET "$B/v1/vpcs?RegionId=cn-hangzhou" -H 'Authorization: ACS3-HMAC-SHA256 Credential=1000000000000002,SignedHeaders=host,Signature=00'
t_check "V3 credential of 16 digits: that account" 'b["TotalCount"]' 0
t_req GET "$B/?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-beijing"; t_check "other region sees nothing" 'b["TotalCount"]' 0

# ---- REST ----
t_req POST "$B/v1/vpcs" -H "$J" -d '{"RegionId":"cn-hangzhou","CidrBlock":"10.10.0.0/16","VpcName":"rest","Tag":[{"Key":"env","Value":"lab"}]}'
t_expect "rest create" 201; RV=$(t_json 'b["VpcId"]')
t_req POST "$B/v1/vswitches" -H "$J" -d "{\"RegionId\":\"cn-hangzhou\",\"VpcId\":\"$RV\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.10.1.0/24\"}"
t_expect "rest vswitch on pending vpc" 400 IncorrectVpcStatus
t_req GET "$B/v1/vpcs/$RV?RegionId=cn-hangzhou"; t_expect "rest get" 200
t_check "rest item" 'b["VpcName"]' rest
t_check "rest tags" 'b["Tags"]["Tag"][0]["Value"]' lab
t_req GET "$B/v1/vpcs?RegionId=cn-hangzhou&Tag.1.Key=env&Tag.1.Value=lab"; t_expect "rest list" 200
t_check "rest list flattened + tag filter" '[v["VpcId"] for v in b["Vpcs"]]' "['$RV']"
t_req GET "$B/v1/vpcs/vpc-nope?RegionId=cn-hangzhou"; t_expect "rest 404" 404 InvalidVpcId.NotFound
t_req PUT "$B/v1/vpcs/$RV"; t_expect "rest 405" 405 UnsupportedHTTPMethod
ALLOW=$(curl -s -o /dev/null -D - -X PUT "$B/v1/vpcs/$RV" | tr -d '\r' | sed -n 's/^Allow: //Ip')
[ "$ALLOW" = "GET, PATCH, DELETE" ] && t_ok || t_bad "Allow header: $ALLOW"
t_req GET "$B/v1/nothing"; t_expect "rest unknown path" 404 InvalidApi.NotFound
t_req POST "$B/v1/vpcs" -H "$J" -d '{"RegionId":'; t_expect "rest bad json" 400 InvalidParameter
t_req POST "$B/v1/vpcs" -H "$J" -d '[1,2]'; t_expect "rest non-object" 400 InvalidParameter
t_settle
t_req POST "$B/v1/vswitches" -H "$J" -d "{\"RegionId\":\"cn-hangzhou\",\"VpcId\":\"$RV\",\"ZoneId\":\"cn-hangzhou-h\",\"CidrBlock\":\"10.10.1.0/24\"}"
t_expect "rest vswitch" 201; RS=$(t_json 'b["VSwitchId"]')
t_req PATCH "$B/v1/vpcs/$RV" -H "$J" -d '{"RegionId":"cn-hangzhou","Description":"patched"}'; t_expect "rest patch" 200
t_req GET "$B/v1/vpcs/$RV?RegionId=cn-hangzhou"; t_check "patched" 'b["Description"]' patched
t_req DELETE "$B/v1/vpcs/$RV?RegionId=cn-hangzhou"; t_expect "rest delete refused" 400 DependencyViolation.VSwitch
t_settle
t_req DELETE "$B/v1/vswitches/$RS?RegionId=cn-hangzhou"; t_expect "rest delete vswitch" 200
t_req DELETE "$B/v1/vpcs/$RV?RegionId=cn-hangzhou"; t_expect "rest delete vpc" 200
t_req GET "$B/v1/vpcs/$RV?RegionId=cn-hangzhou"; t_expect "rest gone" 404 InvalidVpcId.NotFound
t_req GET "$B/v1/zones?RegionId=cn-hangzhou"; t_check "rest zones" '"cn-hangzhou-h" in [z["ZoneId"] for z in b["Zones"]]' true

# ---- hostile input: the server answers and stays up ----
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data 'Action=%ZZ'; t_expect "bad form escape" 400 InvalidParameter
head -c 1100000 /dev/zero | tr '\0' 'a' > "$T_TMP/big"
t_req POST "$B/v1/vpcs" -H "$J" --data-binary @"$T_TMP/big"; t_expect "body too large" 413
t_req GET "$B/?Action=CreateVpc&$R&Tag.99.Key=x"; t_expect "tag index" 400
t_req GET "$B/?Action=CreateVpc&$R&Tag.1.Value=x"; t_expect "tag value without key" 400 MissingTag.1.Key
t_req GET "$B/?Action=CreateVpc&$R&Tag.1.Key=aliyun:x"; t_expect "reserved tag key" 400
t_req GET "$B/?Action=CreateVpc&$R&Tag.1.Key=k&Tag.1.Value=%FF%FE"; t_expect "invalid UTF-8 refused" 400 InvalidTag.1.Value
t_req GET "$B/?Action=CreateVpc&$R&VpcName=%C0%AF"; t_expect "overlong UTF-8 refused" 400 InvalidVpcName
t_req GET "$B/healthz"; [ "$T_STATUS" = 200 ] && t_ok || t_bad "alive after hostile input"

# ---- observability ----
t_req GET "$B/metrics"
echo "$T_BODY" | grep -q 'vpnlab_requests_total{action="CreateVpc",code="OK",status="200"}' && t_ok || t_bad "metrics counter"
echo "$T_BODY" | grep -q 'vpnlab_request_duration_seconds_bucket{action="DescribeVpcs",le="+Inf"}' && t_ok || t_bad "metrics histogram"
grep -q '"action":"CreateVSwitch","status":400,"code":"InvalidCidrBlock.Overlapped"' "$T_TMP/requests.log" && t_ok || t_bad "request log line"
grep -q '"account":"1000000000000002"' "$T_TMP/requests.log" && t_ok || t_bad "request log account"

t_summary "rpc_rest"
