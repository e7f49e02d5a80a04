# Shared by the example scripts (sourced, POSIX sh): the endpoint, calls that stop the script
# with the API's own error, waits, and the list of what was made (for teardown.sh).
#   VPNLAB_ENDPOINT        host:port or URL of the server (default 127.0.0.1:8080)
#   VPNLAB_REGION          region (default cn-hangzhou)
#   VPNLAB_EXAMPLES_STATE  where the ids of what the scenarios made are listed, one "kind id…" per
#                          line in creation order (default /tmp/vpnlab-examples-<endpoint>.ids)
set -eu
ENDPOINT=${VPNLAB_ENDPOINT:-127.0.0.1:8080}
case "$ENDPOINT" in
http://* | https://*) BASE=$ENDPOINT ;;
*) BASE=http://$ENDPOINT ;;
esac
REGION=${VPNLAB_REGION:-cn-hangzhou}
STATE=${VPNLAB_EXAMPLES_STATE:-${TMPDIR:-/tmp}/vpnlab-examples-$(printf '%s' "$ENDPOINT" | tr -c 'A-Za-z0-9.' '_').ids}
for tool in curl jq; do
	command -v "$tool" >/dev/null 2>&1 || { echo "needs $tool (Debian: apt-get install $tool)" >&2; exit 1; }
done

step() { printf '\n== %s\n' "$*"; }
note() { printf '   %s\n' "$*"; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# api METHOD PATH [JSON]: the answer's body in $R and its HTTP status in $STATUS; an answer
# other than 2xx stops the script with the API's Code and Message (api_try does not stop).
api_try() {
	if [ $# -ge 3 ]; then
		R=$(curl -sS -m 120 -X "$1" -H 'Content-Type: application/json' -d "$3" -w '\n%{http_code}' "$BASE$2")
	else
		R=$(curl -sS -m 120 -X "$1" -w '\n%{http_code}' "$BASE$2")
	fi || die "$1 $2: no answer from $BASE (is the server running? VPNLAB_ENDPOINT=$ENDPOINT)"
	STATUS=$(printf '%s\n' "$R" | tail -n 1)
	R=$(printf '%s\n' "$R" | sed '$d')
	case "$STATUS" in 2??) return 0 ;; *) return 1 ;; esac
}
api() {
	api_try "$@" || die "$1 $2: HTTP $STATUS $(api_error)"
}
# "Code: Message" of the last answer (or the body as it is when it is not the cloud's envelope)
api_error() {
	printf '%s' "$R" | jq -r 'if .Code then "\(.Code): \(.Message)" else tostring end' 2>/dev/null || printf '%s' "$R"
}
# field FILTER: a jq filter applied to the last answer; fails when it yields null
field() {
	printf '%s' "$R" | jq -er "$1" || die "no $1 in the answer: $R"
}
# made KIND ID…: notes what was made, for teardown.sh
made() {
	echo "$*" >>"$STATE"
	note "$*"
}

# wait_until WHAT SECONDS COMMAND…: runs COMMAND every second until it succeeds
wait_until() {
	what=$1 limit=$2
	shift 2
	end=$(($(date +%s) + limit))
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || die "$what: not within ${limit} s"
		sleep 1
	done
	note "$what"
}
# status_is PATH FILTER VALUE: GET PATH, then FILTER of the answer is VALUE
status_is() {
	api GET "$1"
	[ "$(printf '%s' "$R" | jq -r "$2")" = "$3" ]
}
