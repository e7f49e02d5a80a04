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
# Then it stops, and says why: vpnlab does not build the data plane of connections attached to
# transit routers yet, so no tunnel of this scenario negotiates and there is nothing to probe.
# examples/teardown.sh removes it all.
# Environment: VPNLAB_ENDPOINT (127.0.0.1:8080), VPNLAB_REGION (cn-hangzhou),
# VPNLAB_EXAMPLES_STATE (see common.sh), VPNLAB_TR_CGW_IPS ("203.0.113.21 203.0.113.22"),
# VPNLAB_TR_LAN (192.168.20.0/24).
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

step "stopping here: the control plane is complete"
cat <<'MSG'
   vpnlab does not build the data plane of IPsec connections attached to transit routers yet
   (README, "State of this release"): no charon runs for these connections, their Status stays
   ike_sa_not_established, and a lab branch site and probe through the transit router would
   have no tunnel to use.  Everything above is the API's real state: read it back with GET,
   or remove it with examples/teardown.sh.
MSG
