#!/bin/sh
# Issue 10.7: a parameter name may occur once.  A V2 signature covers only the last copy of a
# repeated name (as the SDKs' maps do) while a handler that walks a family of names
# (RouteFilter.N.Value.M) saw every copy, so an earlier copy slipped in beside a signed
# request changed its answer.  Refused wherever copies come from (query, form, query and
# form, REST query and JSON body, a JSON body that flattens onto a name twice), with the
# gateway's Repeated{Name} (400); a JSON body with a repeated key is refused as invalid JSON.
# Usage: tests/security/sig_repeat.sh path/to/vpnlabd
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
ACS="python3 $HERE/acs.py"

printf 'LTAIrep rsecret 1111111111111111\n' >"$T_TMP/creds"
PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/repeat.db" --transition-delay-ms 0 --log off || exit 1
B="http://127.0.0.1:$PORT"
R="Version=2016-04-28&RegionId=cn-hangzhou"
FORM='Content-Type: application/x-www-form-urlencoded'
JSON='Content-Type: application/json'

# ---- open mode: every way a name can come twice ----
t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=10.0.0.0/16&CidrBlock=10.1.0.0/16"
t_expect "query twice" 400 RepeatedCidrBlock
t_check "message" 'b["Message"]' "The specified CidrBlock is repeated."
t_req POST "$B/?Action=CreateVpc&$R" -H "$FORM" --data 'CidrBlock=10.0.0.0/16&VpcName=a&VpcName=b'
t_expect "form twice" 400 RepeatedVpcName
t_req POST "$B/?Action=CreateVpc&$R&VpcName=a" -H "$FORM" --data 'CidrBlock=10.0.0.0/16&VpcName=b'
t_expect "query and form" 400 RepeatedVpcName
t_req GET "$B/?Action=DescribeVpcs&$R&Action=DescribeVpcs"; t_expect "Action twice" 400 RepeatedAction
t_req POST "$B/v1/vpcs?RegionId=cn-hangzhou" -H "$JSON" -d '{"RegionId":"cn-hangzhou","CidrBlock":"10.0.0.0/16"}'
t_expect "REST query and body" 400 RepeatedRegionId
t_req POST "$B/v1/vpcs" -H "$JSON" -d '{"RegionId":"cn-hangzhou","CidrBlock":"10.0.0.0/16","Tag":[{"Key":"a","Value":"1"}],"Tag.1.Key":"b"}'
t_expect "REST body flattening onto one name twice" 400 RepeatedTag.1.Key
t_req POST "$B/v1/vpcs" -H "$JSON" -d '{"RegionId":"cn-hangzhou","CidrBlock":"10.0.0.0/16","VpcName":"a","VpcName":"b"}'
t_expect "REST body with a repeated key" 400 InvalidParameter
t_check "jansson names it" '"duplicate object key" in b["Message"]' true
t_req GET "$B/?Action=DescribeVpcs&$R"; t_check "nothing was created" 'b["TotalCount"]' 0
# one copy each: fine, also a name that differs only in case (names are case-sensitive)
t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=10.0.0.0/16&vpcname=x"; t_expect "distinct names" 200
t_req POST "$B/v1/vpcs" -H "$JSON" -d '{"RegionId":"cn-hangzhou","CidrBlock":"10.1.0.0/16","Tag":[{"Key":"a","Value":"1"}]}'
t_expect "REST body, one copy each" 201
# an empty RegionId beside a resource id is replaced by the inferred region, not repeated
VPC=$(t_json 'b["VpcId"]')
t_req GET "$B/?Action=DescribeVpcAttribute&Version=2016-04-28&RegionId=&VpcId=$VPC"
[ "$T_STATUS" != 400 ] || [ "$(t_json 'b["Code"]')" != RepeatedRegionId ] && t_ok || t_bad "inferred region repeated"

t_stop_server "$T_LAST_PID"

# ---- strict mode: an injected copy in front of a signed request ----
PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/repeat-strict.db" --auth strict --credentials "$T_TMP/creds" \
	--transition-delay-ms 0 --log off || exit 1
B="http://127.0.0.1:$PORT"
Q=$($ACS v2 --secret rsecret AccessKeyId=LTAIrep Action=DescribeVpcs Version=2016-04-28 RegionId=cn-hangzhou VpcName=mine)
t_req GET "$B/?VpcName=injected&$Q"; t_expect "injected copy before a signed one" 400 RepeatedVpcName
t_req GET "$B/?$Q"; t_expect "the signed request alone" 200

t_summary "security/sig_repeat"
