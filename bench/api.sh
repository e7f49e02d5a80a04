#!/bin/sh
# bench/api.sh: API throughput, latency and memory figures for vpnlabd.
#
#   sh bench/api.sh            (from the repository root; `make bench` runs it)
#
# Builds build/bench/loadgen and build/bench/bare, then:
#   1. bare libmicrohttpd handler, thread-per-connection (the server's mode)
#      and epoll pool of 2: GET, 4 connections, 10 s;
#   2. bin/vpnlabd on a fresh database: one CreateVpc, then
#      DescribeVpcs reads (4 connections, 10 s), CreateVSwitch writes
#      (32 connections, 30000 requests), CreateVpc writes (32 connections,
#      10000 requests); RSS and database size once the resources are stored.
# Prints figures; the targets are shown next to them but nothing fails on
# them.  Exits non-zero only when a run could not be made at all.
#
# Environment: VPNLABD (default bin/vpnlabd), BENCH_SECONDS (default 10),
# BENCH_TMPDIR (default build/bench; holds the temporary database).
# Everything it starts is killed by PID on exit; its temp dir is removed.

set -u
cd "$(dirname "$0")/.." || exit 2

VPNLABD=${VPNLABD:-bin/vpnlabd}
SECS=${BENCH_SECONDS:-10}
OUT=build/bench
LG=$OUT/loadgen
Q='Version=2016-04-28&RegionId=cn-hangzhou'

pids=""
tmp=""

# Stops one process we started: TERM, up to 5 s grace, then KILL.
stop() {
	_p=$1
	kill -TERM "$_p" 2>/dev/null
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	_rest=""
	for _q in $pids; do
		[ "$_q" = "$_p" ] || _rest="$_rest $_q"
	done
	pids=$_rest
}

cleanup() {
	for _p in $pids; do
		stop "$_p"
	done
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
# An untrapped signal would kill the shell without running the EXIT trap and
# leave the server behind (e.g. SIGPIPE when piped into head).
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

# A random port in 18000..18999 with no listener on it (IPv4 or IPv6).
pick_port() {
	while :; do
		_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		_port=$((18000 + _r % 1000))
		_hex=$(printf ':%04X' "$_port")
		# /proc/net/tcp: column 2 is local ADDR:PORT in hex, column 4 the state (0A = LISTEN)
		awk -v p="$_hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
	done
	echo "$_port"
}

# Waits until GET /healthz on port $1 answers 200 while PID $2 lives.
wait_healthy() {
	_i=0
	while [ $_i -lt 200 ]; do
		kill -0 "$2" 2>/dev/null || return 1
		_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
			"http://127.0.0.1:$1/healthz" 2>/dev/null)
		[ "$_code" = 200 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# launch FUNC: FUNC PORT starts a server in the background and sets spid.
# Retries on another port when the server dies (another process took the port
# between pick_port and bind).  Sets port and spid.
launch() {
	_try=0
	while [ $_try -lt 5 ]; do
		_try=$((_try + 1))
		port=$(pick_port)
		"$1" "$port"
		pids="$pids $spid"
		wait_healthy "$port" "$spid" && return 0
		stop "$spid"
	done
	return 1
}

start_bare_thread() {
	"$OUT/bare" --listen "127.0.0.1:$1" --mode thread 2>"$tmp/bare.log" &
	spid=$!
}

start_bare_pool() {
	"$OUT/bare" --listen "127.0.0.1:$1" --mode pool 2>"$tmp/bare.log" &
	spid=$!
}

start_vpnlabd() {
	rm -f "$tmp/vpnlab.db" "$tmp/vpnlab.db-wal" "$tmp/vpnlab.db-shm"
	"$VPNLABD" --listen "127.0.0.1:$1" --db "$tmp/vpnlab.db" --auth open \
		--transition-delay-ms 0 \
		--quota vpcs_per_region=100000 --quota vswitches_per_vpc=100000 \
		>"$tmp/server.log" 2>&1 &
	spid=$!
}

# field LINE NAME: the value of NAME=... in a loadgen output line.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# run_load ARGS...: runs loadgen, echoes its line, keeps it in $line.
run_load() {
	line=$("$LG" "$@")
	_rc=$?
	echo "$line"
	[ $_rc -eq 0 ] || echo "bench: loadgen exited with $_rc" >&2
}

# rss_kib PID / hwm_kib PID: resident and peak resident set, in KiB.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
size_of() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }

# total COUNT-ACTION EXTRA-QUERY: TotalCount of a Describe* call.
total() {
	curl -s --max-time 30 "http://127.0.0.1:$port/?Action=$1&$Q&PageSize=1$2" |
		sed -n 's/.*"TotalCount":\([0-9]*\).*/\1/p'
}

command -v curl >/dev/null 2>&1 || die "curl is needed (sh scripts/deps.sh bench)"
make -s -f bench/Makefile >/dev/null || die "cannot build the bench programs"
# The database lives under build/bench/, not /tmp: /tmp is often tmpfs, where
# fsync costs nothing and "durable" write figures would mean nothing.
tmp=$(mktemp -d "${BENCH_TMPDIR:-$OUT}/run.XXXXXX") || die "mktemp failed"
fstype=$(stat -f -c %T "$tmp" 2>/dev/null || echo unknown)
case "$fstype" in
tmpfs | ramfs) echo "bench: $tmp is on $fstype: write figures are not durable figures" >&2 ;;
esac

echo "# vpnlab API bench: $(nproc 2>/dev/null || echo '?') cores shared by client and server; db on $fstype"
READ_URL="/?Action=DescribeVpcs&$Q&PageSize=10"

# ---- 1. bare libmicrohttpd handler --------------------------------------
launch start_bare_thread || die "bare (thread) did not start: $(cat "$tmp/bare.log")"
run_load --url "http://127.0.0.1:$port$READ_URL" --connections 4 --duration "$SECS" \
	--label bare-thread
bare_rps=$(field "$line" rps)
stop "$spid"

launch start_bare_pool || die "bare (pool) did not start: $(cat "$tmp/bare.log")"
run_load --url "http://127.0.0.1:$port$READ_URL" --connections 4 --duration "$SECS" \
	--label bare-pool
pool_rps=$(field "$line" rps)
stop "$spid"

# ---- 2. the real server -------------------------------------------------
if [ ! -x "$VPNLABD" ]; then
	echo "bench: $VPNLABD not found; run make first (server figures skipped)" >&2
	exit 1
fi
launch start_vpnlabd || {
	tail -n 20 "$tmp/server.log" >&2
	die "$VPNLABD did not answer /healthz"
}
base="http://127.0.0.1:$port"
rss_idle=$(rss_kib "$spid")

resp=$(curl -s --max-time 30 "$base/?Action=CreateVpc&$Q&CidrBlock=10.0.0.0/8")
vpc=$(echo "$resp" | sed -n 's/.*"VpcId":"\([^"]*\)".*/\1/p')
[ -n "$vpc" ] || die "CreateVpc failed: $resp"
# With --transition-delay-ms 0 the VPC should be Available at once; give the
# lifecycle engine a moment in case it advances states asynchronously.
_i=0
while [ $_i -lt 50 ]; do
	curl -s --max-time 5 "$base/?Action=DescribeVpcs&$Q&VpcId=$vpc" |
		grep -q '"Status":"Available"' && break
	sleep 0.1
	_i=$((_i + 1))
done
[ $_i -lt 50 ] || echo "bench: $vpc is not Available after 5 s; writes may fail" >&2

run_load --url "$base$READ_URL" --connections 4 --duration "$SECS" --label server-reads
reads_rps=$(field "$line" rps)

run_load --url "$base/?Action=CreateVSwitch&$Q&VpcId=$vpc&ZoneId=cn-hangzhou-h&CidrBlock=10.{b}.{c}.0/24" \
	--connections 32 --requests 30000 --label server-create-vswitch
vsw_rps=$(field "$line" rps)
n_vsw=$(total DescribeVSwitches "&VpcId=$vpc")
rss_vsw=$(rss_kib "$spid")

run_load --url "$base/?Action=CreateVpc&$Q&CidrBlock=192.168.0.0/16" \
	--connections 32 --requests 10000 --label server-create-vpc
vpc_rps=$(field "$line" rps)
n_vpc=$(total DescribeVpcs "")

kill -0 "$spid" 2>/dev/null || {
	tail -n 20 "$tmp/server.log" >&2
	die "$VPNLABD died during the run"
}
rss_end=$(rss_kib "$spid")
hwm_end=$(hwm_kib "$spid")
n_res=$(( ${n_vpc:-0} + ${n_vsw:-0} ))
db_bytes=$(size_of "$tmp/vpnlab.db")
wal_bytes=$(size_of "$tmp/vpnlab.db-wal")

echo
echo "# summary"
awk -v b="$bare_rps" -v p="$pool_rps" -v r="$reads_rps" -v w="$vsw_rps" -v v="$vpc_rps" \
	-v ri="$(mib "$rss_idle")" -v rv="$(mib "$rss_vsw")" -v re="$(mib "$rss_end")" \
	-v he="$(mib "$hwm_end")" -v nv="${n_vsw:-?}" -v np="${n_vpc:-?}" -v nr="$n_res" \
	-v db="$db_bytes" -v wal="$wal_bytes" 'BEGIN {
	ok = "met"; no = "NOT met"
	printf "bare-thread rps=%s (thread per connection, the server mode)\n", b
	printf "bare-pool   rps=%s (epoll, pool of 2)\n", p
	printf "reads/bare ratio=%.2f (target >= 0.60: %s); reads/bare-pool ratio=%.2f\n",
		(b > 0 ? r / b : 0), ((b > 0 && r / b >= 0.60) ? ok : no), (p > 0 ? r / p : 0)
	printf "durable writes: CreateVSwitch rps=%s, CreateVpc rps=%s (target >= 5000/s: %s)\n",
		w, v, ((w >= 5000 && v >= 5000) ? ok : no)
	printf "stored: vswitches=%s vpcs=%s\n", nv, np
	printf "server RSS: idle=%s MiB, after vswitches=%s MiB, end=%s MiB (peak %s MiB) with %d resources (target <= 50 MiB at 10000: %s)\n",
		ri, rv, re, he, nr, ((re <= 50 && nr >= 10000) ? ok : no)
	printf "db file: %.1f MiB (+ wal %.1f MiB)\n", db / 1048576, wal / 1048576
}'
stop "$spid"
exit 0
