#!/bin/sh
# The database holds every account's PSKs: a new one (and its WAL) is 0600 whatever the
# umask; an existing one keeps its mode (issue 10, "Also").
# Usage: tests/security/db_mode.sh path/to/vpnlabd
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"

umask 022
port=$(t_free_port)
mkdir -p "$T_TMP/data"
t_start_server "$BIN" "$port" "$T_TMP/data/new.db" --log off || exit 1
t_req GET "http://127.0.0.1:$port/?Action=CreateVpc&Version=2016-04-28&RegionId=cn-hangzhou&CidrBlock=10.0.0.0/16"
t_expect "CreateVpc" 200
for f in "$T_TMP"/data/new.db*; do
	T_STATUS=$(stat -c %a "$f"); T_BODY=$f
	[ "$T_STATUS" = 600 ] && t_ok || t_bad "$(basename "$f") is mode $T_STATUS, want 600"
done
[ -e "$T_TMP/data/new.db-wal" ] && t_ok || { T_STATUS=- T_BODY=-; t_bad "no WAL file to check"; }
t_stop_server "$T_LAST_PID"

# an existing database is opened as it is
: > "$T_TMP/data/old.db"; chmod 640 "$T_TMP/data/old.db"
port=$(t_free_port)
t_start_server "$BIN" "$port" "$T_TMP/data/old.db" --log off || exit 1
T_STATUS=$(stat -c %a "$T_TMP/data/old.db"); T_BODY=-
[ "$T_STATUS" = 640 ] && t_ok || t_bad "an existing database changed mode to $T_STATUS"
t_stop_server "$T_LAST_PID"

t_summary db_mode
