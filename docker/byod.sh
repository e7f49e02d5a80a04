#!/bin/sh
# Puts the "byod" container on the lab's emulated internet, so that a device the lab does not
# configure (strongSwan by hand, pasting DownloadVpnConnectionConfig) can talk to the emulated
# VPN gateways.  The gateways' public addresses live on the agents' underlay: one L2 segment
# (bridge br0 in each agent's "<prefix>-ul" namespace) joined across containers by the agents'
# VXLAN (VNI 4242).  This script adds one more port to that segment, in the branch container,
# leading over a VXLAN of its own (VNI 4243) to the byod container:
#   in vpnlab-branch:  vpnlab-byod port BYOD_IP      (BYOD_IP: the byod container, 10.213.47.50;
#                      its entrypoint does this every 5 s when the port is missing)
#   in vpnlab-byod:    vpnlab-byod join ADDRESS BRANCH_IP   (its entrypoint does this)
#                      (ADDRESS: your device's public address, the customer gateway's IpAddress,
#                      e.g. 203.0.113.50; BRANCH_IP: the branch container, 10.213.47.13)
# Frames for the device reach the branch's segment like any unknown destination (flooded to
# every agent), and the branch's bridge passes them on to this port.
set -eu
VNI=4243
DEV=vxbyod

case "${1:-}" in
port)
	peer=${2:?usage: $0 port BYOD_IP}
	ul=$(ip netns list | awk '$1 ~ /-ul$/ { print $1; exit }')
	[ -n "$ul" ] || { echo "byod: no underlay namespace here: is this an agent's container, with its agent up?" >&2; exit 1; }
	ip -n "$ul" link del "$DEV" 2>/dev/null || true
	# made in the container's own namespace (its UDP socket on eth0), then moved to the segment
	ip link add "$DEV" type vxlan id $VNI dstport 4789 nolearning
	ip link set "$DEV" netns "$ul"
	ip -n "$ul" link set "$DEV" master br0 up
	bridge -n "$ul" fdb append 00:00:00:00:00:00 dev "$DEV" dst "$peer"
	echo "byod: port $DEV in $ul (bridge br0) toward $peer"
	;;
join)
	addr=${2:?usage: $0 join ADDRESS BRANCH_IP}
	branch=${3:?usage: $0 join ADDRESS BRANCH_IP}
	ip link del "$DEV" 2>/dev/null || true
	ip link add "$DEV" type vxlan id $VNI dstport 4789 nolearning
	bridge fdb append 00:00:00:00:00:00 dev "$DEV" dst "$branch"
	ip addr add "$addr/32" dev "$DEV"
	ip link set "$DEV" up
	# the gateways' public addresses (--public-ip-pool, default 198.18.0.0/15) are on this segment
	ip route replace "${VPNLAB_PUBLIC_POOL:-198.18.0.0/15}" dev "$DEV" src "$addr"
	# a kernel without ESP (as the agents report in their log) needs ESP in charon: Debian's
	# strongSwan ships the kernel-libipsec plugin switched off
	if ! ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1 enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff \
		auth 'hmac(sha1)' 0x0011223344556677889900112233445566778899 2>/dev/null; then
		sed -i 's/^\([[:space:]]*load = \)no/\1yes/' /etc/strongswan.d/charon/kernel-libipsec.conf
		echo "byod: the kernel has no ESP: charon's kernel-libipsec plugin switched on"
	else
		ip xfrm state del src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1
	fi
	echo "byod: $addr on $DEV toward $branch; ${VPNLAB_PUBLIC_POOL:-198.18.0.0/15} reached through it"
	;;
*)
	echo "usage: $0 port BYOD_IP | join ADDRESS BRANCH_IP" >&2
	exit 2
	;;
esac
