#!/bin/sh
# Issues 10.4 and 10.5 over HTTP (strict mode): the replay window holds whatever other keys
# send.  With the old shared 65,536-entry cache, one tenant's flood evicted another's
# nonces; now a key that fills its own cap (--nonce-cap, lowered here to 40 so the flood is
# small) is throttled (Throttling.User, 400) while every nonce stays remembered until its
# timestamp expires.  The 66,000-request flood and the clock-dependent cases (a request
# stamped 14 minutes ahead, replayed 905 s later) run against auth.c in tests/unit/test_auth.c,
# whose clock is an argument.
# Usage: tests/security/sig_nonce.sh path/to/vpnlabd
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
ACS="python3 $HERE/acs.py"
CAP=40

printf 'LTAIvictim vsecret 1111111111111111\nLTAIflood fsecret 2222222222222222\n' >"$T_TMP/creds"
PORT=$(t_free_port)
t_start_server "$BIN" "$PORT" "$T_TMP/nonce.db" --auth strict --credentials "$T_TMP/creds" \
	--transition-delay-ms 0 --nonce-cap $CAP --log off || exit 1
B="http://127.0.0.1:$PORT"
P="Version=2016-04-28 RegionId=cn-hangzhou"

# the victim's CreateVpc, captured on the wire
CAPTURED=$($ACS v2 --secret vsecret --method POST AccessKeyId=LTAIvictim Action=CreateVpc $P CidrBlock=10.0.0.0/16)
t_req POST "$B/?$CAPTURED"; t_expect "victim's CreateVpc" 200

# the flooder sends CAP + 10 signed requests: the first CAP pass, the rest are throttled
ok=0; throttled=0; other=""
for i in $(seq 1 $((CAP + 10))); do
	t_req GET "$B/?$($ACS v2 --secret fsecret AccessKeyId=LTAIflood Action=DescribeVpcs $P)"
	case "$T_STATUS $(t_json 'b.get("Code","")')" in
	"200 ") ok=$((ok + 1)) ;;
	"400 Throttling.User") throttled=$((throttled + 1)) ;;
	*) other="$other $T_STATUS" ;;
	esac
done
t_check "flood: $CAP accepted" "$ok" "$CAP"
t_check "flood: 10 throttled" "$throttled" 10
t_check "flood: nothing else" "'$other'" ""
t_req GET "$B/?$($ACS v2 --secret fsecret AccessKeyId=LTAIflood Action=DescribeVpcs $P)"
t_expect "the flooder stays throttled" 400 Throttling.User
t_check "throttling message names the key" '"LTAIflood" in b["Message"]' true

# the victim's captured request is still a replay, and the victim is not throttled
t_req POST "$B/?$CAPTURED"; t_expect "replay after the flood" 400 SignatureNonceUsed
t_req GET "$B/?$($ACS v2 --secret vsecret AccessKeyId=LTAIvictim Action=DescribeVpcs $P)"
t_expect "victim still served" 200
t_check "exactly one VPC" 'b["TotalCount"]' 1

# a request stamped 14 minutes ahead is accepted, and its replay refused (the 905 s later
# case needs a clock: test_auth.c test_nonce_future_timestamp)
AHEAD=$($ACS v2 --secret vsecret --ts-offset 840 AccessKeyId=LTAIvictim Action=DescribeVpcs $P)
t_req GET "$B/?$AHEAD"; t_expect "stamped +14 min" 200
t_req GET "$B/?$AHEAD"; t_expect "its replay" 400 SignatureNonceUsed

t_summary "security/sig_nonce"
