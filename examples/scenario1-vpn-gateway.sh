#!/bin/sh
# Seed scenario 1: connect to a VPC by IPsec-VPN, with curl on the REST front door.
#
#   VPC 10.0.0.0/16                                         branch office 192.168.10.0/24
#     vSwitch A (1st zone) 10.0.1.0/24 ── host              device 1 (customer gateway 1) ─┐
#     vSwitch B (2nd zone) 10.0.2.0/24                      device 2 (customer gateway 2) ─┤── host
#     VPN gateway: master endpoint in zone 1 ══ tunnel 1 ══ device 1                       │
#                  slave endpoint in zone 2  ══ tunnel 2 ══ device 2 ───────────────────────┘
#
# Makes the VPC, two vSwitches in two zones, a dual-tunnel VPN gateway, two customer gateways,
# a dual-tunnel IPsec connection and a route to the branch; then, with the lab extension, a
# branch site with two gateway devices and a host on each side.  Waits until both tunnels are
# established, sends a probe through the tunnel, cuts the master tunnel and probes until
# traffic flows again through the slave (prints the loss window), restores it.
# Needs a data plane: `make run` as root, or `make lab`.  examples/teardown.sh removes it all.
# Environment: VPNLAB_ENDPOINT (127.0.0.1:8080), VPNLAB_REGION (cn-hangzhou),
# VPNLAB_EXAMPLES_STATE (see common.sh), VPNLAB_CGW_IPS ("203.0.113.11 203.0.113.12": the
# branch devices' public addresses), VPNLAB_LAN (192.168.10.0/24).
. "$(dirname "$0")/common.sh"
set -- ${VPNLAB_CGW_IPS:-203.0.113.11 203.0.113.12}
CGW_IP1=$1 CGW_IP2=$2
LAN=${VPNLAB_LAN:-192.168.10.0/24}
echo "vpnlab at $BASE, region $REGION; ids listed in $STATE"

step "zones of $REGION (DescribeZones): the first two carry the gateway's two endpoints"
api GET "/v1/zones?RegionId=$REGION"
ZONE1=$(field '.Zones[0].ZoneId')
ZONE2=$(field '.Zones[1].ZoneId')
note "$ZONE1, $ZONE2"

step "VPC 10.0.0.0/16"
api POST /v1/vpcs "$(jq -nc --arg r "$REGION" '{RegionId: $r, CidrBlock: "10.0.0.0/16", VpcName: "example-vpn"}')"
VPC=$(field .VpcId)
made vpc "$VPC"
wait_until "VPC Available" 60 status_is "/v1/vpcs/$VPC" .Status Available

step "two vSwitches, one per zone"
api POST /v1/vswitches "$(jq -nc --arg r "$REGION" --arg v "$VPC" --arg z "$ZONE1" \
	'{RegionId: $r, VpcId: $v, ZoneId: $z, CidrBlock: "10.0.1.0/24", VSwitchName: "example-a"}')"
VSW1=$(field .VSwitchId)
made vswitch "$VSW1"
api POST /v1/vswitches "$(jq -nc --arg r "$REGION" --arg v "$VPC" --arg z "$ZONE2" \
	'{RegionId: $r, VpcId: $v, ZoneId: $z, CidrBlock: "10.0.2.0/24", VSwitchName: "example-b"}')"
VSW2=$(field .VSwitchId)
made vswitch "$VSW2"
wait_until "vSwitch A Available" 60 status_is "/v1/vswitches/$VSW1" .Status Available
wait_until "vSwitch B Available" 60 status_is "/v1/vswitches/$VSW2" .Status Available

step "VPN gateway: master endpoint in $ZONE1 (VSwitchId), slave in $ZONE2 (DisasterRecoveryVSwitchId)"
api POST /v1/vpn-gateways "$(jq -nc --arg r "$REGION" --arg v "$VPC" --arg a "$VSW1" --arg b "$VSW2" \
	'{RegionId: $r, VpcId: $v, VSwitchId: $a, DisasterRecoveryVSwitchId: $b, Bandwidth: 10, EnableIpsec: true, Name: "example-gw"}')"
GW=$(field .VpnGatewayId)
made vpn-gateway "$GW"
wait_until "gateway active" 60 status_is "/v1/vpn-gateways/$GW" .Status active
note "public addresses: $(field .InternetIp) (master), $(field .DisasterRecoveryInternetIp) (slave)"

step "two customer gateways: the branch's two devices"
api POST /v1/customer-gateways "$(jq -nc --arg r "$REGION" --arg ip "$CGW_IP1" '{RegionId: $r, IpAddress: $ip, Name: "example-branch-1"}')"
CGW1=$(field .CustomerGatewayId)
made customer-gateway "$CGW1"
api POST /v1/customer-gateways "$(jq -nc --arg r "$REGION" --arg ip "$CGW_IP2" '{RegionId: $r, IpAddress: $ip, Name: "example-branch-2"}')"
CGW2=$(field .CustomerGatewayId)
made customer-gateway "$CGW2"

step "dual-tunnel IPsec connection: tunnel 1 (master) to device 1, tunnel 2 (slave) to device 2"
api POST /v1/vpn-connections "$(jq -nc --arg r "$REGION" --arg g "$GW" --arg c1 "$CGW1" --arg c2 "$CGW2" --arg lan "$LAN" '{
	RegionId: $r, VpnGatewayId: $g, Name: "example-branch", LocalSubnet: "10.0.0.0/16", RemoteSubnet: $lan,
	EffectImmediately: true, AutoConfigRoute: false,
	TunnelOptionsSpecification: [
		{CustomerGatewayId: $c1, Role: "master", EnableDpd: true, TunnelIkeConfig: {Psk: "example-psk-1", IkeVersion: "ikev2"}},
		{CustomerGatewayId: $c2, Role: "slave", EnableDpd: true, TunnelIkeConfig: {Psk: "example-psk-2", IkeVersion: "ikev2"}}]}')"
VCO=$(field .VpnConnectionId)
made vpn-connection "$VCO"
wait_until "gateway active again" 60 status_is "/v1/vpn-gateways/$GW" .Status active

step "destination route: $LAN through the connection, published to the VPC"
api POST "/v1/vpn-gateways/$GW/route-entries" "$(jq -nc --arg r "$REGION" --arg n "$VCO" --arg lan "$LAN" \
	'{RegionId: $r, RouteDest: $lan, NextHop: $n, Weight: 100, PublishVpc: true, Description: "example branch"}')"
made vpn-route "$GW" "$LAN" "$VCO" 100
wait_until "gateway active again" 60 status_is "/v1/vpn-gateways/$GW" .Status active

step "lab: the branch office (one device per customer gateway) and a host on each side"
api POST /v1/lab/sites "$(jq -nc --arg r "$REGION" --arg c1 "$CGW1" --arg c2 "$CGW2" --arg lan "$LAN" \
	'{RegionId: $r, CustomerGatewayIds: [$c1, $c2], LanCidr: $lan}')"
SITE=$(field .SiteId)
made site "$SITE"
api POST /v1/lab/hosts "$(jq -nc --arg r "$REGION" --arg v "$VSW1" '{RegionId: $r, VSwitchId: $v}')"
VPC_HOST=$(field .HostId)
VPC_HOST_IP=$(field .IpAddress)
made host "$VPC_HOST"
note "VPC host address: $VPC_HOST_IP"
api POST /v1/lab/hosts "$(jq -nc --arg r "$REGION" --arg s "$SITE" '{RegionId: $r, SiteId: $s}')"
SITE_HOST=$(field .HostId)
SITE_HOST_IP=$(field .IpAddress)
made host "$SITE_HOST"
note "branch host address: $SITE_HOST_IP"

step "both tunnels negotiate (IKE_SA and CHILD_SA through real charons)"
tunnels_up() {
	api GET "/v1/vpn-connections/$VCO"
	printf '%s' "$R" | jq -e '.Status == "ipsec_sa_established" and
		(.TunnelOptionsSpecification.TunnelOptions | length == 2 and all(.Status == "ipsec_sa_established"))' >/dev/null
}
wait_until "both tunnels ipsec_sa_established" 180 tunnels_up
MASTER=$(field '.TunnelOptionsSpecification.TunnelOptions[] | select(.Role == "master") | .TunnelId')
SLAVE=$(field '.TunnelOptionsSpecification.TunnelOptions[] | select(.Role == "slave") | .TunnelId')
note "master tunnel $MASTER, slave tunnel $SLAVE"

step "probe: ICMP from the VPC host to the branch host, through the tunnel"
probe_gets_replies() {
	api POST /v1/lab/probes "$(jq -nc --arg h "$VPC_HOST" --arg t "$SITE_HOST_IP" '{HostId: $h, Target: $t, Count: 5, IntervalMs: 200}')"
	note "$(printf '%s' "$R" | jq -c '{Sent, Received, LossPercent, RttAvgMs}')"
	[ "$(printf '%s' "$R" | jq -r .Received)" -gt 0 ]
}
wait_until "replies through the tunnel" 60 probe_gets_replies

step "cut the master tunnel, probe every 50 ms until the traffic flows again (through the slave)"
api POST /v1/lab/faults "$(jq -nc --arg c "$VCO" --arg t "$MASTER" '{VpnConnectionId: $c, TunnelId: $t, Action: "cut"}')"
note "master tunnel $MASTER cut"
# one-second probes back to back: every lost echo is 50 ms without traffic.  The cloud side's
# liveness probes decide the failover (--liveness-interval-ms 300 × --liveness-retry 3, then a
# monitor poll: about 1 s with make run and make lab alike), not the customer's DPD.
LOST=0
end=$(($(date +%s) + 240))
while :; do
	api POST /v1/lab/probes "$(jq -nc --arg h "$VPC_HOST" --arg t "$SITE_HOST_IP" '{HostId: $h, Target: $t, Count: 20, IntervalMs: 50}')"
	SENT=$(field .Sent)
	RECEIVED=$(field .Received)
	LOST=$((LOST + SENT - RECEIVED))
	[ "$RECEIVED" -lt "$SENT" ] || break
	[ "$(date +%s)" -lt "$end" ] || die "traffic did not come back within 240 s of the cut ($LOST echoes lost)"
done
echo "   loss window of the failover: $((LOST * 50)) ms ($LOST echoes lost, then 20 of 20 answered)"
api GET "/v1/vpn-connections/$VCO"
note "tunnels now: $(printf '%s' "$R" | jq -r '[.TunnelOptionsSpecification.TunnelOptions[] | "\(.Role) \(.Status)"] | join(", ")')"

step "restore the master tunnel"
api POST /v1/lab/faults "$(jq -nc --arg c "$VCO" --arg t "$MASTER" '{VpnConnectionId: $c, TunnelId: $t, Action: "restore"}')"
wait_until "both tunnels ipsec_sa_established again" 180 tunnels_up
wait_until "replies through the tunnel" 60 probe_gets_replies

step "done"
note "VPC $VPC (vSwitches $VSW1, $VSW2), gateway $GW, customer gateways $CGW1 $CGW2"
note "connection $VCO (master tunnel $MASTER, slave $SLAVE), site $SITE, hosts $VPC_HOST $SITE_HOST"
note "remove it all: examples/teardown.sh"
