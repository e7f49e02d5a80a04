#!/bin/sh
# Starts vpnlab-agent in a lab container ("machine"), or checks it (healthcheck).
#   vpnlab-agent-entrypoint            waits for the server and its agent token, then execs the agent
#   vpnlab-agent-entrypoint healthcheck   0 when the server lists this agent online with a usable backend
# Environment (docker/compose.yaml sets it):
#   VPNLAB_SERVER      the server's URL (http://10.213.47.10:8080)
#   VPNLAB_AGENT_IP    this container's address on the "internet" network: listen address,
#                      URL the server pushes to, and VXLAN underlay address
#   VPNLAB_ROLE        cloud | site | cloud,site
#   VPNLAB_ZONES       which zones it serves: odd = the 1st, 3rd, 5th… zone DescribeZones lists
#                      in every region of the catalogue, even = the 2nd, 4th…, all = every zone
#                      (the agent's default), anything else = that comma-separated list
#   VPNLAB_TOKEN_FILE  the server's agent token (a volume the server writes it to)
#   VPNLAB_BYOD_PEER   (branch) the byod container's address: keeps a port toward it on this
#                      agent's underlay segment (vpnlab-byod port), also after agent restarts
set -eu
SERVER=${VPNLAB_SERVER:-http://10.213.47.10:8080}
IP=${VPNLAB_AGENT_IP:?VPNLAB_AGENT_IP must be set}
ROLE=${VPNLAB_ROLE:-cloud,site}
ZONES=${VPNLAB_ZONES:-all}
TOKEN_FILE=${VPNLAB_TOKEN_FILE:-/run/vpnlab-token/agent-token}

if [ "${1:-}" = healthcheck ]; then
	curl -sf -m 5 -H "X-Vpnlab-Agent-Token: $(cat "$TOKEN_FILE")" "$SERVER/v1/agents" |
		jq -e --arg ip "$IP" 'any(.Agents[]; .UnderlayIp == $ip and .Online and .BackendUsable)' >/dev/null
	exit
fi

say() { echo "agent-entrypoint: $*"; }

# Docker mounts /proc/sys read-only; the agent sets network sysctls (forwarding, ARP) in the
# namespaces it makes, which are per network namespace: they change nothing outside this
# container.  (compose cannot ask for `--security-opt systempaths=unconfined`, a docker CLI
# option; CAP_SYS_ADMIN lets the container remount its own view.)
if ! touch /proc/sys/net/ipv4/ip_forward 2>/dev/null; then
	mount -o remount,rw,bind /proc/sys 2>/dev/null || umount /proc/sys ||
		{ say "cannot make /proc/sys writable (the agent needs CAP_SYS_ADMIN)" >&2; exit 1; }
fi

# the server writes its token before it listens; both may take a while on a first start
i=0
until [ -s "$TOKEN_FILE" ] && curl -sf -m 5 "$SERVER/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $((i % 20)) -ne 0 ] || say "waiting for the server at $SERVER and $TOKEN_FILE"
	sleep 0.5
done

# Every region's zones in DescribeZones order; keeps those at the positions asked for.
pick_zones() {
	parity=$1
	curl -sf -m 10 "$SERVER/?Action=DescribeRegions&Version=2016-04-28" | jq -r '.Regions.Region[].RegionId' |
		while read -r region; do
			curl -sf -m 10 "$SERVER/?Action=DescribeZones&Version=2016-04-28&RegionId=$region" |
				jq -r --arg p "$parity" '[.Zones.Zone[].ZoneId] | to_entries[]
					| select((.key % 2 == 0) == ($p == "odd")) | .value'
		done | paste -sd, -
}

case "$ZONES" in
odd | even) zones=$(pick_zones "$ZONES") ;;
all) zones= ;;
*) zones=$ZONES ;;
esac
[ "$ZONES" != odd ] && [ "$ZONES" != even ] || [ -n "$zones" ] || { say "no zones found in the catalogue" >&2; exit 1; }
say "role $ROLE, zones ${zones:-all}, underlay $IP, server $SERVER"
set -- --server "$SERVER" --listen "$IP:8181" --underlay-ip "$IP" --role "$ROLE" \
	--state-dir /var/lib/vpnlab-agent --token-file "$TOKEN_FILE"
[ -z "$zones" ] || set -- "$@" --zone "$zones"
if [ -n "${VPNLAB_BYOD_PEER:-}" ]; then
	# the agent makes (and after a restart remakes) its underlay namespace: add the port when missing
	(
		while sleep 5; do
			ul=$(ip netns list 2>/dev/null | awk '$1 ~ /-ul$/ { print $1; exit }')
			if [ -n "$ul" ] && ! ip -n "$ul" link show vxbyod >/dev/null 2>&1; then
				vpnlab-byod port "$VPNLAB_BYOD_PEER" || true
			fi
		done
	) &
fi
exec vpnlab-agent "$@"
