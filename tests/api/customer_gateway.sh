#!/bin/sh
# API tests over real HTTP with curl for customer gateways: CreateCustomerGateway,
# DescribeCustomerGateway(s), ModifyCustomerGatewayAttribute, DeleteCustomerGateway —
# answer keys, the cloud's error codes, idempotency, quota, isolation, and the delete refusal
# while an IPsec connection (created through the API) uses the gateway.
# Usage: tests/api/customer_gateway.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" cgw.db \
	--quota customer_gateways_per_region=4 || exit 1
R="Version=2016-04-28&RegionId=cn-hangzhou"
A="$B/?$R"

# t_keys: the sorted top-level keys of the last body
t_keys() { t_json '",".join(sorted(b.keys()))'; }


# ---- create ----
t_req GET "$A&Action=CreateCustomerGateway"; t_expect "missing ip" 400 MissingIpAddress
t_check "missing message" 'b["Message"]' "IpAddress is mandatory for this action."
for ip in 127.0.0.1 100.64.0.1 169.254.0.1 224.0.0.5 255.255.255.255 1.2.3 01.2.3.4 1.2.3.4/32 2001:db8::1; do
	t_req GET "$A&Action=CreateCustomerGateway&IpAddress=$ip"; t_expect "refused ip $ip" 400 InvalidIpAddress.WrongFormat
done
t_check "wrong format message" 'b["Message"]' "Specified IpAddress is invalid."
t_expect_each query "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.2" <<EOF
&Asn=45104|400|InvalidAsn|alibaba asn
&Asn=4294967296|400|InvalidAsn|asn too big
&AuthKey=a%20b|400|InvalidAuthKey|auth key space
&Name=http://x|400|InvalidName|bad name
&Description=https://x|400|InvalidDescription|bad description
&Tags.1.Key=acs:x|400|InvalidTagKey.Malformed|bad tag
EOF
t_req GET "$A&Action=DescribeCustomerGateways"; t_check "failures created nothing" 'b["TotalCount"]' 0

t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' \
	--data "Action=CreateCustomerGateway&$R&IpAddress=47.100.1.2&Asn=123.456&AuthKey=k3y%21&Name=branch+one&Description=the+branch&Tags.1.Key=env&Tags.1.Value=lab"
t_expect "create" 200
CGW1=$(t_json 'b["CustomerGatewayId"]')
t_check "create answer keys" '",".join(sorted(b.keys()))' "CreateTime,CustomerGatewayId,Description,IpAddress,Name,RequestId"
t_check "id form" 'b["CustomerGatewayId"].startswith("cgw-bp1") and len(b["CustomerGatewayId"]) == 28' true
t_check "create ip" 'b["IpAddress"]' 47.100.1.2
t_check "create name" 'b["Name"]' "branch one"
t_check "create time is ms" 'isinstance(b["CreateTime"], int) and b["CreateTime"] > 10**12' true
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.2"; t_expect "same ip" 400 InvalidIpAddress.AlreadyExist
t_check "already exist message" 'b["Message"]' "Specified IpAddress is already exist."
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.2&AccessKeyId=1000000000000002"; t_expect "same ip other account" 200
t_req GET "$B/?Version=2016-04-28&RegionId=cn-beijing&Action=CreateCustomerGateway&IpAddress=47.100.1.2"; t_expect "same ip other region" 200

# ClientToken: a retry answers the first result; other parameters with it are refused
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.3&ClientToken=tok-1"; t_expect "token create" 200
CGW2=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.3&ClientToken=tok-1"; t_expect "token retry" 200
t_check "token retry same id" 'b["CustomerGatewayId"]' "$CGW2"
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.4&ClientToken=tok-1"; t_expect "token mismatch" 400 IdempotentParameterMismatch

# ---- describe ----
t_req GET "$A&Action=DescribeCustomerGateway"; t_expect "describe missing id" 400 MissingCustomerGatewayId
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=cgw-doesnotexist"; t_expect "describe unknown" 404 InvalidCustomerGatewayInstanceId.NotFound
t_check "not found message" 'b["Message"]' "The specified customer gateway instance id does not exist."
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW1&AccessKeyId=1000000000000002"; t_expect "other account" 404 InvalidCustomerGatewayInstanceId.NotFound
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW1"; t_expect "describe" 200
t_check "describe keys" '",".join(sorted(b.keys()))' "Asn,AuthKey,CreateTime,CustomerGatewayId,Description,IpAddress,Name,RequestId,ResourceGroupId,Tags"
t_check "asn two-segment form" 'b["Asn"]' 8061384
t_check "asn is a number" 'isinstance(b["Asn"], int)' true
t_check "auth key" 'b["AuthKey"]' 'k3y!'
t_check "tags" 'b["Tags"]["Tag"]' "[{'Key': 'env', 'Value': 'lab'}]"
t_check "resource group" 'b["ResourceGroupId"].startswith("rg-")' true
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW2"; t_check "no asn given: no Asn" '"Asn" in b' false

t_req GET "$A&Action=DescribeCustomerGateways"; t_expect "list" 200
t_check "list total" 'b["TotalCount"]' 2
t_check "list wrapper" 'sorted(g["IpAddress"] for g in b["CustomerGateways"]["CustomerGateway"])' "['47.100.1.2', '47.100.1.3']"
t_check "list paging keys" '[b["PageNumber"], b["PageSize"]]' "[1, 10]"
t_check "newest first" 'b["CustomerGateways"]["CustomerGateway"][0]["CustomerGatewayId"]' "$CGW2"
t_req GET "$A&Action=DescribeCustomerGateways&PageSize=1&PageNumber=2"; t_check "page 2" 'b["CustomerGateways"]["CustomerGateway"][0]["CustomerGatewayId"]' "$CGW1"
t_req GET "$A&Action=DescribeCustomerGateways&CustomerGatewayId=$CGW1"; t_check "filter by id" 'b["TotalCount"]' 1
t_req GET "$A&Action=DescribeCustomerGateways&Tag.1.Key=env&Tag.1.Value=lab"; t_check "filter by tag" '[g["CustomerGatewayId"] for g in b["CustomerGateways"]["CustomerGateway"]]' "['$CGW1']"
t_req GET "$A&Action=DescribeCustomerGateways&Tag.1.Key=env&Tag.1.Value=prod"; t_check "filter by other tag" 'b["TotalCount"]' 0
t_req GET "$A&Action=DescribeCustomerGateways&PageSize=51"; t_expect "page size bound" 400 InvalidPageSize

# ---- modify ----
t_req GET "$A&Action=ModifyCustomerGatewayAttribute&CustomerGatewayId=$CGW1&Name=renamed&AuthKey=newkey"
t_expect "modify" 200
t_check "modify answer keys" '",".join(sorted(b.keys()))' "CreateTime,CustomerGatewayId,Description,IpAddress,Name,RequestId,ResourceGroupId"
t_check "modify answer name" 'b["Name"]' renamed
t_check "modify keeps description" 'b["Description"]' "the branch"
t_req GET "$A&Action=ModifyCustomerGatewayAttribute&CustomerGatewayId=$CGW1&Name=ok&Description=http://bad"; t_expect "modify bad description" 400 InvalidDescription
t_req GET "$A&Action=ModifyCustomerGatewayAttribute&CustomerGatewayId=cgw-doesnotexist&Name=x"; t_expect "modify unknown" 404 InvalidCustomerGatewayInstanceId.NotFound
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW1"
t_check "modified name kept, bad request changed nothing" 'b["Name"]' renamed
t_check "modified key" 'b["AuthKey"]' newkey

# ---- quota (4 per region in this server) ----
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.5"; t_expect "third" 200
CGW3=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.6"; t_expect "fourth" 200
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.7"; t_expect "quota" 400 Resource.QuotaFull
t_check "quota message" 'b["Message"]' "The quota of resource is full"

# ---- delete, refused while an IPsec connection uses the gateway ----
t_rpc_vpc_two_zones "$A"
t_rpc_gateway "$A"
T="TunnelOptionsSpecification"
t_req POST "$B/" -H 'Content-Type: application/x-www-form-urlencoded' --data \
	"Action=CreateVpnConnection&$R&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.0.0%2F16&AutoConfigRoute=false&$T.1.CustomerGatewayId=$CGW1&$T.1.Role=master&$T.2.CustomerGatewayId=$CGW3&$T.2.Role=slave"
t_expect "vpn connection" 200
VCO=$(t_json 'b["VpnConnectionId"]')
t_req GET "$A&Action=DeleteCustomerGateway&CustomerGatewayId=$CGW1"; t_expect "in use" 400 DependencyViolation.VpnConnection
t_check "in use message" 'b["Message"]' "There are vpn connections on specified customer gateway not deleted."
t_req GET "$A&Action=DeleteCustomerGateway&CustomerGatewayId=$CGW3"; t_expect "in use (second tunnel)" 400 DependencyViolation.VpnConnection
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW1"; t_expect "still there" 200
t_wait_for "gateway active again" "$A&Action=DescribeVpnGateway&VpnGatewayId=$GW" 'b["Status"]' active
t_req GET "$A&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "delete connection" 200
t_req GET "$A&Action=DeleteCustomerGateway"; t_expect "delete missing id" 400 MissingCustomerGatewayId
t_req GET "$A&Action=DeleteCustomerGateway&CustomerGatewayId=$CGW1&AccessKeyId=1000000000000002"; t_expect "delete other account" 404 InvalidCustomerGatewayInstanceId.NotFound
t_req GET "$A&Action=DeleteCustomerGateway&CustomerGatewayId=$CGW1"; t_expect "delete" 200
t_check "delete answer keys" '",".join(sorted(b.keys()))' "RequestId"
t_req GET "$A&Action=DescribeCustomerGateway&CustomerGatewayId=$CGW1"; t_expect "gone" 404 InvalidCustomerGatewayInstanceId.NotFound
t_req GET "$A&Action=DeleteCustomerGateway&CustomerGatewayId=$CGW1"; t_expect "delete again" 404 InvalidCustomerGatewayInstanceId.NotFound
# the place in the quota and the address are free again
t_req GET "$A&Action=CreateCustomerGateway&IpAddress=47.100.1.2"; t_expect "address reusable" 200

t_summary "customer_gateway.sh"
