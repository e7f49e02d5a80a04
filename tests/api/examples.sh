#!/bin/sh
# The curl examples (examples/*.sh) against a server without agents: scenario 2 (control plane
# only, VPNLAB_CONTROL_PLANE_ONLY=1) makes its CEN, transit router, attachments and ECMP routes;
# teardown.sh removes all of it (every list empty afterwards); failures stop a script with exit
# status 1 and the API's own Code and Message, or with the endpoint when nothing answers.
# Scenario 1 and scenario 2's data plane need an agent: tests/lab/examples.test.js runs them.
# Usage: tests/api/examples.sh path/to/vpnlabd
. "$(dirname "$0")/../lib.sh"
EX=$(cd "$(dirname "$0")/../../examples" && pwd)

PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/examples.db" --transition-delay-ms 50 --log off || exit 1
B="http://127.0.0.1:$PORT"
export VPNLAB_ENDPOINT="127.0.0.1:$PORT" VPNLAB_EXAMPLES_STATE="$T_TMP/examples.ids"

# ---- scenario 2: the whole control plane, then the stop with its reason ----
if VPNLAB_CONTROL_PLANE_ONLY=1 sh "$EX/scenario2-transit-router.sh" >"$T_TMP/s2.out" 2>&1; then t_ok; else
	t_bad "scenario2 failed: $(tail -n 5 "$T_TMP/s2.out")"
fi
grep -q "two Active entries to 192.168.20.0/24" "$T_TMP/s2.out" && t_ok || t_bad "scenario2: no ECMP line"
grep -q "stopping here (VPNLAB_CONTROL_PLANE_ONLY=1)" "$T_TMP/s2.out" && t_ok || t_bad "scenario2: does not say why it stops"
t_req GET "$B/v1/transit-routers"; t_check "one transit router" 'b["TotalCount"]' 1
t_req GET "$B/v1/vpn-connections"; t_check "two connections" 'b["TotalCount"]' 2
kinds=$(cut -d' ' -f1 "$VPNLAB_EXAMPLES_STATE" | LC_ALL=C sort | uniq -c | awk '{ printf "%s=%s ", $2, $1 }')
[ "$kinds" = "cen=1 customer-gateway=2 tr-association=3 tr-propagation=3 tr-route-table=1 tr-vpc-attachment=1 tr-vpn-attachment=2 transit-router=1 vpc=1 vpn-connection=2 vswitch=2 " ] &&
	t_ok || t_bad "ids listed: $kinds"

# ---- teardown: everything goes, in an order the API accepts ----
if sh "$EX/teardown.sh" >"$T_TMP/td.out" 2>&1; then t_ok; else t_bad "teardown failed: $(tail -n 5 "$T_TMP/td.out")"; fi
[ ! -e "$VPNLAB_EXAMPLES_STATE" ] && t_ok || t_bad "teardown left its list"
# deletions finish asynchronously (Deleting, Detaching): wait for the lists to empty
empty() {
	for path in /v1/vpcs /v1/vswitches /v1/customer-gateways /v1/vpn-connections /v1/transit-routers /v1/cens; do
		t_req GET "$B$path"
		[ "$(t_json 'b["TotalCount"]')" = 0 ] || return 1
	done
}
i=0
until empty; do
	i=$((i + 1))
	[ $i -lt 300 ] || break
	sleep 0.1
done
empty && t_ok || t_bad "something is left after teardown"
sh "$EX/teardown.sh" >"$T_TMP/td2.out" 2>&1 && grep -q "nothing to remove" "$T_TMP/td2.out" && t_ok || t_bad "second teardown"

# ---- failures: exit status 1 with the API's Code and Message ----
VPNLAB_REGION=nowhere-1 sh "$EX/scenario1-vpn-gateway.sh" >"$T_TMP/bad.out" 2>&1
[ $? = 1 ] && t_ok || t_bad "a refused call does not exit with 1"
grep -q '^FAILED: GET /v1/zones?RegionId=nowhere-1: HTTP 404 InvalidRegionId.NotFound: Specified value of "regionId" is not supported.$' \
	"$T_TMP/bad.out" && t_ok || t_bad "not the API's message: $(cat "$T_TMP/bad.out")"
VPNLAB_TR_CGW_IPS="300.0.0.1 203.0.113.9" sh "$EX/scenario2-transit-router.sh" >"$T_TMP/bad2.out" 2>&1
[ $? = 1 ] && t_ok || t_bad "a refused create does not exit with 1"
grep -q '^FAILED: POST /v1/customer-gateways: HTTP 400 InvalidIpAddress.WrongFormat' "$T_TMP/bad2.out" && t_ok ||
	t_bad "not the API's message: $(tail -n 2 "$T_TMP/bad2.out")"
sh "$EX/teardown.sh" >/dev/null 2>&1 && t_ok || t_bad "teardown after a failed scenario"
DOWN=$(t_free_port)
VPNLAB_ENDPOINT=127.0.0.1:$DOWN sh "$EX/scenario2-transit-router.sh" >"$T_TMP/down.out" 2>&1
[ $? = 1 ] && grep -q "no answer from http://127.0.0.1:$DOWN" "$T_TMP/down.out" && t_ok || t_bad "no server: $(cat "$T_TMP/down.out")"

t_summary "examples.sh"
