#!/bin/sh
# bench/cbn.sh: transit router route table figures for vpnlabd (CBN 2017-09-12).
#
#   sh bench/cbn.sh            (from the repository root)
#
# Builds build/bench/loadgen and build/bench/bare, then in one run:
#   1. the bare libmicrohttpd handler (thread per connection, the server's
#      mode) under the read load the server gets below (4 connections, 10 s);
#   2. bin/vpnlabd on a fresh database, seeded through the RPC API: a CEN, an
#      Enterprise transit router with a CIDR block, a custom route table,
#      50 VPN attachments (unbound IPsec connections from CreateVpnAttachment,
#      attached with CreateTransitRouterVpnAttachment; RemoteSubnet is one of
#      3, so ECMP groups of 16-17 form) of which 45 propagate into the table,
#      and 1000 static route entries (500 BlackHole 10.{b}.{c}.0/24, 500 to
#      the first attachment 11.{b}.{c}.0/24) sent with loadgen;
#   3. ListTransitRouterRouteEntries&TransitRouterRouteEntryStatus=All&
#      MaxResults=100 (the largest page allowed), 4 connections, 10 s;
#   4. route recomputation: 5 times, EnableTransitRouterRouteTablePropagation
#      for an attachment not yet propagating plus the first list after it, on
#      one kept-alive curl connection, against the same list alone;
#   5. server RSS (and peak) and the database size at the end.
# A transit router takes at most 50 VPN attachments (TR_VPN_ATTACHMENTS_MAX,
# the cloud's quota), so the "new" attachments of step 4 are the last 5 of
# the 50: attached during seeding, propagating only from step 4 on.
# Prints figures, never a verdict.  Exits non-zero only when a run could not
# be made at all (no server, seeding refused, loadgen could not connect).
#
# Environment: VPNLABD (default bin/vpnlabd), BENCH_SECONDS (default 10),
# BENCH_TMPDIR (default build/bench; holds the temporary database: not /tmp,
# see bench/README.md).  Everything it starts is killed by PID on exit; its
# temp dir is removed.

set -u
cd "$(dirname "$0")/.." || exit 2

QV='Version=2016-04-28&RegionId=cn-hangzhou'	# VPC / VPN Gateway actions
QC='Version=2017-09-12'				# CBN actions

# The seeded shape.  Changing these changes what the figures mean.
N_ATT=50	# VPN attachments: the per-router maximum
N_NEW=5		# of those, propagating only from the recomputation step on
N_SUBNETS=3	# distinct RemoteSubnets (172.16.S.0/24): ECMP groups of ~17
N_STATIC=1000	# static entries: the per-table quota (500 BlackHole + 500 Attachment)
N_QUIET=11	# samples of the list alone, for the steady-state median

. bench/lib.sh

start_vpnlabd() {
	run_vpnlabd "$1" --quota customer_gateways_per_region=1000 \
		--quota vpn_gateways_per_account=1000 --log off
}

# api QUERY: GET /?QUERY (see answer in bench/lib.sh)
api() { answer "$base/?$1"; }

# json_int KEY: the first integer value of "KEY" in $body.
json_int() {
	printf '%s\n' "$body" | sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p" | head -n 1
}

# median FILE: the median (lower middle) of the numbers in FILE, one a line.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "?" }'
}
# ms SECONDS: curl's time_total as milliseconds, 3 decimals.
ms() { awk -v s="$1" 'BEGIN { printf "%.3f\n", s * 1000 }'; }

bench_tmp cbn CBN
LIST_Q="Action=ListTransitRouterRouteEntries&$QC&TransitRouterRouteEntryStatus=All&MaxResults=100"

# ---- 1. bare libmicrohttpd handler, same load -----------------------------
# The table ID names nothing here: bare answers every request alike.
launch_bare
timed_load "http://127.0.0.1:$port/?$LIST_Q&TransitRouterRouteTableId=vtb-x" 4 bare-thread-c4; bare_r=$rps
stop "$spid"

# ---- 2. the real server, seeded ------------------------------------------
launch_vpnlabd
rss_idle=$(rss_kib "$spid")
t0=$(date +%s)

# With --transition-delay-ms 0 every Creating/Attaching/Enabling state is
# over when the answer comes, so nothing below waits or polls.
created cen CenId "Action=CreateCen&$QC&Name=bench"
created tr TransitRouterId "Action=CreateTransitRouter&$QC&RegionId=cn-hangzhou&CenId=$cen&TransitRouterCidrList=%5B%7B%22Cidr%22%3A%22192.168.250.0%2F24%22%7D%5D"
created rt TransitRouterRouteTableId "Action=CreateTransitRouterRouteTable&$QC&TransitRouterId=$tr&TransitRouterRouteTableName=bench"

# 50 single-tunnel IPsec connections, each with its own customer gateway.
: >"$tmp/att.ids"
i=1
while [ $i -le $N_ATT ]; do
	created cgw CustomerGatewayId "Action=CreateCustomerGateway&$QV&IpAddress=47.100.$((i / 256)).$((i % 256))"
	s=$((i % N_SUBNETS))
	created vco VpnConnectionId "Action=CreateVpnAttachment&$QV&CustomerGatewayId=$cgw&Name=bench-$i&LocalSubnet=10.0.0.0%2F8&RemoteSubnet=172.16.$s.0%2F24"
	created att TransitRouterAttachmentId "Action=CreateTransitRouterVpnAttachment&$QC&RegionId=cn-hangzhou&TransitRouterId=$tr&VpnId=$vco&Zone.1.ZoneId=cn-hangzhou-h"
	echo "$att" >>"$tmp/att.ids"
	if [ $i -le $((N_ATT - N_NEW)) ]; then
		api "Action=EnableTransitRouterRouteTablePropagation&$QC&TransitRouterAttachmentId=$att&TransitRouterRouteTableId=$rt" ||
			die "EnableTransitRouterRouteTablePropagation failed: $body"
	fi
	i=$((i + 1))
done
att1=$(head -n 1 "$tmp/att.ids")

# Static entries: distinct /24s, half BlackHole, half to the first attachment.
half=$((N_STATIC / 2))
RE_URL="$base/?Action=CreateTransitRouterRouteEntry&$QC&TransitRouterRouteTableId=$rt"
run_load --url "$RE_URL&TransitRouterRouteEntryDestinationCidrBlock=10.{b}.{c}.0%2F24&TransitRouterRouteEntryNextHopType=BlackHole" \
	--connections 8 --requests "$half" --label seed-static-blackhole
[ "$(field "$line" s2xx)" = "$half" ] || die "seeding BlackHole entries failed"
run_load --url "$RE_URL&TransitRouterRouteEntryDestinationCidrBlock=11.{b}.{c}.0%2F24&TransitRouterRouteEntryNextHopType=Attachment&TransitRouterRouteEntryNextHopId=$att1" \
	--connections 8 --requests "$((N_STATIC - half))" --label seed-static-attachment
[ "$(field "$line" s2xx)" = "$((N_STATIC - half))" ] || die "seeding Attachment entries failed"
seed_secs=$(($(date +%s) - t0))

# count QUERY: TotalCount of ListTransitRouterRouteEntries on the table.
count() {
	api "Action=ListTransitRouterRouteEntries&$QC&TransitRouterRouteTableId=$rt&MaxResults=1$1" &&
		json_int TotalCount
}
n_static=$(count "&TransitRouterRouteEntryType=Static&TransitRouterRouteEntryStatus=All")
n_learned=$(count "&TransitRouterRouteEntryType=Propagated&TransitRouterRouteEntryStatus=All")
n_cand=$(count "&TransitRouterRouteEntryStatus=Candidate")
api "$LIST_Q&TransitRouterRouteTableId=$rt" || die "ListTransitRouterRouteEntries failed: $body"
n_all=$(json_int TotalCount)
page_n=$(printf '%s\n' "$body" | grep -o '"TransitRouterRouteEntryDestinationCidrBlock"' | wc -l)
page_bytes=$(printf '%s' "$body" | wc -c)
api "Action=ListTransitRouterVpnAttachments&$QC&TransitRouterId=$tr&MaxResults=1"
n_att=$(json_int TotalCount)
api "Action=ListTransitRouterRouteTablePropagations&$QC&TransitRouterRouteTableId=$rt&MaxResults=1"
n_prop=$(json_int TotalCount)
echo "seeded in ${seed_secs}s: vpn_attachments=${n_att:-?} propagating=${n_prop:-?}" \
	"entries=${n_all:-?} (static=${n_static:-?} learned=${n_learned:-?} candidate=${n_cand:-?});" \
	"read page: $page_n entries, $page_bytes bytes"
rss_seed=$(rss_kib "$spid")

# ---- 3. steady-state reads -------------------------------------------------
run_load --url "$base/?$LIST_Q&TransitRouterRouteTableId=$rt" \
	--connections 4 --duration "$SECS" --label server-list-entries-c4
read_line=$line
srv_r=$(field "$line" rps)

# ---- 4. recomputation after a propagation is added ---------------------------
# One curl process, one kept-alive connection, so time_total is the request
# alone (no process start, no connect after the first).  The list alone is
# timed the same way, so the two medians compare.
LIST_URL="$base/?$LIST_Q&TransitRouterRouteTableId=$rt"
: >"$tmp/quiet.ms"
out=$(i=0; while [ $i -lt "$N_QUIET" ]; do printf 'url = "%s"\noutput = "/dev/null"\n' "$LIST_URL"; i=$((i + 1)); done |
	curl -s --max-time 30 -K - -w '%{http_code} %{time_total}\n')
printf '%s\n' "$out" | while read -r code secs; do
	[ "$code" = 200 ] || echo "bench: quiet list answered $code" >&2
	ms "$secs" >>"$tmp/quiet.ms"
done
# a warm-up list first: the first sample of a curl run pays the connect
sed -i '1d' "$tmp/quiet.ms"

: >"$tmp/enable.ms"
: >"$tmp/first.ms"
: >"$tmp/sum.ms"
k=0
tail -n "$N_NEW" "$tmp/att.ids" >"$tmp/new.ids"
while read -r att; do
	k=$((k + 1))
	before=$(count "&TransitRouterRouteEntryStatus=All")
	out=$(curl -s --max-time 30 \
		-w '%{http_code} %{time_total}\n' \
		-o /dev/null "$LIST_URL" \
		-o "$tmp/enable.json" \
		"$base/?Action=EnableTransitRouterRouteTablePropagation&$QC&TransitRouterAttachmentId=$att&TransitRouterRouteTableId=$rt" \
		-o "$tmp/first.json" "$LIST_URL")
	# line 1: warm-up list (connects), line 2: enable, line 3: first list after it;
	# split into "code secs code secs code secs" on purpose
	# shellcheck disable=SC2086
	set -- $out
	[ "$3" = 200 ] || die "EnableTransitRouterRouteTablePropagation answered $3: $(cat "$tmp/enable.json")"
	[ "$5" = 200 ] || die "ListTransitRouterRouteEntries answered $5"
	e=$(ms "$4")
	f=$(ms "$6")
	after=$(sed -n 's/.*"TotalCount":\([0-9]*\).*/\1/p' "$tmp/first.json")
	echo "$e" >>"$tmp/enable.ms"
	echo "$f" >>"$tmp/first.ms"
	awk -v a="$e" -v b="$f" 'BEGIN { printf "%.3f\n", a + b }' >>"$tmp/sum.ms"
	echo "recompute-$k attachment=$att enable_ms=$e first_list_ms=$f total_ms=$(tail -n 1 "$tmp/sum.ms")" \
		"entries ${before:-?} -> ${after:-?}"
done <"$tmp/new.ids"

api "Action=ListTransitRouterRouteTablePropagations&$QC&TransitRouterRouteTableId=$rt&MaxResults=1"
n_prop_end=$(json_int TotalCount)
n_all_end=$(count "&TransitRouterRouteEntryStatus=All")
n_cand_end=$(count "&TransitRouterRouteEntryStatus=Candidate")
end_figures

echo
echo "# summary"
awk -v br="$bare_r" -v sr="$srv_r" \
	-v rp50="$(field "$read_line" p50_ms)" -v rp99="$(field "$read_line" p99_ms)" \
	-v rbad="$(field "$read_line" non2xx)+$(field "$read_line" errors)" \
	-v qm="$(median "$tmp/quiet.ms")" -v nq="$(wc -l <"$tmp/quiet.ms" | tr -d ' ')" \
	-v em="$(median "$tmp/enable.ms")" -v fm="$(median "$tmp/first.ms")" -v sm="$(median "$tmp/sum.ms")" \
	-v smin="$(sort -n "$tmp/sum.ms" | head -n 1)" -v smax="$(sort -n "$tmp/sum.ms" | tail -n 1)" \
	-v nn="$N_NEW" -v np="${n_prop_end:-?}" -v na="${n_all_end:-?}" -v nc="${n_cand_end:-?}" 'BEGIN {
	printf "%-44s %10s %8s %8s %10s %7s %s\n", "", "rps", "p50_ms", "p99_ms", "bare_rps", "ratio", "non2xx+errors"
	printf "%-44s %10s %8s %8s %10s %7.2f %s\n", "ListTransitRouterRouteEntries c4 (100/page)",
		sr, rp50, rp99, br, (br > 0 ? sr / br : 0), rbad
	printf "single requests, one connection, median ms:\n"
	printf "  list alone (steady state, %d samples)          %8s\n", nq, qm
	printf "  EnableTransitRouterRouteTablePropagation     %8s\n", em
	printf "  first list after it                          %8s\n", fm
	printf "  enable + first list (%d samples)              %8s  (min %s, max %s)\n", nn, sm, smin, smax
	printf "stored: propagating=%s entries=%s (Status=All; ECMP Candidate beyond 16: %s)\n", np, na, nc
}'
print_footprint
stop "$spid"
exit 0
