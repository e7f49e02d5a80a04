#!/bin/sh
# Removes what the scenario scripts made, newest first: that is dependency order (a host
# before its site, routes and connections before their gateway, a route table's
# associations and propagations before the table and the attachments, attachments before
# the transit router, the router before the CEN, vSwitches before their VPC).  A deletion the
# API refuses because the thing's dependents are still going away (their deletion is
# asynchronous, like the cloud's) is tried again for up to 90 s; one already gone counts as done.
# What could not be removed stays listed in the state file, and the script exits non-zero with
# the API's message.  Environment: as common.sh (VPNLAB_ENDPOINT, VPNLAB_EXAMPLES_STATE).
. "$(dirname "$0")/common.sh"

if [ ! -s "$STATE" ]; then
	echo "nothing listed in $STATE: nothing to remove"
	exit 0
fi
echo "vpnlab at $BASE: removing what $STATE lists, newest first"

# urlencode a CIDR for a query string
q() { printf '%s' "$1" | sed 's|/|%2F|g'; }

# delete_one KIND ID [MORE…]: one API call; 0 when deleted or already gone
delete_one() {
	kind=$1 id=$2
	case "$kind" in
	host) api_try DELETE "/v1/lab/hosts/$id" ;;
	site) api_try DELETE "/v1/lab/sites/$id" ;;
	vpn-route) api_try DELETE "/v1/vpn-gateways/$id/route-entries?RouteDest=$(q "$3")&NextHop=$4&Weight=$5" ;;
	vpn-connection) api_try DELETE "/v1/vpn-connections/$id" ;;
	customer-gateway) api_try DELETE "/v1/customer-gateways/$id" ;;
	vpn-gateway) api_try DELETE "/v1/vpn-gateways/$id" ;;
	vswitch) api_try DELETE "/v1/vswitches/$id" ;;
	vpc) api_try DELETE "/v1/vpcs/$id" ;;
	route-entry) api_try DELETE "/v1/route-tables/$id/route-entries?RegionId=$REGION&RouteEntryId=$3" ;;
	tr-route-entry) api_try DELETE "/v1/transit-router-route-entries/$id" ;;
	tr-association) api_try DELETE "/v1/transit-router-route-tables/$id/associations?TransitRouterAttachmentId=$3" ;;
	tr-propagation) api_try DELETE "/v1/transit-router-route-tables/$id/propagations?TransitRouterAttachmentId=$3" ;;
	tr-route-table) api_try DELETE "/v1/transit-router-route-tables/$id" ;;
	tr-vpn-attachment) api_try DELETE "/v1/transit-router-vpn-attachments/$id" ;;
	tr-vpc-attachment) api_try DELETE "/v1/transit-router-vpc-attachments/$id" ;;
	transit-router) api_try DELETE "/v1/transit-routers/$id" ;;
	cen) api_try DELETE "/v1/cens/$id" ;;
	*) R="{\"Code\":\"Unknown\",\"Message\":\"teardown.sh knows no kind '$kind'\"}" STATUS=0; return 1 ;;
	esac && return 0
	# already gone: the cloud's "not found" codes (the CBN API answers them with HTTP 400)
	case "$STATUS:$(printf '%s' "$R" | jq -r '.Code // ""' 2>/dev/null)" in
	404:* | *NotFound* | *:ParameterCenInstanceId) return 0 ;;
	esac
	return 1
}

LEFT=$(mktemp)
trap 'rm -f "$LEFT" "$LEFT.todo"' EXIT
failed=0
# newest first (sed: print the lines in reverse)
sed '1!G;h;$!d' "$STATE" >"$LEFT.todo"
while read -r kind id more; do
	[ -n "$kind" ] || continue
	if [ $failed = 1 ]; then
		# keep the order of what is left: it goes back to the state file, oldest first
		echo "$kind $id${more:+ $more}" >>"$LEFT"
		continue
	fi
	# shellcheck disable=SC2086
	set -- "$kind" "$id" $more
	end=$(($(date +%s) + 90))
	until delete_one "$@"; do
		if [ "$(date +%s)" -ge "$end" ]; then
			printf 'FAILED: %s %s: HTTP %s %s\n' "$kind" "$id" "$STATUS" "$(api_error)" >&2
			failed=1
			echo "$kind $id${more:+ $more}" >>"$LEFT"
			break
		fi
		sleep 1
	done
	[ $failed = 1 ] || note "removed $kind $id${more:+ ($more)}"
done <"$LEFT.todo"
rm -f "$LEFT.todo"
if [ $failed = 1 ]; then
	sed '1!G;h;$!d' "$LEFT" >"$STATE"
	die "stopped; what is left is listed in $STATE"
fi
rm -f "$STATE"
echo "done: everything the scenarios made is removed"
