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

Q='Version=2016-04-28&RegionId=cn-hangzhou'

. bench/lib.sh

start_bare_pool() {
	"$OUT/bare" --listen "127.0.0.1:$1" --mode pool 2>"$tmp/bare.log" &
	spid=$!
}

start_vpnlabd() {
	run_vpnlabd "$1" --quota vpcs_per_region=100000 --quota vswitches_per_vpc=100000
}

bench_tmp run API
READ_URL="/?Action=DescribeVpcs&$Q&PageSize=10"

# ---- 1. bare libmicrohttpd handler --------------------------------------
launch_bare
timed_load "http://127.0.0.1:$port$READ_URL" 4 bare-thread; bare_rps=$rps
stop "$spid"

launch start_bare_pool || die "bare (pool) did not start: $(cat "$tmp/bare.log")"
timed_load "http://127.0.0.1:$port$READ_URL" 4 bare-pool; pool_rps=$rps
stop "$spid"

# ---- 2. the real server -------------------------------------------------
launch_vpnlabd
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

timed_load "$base$READ_URL" 4 server-reads; reads_rps=$rps

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
