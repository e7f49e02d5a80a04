#!/bin/sh
# Issue 10.3: a signature is bound to the action that runs, on both front doors and both
# signature versions (strict mode).  V2 signs the parameters and the method, not the path
# or headers, so every place a request names its action (Action/Version parameters,
# x-acs-action/x-acs-version headers, the REST route) must agree with what runs; V3 signs
# method, path, query, body and x-acs-* headers, so a signed x-acs-action that is not the
# routed action is refused too.  Every refusal is SignatureDoesNotMatch (400) and changes
# nothing.
# Usage: tests/security/sig_binding.sh path/to/vpnlabd
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
ACS="python3 $HERE/acs.py"

printf 'LTAIsigA secretA 1111111111111111\n' >"$T_TMP/creds"
PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/sig.db" --auth strict --credentials "$T_TMP/creds" \
	--transition-delay-ms 0 --log off || exit 1
B="http://127.0.0.1:$PORT"
KEY="AccessKeyId=LTAIsigA"
V="Version=2016-04-28"
RG="RegionId=cn-hangzhou"

# t_acs ARGS...: runs acs.py, which sends a request and prints body and status like t_req
t_acs() {
	T_BODY=$($ACS "$@")
	T_STATUS=$(printf '%s\n' "$T_BODY" | tail -n 1)
	T_BODY=$(printf '%s\n' "$T_BODY" | sed '$d')
}
# vpc_count: how many VPCs the account has, through a freshly signed DescribeVpcs
vpc_count() {
	t_acs v2 --secret secretA --url "$B" $KEY Action=DescribeVpcs $V $RG
	t_json 'b["TotalCount"]'
}

# ---- V2 ----
# the reported attack: a signed read-only DescribeVpcs (POST) replayed as POST /v1/vpcs
Q=$($ACS v2 --secret secretA --method POST $KEY Action=DescribeVpcs $V $RG CidrBlock=10.0.0.0/16)
t_req POST "$B/v1/vpcs?$Q"; t_expect "V2 DescribeVpcs sent as POST /v1/vpcs" 400 SignatureDoesNotMatch
t_check "the message names both actions" \
	'"Action DescribeVpcs" in b["Message"] and "CreateVpc" in b["Message"]' true
t_check "no VPC was created" "$(vpc_count)" 0
# the refusal burned nothing: the request as signed still runs, once
t_req POST "$B/?$Q"; t_expect "the same request on its own route" 200
t_req POST "$B/?$Q"; t_expect "and only once" 400 SignatureNonceUsed

# a V2 signature is good on the REST route of its own action: GET /v1/vpcs is DescribeVpcs
Q=$($ACS v2 --secret secretA --method GET $KEY Action=DescribeVpcs $V $RG)
t_req GET "$B/v1/vpcs?$Q"; t_expect "V2 DescribeVpcs on GET /v1/vpcs" 200
t_check "REST list shape" 'b["TotalCount"]' 0

# a signed CreateVpc, then the method changed (DELETE /v1/vpcs/{id} would need DeleteVpc anyway)
Q=$($ACS v2 --secret secretA --method POST $KEY Action=CreateVpc $V $RG CidrBlock=10.1.0.0/16)
t_req GET "$B/?$Q"; t_expect "method changed" 400 SignatureDoesNotMatch
t_req POST "$B/v1/vswitches?$Q"; t_expect "CreateVpc sent to POST /v1/vswitches" 400 SignatureDoesNotMatch
t_req POST "$B/v1/vpcs?$Q"; t_expect "CreateVpc on POST /v1/vpcs" 201
VPC=$(t_json 'b["VpcId"]')
t_check "one VPC" "$(vpc_count)" 1

# the REST path's {id} is among what V2 verifies: another id is another request
Q=$($ACS v2 --secret secretA --method GET $KEY Action=DescribeVpcs $V $RG VpcId=vpc-someoneelse)
t_req GET "$B/v1/vpcs/$VPC?$Q"; t_expect "signed VpcId differs from the path" 400 SignatureDoesNotMatch
Q=$($ACS v2 --secret secretA --method GET $KEY Action=DescribeVpcs $V $RG VpcId=$VPC)
t_req GET "$B/v1/vpcs/$VPC?$Q"; t_expect "signed VpcId is the path's" 200
t_check "the item" 'b["VpcId"]' "$VPC"

# a signed DescribeVpcs with VpcId cannot become DELETE /v1/vpcs/{id} (method and action)
Q=$($ACS v2 --secret secretA --method DELETE $KEY Action=DescribeVpcs $V $RG VpcId=$VPC)
t_req DELETE "$B/v1/vpcs/$VPC?$Q"; t_expect "DescribeVpcs signed for DELETE" 400 SignatureDoesNotMatch
t_check "the VPC is still there" "$(vpc_count)" 1

# V2 signs no header: an x-acs-action that names another action is refused, not ignored
Q=$($ACS v2 --secret secretA --method GET $KEY Action=DescribeVpcs $V $RG)
t_req GET "$B/?$Q" -H 'x-acs-action: DeleteVpc'; t_expect "unsigned x-acs-action differs" 400 SignatureDoesNotMatch
# and a V2 signature must name its action: without Action, x-acs-action would pick one unsigned
Q=$($ACS v2 --secret secretA --method GET $KEY $V $RG VpcId=$VPC)
t_req GET "$B/?$Q" -H 'x-acs-action: DeleteVpc'; t_expect "V2 without Action" 400 SignatureDoesNotMatch
t_check "still there" "$(vpc_count)" 1
# signed for the other API version
Q=$($ACS v2 --secret secretA --method GET $KEY Action=DescribeVpcs Version=2017-09-12 $RG)
t_req GET "$B/v1/vpcs?$Q"; t_expect "V2 signed for another Version" 400 SignatureDoesNotMatch

# ---- V3 ----
# RPC: the generated SDKs' form; the action in a signed x-acs-action
t_acs v3 --akid LTAIsigA --secret secretA --method POST --path / --action DescribeVpcs \
	--query "$RG" --url "$B" --save "$T_TMP/v3-describe.json"
t_expect "V3 RPC DescribeVpcs" 200
# the path is signed: the captured request sent to POST /v1/vpcs does not verify
t_acs replay "$T_TMP/v3-describe.json" --url "$B" --path /v1/vpcs
t_expect "V3 request replayed on a REST path" 400 SignatureDoesNotMatch
# a V3 signed REST request whose signed x-acs-action names another action (the signer
# meant DescribeVpcs; the route is CreateVpc)
t_acs v3 --akid LTAIsigA --secret secretA --method POST --path /v1/vpcs --action DescribeVpcs \
	--header 'content-type: application/json' --body '{"RegionId":"cn-hangzhou","CidrBlock":"10.2.0.0/16"}' --url "$B"
t_expect "V3 x-acs-action DescribeVpcs on POST /v1/vpcs" 400 SignatureDoesNotMatch
t_check "message" '"x-acs-action DescribeVpcs" in b["Message"]' true
t_check "nothing created" "$(vpc_count)" 1
# a REST request signed as what it is: x-acs-action of the routed action, or none at all
t_acs v3 --akid LTAIsigA --secret secretA --method POST --path /v1/vpcs --action CreateVpc \
	--header 'content-type: application/json' --body '{"RegionId":"cn-hangzhou","CidrBlock":"10.2.0.0/16"}' --url "$B"
t_expect "V3 REST CreateVpc" 201
t_acs v3 --akid LTAIsigA --secret secretA --method GET --path /v1/vpcs --no-action --query "$RG" --url "$B"
t_expect "V3 REST without x-acs-action" 200
t_check "two VPCs" 'b["TotalCount"]' 2
# a signed x-acs-version of the other API
t_acs v3 --akid LTAIsigA --secret secretA --method GET --path /v1/vpcs --action DescribeVpcs \
	--version 2017-09-12 --query "$RG" --url "$B"
t_expect "V3 x-acs-version of another API" 400 SignatureDoesNotMatch
# RPC: a signed query Action and a signed x-acs-action that disagree
t_acs v3 --akid LTAIsigA --secret secretA --method POST --path / --action DescribeVpcs \
	--query "Action=DeleteVpc&$RG&VpcId=$VPC" --url "$B"
t_expect "V3 Action and x-acs-action disagree" 400 SignatureDoesNotMatch
t_check "both VPCs remain" "$(vpc_count)" 2
# the method is signed too
t_acs replay "$T_TMP/v3-describe.json" --url "$B" --method GET
t_expect "V3 method changed" 400 SignatureDoesNotMatch

t_summary "security/sig_binding"
