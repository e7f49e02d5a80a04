#!/bin/sh
# API tests of the IPsec-VPN connection actions over real HTTP with curl:
# CreateVpnConnection (dual-tunnel form through a POST form body, the single-tunnel form
# refused on a dual-tunnel gateway, field rules, DryRun, the busy gateway, the quota),
# DescribeVpnConnection (every key group, tunnel addresses from the gateway),
# DescribeVpnConnections (wrapper, Tag wrapper, filters, paging), ModifyVpnConnectionAttribute
# (full answer), DeleteVpnConnection (routes go with it, the customer gateway is freed),
# CreateVpnAttachment (both forms, ClientToken), RegionId inference, account isolation.
# Usage: tests/api/vpn_connection.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" vco.db \
	--quota vpn_connections_per_gateway=2 || exit 1
R="Version=2016-04-28&RegionId=cn-hangzhou"
Q="$B/?$R"

# post BODY...: a POST with every parameter in the form body
post() { t_req POST "$B/" -H "$FORM" --data "$R&$1"; }

# wait_gateway ID: until the gateway is active again
wait_gateway() { t_gateway_idle "$Q" "$1"; }

# ---- a VPC with two zones, a dual-tunnel gateway, three customer gateways ----
t_rpc_gateway_network "$Q" || exit 1
t_req GET "$Q&Action=CreateCustomerGateway&IpAddress=203.0.113.10&Asn=65001"; t_expect "cgw1" 200; CG1=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$Q&Action=CreateCustomerGateway&IpAddress=203.0.113.11"; t_expect "cgw2" 200; CG2=$(t_json 'b["CustomerGatewayId"]')
t_req GET "$Q&Action=CreateCustomerGateway&IpAddress=203.0.113.12"; t_expect "cgw3" 200; CG3=$(t_json 'b["CustomerGatewayId"]')

T1="TunnelOptionsSpecification.1"; T2="TunnelOptionsSpecification.2"
TUNNELS="$T1.CustomerGatewayId=$CG1&$T1.Role=master&$T2.CustomerGatewayId=$CG2&$T2.Role=slave"
C="Action=CreateVpnConnection&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&RemoteSubnet=192.168.0.0%2F16"

# ---- refusals change nothing ----
t_req GET "$Q&$C&CustomerGatewayId=$CG1"; t_expect "single form on a dual-tunnel gateway" 400 MissingTunnelOptionsSpecification
post "$C&$T1.CustomerGatewayId=$CG1&$T1.Role=master"; t_expect "one tunnel" 400 IllegalParam.TunnelOptionsSpecification
post "$C&$T1.CustomerGatewayId=$CG1&$T1.Role=boss&$T2.CustomerGatewayId=$CG2&$T2.Role=slave"; t_expect "role value" 400 InvalidTunnelOptionsSpecification.1.Role
post "$C&$T1.CustomerGatewayId=$CG1&$T1.Role=master&$T2.CustomerGatewayId=$CG2&$T2.Role=master"
t_expect "two masters" 400 IllegalParam.Role
post "$C&$TUNNELS&TunnelOptionsSpecification.3.Role=slave"; t_expect "third tunnel" 400 IllegalParam.TunnelOptionsSpecification
post "$C&$TUNNELS&$T2.TunnelIkeConfig.IkeEncAlg=sm4"; t_expect "ike enc alg" 400 IllegalParam.IkeEncAlg
t_check "names the leaf" 'b["Message"]' 'The specified "TunnelOptionsSpecification.2.TunnelIkeConfig.IkeEncAlg" is invalid.'
post "$C&$TUNNELS&$T1.TunnelIpsecConfig.IpsecLifetime=86401"; t_expect "ipsec lifetime" 400 IllegalParam.IpsecLifetime
post "$C&$TUNNELS&$T1.TunnelBgpConfig.TunnelCidr=169.254.169.252%2F30"; t_expect "reserved tunnel cidr" 400 IllegalParam.TunnelCidr
post "$C&$TUNNELS&EnableTunnelsBgp=true"; t_expect "bgp needs a cidr" 400 MissingTunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr
post "$C&$T1.CustomerGatewayId=cgw-nothere&$T1.Role=master&$T2.CustomerGatewayId=$CG2&$T2.Role=slave"
t_expect "unknown customer gateway" 404 InvalidCustomerGatewayInstanceId.NotFound
post "Action=CreateVpnConnection&VpnGatewayId=$GW&RemoteSubnet=192.168.0.0%2F16&$TUNNELS"; t_expect "missing local subnet" 400 MissingLocalSubnet
post "Action=CreateVpnConnection&VpnGatewayId=$GW&LocalSubnet=10.0.0.1%2F16&RemoteSubnet=192.168.0.0%2F16&$TUNNELS"; t_expect "host bits" 400 IllegalParam.LocalSubnet
t_check "doc message form" 'b["Message"]' 'The specified "LocalSubnet" (10.0.0.1/16) is invalid.'
post "Action=CreateVpnConnection&VpnGatewayId=$GW&LocalSubnet=10.0.0.0%2F16&$TUNNELS&RemoteSubnet=1.0.0.0%2F24,2.0.0.0%2F24,3.0.0.0%2F24,4.0.0.0%2F24,5.0.0.0%2F24,6.0.0.0%2F24"
t_expect "six remote subnets" 400 IllegalParam.RemoteSubnet
post "$C&$TUNNELS&Name=http%3A%2F%2Fx"; t_expect "name" 400 InvalidName
post "$C&$TUNNELS&IkeConfig=%7Bnot+json"; t_expect "json parameter" 400 InvalidIkeConfig
post "$C&$TUNNELS&EnableTunnelsBgp=perhaps"; t_expect "boolean" 400 InvalidEnableTunnelsBgp
t_req GET "$Q&Action=CreateVpnConnection&VpnGatewayId=vpn-nothere&LocalSubnet=10.0.0.0/16&RemoteSubnet=192.168.0.0/16"
t_expect "unknown gateway" 404 InvalidVpnGatewayInstanceId.NotFound
post "$C&$TUNNELS&DryRun=true"; t_expect "dry run" 400 DryRunOperation
t_req GET "$Q&Action=DescribeVpnConnections"; t_check "nothing created" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_check "gateway untouched" 'b["Status"]' active

# ---- dual-tunnel create through a POST form body ----
post "$C&$TUNNELS&Name=dual&$T2.TunnelIkeConfig.IkeVersion=ikev2&$T2.TunnelIkeConfig.Psk=slave%21key&$T1.EnableDpd=false&Tags.1.Key=env&Tags.1.Value=lab"
t_expect "create dual" 200
VCO=$(t_json 'b["VpnConnectionId"]')
t_check "id prefix" 'b["VpnConnectionId"].startswith("vco-")' true
t_check "name answered" 'b["Name"]' dual
t_check "create time ms" 'b["CreateTime"] > 1600000000000' true
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_check "gateway updating meanwhile" 'b["Status"]' updating
post "$C&$T1.CustomerGatewayId=$CG3&$T1.Role=master&$T2.CustomerGatewayId=$CG3&$T2.Role=slave"
t_expect "one change at a time" 400 VpnGateway.Configuring
wait_gateway "$GW"
post "$C&$T1.CustomerGatewayId=$CG3&$T1.Role=master&$T2.CustomerGatewayId=$CG3&$T2.Role=slave"
t_expect "second connection" 200; VCO2=$(t_json 'b["VpnConnectionId"]')
wait_gateway "$GW"
post "$C&$T1.CustomerGatewayId=$CG3&$T1.Role=master&$T2.CustomerGatewayId=$CG3&$T2.Role=slave"
t_expect "quota per gateway (2 here)" 400 Resource.QuotaFull
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$VCO2"; t_expect "delete second" 200
wait_gateway "$GW"

# ---- DescribeVpnConnection ----
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_expect "describe" 200
t_check "state" 'b["State"]' active
t_check "status" 'b["Status"]' ike_sa_not_established
t_check "attach type" 'b["AttachType"]' VPNGW
t_check "gateway" 'b["VpnGatewayId"]' "$GW"
t_check "internet ip" 'b["InternetIp"]' "$GWIP"
t_check "spec" 'b["Spec"]' 10M
t_check "subnets" 'b["LocalSubnet"] + " " + b["RemoteSubnet"]' "10.0.0.0/16 192.168.0.0/16"
t_check "effect immediately default" 'b["EffectImmediately"]' false
t_check "tunnels bgp" 'b["EnableTunnelsBgp"]' false
t_check "tags wrapper" 'b["Tags"]["Tag"]' "[{'Key': 'env', 'Value': 'lab'}]"
t_check "no single-tunnel objects" '"IkeConfig" in b or "VpnBgpConfig" in b' false
t_check "two tunnels" 'len(b["TunnelOptionsSpecification"]["TunnelOptions"])' 2
M='b["TunnelOptionsSpecification"]["TunnelOptions"][0]'; S='b["TunnelOptionsSpecification"]["TunnelOptions"][1]'
t_check "master first" "$M[\"Role\"] + $S[\"Role\"]" masterslave
t_check "tunnel ids" "$M[\"TunnelId\"].startswith('tun-') and $M[\"TunnelId\"] != $S[\"TunnelId\"]" true
t_check "tunnel index" "[$M[\"TunnelIndex\"], $S[\"TunnelIndex\"]]" "[1, 2]"
t_check "master address" "$M[\"InternetIp\"]" "$GWIP"
t_check "slave address" "$S[\"InternetIp\"]" "$GWIP2"
t_check "zones" "$M[\"ZoneNo\"] + ' ' + $S[\"ZoneNo\"]" "cn-hangzhou-h cn-hangzhou-i"
t_check "tunnel status" "$S[\"Status\"]" ike_sa_not_established
t_check "tunnel state" "$S[\"State\"]" active
t_check "dpd as text" "$M[\"EnableDpd\"] + ' ' + $S[\"EnableDpd\"]" "false true"
t_check "peers" "$M[\"CustomerGatewayId\"] + ' ' + $S[\"CustomerGatewayId\"]" "$CG1 $CG2"
t_check "ike defaults" "[$M[\"TunnelIkeConfig\"][k] for k in ('IkeVersion','IkeMode','IkeEncAlg','IkeAuthAlg','IkePfs','IkeLifetime')]" "['ikev1', 'main', 'aes', 'md5', 'group2', '86400']"
t_check "generated psk" "len($M[\"TunnelIkeConfig\"][\"Psk\"]) == 16 and $M[\"TunnelIkeConfig\"][\"Psk\"].isalnum()" true
t_check "given psk" "$S[\"TunnelIkeConfig\"][\"Psk\"]" 'slave!key'
t_check "slave ike version" "$S[\"TunnelIkeConfig\"][\"IkeVersion\"]" ikev2
t_check "local id default" "$M[\"TunnelIkeConfig\"][\"LocalId\"]" "$GWIP"
t_check "remote id default" "$S[\"TunnelIkeConfig\"][\"RemoteId\"]" 203.0.113.11
t_check "ipsec defaults" "[$M[\"TunnelIpsecConfig\"][k] for k in ('IpsecEncAlg','IpsecAuthAlg','IpsecPfs','IpsecLifetime')]" "['aes', 'md5', 'group2', '86400']"
t_check "bgp of tunnel" "[$M[\"TunnelBgpConfig\"][k] for k in ('LocalAsn','PeerAsn','BgpStatus')]" "['45104', '65001', '']"
TUN1=$(t_json "$M[\"TunnelId\"]")

# ---- routes made for the remote subnet ----
t_req GET "$Q&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW"; t_expect "routes" 200
t_check "auto-configured route" '[(e["RouteDest"], e["NextHop"]) for e in b["VpnRouteEntries"]["VpnRouteEntry"]]' "[('192.168.0.0/16', '$VCO')]"

# ---- DescribeVpnConnections ----
t_req GET "$Q&Action=DescribeVpnConnections"; t_expect "list" 200
t_check "list wrapper" 'len(b["VpnConnections"]["VpnConnection"])' 1
t_check "odd tag wrapper" 'b["VpnConnections"]["VpnConnection"][0]["Tag"]["Tag"][0]["Key"]' env
t_check "paging keys" '[b["TotalCount"], b["PageNumber"], b["PageSize"]]' "[1, 1, 10]"
t_req GET "$Q&Action=DescribeVpnConnections&CustomerGatewayId=$CG2"; t_check "by a tunnel's peer" 'b["TotalCount"]' 1
t_req GET "$Q&Action=DescribeVpnConnections&CustomerGatewayId=$CG3"; t_check "other peer" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnConnections&VpnGatewayId=$GW&VpnConnectionId=$VCO"; t_check "by ids" 'b["TotalCount"]' 1
t_req GET "$Q&Action=DescribeVpnConnections&VpnGatewayId=vpn-other"; t_check "other gateway" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnConnections&Tag.1.Key=env&Tag.1.Value=prod"; t_check "tag filter" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DescribeVpnConnections&PageSize=51"; t_expect "page size" 400 InvalidPageSize

# ---- unbound connections for transit routers ----
A="Action=CreateVpnAttachment&LocalSubnet=10.8.0.0%2F16&RemoteSubnet=172.16.0.0%2F12"
t_req GET "$Q&$A&CustomerGatewayId=$CG3&ClientToken=tok-1" -G --data-urlencode 'IkeConfig={"IkeVersion":"ikev2","IkeLifetime":3600}' \
	--data-urlencode 'HealthCheckConfig={"enable":"true","dip":"172.16.0.1","sip":"10.8.0.1"}'
t_expect "attachment, single form" 200
ATT=$(t_json 'b["VpnConnectionId"]')
t_check "task fields" '[b["Code"], b["Success"]]' "['200', True]"
t_req GET "$Q&$A&CustomerGatewayId=$CG3&ClientToken=tok-1" -G --data-urlencode 'IkeConfig={"IkeVersion":"ikev2","IkeLifetime":3600}' \
	--data-urlencode 'HealthCheckConfig={"enable":"true","dip":"172.16.0.1","sip":"10.8.0.1"}'
t_check "client token replays" 'b["VpnConnectionId"]' "$ATT"
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$ATT"; t_expect "describe attachment" 200
t_check "unbound state" '[b["State"], b["AttachType"], b["VpnGatewayId"], b["NetworkType"], b["TunnelBandwidth"]]' "['init', 'NO_ASSOCIATED', '', 'public', 'Standard']"
t_check "single-tunnel objects" '[b["IkeConfig"]["IkeVersion"], b["IkeConfig"]["IkeLifetime"], b["IkeConfig"]["LocalId"], b["IkeConfig"]["RemoteId"]]' "['ikev2', 3600, '', '203.0.113.12']"
t_check "health check" '[b["VcoHealthCheck"][k] for k in ("Enable","Dip","Interval","Retry","Policy")]' "['true', '172.16.0.1', 3, 3, 'revoke_route']"
t_check "bgp defaults" '[b["VpnBgpConfig"]["EnableBgp"], b["VpnBgpConfig"]["LocalAsn"]]' "['false', 45104]"
post "$A&NetworkType=private&$T1.CustomerGatewayId=$CG1&$T1.TunnelIndex=1&$T2.CustomerGatewayId=$CG3&$T2.TunnelIndex=2&$T2.TunnelIpsecConfig.IpsecPfs=disabled"
t_expect "attachment, dual form" 200
ATT2=$(t_json 'b["VpnConnectionId"]')
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$ATT2"
t_check "dual attachment" '[b["NetworkType"], [t["Role"] for t in b["TunnelOptionsSpecification"]["TunnelOptions"]], b["TunnelOptionsSpecification"]["TunnelOptions"][1]["TunnelIpsecConfig"]["IpsecPfs"]]' "['private', ['master', 'slave'], 'disabled']"
t_req GET "$Q&$A"; t_expect "attachment needs a peer" 400 MissingCustomerGatewayId
t_req GET "$Q&$A&CustomerGatewayId=$CG3&NetworkType=hybrid"; t_expect "network type" 400 InvalidNetworkType

# ---- ModifyVpnConnectionAttribute answers the whole connection ----
post "Action=ModifyVpnConnectionAttribute&VpnConnectionId=$VCO&Name=renamed&RemoteSubnet=192.168.0.0%2F16,172.31.0.0%2F16&AutoConfigRoute=true&$T1.TunnelId=$TUN1&$T1.TunnelIkeConfig.IkeEncAlg=aes256&$T1.EnableDpd=true"
t_expect "modify" 200
t_check "answer: name" 'b["Name"]' renamed
t_check "answer: subnets" 'b["RemoteSubnet"]' "192.168.0.0/16,172.31.0.0/16"
t_check "answer: typed tunnel fields" '[b["TunnelOptionsSpecification"]["TunnelOptions"][0]["EnableDpd"], b["TunnelOptionsSpecification"]["TunnelOptions"][0]["TunnelIkeConfig"]["IkeLifetime"]]' "[True, 86400]"
t_check "answer: changed leaf" 'b["TunnelOptionsSpecification"]["TunnelOptions"][0]["TunnelIkeConfig"]["IkeEncAlg"]' aes256
t_check "answer: description key" 'b["Description"]' ""
wait_gateway "$GW"
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_check "describe shows it" 'b["Name"]' renamed
t_req GET "$Q&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW"; t_check "route for the new CIDR" 'sorted(e["RouteDest"] for e in b["VpnRouteEntries"]["VpnRouteEntry"])' "['172.31.0.0/16', '192.168.0.0/16']"
post "Action=ModifyVpnConnectionAttribute&VpnConnectionId=$VCO&$T1.TunnelId=tun-nothere&$T1.EnableDpd=false"
t_expect "unknown tunnel" 404 InvalidTunnelId.NotFound
post "Action=ModifyVpnConnectionAttribute&VpnConnectionId=$VCO&IkeConfig=%7B%22IkeMode%22%3A%22fast%22%7D"
t_expect "single-tunnel fields are not used here" 200
post "Action=ModifyVpnConnectionAttribute&VpnConnectionId=$ATT&IkeConfig=%7B%22IkeMode%22%3A%22fast%22%7D"
t_expect "ike mode" 400 IllegalParam.IkeMode
post "Action=ModifyVpnConnectionAttribute&VpnConnectionId=$ATT&IkeConfig=%7B%22IkeMode%22%3A%22aggressive%22%7D"
t_expect "modify attachment" 200
t_check "merged ike" '[b["IkeConfig"]["IkeMode"], b["IkeConfig"]["IkeVersion"]]' "['aggressive', 'ikev2']"

# ---- RegionId from the connection; another account sees nothing ----
t_req GET "$B/?Version=2016-04-28&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_expect "region inferred" 200
t_check "inferred region's connection" 'b["VpnConnectionId"]' "$VCO"
t_req GET "$B/?Version=2016-04-28&Action=CreateVpnConnection&VpnGatewayId=vpn-nothere&LocalSubnet=10.0.0.0/16&RemoteSubnet=192.168.0.0/16"
t_expect "region from the gateway: unknown gateway" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$Q&Action=DescribeVpnConnection&VpnConnectionId=$VCO&AccessKeyId=1000000000000003"; t_expect "other account" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$Q&Action=DescribeVpnConnections&AccessKeyId=1000000000000003"; t_check "other account list" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$VCO&AccessKeyId=1000000000000003"; t_expect "other account delete" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$B/?Version=2016-04-28&RegionId=cn-beijing&Action=DescribeVpnConnection&VpnConnectionId=$VCO"; t_expect "other region" 404 InvalidVpnConnectionInstanceId.NotFound

# ---- references and delete ----
t_req GET "$Q&Action=DeleteCustomerGateway&CustomerGatewayId=$CG2"; t_expect "peer in use" 400 DependencyViolation.VpnConnection
wait_gateway "$GW"
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "delete" 200
t_req GET "$Q&Action=DescribeVpnGateway&VpnGatewayId=$GW"; t_check "delete changes the gateway" 'b["Status"]' updating
t_req GET "$Q&Action=DescribeVpnRouteEntries&VpnGatewayId=$GW"; t_check "routes went with it" 'b["TotalCount"]' 0
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$VCO"; t_expect "delete again" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$Q&Action=DeleteCustomerGateway&CustomerGatewayId=$CG2"; t_expect "peer free" 200
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$ATT"; t_expect "delete attachment" 200
t_req GET "$Q&Action=DeleteVpnConnection&VpnConnectionId=$ATT2"; t_expect "delete dual attachment" 200
t_req GET "$Q&Action=DescribeVpnConnections"; t_check "none left" 'b["TotalCount"]' 0
wait_gateway "$GW"
t_req GET "$Q&Action=DeleteVpnGateway&VpnGatewayId=$GW"; t_expect "gateway free" 200

t_summary "vpn_connection"
