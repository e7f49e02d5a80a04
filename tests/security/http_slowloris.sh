#!/bin/sh
# Slow clients cannot starve the others (issue 10, item 2): 1,000 half-open connections
# trickling from one address, the per-client limit, and the request deadline that trickling
# does not extend. The attackers use 127.0.0.2 (all of 127/8 is local), the others 127.0.0.1.
# Usage: tests/security/http_slowloris.sh path/to/vpnlabd
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
PY="python3 $HERE/slowclient.py"

# 1,000 attacker sockets here and up to 1,000 connections in the server
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 4096 ] || ulimit -n 4096 2>/dev/null ||
	echo "http_slowloris: cannot raise open files to 4096 (now $(ulimit -n))"

# the defaults: 200 connections per client, 2,000 in all, a 30 s deadline
port=$(t_free_port)
t_start_server "$BIN" "$port" "$T_TMP/a.db" --log off || exit 1
t_req GET "http://127.0.0.1:$port/?Action=CreateVpc&Version=2016-04-28&RegionId=cn-hangzhou&CidrBlock=10.0.0.0/16"
t_expect "CreateVpc before the attack" 200
if $PY slowloris "$port" --count 1000 --bind 127.0.0.2 --max-held 200; then t_ok; else
	T_STATUS=- T_BODY=-; t_bad "1,000 half-open connections from 127.0.0.2 starve 127.0.0.1"; fi
# headroom: 8 clients each at its limit (1,600 connections) still leave room for the others
if $PY slowloris "$port" --count 1600 --max-held 1600 \
	--bind 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9; then t_ok; else
	T_STATUS=- T_BODY=-; t_bad "8 clients at their limit starve 127.0.0.1"; fi
t_req GET "http://127.0.0.1:$port/?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou"
t_expect "DescribeVpcs after the attacks" 200 && t_check "the VPC is still there" 'b["TotalCount"]' 1
t_stop_server "$T_LAST_PID"

# small limits to watch them work: 4 connections per client, an 8 s deadline (far longer than
# what the checks before it need, so it closes nothing early)
port=$(t_free_port)
t_start_server "$BIN" "$port" "$T_TMP/b.db" --log off --per-ip-connections 4 --request-deadline-s 8 || exit 1
if $PY hold "$port" --bind 127.0.0.2 --count 4 --within 30; then t_ok; else
	T_STATUS=- T_BODY=-; t_bad "per-client limit / idle connections closed by the deadline"; fi
# one byte every 0.2 s would keep libmicrohttpd's idle timeout (120 s) from ever firing
if $PY trickle "$port" --bind 127.0.0.1 --interval 0.2 --within 30; then t_ok; else
	T_STATUS=- T_BODY=-; t_bad "a request trickling one byte at a time outlives the deadline"; fi
# a request sent in pieces but whole within the deadline is answered, twice on one connection
out=$(python3 - "$port" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
for _ in range(2):
    for piece in (b"GET /hea", b"lthz HTTP/1.1\r\n", b"Host: x\r\n\r\n"):
        s.sendall(piece)
        time.sleep(0.1)
    print(s.recv(4096).split(b"\r\n")[0].decode())
PY
)
if [ "$out" = "HTTP/1.1 200 OK
HTTP/1.1 200 OK" ]; then t_ok; else T_STATUS=- T_BODY="$out"; t_bad "a request sent in pieces within the deadline"; fi
t_stop_server "$T_LAST_PID"

# the options are checked
for bad in "--per-ip-connections 0" "--max-connections 5" "--request-deadline-s 0" \
	"--max-connections 100 --per-ip-connections 101" "--request-deadline-s x"; do
	# shellcheck disable=SC2086
	if "$BIN" --listen 127.0.0.1:1 --db "$T_TMP/c.db" $bad >/dev/null 2>&1; then
		T_STATUS=- T_BODY=-; t_bad "vpnlabd accepted $bad"; else t_ok; fi
done

t_summary http_slowloris
