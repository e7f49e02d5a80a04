#!/bin/sh
# The VPN Gateway API through the REST front door only (curl, JSON bodies): a VPC with
# vSwitches in two zones, a dual-tunnel VPN gateway (provisioning → active), customer
# gateways, an IPsec connection whose tunnel options are nested JSON (flattened by the server
# to TunnelOptionsSpecification.N.*), an unbound connection whose JSON-typed parameters are
# JSON objects, destination and policy routes (key fields in the query or the body, the
# publish routes' fixed RouteType), a connection's read-only sub-resources (the customer
# device's settings, its log lines, before and after the data plane wrote some, and the
# vpnlab extension's swanctl.conf under /v1/lab), and the teardown with its refusals.  Also:
# 201 on create, flattened lists, the item routes' 404s, 405 with Allow, {id} winning over
# the body or the query.
# Usage: tests/api/rest_vpn.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"

t_api_server "$BIN" rest_vpn.db || exit 1
R='RegionId=cn-hangzhou'

# post/patch/delete PATH JSON: a request with a JSON body
post() { t_req POST "$B$1" -H "$J" -d "$2"; }
patch() { t_req PATCH "$B$1" -H "$J" -d "$2"; }
delete_json() { t_req DELETE "$B$1" -H "$J" -d "$2"; }

# wait_for NAME PATH EXPR WANT: t_wait_for on this server
wait_for() { t_wait_for "$1" "$B$2" "$3" "$4"; }
gw_active() { wait_for "${1:-gateway active}" "/v1/vpn-gateways/$GW?$R" 'b["Status"]' active; }

# allow METHOD PATH WANT: the Allow header of a 405 answer
allow() { t_allow "$1" "$B$2" "$3"; }

# ---- network: a VPC, vSwitches in zones h and i ----
t_rest_vpc_two_zones '"VpcName":"rest-vpn"'

# ---- zones for gateways ----
t_req GET "$B/v1/vpn-gateway-zones?$R&Spec=10M"; t_expect "gateway zones" 200
t_check "zones: flat cloud list" '[z["ZoneId"] for z in b["AvailableZoneIdList"] if z["ZoneId"] in ("cn-hangzhou-h","cn-hangzhou-i")]' \
	"['cn-hangzhou-h', 'cn-hangzhou-i']"
t_req GET "$B/v1/vpn-gateway-zones?$R"; t_expect "zones need a spec" 400 MissingSpec
t_req POST "$B/v1/vpn-gateway-zones"; t_expect "zones: read only" 405 UnsupportedHTTPMethod

# ---- dual-tunnel VPN gateway ----
GWB="$RJ,\"VpcId\":\"$VPC\",\"VSwitchId\":\"$VSH\",\"DisasterRecoveryVSwitchId\":\"$VSI\""
post /v1/vpn-gateways "{$GWB}"; t_expect "gateway needs a bandwidth" 400 MissingBandwidth
post /v1/vpn-gateways "{$GWB,\"Bandwidth\":7}"; t_expect "bandwidth set" 400 InvalidSpec.NotFound
post /v1/vpn-gateways "{$RJ,\"VpcId\":\"$VPC\",\"VSwitchId\":\"$VSH\",\"Bandwidth\":10}"; t_expect "second vswitch" 400 InvalidVSwitchId.NotFound
post /v1/vpn-gateways "{$GWB,\"Bandwidth\":\"ten\"}"; t_expect "bandwidth type" 400 InvalidBandwidth
post /v1/vpn-gateways '{"Bandwidth":10}'; t_expect "region" 400 MissingRegionId
t_req GET "$B/v1/vpn-gateways?$R"; t_check "refusals created nothing" 'b["TotalCount"]' 0
post /v1/vpn-gateways "{$GWB,\"Bandwidth\":10,\"Name\":\"rest-gw\",\"EnableIpsec\":true,\"ClientToken\":\"rest-gw-1\"}"
t_expect "create gateway" 201
GW=$(t_json 'b["VpnGatewayId"]')
t_check "create answer" '[b["Name"], isinstance(b["OrderId"], int), b["VpnGatewayId"].startswith("vpn-")]' "['rest-gw', True, True]"
post /v1/vpn-gateways "{$GWB,\"Bandwidth\":10,\"Name\":\"rest-gw\",\"EnableIpsec\":true,\"ClientToken\":\"rest-gw-1\"}"
t_expect "token replay" 201; t_check "same gateway" 'b["VpnGatewayId"]' "$GW"
t_req GET "$B/v1/vpn-gateways/$GW?$R"; t_expect "get gateway" 200
t_check "provisioning first" 'b["Status"]' provisioning
t_check "the object itself" '[b["VpnGatewayId"], b["VSwitchId"], b["DisasterRecoveryVSwitchId"], "Vpcs" in b, len(b["RequestId"])]' \
	"['$GW', '$VSH', '$VSI', False, 36]"
patch "/v1/vpn-gateways/$GW" "{$RJ,\"Name\":\"early\"}"; t_expect "modify while provisioning" 400 VpnGateway.Configuring
gw_active
t_req GET "$B/v1/vpn-gateways?$R&VpcId=$VPC"; t_expect "list gateways" 200
t_check "list flattened" '[g["VpnGatewayId"] for g in b["VpnGateways"]]' "['$GW']"
t_check "item keeps inner wrappers" 'len(b["VpnGateways"][0]["EniInstanceIds"]["EniInstanceId"])' 2
t_req GET "$B/v1/vpn-gateways?$R&Status=provisioning"; t_check "status filter" 'b["VpnGateways"]' "[]"
t_req GET "$B/v1/vpn-gateways?$R&PageSize=51"; t_expect "page size" 400 InvalidPageSize
t_req GET "$B/v1/vpn-gateways/vpn-doesnotexist?$R"; t_expect "gateway 404" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$B/v1/vpn-gateways/$GW?$R&AccessKeyId=1000000000000002"; t_expect "other account" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$B/v1/vpn-gateways/$GW"; t_expect "gateway: the id finds its region" 200
t_check "the gateway's region" 'b["RegionId"]' cn-hangzhou
t_req GET "$B/v1/vpn-gateways/$GW?$R&IncludeReservationData=true"; t_check "reservation data" 'b["ReservationData"]' "{}"
# the path's id wins over one in the body
patch "/v1/vpn-gateways/$GW" "{$RJ,\"VpnGatewayId\":\"vpn-doesnotexist\",\"Name\":\"rest-gw2\",\"Description\":\"branch office\"}"
t_expect "modify gateway" 200
t_check "modify answer" '[b["VpnGatewayId"], b["Name"], b["Description"], b["Status"]]' "['$GW', 'rest-gw2', 'branch office', 'active']"
patch "/v1/vpn-gateways/$GW" "{$RJ,\"Name\":\"9lives\"}"; t_expect "bad name" 400 InvalidName
t_req PUT "$B/v1/vpn-gateways/$GW"; t_expect "gateway 405" 405 UnsupportedHTTPMethod
allow PUT "/v1/vpn-gateways/$GW" "GET, PATCH, DELETE"
allow DELETE /v1/vpn-gateways "POST, GET"

# ---- customer gateways ----
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"203.0.113.10\",\"Asn\":\"65001\",\"Name\":\"hq\",\"Tags\":[{\"Key\":\"site\",\"Value\":\"hq\"}]}"
t_expect "customer gateway 1" 201
CG1=$(t_json 'b["CustomerGatewayId"]')
t_check "create answer keys" '",".join(sorted(b.keys()))' "CreateTime,CustomerGatewayId,Description,IpAddress,Name,RequestId"
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"203.0.113.11\",\"Name\":\"dr\"}"; t_expect "customer gateway 2" 201
CG2=$(t_json 'b["CustomerGatewayId"]')
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"203.0.113.10\"}"; t_expect "same address" 400 InvalidIpAddress.AlreadyExist
post /v1/customer-gateways "{$RJ,\"IpAddress\":\"127.0.0.1\"}"; t_expect "loopback" 400 InvalidIpAddress.WrongFormat
t_req GET "$B/v1/customer-gateways/$CG1?$R"; t_expect "get customer gateway" 200
t_check "tags from a JSON array" 'b["Tags"]["Tag"]' "[{'Key': 'site', 'Value': 'hq'}]"
t_check "asn" 'b["Asn"]' 65001
t_req GET "$B/v1/customer-gateways?$R&Tag.1.Key=site"; t_expect "list customer gateways" 200
t_check "tag filter, flattened" '[g["CustomerGatewayId"] for g in b["CustomerGateways"]]' "['$CG1']"
t_req GET "$B/v1/customer-gateways/cgw-doesnotexist?$R"; t_expect "customer gateway 404" 404 InvalidCustomerGatewayInstanceId.NotFound
patch "/v1/customer-gateways/$CG2" "{$RJ,\"Description\":\"disaster recovery\",\"AuthKey\":\"k3y\"}"; t_expect "modify customer gateway" 200
t_check "modify answer" '[b["CustomerGatewayId"], b["Description"], b["Name"]]' "['$CG2', 'disaster recovery', 'dr']"
patch "/v1/customer-gateways/$CG2" "{$RJ,\"Name\":\"http://x\"}"; t_expect "bad name" 400 InvalidName

# ---- IPsec connection: tunnel options as nested JSON ----
T1="{\"CustomerGatewayId\":\"$CG1\",\"Role\":\"master\",\"TunnelIkeConfig\":{\"Psk\":\"master!key\",\"IkeVersion\":\"ikev2\",\"IkeLifetime\":3600},\"TunnelIpsecConfig\":{\"IpsecPfs\":\"group14\"},\"TunnelBgpConfig\":{\"TunnelCidr\":\"169.254.20.0/30\",\"LocalBgpIp\":\"169.254.20.1\"}}"
T2="{\"CustomerGatewayId\":\"$CG2\",\"Role\":\"slave\",\"EnableDpd\":false,\"TunnelIkeConfig\":{\"Psk\":\"slave-key\"},\"TunnelBgpConfig\":{\"TunnelCidr\":\"169.254.21.0/30\",\"LocalBgpIp\":\"169.254.21.1\"}}"
VC="\"VpnGatewayId\":\"$GW\",\"LocalSubnet\":\"10.0.0.0/16\",\"RemoteSubnet\":\"192.168.0.0/16\""
post /v1/vpn-connections "{$RJ,$VC,\"CustomerGatewayId\":\"$CG1\"}"; t_expect "single form on a dual-tunnel gateway" 400 MissingTunnelOptionsSpecification
post /v1/vpn-connections "{$RJ,$VC,\"TunnelOptionsSpecification\":[$T1]}"; t_expect "one tunnel" 400 IllegalParam.TunnelOptionsSpecification
post /v1/vpn-connections "{$RJ,$VC,\"TunnelOptionsSpecification\":[$T1,{\"CustomerGatewayId\":\"$CG2\",\"Role\":\"slave\",\"TunnelIkeConfig\":{\"IkeEncAlg\":\"sm4\"}}]}"
t_expect "nested leaf checked" 400 IllegalParam.IkeEncAlg
t_check "names the flattened leaf" 'b["Message"]' 'The specified "TunnelOptionsSpecification.2.TunnelIkeConfig.IkeEncAlg" is invalid.'
post /v1/vpn-connections "{$RJ,$VC,\"TunnelOptionsSpecification\":[$T1,$T2],\"EnableTunnelsBgp\":true,\"DryRun\":true}"; t_expect "dry run" 400 DryRunOperation
t_req GET "$B/v1/vpn-connections?$R"; t_check "refusals created nothing" 'b["TotalCount"]' 0
# RegionId left out: the gateway's region
post /v1/vpn-connections "{$VC,\"Name\":\"to-branch\",\"EnableTunnelsBgp\":true,\"TunnelOptionsSpecification\":[$T1,$T2],\"Tags\":[{\"Key\":\"env\",\"Value\":\"lab\"}]}"
t_expect "create connection" 201
VCO=$(t_json 'b["VpnConnectionId"]')
t_check "create answer" '[b["Name"], b["VpnConnectionId"].startswith("vco-"), b["CreateTime"] > 10**12]' "['to-branch', True, True]"
t_req GET "$B/v1/vpn-gateways/$GW?$R"; t_check "gateway updating meanwhile" 'b["Status"]' updating
PLAIN="[{\"CustomerGatewayId\":\"$CG1\",\"Role\":\"master\"},{\"CustomerGatewayId\":\"$CG2\",\"Role\":\"slave\"}]"
post /v1/vpn-connections "{$RJ,$VC,\"TunnelOptionsSpecification\":$PLAIN}"; t_expect "one change at a time" 400 VpnGateway.Configuring
gw_active "gateway active after the connection"
t_req GET "$B/v1/vpn-connections/$VCO"; t_expect "get connection without RegionId" 200
M='b["TunnelOptionsSpecification"]["TunnelOptions"][0]'; S='b["TunnelOptionsSpecification"]["TunnelOptions"][1]'
t_check "master tunnel from JSON" "[$M[\"Role\"], $M[\"CustomerGatewayId\"], $M[\"TunnelIkeConfig\"][\"Psk\"], $M[\"TunnelIkeConfig\"][\"IkeVersion\"], $M[\"TunnelIkeConfig\"][\"IkeLifetime\"], $M[\"TunnelIpsecConfig\"][\"IpsecPfs\"]]" \
	"['master', '$CG1', 'master!key', 'ikev2', '3600', 'group14']"
t_check "slave tunnel from JSON" "[$S[\"Role\"], $S[\"CustomerGatewayId\"], $S[\"TunnelIkeConfig\"][\"Psk\"], $S[\"EnableDpd\"], $S[\"TunnelBgpConfig\"][\"TunnelCidr\"]]" \
	"['slave', '$CG2', 'slave-key', 'false', '169.254.21.0/30']"
t_check "tunnels bgp" 'b["EnableTunnelsBgp"]' true
t_check "tags" 'b["Tags"]["Tag"]' "[{'Key': 'env', 'Value': 'lab'}]"
TUN1=$(t_json "$M[\"TunnelId\"]")
t_req GET "$B/v1/vpn-connections?$R&CustomerGatewayId=$CG2"; t_expect "list connections" 200
t_check "list flattened (Tag wrapper as the cloud)" '[(c["VpnConnectionId"], c["Tag"]["Tag"][0]["Key"]) for c in b["VpnConnections"]]' "[('$VCO', 'env')]"
t_req GET "$B/v1/vpn-connections/vco-doesnotexist?$R"; t_expect "connection 404" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$B/v1/vpn-gateways/$GW/route-entries?$R"; t_expect "auto route" 200
t_check "route per remote subnet" '[(e["RouteDest"], e["NextHop"], e["State"]) for e in b["VpnRouteEntries"]]' "[('192.168.0.0/16', '$VCO', 'published')]"
patch "/v1/vpn-connections/$VCO" "{\"Name\":\"renamed\",\"RemoteSubnet\":\"192.168.0.0/16,172.31.0.0/16\",\"AutoConfigRoute\":true,\"TunnelOptionsSpecification\":[{\"TunnelId\":\"$TUN1\",\"TunnelIkeConfig\":{\"IkeEncAlg\":\"aes256\"}}]}"
t_expect "modify connection" 200
t_check "whole connection answered, typed" "[b[\"Name\"], $M[\"TunnelIkeConfig\"][\"IkeEncAlg\"], $M[\"TunnelIkeConfig\"][\"IkeLifetime\"], $M[\"EnableDpd\"]]" "['renamed', 'aes256', 3600, True]"
gw_active "gateway active after the modify"
patch "/v1/vpn-connections/$VCO" "{\"TunnelOptionsSpecification\":[{\"TunnelId\":\"tun-doesnotexist\",\"EnableDpd\":false}]}"
t_expect "unknown tunnel" 404 InvalidTunnelId.NotFound
t_req GET "$B/v1/vpn-gateways/$GW/route-entries?$R"
t_check "route for the new CIDR" 'sorted(e["RouteDest"] for e in b["VpnRouteEntries"])' "['172.31.0.0/16', '192.168.0.0/16']"

# ---- an unbound connection: JSON-typed parameters as JSON objects ----
AT="$RJ,\"CustomerGatewayId\":\"$CG1\",\"LocalSubnet\":\"10.8.0.0/16\",\"RemoteSubnet\":\"172.16.0.0/12\""
post /v1/vpn-attachments "{$AT,\"IkeConfig\":{\"IkeVersion\":\"ikev2\",\"IkeLifetime\":3600,\"Psk\":\"att-key\"},\"IpsecConfig\":{\"IpsecPfs\":\"disabled\"},\"HealthCheckConfig\":{\"enable\":true,\"dip\":\"172.16.0.1\",\"sip\":\"10.8.0.1\"},\"BgpConfig\":{\"EnableBgp\":true,\"TunnelCidr\":\"169.254.10.0/30\",\"LocalBgpIp\":\"169.254.10.1\"}}"
t_expect "attachment" 201
ATT=$(t_json 'b["VpnConnectionId"]')
t_check "task fields" '[b["Code"], b["Message"], b["Success"]]' "['200', 'successful', True]"
t_req GET "$B/v1/vpn-connections/$ATT?$R"; t_expect "get attachment" 200
t_check "unbound" '[b["State"], b["AttachType"], b["VpnGatewayId"]]' "['init', 'NO_ASSOCIATED', '']"
t_check "ike from a JSON object" '[b["IkeConfig"]["IkeVersion"], b["IkeConfig"]["IkeLifetime"], b["IkeConfig"]["Psk"]]' "['ikev2', 3600, 'att-key']"
t_check "ipsec, health check, bgp from JSON objects" '[b["IpsecConfig"]["IpsecPfs"], b["VcoHealthCheck"]["Enable"], b["VcoHealthCheck"]["Dip"], b["VpnBgpConfig"]["EnableBgp"], b["VpnBgpConfig"]["PeerBgpIp"]]' \
	"['disabled', 'true', '172.16.0.1', 'true', '169.254.10.2']"
post /v1/vpn-attachments "{$AT,\"IkeConfig\":{\"IkeMode\":\"fast\"}}"; t_expect "JSON object checked" 400 IllegalParam.IkeMode
post /v1/vpn-attachments "{$AT,\"IkeConfig\":[1,2]}"; t_expect "JSON array is no IKE object" 400 InvalidIkeConfig
patch "/v1/vpn-connections/$ATT" '{"IkeConfig":"{\"IkeMode\":\"aggressive\"}"}'; t_expect "JSON text works too" 200
t_check "merged" '[b["IkeConfig"]["IkeMode"], b["IkeConfig"]["IkeVersion"]]' "['aggressive', 'ikev2']"
t_req PUT "$B/v1/vpn-attachments"; t_expect "attachments: create and list" 405 UnsupportedHTTPMethod
allow PUT /v1/vpn-attachments "POST, GET"

# ---- the customer device's settings, log lines, the lab swanctl.conf (read-only sub-resources) ----
t_req GET "$B/v1/vpn-connections/$VCO?$R"; TUN2=$(t_json "$S[\"TunnelId\"]")
CFG="/v1/vpn-connections/$VCO/config"
# the path's id wins over one in the query
t_req GET "$B$CFG?$R&VpnConnectionId=vco-doesnotexist"; t_expect "config" 200
t_check "config: dual-tunnel keys" 'sorted(b["VpnConnectionConfig"])' "['BgpConfigs', 'LocalSubnet', 'RemoteSubnet', 'TunnelsConfig']"
t_check "config: the customer's side" '[b["VpnConnectionConfig"][k] for k in ("LocalSubnet", "RemoteSubnet")] + [t["Local"] for t in b["VpnConnectionConfig"]["TunnelsConfig"]["TunnelConfig"]]' \
	"['192.168.0.0/16,172.31.0.0/16', '10.0.0.0/16', '203.0.113.10', '203.0.113.11']"
t_check "config: master first, lifetimes as numbers" '[(t["TunnelId"], t["IkeConfig"]["IkeLifetime"]) for t in b["VpnConnectionConfig"]["TunnelsConfig"]["TunnelConfig"]][0]' "('$TUN1', 3600)"
t_check "config: bgp per tunnel, as text" '[(g["TunnelId"] == "'"$TUN1"'", g["LocalAsn"], g["PeerBgpIp"]) for g in b["VpnConnectionConfig"]["BgpConfigs"]["BgpConfig"]]' \
	"[(True, '65001', '169.254.20.1'), (False, '', '169.254.21.1')]"
t_req GET "$B/v1/vpn-connections/$ATT/config"; t_expect "config of the unbound connection" 200
t_check "config: single-tunnel, no gateway address yet" '[b["VpnConnectionConfig"][k] for k in ("Local", "Remote")] + ["TunnelsConfig" in b["VpnConnectionConfig"]]' "['203.0.113.10', '', False]"
t_req GET "$B/v1/vpn-connections/vco-doesnotexist/config?$R"; t_expect "config 404" 404 InvalidVpnConnectionInstanceId.NotFound
t_req POST "$B$CFG" -H "$J" -d "{$RJ}"; t_expect "config: read only" 405 UnsupportedHTTPMethod
allow PATCH "$CFG" GET
LOGS="/v1/vpn-connections/$VCO/logs"
t_req GET "$B$LOGS?$R&MinutePeriod=10"; t_expect "logs" 200
t_check "logs: none without a data plane" '[b["Count"], b["IsCompleted"], b["PageNumber"], b["PageSize"], b["Data"]]' "[0, True, 1, 10, {'Logs': []}]"
t_req GET "$B$LOGS?$R"; t_expect "logs need a window" 400 MissingMinutePeriod
t_req GET "$B$LOGS?From=1671004344&To=1671003744"; t_expect "logs: from after to" 400 IllegalParam.To
t_req GET "$B$LOGS?MinutePeriod=1&TunnelId=tun-doesnotexist"; t_expect "logs: unknown tunnel" 404 InvalidTunnelId.NotFound
t_req GET "$B$LOGS?MinutePeriod=1&PageSize=51"; t_expect "logs: page size" 400 InvalidPageSize
SWAN="/v1/lab/vpn-connections/$VCO/customer-swanctl-conf"
t_req GET "$B$SWAN"; t_expect "lab swanctl.conf" 200
t_check "swanctl: answer keys" 'sorted(b)' "['RequestId', 'SwanctlConf', 'VpnConnectionId']"
t_check "swanctl: one connection per tunnel, master first" '[l.strip() for l in b["SwanctlConf"].split("\n") if l.startswith("    tun-")]' "['$TUN1 {', '$TUN2 {']"
t_check "swanctl: the customer's addresses" '[l.strip() for l in b["SwanctlConf"].split("\n") if "local_addrs" in l]' "['local_addrs = 203.0.113.10', 'local_addrs = 203.0.113.11']"
t_req GET "$B/v1/lab/vpn-connections/$ATT/customer-swanctl-conf?$R"; t_expect "swanctl: no gateway address yet" 400 IncorrectStatus.VpnConnection
t_req GET "$B/v1/lab/vpn-connections/vco-doesnotexist/customer-swanctl-conf?$R"; t_expect "swanctl 404" 404 InvalidVpnConnectionInstanceId.NotFound
t_req GET "$B/v1/vpn-connections/$VCO/customer-swanctl-conf"; t_expect "the extension only under /v1/lab" 404 InvalidApi.NotFound
allow DELETE "$SWAN" GET

# ---- destination-based routes ----
RT="/v1/vpn-gateways/$GW/route-entries"
KEY="\"RouteDest\":\"10.10.0.0/16\",\"NextHop\":\"$VCO\""
post "$RT" "{$RJ,$KEY,\"Weight\":50,\"PublishVpc\":true}"; t_expect "weight 0|100" 400 InvalidWeight
post "$RT" "{$RJ,$KEY,\"Weight\":100}"; t_expect "publish flag" 400 MissingPublishVpc
post "$RT" "{$RJ,\"RouteDest\":\"10.10.0.0/16\",\"NextHop\":\"vco-doesnotexist\",\"Weight\":100,\"PublishVpc\":true}"; t_expect "unknown next hop" 404 InvalidVpnConnectionInstanceId.NotFound
post "/v1/vpn-gateways/vpn-doesnotexist/route-entries" "{$RJ,$KEY,\"Weight\":100,\"PublishVpc\":true}"; t_expect "unknown gateway" 404 InvalidVpnGatewayInstanceId.NotFound
post "$RT" "{$RJ,$KEY,\"Weight\":100,\"PublishVpc\":true,\"DryRun\":true}"; t_expect "dry run" 400 DryRunOperation
post "$RT" "{$RJ,$KEY,\"Weight\":100,\"PublishVpc\":true,\"Description\":\"to hq\"}"; t_expect "create route" 201
t_check "create answer" '[b["VpnInstanceId"], b["RouteDest"], b["NextHop"], b["State"], b["Description"], b["OverlayMode"]]' \
	"['$GW', '10.10.0.0/16', '$VCO', 'published', 'to hq', 'Ipsec']"
t_req GET "$B$RT?$R"; t_check "pending while applied" "[e['State'] for e in b['VpnRouteEntries'] if e['RouteDest']=='10.10.0.0/16']" "['pending']"
t_req DELETE "$B$RT?$R&RouteDest=10.10.0.0/16&NextHop=$VCO&Weight=100"; t_expect "delete while pending" 400 VpnRouteEntry.Configuring
gw_active "gateway active after the route"
post "$RT" "{$RJ,$KEY,\"Weight\":100,\"PublishVpc\":false}"; t_expect "duplicate" 400 VpnRouteEntry.AlreadyExists
t_req GET "$B$RT?$R&PageSize=2&PageNumber=1"; t_expect "list routes" 200
t_check "page" '[b["TotalCount"], len(b["VpnRouteEntries"]), b["VpnRouteCounts"]["VpnRouteCount"][0]["RouteCount"]]' "[3, 2, 3]"
t_req GET "$B$RT?$R&RouteEntryType=system"; t_expect "entry type" 400 InvalidRouteEntryType
patch "$RT/weight" "{$RJ,$KEY,\"Weight\":0,\"NewWeight\":100}"; t_expect "weight: wrong current weight" 404 InvalidRouteEntry.NotFound
patch "$RT/weight" "{$RJ,$KEY,\"Weight\":100,\"NewWeight\":0}"; t_expect "weight" 200
gw_active "gateway active after the weight"
# the publish route fixes RouteType=dbr: a pbr in the body is overridden
post "$RT/publish" "{$RJ,$KEY,\"RouteType\":\"pbr\",\"PublishVpc\":false}"; t_expect "withdraw (RouteType fixed)" 200
t_check "answer" '",".join(sorted(b.keys()))' RequestId
wait_for "route withdrawn" "$RT?$R" "[e['State'] for e in b['VpnRouteEntries'] if e['RouteDest']=='10.10.0.0/16'][0]" normal
gw_active "gateway active after the withdraw"
post "$RT/publish" "{$RJ,\"RouteDest\":\"10.99.0.0/16\",\"NextHop\":\"$VCO\",\"PublishVpc\":true}"; t_expect "publish unknown" 404 InvalidRouteEntry.NotFound
t_req GET "$B$RT/publish"; t_expect "publish: POST only" 405 UnsupportedHTTPMethod
allow GET "$RT/publish" POST
allow PUT "$RT" "GET, POST, DELETE"
allow GET "$RT/weight" PATCH
t_req GET "$B$RT/nothing"; t_expect "unknown sub-path" 404 InvalidApi.NotFound
# delete: key fields in the query string, then in a JSON body
t_req DELETE "$B$RT?$R&RouteDest=10.10.0.0/16&NextHop=$VCO"; t_expect "delete needs the weight" 400 MissingWeight
t_req DELETE "$B$RT?$R&RouteDest=10.10.0.0/16&NextHop=$VCO&Weight=100"; t_expect "delete by query" 200
gw_active "gateway active after the delete"
post "$RT" "{$RJ,\"RouteDest\":\"10.11.0.0/16\",\"NextHop\":\"$VCO\",\"Weight\":100,\"PublishVpc\":false}"; t_expect "second route" 201
gw_active "gateway active after the second route"
delete_json "$RT" "{$RJ,\"RouteDest\":\"10.11.0.0/16\",\"NextHop\":\"$VCO\",\"Weight\":100}"; t_expect "delete by body" 200
gw_active "gateway active after the body delete"
t_req GET "$B$RT?$R"; t_check "only the auto routes left" 'sorted(e["RouteDest"] for e in b["VpnRouteEntries"])' "['172.31.0.0/16', '192.168.0.0/16']"
delete_json "$RT" "{$RJ,\"RouteDest\":\"10.11.0.0/16\",\"NextHop\":\"$VCO\",\"Weight\":100}"; t_expect "delete again" 404 InvalidRouteEntry.NotFound

# ---- policy-based routes ----
PR="/v1/vpn-gateways/$GW/pbr-route-entries"
PKEY="\"RouteSource\":\"10.0.0.0/16\",\"RouteDest\":\"10.20.0.0/16\",\"NextHop\":\"$VCO\",\"Weight\":100"
post "$PR" "{$RJ,\"RouteDest\":\"10.20.0.0/16\",\"NextHop\":\"$VCO\",\"Weight\":100,\"PublishVpc\":true}"; t_expect "pbr needs a source" 400 MissingRouteSource
post "$PR" "{$RJ,$PKEY,\"PublishVpc\":true,\"Priority\":101}"; t_expect "pbr priority" 400 InvalidPriority
post "$PR" "{$RJ,$PKEY,\"PublishVpc\":true,\"Priority\":5}"; t_expect "create pbr" 201
t_check "pbr answer" '[b["RouteSource"], b["RouteDest"], b["Priority"], b["State"]]' "['10.0.0.0/16', '10.20.0.0/16', 5, 'published']"
gw_active "gateway active after the pbr"
t_req GET "$B$PR?$R"; t_expect "list pbr" 200
t_check "pbr list flattened" '[(e["RouteSource"], e["Priority"], e["State"]) for e in b["VpnPbrRouteEntries"]]' "[('10.0.0.0/16', 5, 'published')]"
t_req GET "$B$RT?$R"; t_check "destination routes apart" 'b["TotalCount"]' 2
patch "$PR/priority" "{$RJ,$PKEY,\"Priority\":7,\"NewPriority\":3}"; t_expect "priority mismatch" 404 InvalidRouteEntry.NotFound
patch "$PR/priority" "{$RJ,$PKEY,\"NewPriority\":3}"; t_expect "priority" 200
gw_active "gateway active after the priority"
patch "$PR/weight" "{$RJ,$PKEY,\"NewWeight\":1}"; t_expect "new weight 0|100" 400 InvalidNewWeight
patch "$PR/weight" "{$RJ,$PKEY,\"Priority\":3,\"NewWeight\":0}"; t_expect "pbr weight" 200
gw_active "gateway active after the pbr weight"
# RouteType fixed to pbr: withdraws the policy route, not a destination route
post "$PR/publish" "{$RJ,\"RouteDest\":\"10.20.0.0/16\",\"NextHop\":\"$VCO\",\"RouteType\":\"dbr\",\"PublishVpc\":false}"; t_expect "pbr withdraw" 200
wait_for "pbr withdrawn" "$PR?$R" '[e["State"] for e in b["VpnPbrRouteEntries"]]' "['normal']"
gw_active "gateway active after the pbr withdraw"
t_req GET "$B$PR?$R"; t_check "pbr priority changed" '[e["Priority"] for e in b["VpnPbrRouteEntries"]]' "[3]"
allow PUT "$PR" "GET, POST, DELETE"
allow POST "$PR/priority" PATCH
t_req DELETE "$B$PR?$R&RouteSource=10.0.0.0/16&RouteDest=10.20.0.0/16&NextHop=$VCO&Weight=100&Priority=10"; t_expect "pbr delete: old priority" 404 InvalidRouteEntry.NotFound
delete_json "$PR" "{$RJ,$PKEY,\"Priority\":3}"; t_expect "pbr delete by body" 200
gw_active "gateway active after the pbr delete"
t_req GET "$B$PR?$R"; t_check "no pbr left" 'b["TotalCount"]' 0

# ---- log lines from the data plane, served through REST ----
# written into the store while the server is stopped, as the data plane would
t_stop_server "$T_LAST_PID"
NOW=$(date +%s)
python3 - "$T_TMP/rest_vpn.db" "$VCO" "$TUN1" "$TUN2" "$NOW" <<'PY'
import sqlite3, sys
db, vco, t1, t2, now = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
c = sqlite3.connect(db)
rows = [(t1, now - 120, "a1"), (t2, now - 90, "b1"), (t1, now - 60, "a2"), (t2, now - 30, "b2")]
c.executemany("INSERT INTO vpn_connection_logs (vpn_connection_id, tunnel_id, time_ms, line) VALUES (?,?,?,?)",
              [(vco, t, s * 1000, "2026-11-28 00:00:00 %s [DEBUG]: %s" % (vco, l)) for t, s, l in rows])
c.commit()
PY
t_start_server "$BIN" "$PORT" "$T_TMP/rest_vpn.db" --transition-delay-ms "$T_HOLD_MS" --log off || exit 1
lines='[l.rsplit(" ", 1)[1] for l in b["Data"]["Logs"]]'
t_req GET "$B$LOGS?MinutePeriod=10"; t_expect "logs after the data plane" 200
t_check "logs: both tunnels, oldest first" "[$lines, b['Count']]" "[['a1', 'b1', 'a2', 'b2'], 4]"
t_req GET "$B$LOGS?$R&MinutePeriod=10&TunnelId=$TUN2"; t_check "logs: one tunnel" "$lines" "['b1', 'b2']"
t_req GET "$B$LOGS?From=$((NOW - 100))&To=$((NOW - 60))"; t_check "logs: from and to" "$lines" "['b1', 'a2']"
t_req GET "$B$LOGS?To=$((NOW - 90))&MinutePeriod=1"; t_check "logs: to and period" "$lines" "['a1', 'b1']"
t_req GET "$B$LOGS?MinutePeriod=10&PageSize=3&PageNumber=2"; t_check "logs: second page" "[$lines, b['Count'], b['PageNumber'], b['PageSize']]" "[['b2'], 1, 2, 3]"
gw_active "gateway active after the restart"

# ---- REST reads like REST: an id finds its region, a list without RegionId spans every region ----
O='AccessKeyId=1234567890123456' # another account (a 16-digit key names one in open mode)
post /v1/vpcs '{"RegionId":"cn-beijing","CidrBlock":"10.50.0.0/16","VpcName":"bj"}'; t_expect "vpc in a second region" 201
VPC2=$(t_json 'b["VpcId"]')
wait_for "second vpc available" "/v1/vpcs/$VPC2" 'b["Status"]' Available
post /v1/vswitches "{\"VpcId\":\"$VPC2\",\"ZoneId\":\"cn-beijing-a\",\"CidrBlock\":\"10.50.1.0/24\"}"; t_expect "vswitch: region from its VPC" 201
VSW2=$(t_json 'b["VSwitchId"]')
wait_for "second vswitch available" "/v1/vswitches/$VSW2" 'b["Status"]' Available
post /v1/customer-gateways '{"RegionId":"cn-beijing","IpAddress":"203.0.113.50","Name":"bj"}'; t_expect "customer gateway in beijing" 201
CG3=$(t_json 'b["CustomerGatewayId"]')
for kind in "vpcs/$VPC:cn-hangzhou" "vpcs/$VPC2:cn-beijing" "vswitches/$VSH:cn-hangzhou" "vswitches/$VSW2:cn-beijing" \
	"vpn-gateways/$GW:cn-hangzhou" "customer-gateways/$CG1:cn-hangzhou" "customer-gateways/$CG3:cn-beijing" \
	"vpn-connections/$VCO:cn-hangzhou"; do
	t_req GET "$B/v1/${kind%:*}"; t_expect "GET /v1/${kind%%/*} without RegionId" 200
	t_check "${kind%%/*}: its own region" 'b.get("RegionId", "")' "${kind#*:}"
	t_req GET "$B/v1/${kind%:*}?$O"; t_expect "GET /v1/${kind%%/*}: another account's id" 404
done
patch "/v1/vpcs/$VPC2" '{"Description":"beijing"}'; t_expect "PATCH vpc without RegionId" 200
patch "/v1/vswitches/$VSW2" '{"VSwitchName":"bj-a"}'; t_expect "PATCH vswitch without RegionId" 200
patch "/v1/vpn-gateways/$GW" '{"Description":"no region"}'; t_expect "PATCH gateway without RegionId" 200
patch "/v1/customer-gateways/$CG3" '{"Description":"beijing"}'; t_expect "PATCH customer gateway without RegionId" 200
patch "/v1/vpn-connections/$VCO" '{"Name":"no-region"}'; t_expect "PATCH connection without RegionId" 200
gw_active "gateway active after the connection PATCH"
patch "/v1/vpcs/$VPC2?$O" '{"Description":"theirs"}'; t_expect "PATCH another account's vpc" 404 InvalidVpcId.NotFound
patch "/v1/vpn-gateways/$GW?$O" '{"Description":"theirs"}'; t_expect "PATCH another account's gateway" 404 InvalidVpnGatewayInstanceId.NotFound
t_req DELETE "$B/v1/customer-gateways/$CG3?$O"; t_expect "DELETE another account's customer gateway" 404 InvalidCustomerGatewayInstanceId.NotFound
t_req DELETE "$B/v1/vswitches/$VSW2?$O"; t_expect "DELETE another account's vswitch" 404 InvalidVSwitchId.NotFound
t_req GET "$B/v1/vpcs/$VPC2"; t_check "changes kept" '[b["Description"], b["VpcName"]]' "['beijing', 'bj']"
t_req GET "$B/v1/vpn-gateways/$GW"; t_check "gateway changed" 'b["Description"]' "no region"
t_req GET "$B/v1/vpcs/vpc-doesnotexist"; t_expect "unknown vpc, no RegionId" 404 InvalidVpcId.NotFound
t_req GET "$B/v1/vpn-gateways/vpn-doesnotexist"; t_expect "unknown gateway, no RegionId" 404 InvalidVpnGatewayInstanceId.NotFound
t_req GET "$B/v1/vpn-gateways/$GW/route-entries"; t_expect "a gateway's routes without RegionId" 200
t_check "routes listed" 'b["TotalCount"]' 2
# lists: every region, RegionId on each item, paged over the whole
t_req GET "$B/v1/vpcs"; t_expect "vpcs of every region" 200
t_check "both regions" '[b["TotalCount"], sorted(v["RegionId"] for v in b["Vpcs"])]' "[2, ['cn-beijing', 'cn-hangzhou']]"
t_check "no answer-wide region" '"RegionId" in b' false
t_req GET "$B/v1/vpcs?PageSize=1&PageNumber=1"; P1=$(t_json '[b["TotalCount"], len(b["Vpcs"]), b["Vpcs"][0]["VpcId"]]')
t_req GET "$B/v1/vpcs?PageSize=1&PageNumber=2"; P2=$(t_json '[b["TotalCount"], len(b["Vpcs"]), b["Vpcs"][0]["VpcId"]]')
t_req GET "$B/v1/vpcs?PageSize=1&PageNumber=3"; t_check "past the last page" '[b["TotalCount"], b["Vpcs"]]' "[2, []]"
[ "$P1" != "$P2" ] && t_ok || t_bad "pages differ: $P1 / $P2"
case "$P1$P2" in *"$VPC'"*"$VPC2'"* | *"$VPC2'"*"$VPC'"*) t_ok ;; *) t_bad "two pages hold both VPCs: $P1 / $P2" ;; esac
t_req GET "$B/v1/vpcs?$R"; t_check "RegionId still filters" '[v["VpcId"] for v in b["Vpcs"]]' "['$VPC']"
t_req GET "$B/v1/vswitches"; t_check "vswitches of every region, with RegionId" 'sorted((s["VSwitchId"], s["RegionId"]) for s in b["VSwitches"] if s["VSwitchId"] in ("'"$VSH"'", "'"$VSW2"'"))' \
	"$(python3 -c "print(sorted([('$VSH', 'cn-hangzhou'), ('$VSW2', 'cn-beijing')]))")"
t_req GET "$B/v1/customer-gateways"; t_check "customer gateways of every region" '[b["TotalCount"], sorted(g["RegionId"] for g in b["CustomerGateways"])]' "[3, ['cn-beijing', 'cn-hangzhou', 'cn-hangzhou']]"
t_req GET "$B/v1/vpn-gateways"; t_check "gateways of every region" '[(g["VpnGatewayId"], g["RegionId"]) for g in b["VpnGateways"]]' "[('$GW', 'cn-hangzhou')]"
t_req GET "$B/v1/vpn-connections"; t_check "connections of every region" 'sorted(c["VpnConnectionId"] for c in b["VpnConnections"])' "$(python3 -c "print(sorted(['$VCO', '$ATT']))")"
t_req GET "$B/v1/vpcs?$O"; t_check "another account lists nothing" '[b["TotalCount"], b["Vpcs"]]' "[0, []]"
t_req GET "$B/v1/vpcs?PageSize=51"; t_expect "paging still checked" 400 InvalidPageSize
t_req GET "$B/v1/vpn-gateway-zones?Spec=10M"; t_expect "zones of every region" 200
t_check "zones carry their region" 'all(z["RegionId"] and z["ZoneId"].startswith(z["RegionId"]) for z in b["AvailableZoneIdList"]) and {"cn-hangzhou", "cn-beijing"} <= {z["RegionId"] for z in b["AvailableZoneIdList"]}' true
t_req DELETE "$B/v1/customer-gateways/$CG3"; t_expect "DELETE customer gateway without RegionId" 200
t_req DELETE "$B/v1/vswitches/$VSW2"; t_expect "DELETE vswitch without RegionId" 200
wait_for "second vpc without vswitches" "/v1/vpcs/$VPC2" 'b["VSwitchIds"]["VSwitchId"]' "[]"
t_req DELETE "$B/v1/vpcs/$VPC2"; t_expect "DELETE vpc without RegionId" 200
t_req GET "$B/v1/vpcs/$VPC2"; t_expect "deleted" 404 InvalidVpcId.NotFound

# ---- teardown, refusals first ----
t_req DELETE "$B/v1/customer-gateways/$CG1?$R"; t_expect "customer gateway in use" 400 DependencyViolation.VpnConnection
t_req DELETE "$B/v1/vpn-gateways/$GW?$R"; t_expect "gateway with a connection" 400 DependencyViolation.VpnConnection
t_req DELETE "$B/v1/vswitches/$VSH?$R"; t_expect "vswitch of the gateway" 400 DependencyViolation
t_req DELETE "$B/v1/vpcs/$VPC?$R"; t_expect "vpc with vswitches" 400 DependencyViolation.VSwitch
t_req GET "$B/v1/vpn-connections/$VCO?$R"; t_expect "refusals changed nothing" 200
t_req DELETE "$B/v1/vpn-connections/$VCO"; t_expect "delete connection (region from it)" 200
t_req GET "$B/v1/vpn-gateways/$GW?$R"; t_check "gateway updating" 'b["Status"]' updating
t_req DELETE "$B/v1/vpn-gateways/$GW?$R"; t_expect "gateway busy" 400 VpnGateway.Configuring
t_req GET "$B$RT?$R"; t_check "routes went with the connection" 'b["TotalCount"]' 0
t_req DELETE "$B/v1/vpn-connections/$VCO?$R"; t_expect "connection gone" 404 InvalidVpnConnectionInstanceId.NotFound
t_req DELETE "$B/v1/vpn-connections/$ATT?$R"; t_expect "delete attachment" 200
t_req DELETE "$B/v1/customer-gateways/$CG1?$R"; t_expect "delete customer gateway 1" 200
t_req DELETE "$B/v1/customer-gateways/$CG2?$R"; t_expect "delete customer gateway 2" 200
t_req GET "$B/v1/customer-gateways/$CG1?$R"; t_expect "customer gateway gone" 404 InvalidCustomerGatewayInstanceId.NotFound
gw_active "gateway active after the last connection"
t_req DELETE "$B/v1/vpn-gateways/$GW?$R"; t_expect "delete gateway" 200
t_req GET "$B/v1/vpn-gateways/$GW?$R"; t_expect "gateway gone" 404 InvalidVpnGatewayInstanceId.NotFound
t_req DELETE "$B/v1/vpn-gateways/$GW?$R"; t_expect "delete again" 404 InvalidVpnGatewayInstanceId.NotFound
t_req DELETE "$B/v1/vswitches/$VSH?$R"; t_expect "vswitch h free" 200
t_req DELETE "$B/v1/vswitches/$VSI?$R"; t_expect "vswitch i free" 200
wait_for "vpc without vswitches" "/v1/vpcs/$VPC?$R" 'b["VSwitchIds"]["VSwitchId"]' "[]"
t_req DELETE "$B/v1/vpcs/$VPC?$R"; t_expect "delete vpc" 200
t_req GET "$B/v1/vpn-gateways?$R"; t_check "nothing left" '[b["TotalCount"], b["VpnGateways"]]' "[0, []]"

t_req GET "$B/healthz"; [ "$T_STATUS" = 200 ] && t_ok || t_bad "server alive"
# the ASan/UBSan build reports to the server's output
if grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$T_TMP/server-$PORT.log"; then
	t_bad "sanitizer report: $(grep -m1 -E 'runtime error|AddressSanitizer|LeakSanitizer' "$T_TMP/server-$PORT.log")"
else
	t_ok
fi
t_summary "rest_vpn"
