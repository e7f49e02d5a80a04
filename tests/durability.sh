#!/bin/sh
# Durability: SIGKILL the server during a stream of creates from several clients; after a
# restart every create the server acknowledged (HTTP 200 with a VpcId) must be there.
# Usage: tests/durability.sh path/to/vpnlabd
set -u
. "$(dirname "$0")/lib.sh"
BIN=${1:-bin/vpnlabd}
CLIENTS=6
ROUNDS=3

PORT=$(t_free_port)
DB="$T_TMP/durable.db"
: > "$T_TMP/acks"

client() { # client N: creates VPCs until the server goes away; logs each acknowledged ID
	while :; do
		out=$(curl -s --max-time 5 "http://127.0.0.1:$PORT/?Action=CreateVpc&Version=2016-04-28&RegionId=cn-hangzhou&CidrBlock=10.0.0.0/8&AccessKeyId=durable") || break
		id=$(printf '%s' "$out" | sed -n 's/.*"VpcId":"\([^"]*\)".*/\1/p')
		[ -n "$id" ] && echo "$id" >> "$T_TMP/acks.$1"
	done
}

round=1
while [ $round -le $ROUNDS ]; do
	t_start_server "$BIN" "$PORT" "$DB" --transition-delay-ms 0 --quota vpcs_per_region=1000000 --log off || exit 1
	SERVER=$T_LAST_PID
	pids=""
	c=1
	while [ $c -le $CLIENTS ]; do client "$round-$c" & pids="$pids $!"; c=$((c + 1)); done
	# kill at a moment that varies from round to round, mid-stream
	sleep "0.$((3 + round * 2))"
	kill -9 "$SERVER"
	wait "$SERVER" 2>/dev/null
	for p in $pids; do wait "$p" 2>/dev/null; done
	round=$((round + 1))
done
cat "$T_TMP"/acks.* 2>/dev/null | sort -u > "$T_TMP/acked"
acked=$(wc -l < "$T_TMP/acked")

t_start_server "$BIN" "$PORT" "$DB" --transition-delay-ms 0 --log off || exit 1
: > "$T_TMP/stored"
page=1
while :; do
	body=$(curl -s "http://127.0.0.1:$PORT/?Action=DescribeVpcs&Version=2016-04-28&RegionId=cn-hangzhou&AccessKeyId=durable&PageSize=50&PageNumber=$page")
	ids=$(printf '%s' "$body" | grep -o '"VpcId":"[^"]*"' | sed 's/"VpcId":"\(.*\)"/\1/')
	[ -z "$ids" ] && break
	printf '%s\n' "$ids" >> "$T_TMP/stored"
	page=$((page + 1))
done
sort -u "$T_TMP/stored" -o "$T_TMP/stored"
missing=$(comm -23 "$T_TMP/acked" "$T_TMP/stored" | wc -l)
stored=$(wc -l < "$T_TMP/stored")
echo "durability: $ROUNDS kills, $acked acknowledged creates, $stored stored, $missing lost"
if [ "$acked" -lt 50 ]; then t_bad "too few acknowledged creates ($acked) to judge"; fi
if [ "$missing" -eq 0 ]; then t_ok; else t_bad "$missing acknowledged creates lost"; fi
# the database must also pass SQLite's own integrity check after the kills (the server
# holds the file exclusively while it runs, so stop it first)
t_stop_server "$T_LAST_PID"
if command -v sqlite3 >/dev/null && [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]; then t_ok; else t_bad "integrity check"; fi
t_summary "durability"
