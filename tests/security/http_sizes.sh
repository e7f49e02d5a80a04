#!/bin/sh
# Requests of every size get an HTTP answer (issue 10, item 8): up to 1,000 parameters are
# served, in the query or a form body; more are refused with InvalidParameter; URIs over
# 64 KiB with InvalidParameter.UriTooLong; what does not even fit libmicrohttpd's
# connection pool with its own 414/431. Before, 455 short query parameters got nothing.
# Usage: tests/security/http_sizes.sh path/to/vpnlabd
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"

port=$(t_free_port)
t_start_server "$BIN" "$port" "$T_TMP/s.db" --log off || exit 1
B="http://127.0.0.1:$port"
R='Version=2016-04-28&RegionId=cn-hangzhou'
FORM='Content-Type: application/x-www-form-urlencoded'

# params N [TEMPLATE]: N parameters joined with & (TEMPLATE's {i} is the index)
PARAM_TEMPLATE='X{i}=v{i}'
params() {
	python3 -c 'import sys; print("&".join(sys.argv[2].format(i=i) for i in range(int(sys.argv[1]))))' \
		"$1" "${2:-$PARAM_TEMPLATE}" || echo "params: cannot make $1 parameters" >&2
}
# raw REQUEST-LINE-TARGET HEADER-BYTES: sends GET TARGET with an X-Big header of that many
# bytes over a raw socket (curl cannot take such arguments); sets T_STATUS and T_BODY
raw() {
	T_BODY=$(PYTHONPATH="$HERE" python3 - "$port" "$1" "$2" <<'PY'
import sys
from raw_http import exchange
port, target, big = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
target = target.replace("@BIG@", "a" * 1000000)
req = f"GET {target} HTTP/1.1\r\nHost: x\r\n"
if big:
    req += "X-Big: " + "a" * big + "\r\n"
print(exchange(port, (req + "Connection: close\r\n\r\n").encode()).decode(errors="replace"))
PY
)
	T_STATUS=$(printf '%s\n' "$T_BODY" | sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p')
}

t_req GET "$B/?Action=CreateVpc&$R&CidrBlock=10.0.0.0/16&Tag.1.Key=k&Tag.1.Value=v"; t_expect "CreateVpc" 200

# 460 parameters: 3 + Tag.1.Key/Value + 455 the action ignores
p455=$(params 455)
t_req GET "$B/?Action=DescribeVpcs&$R&Tag.1.Key=k&Tag.1.Value=v&$p455"
t_expect "460 query parameters (GET)" 200 && t_check "460 query parameters: the answer" 'b["TotalCount"]' 1
t_req POST "$B/?Action=DescribeVpcs&$R&Tag.1.Key=k&Tag.1.Value=v&$p455"
t_expect "460 query parameters (POST)" 200 && t_check "460 query parameters (POST): the answer" 'b["TotalCount"]' 1
t_req POST "$B/" -H "$FORM" --data "Action=DescribeVpcs&$R&Tag.1.Key=k&Tag.1.Value=v&$p455"
t_expect "460 form parameters" 200 && t_check "460 form parameters: the answer" 'b["TotalCount"]' 1
t_req GET "$B/v1/vpcs?RegionId=cn-hangzhou&$p455"
t_expect "456 REST query parameters" 200 && t_check "REST: the answer" 'b["TotalCount"]' 1
# 460 longer ones (Filter.N.Value=<36 characters>: 25 KB)
t_req GET "$B/?Action=DescribeVpcs&$R&$(params 457 'Filter.{i}.Value=abcdefghijklmnopqrstuvwxyz0123456789')"
t_expect "460 longer query parameters" 200
# exactly the limit: 1,000 in all
t_req GET "$B/?Action=DescribeVpcs&$R&$(params 997)"; t_expect "1,000 query parameters" 200
t_req POST "$B/?Action=DescribeVpcs&$R" -H "$FORM" --data "$(params 997)"
t_expect "1,000 query and form parameters" 200

# beyond the limit: the cloud's malformed-request error, whatever the size
for n in 998 1500 5000; do
	t_req GET "$B/?Action=DescribeVpcs&$R&$(params $n)"; t_expect "$((n + 3)) query parameters" 400 InvalidParameter
done
t_req GET "$B/?Action=DescribeVpcs&$R&$(params 12000 '{i}')"; t_expect "12,003 bare query parameters" 400 InvalidParameter
t_req POST "$B/?Action=DescribeVpcs&$R" -H "$FORM" --data "$(params 998)"
t_expect "1,001 query and form parameters" 400 InvalidParameter
echo "Action=DescribeVpcs&$R&$(params 20000)" > "$T_TMP/form"
t_req POST "$B/" -H "$FORM" --data-binary @"$T_TMP/form"
t_expect "20,003 form parameters" 400 InvalidParameter
t_req GET "$B/?Action=DescribeVpcs&$R&X=$(head -c 70000 /dev/zero | tr '\0' a)"
t_expect "a 70 KB URI" 414 InvalidParameter.UriTooLong
t_req GET "$B/v1/vpcs/$(head -c 70000 /dev/zero | tr '\0' a)"; t_expect "a 70 KB REST path" 414 InvalidParameter.UriTooLong
# larger than the connection's pool: libmicrohttpd answers (not JSON), the connection is not dropped
raw "/?Action=DescribeVpcs&$R&X=@BIG@" 0; t_expect "a 1 MB URI" 414
raw /healthz 300000; t_expect "a 300 KB header" 431

# every size in between gets an HTTP answer (raw sockets: no client-side limits)
out=$(PYTHONPATH="$HERE" python3 - "$port" <<'PY'
import sys
from raw_http import exchange
port = int(sys.argv[1])
def ask(raw):
    return exchange(port, raw).split(b"\r\n", 1)[0]
dropped = []
for tmpl in ("{i}", "a{i}=1", "Filter.{i}.Value=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl"):
    n = 10
    while n < 120000:
        q = "&".join(tmpl.format(i=i) for i in range(n))
        line = ask(f"GET /?Action=DescribeVpcs&{q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        if not line.startswith(b"HTTP/1.1 "):
            dropped.append(f"{n} x {tmpl}")
        n = int(n * 1.3) + 1
for n in (100, 1000, 3000, 10000, 30000):
    h = "".join(f"X-H{i}: v\r\n" for i in range(n))
    if not ask(f"GET /healthz HTTP/1.1\r\nHost: x\r\n{h}Connection: close\r\n\r\n".encode()).startswith(b"HTTP/1.1 "):
        dropped.append(f"{n} headers")
print("; ".join(dropped) if dropped else "all answered")
PY
)
if [ "$out" = "all answered" ]; then t_ok; else T_STATUS=- T_BODY=-; t_bad "requests without an answer: $out"; fi
t_req GET "$B/healthz"; t_expect "alive after them" 200

t_summary http_sizes
