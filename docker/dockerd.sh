#!/bin/sh
# Starts Debian's dockerd for the lab when no Docker daemon answers, and stops it after.
#   dockerd.sh start   (prints "started" or "running": only a daemon this script started is
#                       stopped by `dockerd.sh stop`)
#   dockerd.sh stop
# The daemon it starts leaves the host's firewall and forwarding alone, since other network
# tests may share the machine: no iptables/ip6tables rules (--iptables=false), no ip_forward
# change, no docker0 bridge; published ports go through docker-proxy.  Its images and layer
# cache live under $VPNLAB_DOCKER_CACHE (/var/cache/vpnlab-docker/docker), so they survive.
set -eu
CACHE=${VPNLAB_DOCKER_CACHE:-/var/cache/vpnlab-docker}
RUN=/run/vpnlab-dockerd
PIDFILE=$RUN/dockerd.pid

say() { echo "dockerd: $*" >&2; }

case "${1:-}" in
start)
	if docker info >/dev/null 2>&1; then
		say "a Docker daemon already runs: using it"
		echo running
		exit 0
	fi
	command -v dockerd >/dev/null 2>&1 || { say "no dockerd (install docker.io)" >&2; exit 1; }
	mkdir -p "$CACHE/docker" "$RUN"
	say "starting dockerd (data root $CACHE/docker, log $CACHE/dockerd.log, no iptables, no ip_forward, no docker0)"
	dockerd --data-root "$CACHE/docker" --exec-root "$RUN/exec" --pidfile "$PIDFILE" \
		--iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
		>>"$CACHE/dockerd.log" 2>&1 &
	i=0
	until docker info >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 120 ]; then
			tail -n 20 "$CACHE/dockerd.log" >&2
			say "dockerd did not answer within 60 s" >&2
			exit 1
		fi
		sleep 0.5
	done
	echo started
	;;
stop)
	[ -f "$PIDFILE" ] || { say "not started by this script: left alone"; exit 0; }
	pid=$(cat "$PIDFILE")
	say "stopping dockerd ($pid)"
	kill -TERM "$pid" 2>/dev/null || true
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 120 ] || { say "dockerd $pid still runs after 60 s" >&2; exit 1; }
		sleep 0.5
	done
	rm -f "$PIDFILE"
	# dockerd leaves its bind mount of the host's network namespace (libnetwork's "default"
	# sandbox) in its exec root: nothing of this daemon stays mounted
	awk -v r="$RUN/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
		umount "$m" || say "cannot unmount $m"
	done
	rm -rf --one-file-system "$RUN"
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
