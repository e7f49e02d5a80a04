#!/bin/sh
# Fresh-machine proof: the README's two commands, as written, on a clean Debian 12.
#
# A `debootstrap --variant=minbase --include=git,ca-certificates bookworm` tree (built once,
# kept pristine under $VPNLAB_FRESH_CACHE, copied for every run) is entered with chroot; the
# commit under test (HEAD of this checkout) is `git clone`d inside; then
#   1. `./vpnlab run` in the background until server and agent are up; through the public API
#      (curl, unsigned, as the README shows): a VPC, two vSwitches, a dual-tunnel VPN gateway,
#      two customer gateways, a dual-tunnel IPsec connection, a lab site and two lab hosts;
#      waits (bounded) for both tunnels to be established and a probe to get replies; stops it
#      with SIGINT to its process group (what Ctrl-C does) and checks that every namespace and
#      process it made is gone;
#   2. `./vpnlab test` (the whole suite) in the same clean tree.
# Needs root (chroot, mounts, namespaces).  The network is the host's: the host's resolv.conf,
# its CA bundle (NODE_EXTRA_CA_CERTS, npm_config_cafile) and its apt network settings are
# carried in, as a user's network setup would be; nothing of them is in the product.
# Environment: VPNLAB_FRESH_CACHE (/var/cache/vpnlab-fresh), VPNLAB_FRESH_SKIP_TEST=1 (only the
# `./vpnlab run` scenario), VPNLAB_FRESH_KEEP=1 (keep the run's tree, unmounted, for a look).
# Downloaded .deb files and the npm cache are kept between runs (like a caching proxy would):
# what gets installed is still decided by the product alone.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VPNLAB_FRESH_CACHE:-/var/cache/vpnlab-fresh}
SUITE=bookworm
INCLUDE=git,ca-certificates
PRISTINE=$CACHE/pristine
RUN=$CACHE/run-$$
RUN_PGID=
T0=$(date +%s)

say() { echo "fresh: [$(($(date +%s) - T0))s] $*"; }
die() { echo "fresh: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (chroot, mounts, network namespaces)"

# --- cleanup --------------------------------------------------------------------------------

# pids of the processes whose root directory is the tree $1 (started in it by chroot)
procs_in() {
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case "$r" in "$1" | "$1"/*) echo "${p#/proc/}" ;; esac
	done
}

# mount points at or under $1, deepest first (octal escapes in mountinfo stay escaped: our
# paths have no spaces)
mounts_under() {
	awk -v t="$1" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# Stops everything started in tree $1 and unmounts all of it.  The agent's network namespaces
# live as nsfs mounts on the tree's /run/netns tmpfs: once no process is in them and those
# mounts are gone, the kernel frees them.  Then removes the tree (never across a mount).
teardown() {
	tree=$1
	[ -d "$tree" ] || return 0
	pids=$(procs_in "$tree")
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -TERM $pids 2>/dev/null || true
		i=0
		while [ -n "$(procs_in "$tree")" ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
		pids=$(procs_in "$tree")
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
		i=0
		while [ -n "$(procs_in "$tree")" ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
	fi
	for m in $(mounts_under "$tree"); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	if [ -n "$(mounts_under "$tree")" ]; then
		echo "fresh: WARNING: mounts left under $tree:" >&2
		mounts_under "$tree" >&2
		return 1
	fi
	if [ "${VPNLAB_FRESH_KEEP:-0}" = 1 ] && [ "$tree" = "$RUN" ]; then
		echo "fresh: tree kept in $tree"
	else
		rm -rf --one-file-system "$tree"
	fi
}

cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	if [ -n "$RUN_PGID" ] && kill -0 "-$RUN_PGID" 2>/dev/null; then
		kill -TERM "-$RUN_PGID" 2>/dev/null || true
	fi
	teardown "$RUN" || rc=1
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# a previous run that was killed outright (SIGKILL, power) left its tree: clear it first
mkdir -p "$CACHE"
for old in "$CACHE"/run-*; do
	[ -d "$old" ] || continue
	pid=${old##*/run-}
	if ! kill -0 "$pid" 2>/dev/null; then
		say "removing the tree of an interrupted run: $old"
		teardown "$old" || die "could not clean $old"
	fi
done

# --- the pristine tree ----------------------------------------------------------------------

# The Debian mirror the host's apt uses for $SUITE (one-line or deb822 sources).
host_mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$SUITE" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++; if ($2 ~ /^\[/) i++;
			if ($(i + 1) == s) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
			{ uri = ""; ok = 0
			  for (i = 1; i <= NF; i++) {
			    if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
			    if ($i ~ /^Suites:/) { n = split($i, b, /[ \t]+/); for (j = 2; j <= n; j++) if (b[j] == s) ok = 1 }
			  }
			  if (ok && uri != "") { print uri; exit } }' "$f"
	done
}
MIRROR=${VPNLAB_FRESH_MIRROR:-$(host_mirror | head -n 1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
STAMP="$SUITE minbase $INCLUDE $MIRROR"

if [ ! -f "$PRISTINE/.vpnlab-fresh-stamp" ] || [ "$(cat "$PRISTINE/.vpnlab-fresh-stamp")" != "$STAMP" ]; then
	if ! command -v debootstrap >/dev/null 2>&1; then
		say "installing debootstrap on the host"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap >/dev/null ||
			{ apt-get -o DPkg::Lock::Timeout=600 update >/dev/null &&
				DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap >/dev/null; }
	fi
	say "debootstrap --variant=minbase --include=$INCLUDE $SUITE from $MIRROR (once; cached in $PRISTINE)"
	rm -rf --one-file-system "$CACHE/pristine.new" "$PRISTINE"
	debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$CACHE/pristine.new" "$MIRROR" \
		>"$CACHE/debootstrap.log" 2>&1 || { tail -n 30 "$CACHE/debootstrap.log" >&2; die "debootstrap"; }
	echo "$STAMP" >"$CACHE/pristine.new/.vpnlab-fresh-stamp"
	mv "$CACHE/pristine.new" "$PRISTINE"
	say "pristine tree ready"
fi

# --- this run's tree ------------------------------------------------------------------------

say "copying the pristine tree to $RUN"
cp -a "$PRISTINE" "$RUN"
rm -f "$RUN/.vpnlab-fresh-stamp"
# ip netns exec needs / to be a mount point (it remounts /sys in the namespace's mount ns)
# private: on a host whose / or /dev is shared (systemd), nothing mounted in the tree may
# propagate back to the host
mount --bind "$RUN" "$RUN"
mount --make-private "$RUN"
mount -t proc proc "$RUN/proc"
mount -t sysfs sysfs "$RUN/sys"
mount --bind /dev "$RUN/dev"
mount --make-private "$RUN/dev"
mount --bind /dev/pts "$RUN/dev/pts"
mount --make-private "$RUN/dev/pts"
mount -t tmpfs -o mode=755 tmpfs "$RUN/run"
# package downloads survive between runs (a cache, not an install: the product still decides
# what is installed)
mkdir -p "$CACHE/apt-archives" "$CACHE/npm" "$RUN/root/.npm"
mount --bind "$CACHE/apt-archives" "$RUN/var/cache/apt/archives"
mount --bind "$CACHE/npm" "$RUN/root/.npm"

# the user's network setup: name resolution, the TLS proxy's CA, apt's network settings
cp -L /etc/resolv.conf "$RUN/etc/resolv.conf"
CA=/etc/ssl/host-ca-bundle.crt
cp -L /etc/ssl/certs/ca-certificates.crt "$RUN$CA"
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
	[ -f "$f" ] || continue
	# proxies, certificates, snapshot validity: whatever the host's apt needs to reach its mirror
	if grep -q -i -E '^[^/#]*Acquire' "$f"; then
		mkdir -p "$RUN/etc/apt/apt.conf.d"
		cp -L "$f" "$RUN/etc/apt/apt.conf.d/${f##*/}"
	fi
done
[ -d /etc/apt/auth.conf.d ] && cp -a /etc/apt/auth.conf.d/. "$RUN/etc/apt/auth.conf.d/" 2>/dev/null || true

# runs a shell command inside the tree, as root, with a clean environment
# (in the background, then `wait`: a signal to this script runs its cleanup at once instead of
# after the command; SIGINT back to default, as in a terminal)
in_tree() {
	env --default-signal=INT,QUIT chroot "$RUN" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		NODE_EXTRA_CA_CERTS=$CA npm_config_cafile=$CA \
		/bin/sh -c "$1" &
	wait $!
}

# --- the clone ------------------------------------------------------------------------------

COMMIT=$(git -C "$SRC" rev-parse HEAD)
[ -z "$(git -C "$SRC" status --porcelain --untracked-files=no)" ] ||
	echo "fresh: note: uncommitted changes in $SRC are not part of the test (HEAD $COMMIT is)"
# a bundle, not the checkout's path: a worktree's .git points outside the tree
git -C "$SRC" bundle create "$RUN/root/under-test.bundle" HEAD 2>/dev/null
in_tree 'cd /root && git -c advice.detachedHead=false clone -q under-test.bundle vpnlab && rm under-test.bundle'
say "cloned $COMMIT into /root/vpnlab"

# --- 1. ./vpnlab run ------------------------------------------------------------------------

# free ports: the host may run other servers
free_port() {
	p=$1
	while grep -q -i ":$(printf '%04X' "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}
PORT=$(free_port $((20000 + $$ % 20000)))
APORT=$(free_port $((PORT + 1)))
URL=http://127.0.0.1:$PORT
RUNLOG=$CACHE/run-$$.log

say "./vpnlab run (server on $URL)"
t_run=$(date +%s)
# As from a terminal: its own process group, to which a Ctrl-C (SIGINT) can be sent; and SIGINT
# not ignored (a background job of a shell without job control starts with SIGINT ignored, and
# a shell cannot trap a signal ignored on entry).  setsid does not fork here (not a group
# leader), so $! is the group's id.
setsid env --default-signal=INT,QUIT \
	chroot "$RUN" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	VPNLAB_LISTEN=127.0.0.1:$PORT VPNLAB_AGENT_LISTEN=127.0.0.1:$APORT \
	/bin/sh -c 'cd /root/vpnlab && exec ./vpnlab run' >"$RUNLOG" 2>&1 &
RUN_PGID=$!

run_failed() {
	echo "--- ./vpnlab run output (last 60 lines) ---" >&2
	tail -n 60 "$RUNLOG" >&2
	die "$*"
}

# curl from inside the tree (curl is one of the packages `./vpnlab run` installs)
api() { in_tree "curl -sS --max-time 120 $1"; }
rpc() {
	a="-X POST $URL/ --data-urlencode Action=$1 --data-urlencode Version=2016-04-28 --data-urlencode RegionId=cn-hangzhou"
	shift
	for kv in "$@"; do a="$a --data-urlencode '$kv'"; done
	api "$a"
}
rest() { api "-X $1 $URL$2 ${3:+-H 'Content-Type: application/json' -d '$3'}"; }
# the agent routes need the agent token, which the server made beside its database at its start
# (as README says: GET /v1/agents with X-Vpnlab-Agent-Token)
agents() {
	tf=$RUN/root/vpnlab/data/vpnlab.db.agent-token
	[ -s "$tf" ] || return 1
	api "-H 'X-Vpnlab-Agent-Token: $(cat "$tf")' $URL/v1/agents"
}
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1; }
field_num() { sed -n "s/.*\"$1\":\\([0-9][0-9]*\\).*/\\1/p" | head -n 1; }

# waits until the command $2 succeeds, at most $1 seconds, every second; fails the run otherwise
wait_for() {
	limit=$1 what=$2
	shift 2
	end=$(($(date +%s) + limit))
	until "$@"; do
		kill -0 "$RUN_PGID" 2>/dev/null || run_failed "./vpnlab run ended while waiting for $what"
		[ "$(date +%s)" -lt "$end" ] || run_failed "$what: not within ${limit}s"
		sleep 1
	done
}

up() {
	[ -x "$RUN/usr/bin/curl" ] || return 1
	in_tree "curl -sf --max-time 5 $URL/healthz" >/dev/null 2>&1 || return 1
	agents 2>/dev/null | grep -q '"AgentId"'
}
# the first run installs every package and builds: minutes
wait_for 1200 "server and agent up" up
say "server and agent up"
agents
echo

vpc=$(rpc CreateVpc CidrBlock=10.0.0.0/16 VpcName=fresh | field VpcId)
[ -n "$vpc" ] || run_failed "CreateVpc"
vpc_available() { rpc DescribeVpcs "VpcId=$vpc" | grep -q '"Status":"Available"'; }
wait_for 60 "VPC Available" vpc_available
zones=$(rpc DescribeZones | sed 's/"ZoneId":"/\n/g' | sed -n '2,$s/".*//p' | head -n 2)
z1=$(echo "$zones" | sed -n 1p)
z2=$(echo "$zones" | sed -n 2p)
[ -n "$z2" ] || run_failed "DescribeZones: fewer than two zones"
vsw1=$(rpc CreateVSwitch "VpcId=$vpc" "ZoneId=$z1" CidrBlock=10.0.1.0/24 | field VSwitchId)
vsw2=$(rpc CreateVSwitch "VpcId=$vpc" "ZoneId=$z2" CidrBlock=10.0.2.0/24 | field VSwitchId)
[ -n "$vsw1" ] && [ -n "$vsw2" ] || run_failed "CreateVSwitch"
vsw_available() { ! rpc DescribeVSwitches "VpcId=$vpc" | grep -q '"Status":"Pending"'; }
wait_for 60 "vSwitches Available" vsw_available
gw=$(rpc CreateVpnGateway "VpcId=$vpc" "VSwitchId=$vsw1" "DisasterRecoveryVSwitchId=$vsw2" Bandwidth=10 \
	EnableIpsec=true | field VpnGatewayId)
[ -n "$gw" ] || run_failed "CreateVpnGateway"
gw_active() { rpc DescribeVpnGateway "VpnGatewayId=$gw" | grep -q '"Status":"active"'; }
wait_for 60 "VPN gateway active" gw_active
cgw1=$(rpc CreateCustomerGateway IpAddress=203.0.113.11 | field CustomerGatewayId)
cgw2=$(rpc CreateCustomerGateway IpAddress=203.0.113.12 | field CustomerGatewayId)
[ -n "$cgw1" ] && [ -n "$cgw2" ] || run_failed "CreateCustomerGateway"
T=TunnelOptionsSpecification
vco=$(rpc CreateVpnConnection "VpnGatewayId=$gw" LocalSubnet=10.0.0.0/16 RemoteSubnet=192.168.10.0/24 \
	EffectImmediately=true \
	"$T.1.CustomerGatewayId=$cgw1" "$T.1.Role=master" "$T.1.EnableDpd=true" "$T.1.TunnelIkeConfig.Psk=fresh-psk-1" \
	"$T.1.TunnelIkeConfig.IkeVersion=ikev2" \
	"$T.2.CustomerGatewayId=$cgw2" "$T.2.Role=slave" "$T.2.EnableDpd=true" "$T.2.TunnelIkeConfig.Psk=fresh-psk-2" \
	"$T.2.TunnelIkeConfig.IkeVersion=ikev2" | field VpnConnectionId)
[ -n "$vco" ] || run_failed "CreateVpnConnection"
site=$(rest POST /v1/lab/sites "{\"RegionId\":\"cn-hangzhou\",\"CustomerGatewayIds\":[\"$cgw1\",\"$cgw2\"],\"LanCidr\":\"192.168.10.0/24\"}" |
	field SiteId)
[ -n "$site" ] || run_failed "POST /v1/lab/sites"
vhost=$(rest POST /v1/lab/hosts "{\"RegionId\":\"cn-hangzhou\",\"VSwitchId\":\"$vsw1\"}" | field HostId)
shost_json=$(rest POST /v1/lab/hosts "{\"RegionId\":\"cn-hangzhou\",\"SiteId\":\"$site\"}")
shost_ip=$(echo "$shost_json" | field IpAddress)
[ -n "$vhost" ] && [ -n "$shost_ip" ] || run_failed "POST /v1/lab/hosts"
say "created $vpc $vsw1 $vsw2 $gw $cgw1 $cgw2 $vco $site $vhost (site host $shost_ip)"

established() {
	d=$(rpc DescribeVpnConnection "VpnConnectionId=$vco")
	n=$(echo "$d" | grep -o '"Status":"ipsec_sa_established"' | wc -l)
	# the connection's own status and both tunnels'
	[ "$n" -ge 3 ]
}
wait_for 180 "both tunnels ipsec_sa_established" established
say "both tunnels established"
rpc DescribeVpnConnection "VpnConnectionId=$vco" | grep -o '"Status":"[a-z_]*"' | tr '\n' ' '
echo
probe_ok() {
	r=$(rest POST /v1/lab/probes "{\"RegionId\":\"cn-hangzhou\",\"HostId\":\"$vhost\",\"Target\":\"$shost_ip\",\"Count\":5,\"IntervalMs\":200}")
	echo "fresh: probe: $r"
	[ "$(echo "$r" | field_num Received)" -gt 0 ] 2>/dev/null
}
wait_for 60 "a probe through the tunnel gets replies" probe_ok
say "probe replies through the tunnel"

ns_before=$(ls "$RUN/run/netns" 2>/dev/null | wc -l)
say "stopping ./vpnlab run with SIGINT (Ctrl-C) to its process group ($ns_before namespaces up)"
kill -INT "-$RUN_PGID"
end=$(($(date +%s) + 60))
while kill -0 "-$RUN_PGID" 2>/dev/null; do
	[ "$(date +%s)" -lt "$end" ] || run_failed "./vpnlab run still running 60 s after SIGINT"
	sleep 1
done
wait "$RUN_PGID" 2>/dev/null || true
RUN_PGID=
left_ns=$(ls "$RUN/run/netns" 2>/dev/null || true)
[ -z "$left_ns" ] || run_failed "namespaces left after Ctrl-C: $left_ns"
left_procs=$(procs_in "$RUN")
if [ -n "$left_procs" ]; then
	# shellcheck disable=SC2086
	ps -o pid,args -p "$(echo $left_procs | tr ' ' ',')" >&2 || true
	run_failed "processes left after Ctrl-C"
fi
tail -n 5 "$RUNLOG"
say "./vpnlab run: stopped cleanly, no namespace or process left ($(($(date +%s) - t_run))s from start to stop)"

# --- 2. ./vpnlab test -----------------------------------------------------------------------

if [ "${VPNLAB_FRESH_SKIP_TEST:-0}" != 1 ]; then
	say "./vpnlab test"
	t=$(date +%s)
	in_tree 'cd /root/vpnlab && ./vpnlab test' || die "./vpnlab test (output above)"
	say "./vpnlab test passed in $(($(date +%s) - t))s"
	left_ns=$(ls "$RUN/run/netns" 2>/dev/null || true)
	[ -z "$left_ns" ] || die "namespaces left after ./vpnlab test: $left_ns"
fi
rm -f "$RUNLOG"
say "fresh machine: both README commands work (commit $COMMIT)"
