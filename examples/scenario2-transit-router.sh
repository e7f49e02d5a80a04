#!/bin/sh
# Seed scenario 2: connect to transit routers over IPsec tunnels, with curl on the REST front door.
#
#   VPC 10.1.0.0/16 (vSwitches in two zones) ── VPC attachment ──┐
#   IPsec connection 1 ── branch device 1 ── VPN attachment 1 ───┼── transit router ── route table
#   IPsec connection 2 ── branch device 2 ── VPN attachment 2 ───┘   (192.168.20.0/24: ECMP over 1 and 2)
#
# Makes a CEN and an Enterprise transit router (with a CIDR block for tunnel addresses), a VPC
# with two vSwitches in two zones attached to it, two IPsec connections (CreateVpnAttachment:
# bound to no gateway) from one branch office with two gateway devices, both attached to the
# router, and a custom route table that the three attachments are associated with and
# propagate into: the branch network is learned over both connections, two Active entries (ECMP).
# Then the VPC's system route table sends the branch network to the VPC attachment, a lab
# branch site with a device per customer gateway and a host on each side are made, both
# connections negotiate, probes cross the transit router both ways, connection 1 is cut (the
# loss window is printed: the router's ECMP route drops the dead connection) and restored.
# examples/teardown.sh removes it all.
# Environment: VPNLAB_ENDPOINT (127.0.0.1:8080), VPNLAB_REGION (cn-hangzhou),
# VPNLAB_EXAMPLES_STATE (see common.sh), VPNLAB_TR_CGW_IPS ("203.0.113.21 203.0.113.22"),
# VPNLAB_TR_LAN (192.168.20.0/24), VPNLAB_CONTROL_PLANE_ONLY (1: stop after the route entries,
# for a server without a data-plane agent).
. "$(dirname "$0")/common.sh"
set -- ${VPNLAB_TR_CGW_IPS:-203.0.113.21 203.0.113.22}
CGW_IP1=$1 CGW_IP2=$2
LAN=${VPNLAB_TR_LAN:-192.168.20.0/24}
echo "vpnlab at $BASE, region $REGION; ids listed in $STATE"

step "zones of $REGION (DescribeZones)"
api GET "/v1/zones?RegionId=$REGION"
ZONE1=$(field '.Zones[0].ZoneId')
ZONE2=$(field '.Zones[1].ZoneId')
note "$ZONE1, $ZONE2"

step "VPC 10.1.0.0/16 with a vSwitch in each zone"
api POST /v1/vpcs "$(jq -nc --arg r "$REGION" '{RegionId: $r, CidrBlock: "10.1.0.0/16", VpcName: "example-tr"}')"
VPC=$(field .VpcId)
made vpc "$VPC"
wait_until "VPC Available" 60 status_is "/v1/vpcs/$VPC" .Status Available
api POST /v1/vswitches "$(jq -nc --arg r "$REGION" --arg v "$VPC" --arg z "$ZONE1" \
	'{RegionId: $r, VpcId: $v, ZoneId: $z, CidrBlock: "10.1.1.0/24", VSwitchName: "example-tr-a"}')"
VSW1=$(field .VSwitchId)
made vswitch "$VSW1"
api POST /v1/vswitches "$(jq -nc --arg r "$REGION" --arg v "$VPC" --arg z "$ZONE2" \
	'{RegionId: $r, VpcId: $v, ZoneId: $z, CidrBlock: "10.1.2.0/24", VSwitchName: "example-tr-b"}')"
VSW2=$(field .VSwitchId)
made vswitch "$VSW2"
wait_until "vSwitch A Available" 60 status_is "/v1/vswitches/$VSW1" .Status Available
wait_until "vSwitch B Available" 60 status_is "/v1/vswitches/$VSW2" .Status Available

step "two customer gateways: the branch's two devices"
api POST /v1/customer-gateways "$(jq -nc --arg r "$REGION" --arg ip "$CGW_IP1" '{RegionId: $r, IpAddress: $ip, Name: "example-tr-branch-1"}')"
CGW1=$(field .CustomerGatewayId)
made customer-gateway "$CGW1"
api POST /v1/customer-gateways "$(jq -nc --arg r "$REGION" --arg ip "$CGW_IP2" '{RegionId: $r, IpAddress: $ip, Name: "example-tr-branch-2"}')"
CGW2=$(field .CustomerGatewayId)
made customer-gateway "$CGW2"

step "two IPsec connections for a transit router (CreateVpnAttachment), one per device"
for i in 1 2; do
	eval cgw=\$CGW$i
	api POST /v1/vpn-attachments "$(jq -nc --arg r "$REGION" --arg c "$cgw" --arg lan "$LAN" --arg n "example-tr-$i" '{
		RegionId: $r, Name: $n, CustomerGatewayId: $c, LocalSubnet: "10.1.0.0/16", RemoteSubnet: $lan,
		IkeConfig: {IkeVersion: "ikev2", Psk: ("example-tr-psk-" + ($n | ltrimstr("example-tr-")))}}')"
	eval VCO$i=\$\(field .VpnConnectionId\)
	eval made vpn-connection \$VCO$i
done

step "CEN and transit router (CIDR block 192.168.250.0/24 for tunnel addresses)"
api POST /v1/cens '{"Name":"example-cen","Description":"vpnlab example scenario 2"}'
CEN=$(field .CenId)
made cen "$CEN"
cen_active() { status_is "/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=$CEN" '.Cens[0].Status' Active; }
wait_until "CEN Active" 60 cen_active
api POST /v1/transit-routers "$(jq -nc --arg r "$REGION" --arg c "$CEN" '{RegionId: $r, CenId: $c,
	TransitRouterName: "example-tr", TransitRouterCidrList: [{Cidr: "192.168.250.0/24", Name: "tunnels"}]}')"
TR=$(field .TransitRouterId)
made transit-router "$TR"
wait_until "transit router Active" 60 status_is "/v1/transit-routers?TransitRouterId=$TR" '.TransitRouters[0].Status' Active

step "attach the VPC (both zones) and both IPsec connections"
api POST /v1/transit-router-vpc-attachments "$(jq -nc --arg r "$REGION" --arg t "$TR" --arg v "$VPC" \
	--arg z1 "$ZONE1" --arg s1 "$VSW1" --arg z2 "$ZONE2" --arg s2 "$VSW2" '{RegionId: $r, TransitRouterId: $t, VpcId: $v,
	TransitRouterAttachmentName: "example-vpc", ZoneMappings: [{ZoneId: $z1, VSwitchId: $s1}, {ZoneId: $z2, VSwitchId: $s2}]}')"
ATT_VPC=$(field .TransitRouterAttachmentId)
made tr-vpc-attachment "$ATT_VPC"
for i in 1 2; do
	eval vco=\$VCO$i
	api POST /v1/transit-router-vpn-attachments "$(jq -nc --arg r "$REGION" --arg t "$TR" --arg v "$vco" --arg z "$ZONE1" \
		--arg n "example-branch-$i" '{RegionId: $r, TransitRouterId: $t, VpnId: $v, TransitRouterAttachmentName: $n, Zone: [{ZoneId: $z}]}')"
	eval ATT_VPN$i=\$\(field .TransitRouterAttachmentId\)
	eval made tr-vpn-attachment \$ATT_VPN$i
done
wait_until "VPC attachment Attached" 60 status_is "/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=$ATT_VPC" \
	'.TransitRouterAttachments[0].Status' Attached
wait_until "both VPN attachments Attached" 60 status_is "/v1/transit-router-vpn-attachments?TransitRouterId=$TR" \
	'[.TransitRouterAttachments[].Status] | sort | join(",")' Attached,Attached

step "custom route table: the three attachments associated with it and propagating into it"
api POST /v1/transit-router-route-tables "$(jq -nc --arg t "$TR" '{TransitRouterId: $t, TransitRouterRouteTableName: "example-branches"}')"
RT=$(field .TransitRouterRouteTableId)
made tr-route-table "$RT"
wait_until "route table Active" 60 status_is "/v1/transit-router-route-tables?TransitRouterId=$TR&TransitRouterRouteTableType=Custom" \
	'.TransitRouterRouteTables[0].TransitRouterRouteTableStatus' Active
for att in "$ATT_VPC" "$ATT_VPN1" "$ATT_VPN2"; do
	api POST "/v1/transit-router-route-tables/$RT/associations" "$(jq -nc --arg a "$att" '{TransitRouterAttachmentId: $a}')"
	made tr-association "$RT" "$att"
	api POST "/v1/transit-router-route-tables/$RT/propagations" "$(jq -nc --arg a "$att" '{TransitRouterAttachmentId: $a}')"
	made tr-propagation "$RT" "$att"
done
wait_until "three associations Active" 60 status_is "/v1/transit-router-route-tables/$RT/associations" \
	'[.TransitRouterAssociations[].Status] | join(",")' Active,Active,Active
wait_until "three propagations Active" 60 status_is "/v1/transit-router-route-tables/$RT/propagations" \
	'[.TransitRouterPropagations[].Status] | join(",")' Active,Active,Active

step "route entries: $LAN learned over both connections (ECMP), the VPC's vSwitches over its attachment"
api GET "/v1/transit-router-route-tables/$RT/route-entries"
printf '%s' "$R" | jq -r '.TransitRouterRouteEntries[] | "   \(.TransitRouterRouteEntryDestinationCidrBlock)\t\(.TransitRouterRouteEntryType)\t\(.TransitRouterRouteEntryStatus)\tvia \(.TransitRouterRouteEntryNextHopResourceId // .TransitRouterRouteEntryNextHopId)"'
ECMP=$(printf '%s' "$R" | jq --arg lan "$LAN" '[.TransitRouterRouteEntries[]
	| select(.TransitRouterRouteEntryDestinationCidrBlock == $lan and .TransitRouterRouteEntryStatus == "Active")] | length')
[ "$ECMP" = 2 ] || die "expected two Active (ECMP) entries to $LAN, got $ECMP"
note "two Active entries to $LAN: equal-cost paths over both connections"

step "the connections: attached to the router"
for i in 1 2; do
	eval vco=\$VCO$i
	api GET "/v1/vpn-connections/$vco"
	note "$vco: State $(field .State), AttachType $(field .AttachType), TransitRouterId $(field .TransitRouterId), Status $(field .Status)"
done

if [ "${VPNLAB_CONTROL_PLANE_ONLY:-0}" = 1 ]; then
	step "stopping here (VPNLAB_CONTROL_PLANE_ONLY=1): the control plane is complete"
	note "no lab site, hosts or probes: the rest needs a data-plane agent (make run as root)"
	exit 0
fi

step "the VPC's system route table sends $LAN to its attachment (NextHopType Attachment)"
api GET "/v1/vpcs/$VPC"
RTB=$(field '(.RouterTableIds.RouterTableIds // .Vpcs.Vpc[0].RouterTableIds.RouterTableIds)[0]')
api POST "/v1/route-tables/$RTB/route-entries" "$(jq -nc --arg r "$REGION" --arg lan "$LAN" --arg a "$ATT_VPC" \
	'{RegionId: $r, DestinationCidrBlock: $lan, NextHopType: "Attachment", NextHopId: $a}')"
made route-entry "$RTB" "$(field .RouteEntryId)"

step "lab: the branch office (one device per customer gateway) and a host on each side"
api POST /v1/lab/sites "$(jq -nc --arg r "$REGION" --arg c1 "$CGW1" --arg c2 "$CGW2" --arg lan "$LAN" \
	'{RegionId: $r, CustomerGatewayIds: [$c1, $c2], LanCidr: $lan}')"
SITE=$(field .SiteId)
made site "$SITE"
api POST /v1/lab/hosts "$(jq -nc --arg r "$REGION" --arg v "$VSW1" '{RegionId: $r, VSwitchId: $v}')"
VPC_HOST=$(field .HostId)
VPC_HOST_IP=$(field .IpAddress)
made host "$VPC_HOST"
api POST /v1/lab/hosts "$(jq -nc --arg r "$REGION" --arg s "$SITE" '{RegionId: $r, SiteId: $s}')"
SITE_HOST=$(field .HostId)
SITE_HOST_IP=$(field .IpAddress)
made host "$SITE_HOST"
note "VPC host $VPC_HOST_IP, branch host $SITE_HOST_IP"

step "both connections negotiate with the branch's devices (real charons on the transit router side)"
both_up() {
	for vco in "$VCO1" "$VCO2"; do
		status_is "/v1/vpn-connections/$vco" .Status ipsec_sa_established || return 1
	done
}
wait_until "both connections ipsec_sa_established" 180 both_up

step "probes through the transit router, both ways"
probe_from() {
	api POST /v1/lab/probes "$(jq -nc --arg h "$1" --arg t "$2" '{HostId: $h, Target: $t, Count: 5, IntervalMs: 200}')"
	note "$(printf '%s' "$R" | jq -c '{Sent, Received, LossPercent, RttAvgMs}')"
	[ "$(printf '%s' "$R" | jq -r .Received)" -gt 0 ]
}
wait_until "VPC host -> branch host replies" 60 probe_from "$VPC_HOST" "$SITE_HOST_IP"
wait_until "branch host -> VPC host replies" 60 probe_from "$SITE_HOST" "$VPC_HOST_IP"

step "cut connection 1, probe every 50 ms until the traffic flows again (over connection 2)"
# the router hashes each flow onto one connection: when the probes' flow was on connection 2
# already, nothing is lost (0 ms)
api POST /v1/lab/faults "$(jq -nc --arg c "$VCO1" '{VpnConnectionId: $c, Action: "cut"}')"
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

step "restore connection 1"
api POST /v1/lab/faults "$(jq -nc --arg c "$VCO1" '{VpnConnectionId: $c, Action: "restore"}')"
wait_until "both connections ipsec_sa_established again" 180 both_up
wait_until "VPC host -> branch host replies" 60 probe_from "$VPC_HOST" "$SITE_HOST_IP"

step "done"
note "transit router $TR, VPC $VPC, connections $VCO1 $VCO2, site $SITE, hosts $VPC_HOST $SITE_HOST"
note "remove it all: examples/teardown.sh"
