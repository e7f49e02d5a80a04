# bench/lib.sh: what the bench scripts share — process tracking and cleanup (by PID, also
# on signals), free ports, waiting for /healthz, running loadgen, memory and size figures.
# Sourced once the script has cd'd to the repository root; bench_tmp sets tmp, its temp
# directory (removed on exit).

# What every bench reads from its environment, and where the bench programs are built.
VPNLABD=${VPNLABD:-bin/vpnlabd}
SECS=${BENCH_SECONDS:-10}
OUT=build/bench
LG=$OUT/loadgen

pids=""
tmp=""

# Stops one process we started: TERM, up to 5 s grace, then KILL.
stop() {
	_p=$1
	kill -TERM "$_p" 2>/dev/null
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$_p" 2>/dev/null
	wait "$_p" 2>/dev/null
	_rest=""
	for _q in $pids; do
		[ "$_q" = "$_p" ] || _rest="$_rest $_q"
	done
	pids=$_rest
}

cleanup() {
	for _p in $pids; do
		stop "$_p"
	done
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
# An untrapped signal would kill the shell without running the EXIT trap and
# leave the server behind (e.g. SIGPIPE when piped into head).
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

# A random port in 18000..18999 with no listener on it (IPv4 or IPv6).
pick_port() {
	while :; do
		_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		_port=$((18000 + _r % 1000))
		_hex=$(printf ':%04X' "$_port")
		# /proc/net/tcp: column 2 is local ADDR:PORT in hex, column 4 the state (0A = LISTEN)
		awk -v p="$_hex" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 }
			END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
	done
	echo "$_port"
}

# Waits until GET /healthz on port $1 answers 200 while PID $2 lives.
wait_healthy() {
	_i=0
	while [ $_i -lt 200 ]; do
		kill -0 "$2" 2>/dev/null || return 1
		_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 \
			"http://127.0.0.1:$1/healthz" 2>/dev/null)
		[ "$_code" = 200 ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# launch FUNC: FUNC PORT starts a server in the background and sets spid.
# Retries on another port when the server dies (another process took the port
# between pick_port and bind).  Sets port and spid.
launch() {
	_try=0
	while [ $_try -lt 5 ]; do
		_try=$((_try + 1))
		port=$(pick_port)
		"$1" "$port"
		pids="$pids $spid"
		wait_healthy "$port" "$spid" && return 0
		stop "$spid"
	done
	return 1
}

start_bare_thread() {
	"$OUT/bare" --listen "127.0.0.1:$1" --mode thread 2>"$tmp/bare.log" &
	spid=$!
}

# field LINE NAME: the value of NAME=... in a loadgen output line.
field() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# run_load ARGS...: runs loadgen, echoes its line, keeps it in $line.
run_load() {
	line=$("$LG" "$@")
	_rc=$?
	echo "$line"
	[ $_rc -eq 0 ] || echo "bench: loadgen exited with $_rc" >&2
}

# timed_load URL CONNECTIONS LABEL: run_load of URL over CONNECTIONS for $SECS seconds;
# sets rps to its requests per second (and line, as run_load does).
timed_load() {
	run_load --url "$1" --connections "$2" --duration "$SECS" --label "$3"
	rps=$(field "$line" rps)
}

# rss_kib PID / hwm_kib PID: resident and peak resident set, in KiB.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
size_of() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }

# end_figures: after the load, stops the bench when the server ($spid) died during the run;
# else sets rss_end and hwm_end (KiB) and db_bytes and wal_bytes (its database in $tmp).
end_figures() {
	kill -0 "$spid" 2>/dev/null || {
		tail -n 20 "$tmp/server.log" >&2
		die "$VPNLABD died during the run"
	}
	rss_end=$(rss_kib "$spid")
	hwm_end=$(hwm_kib "$spid")
	db_bytes=$(size_of "$tmp/vpnlab.db")
	wal_bytes=$(size_of "$tmp/vpnlab.db-wal")
}

# print_footprint: the summary's last lines, the server's memory (rss_idle, rss_seed and what
# end_figures set) and its database's size.
print_footprint() {
	awk -v ri="$(mib "$rss_idle")" -v rs="$(mib "$rss_seed")" -v re="$(mib "$rss_end")" \
		-v he="$(mib "$hwm_end")" -v db="$db_bytes" -v wal="$wal_bytes" 'BEGIN {
	printf "server RSS: idle=%s MiB, seeded=%s MiB, end=%s MiB (peak %s MiB)\n", ri, rs, re, he
	printf "db file: %.1f MiB (+ wal %.1f MiB)\n", db / 1048576, wal / 1048576
}'
}

# bench_tmp NAME TITLE: checks for curl and builds the bench programs, then makes the run's
# temp directory under BENCH_TMPDIR (default $OUT): not /tmp, which is often tmpfs, where
# fsync costs nothing and "durable" write figures would mean nothing; warns when it is on
# memory all the same.  Sets tmp and fstype, and prints the figures' heading (TITLE bench).
bench_tmp() {
	command -v curl >/dev/null 2>&1 || die "curl is needed (sh scripts/deps.sh bench)"
	make -s -f bench/Makefile >/dev/null || die "cannot build the bench programs"
	tmp=$(mktemp -d "${BENCH_TMPDIR:-$OUT}/$1.XXXXXX") || die "mktemp failed"
	fstype=$(stat -f -c %T "$tmp" 2>/dev/null || echo unknown)
	case "$fstype" in
	tmpfs | ramfs) echo "bench: $tmp is on $fstype: write figures are not durable figures" >&2 ;;
	esac
	echo "# vpnlab $2 bench: $(nproc 2>/dev/null || echo '?') cores shared by client and server; db on $fstype"
}

# launch_bare: starts the bare libmicrohttpd handler (thread per connection, the server's
# mode) on a free port; sets port and spid.
launch_bare() {
	launch start_bare_thread || die "bare (thread) did not start: $(cat "$tmp/bare.log")"
}

# run_vpnlabd PORT SERVER-ARGS...: what a script's start_vpnlabd does: starts the server in
# the background on PORT with a fresh database in $tmp, open auth, no transition delay and
# SERVER-ARGS (the script's quotas), its output in $tmp/server.log; sets spid.
run_vpnlabd() {
	_port=$1
	shift
	rm -f "$tmp/vpnlab.db" "$tmp/vpnlab.db-wal" "$tmp/vpnlab.db-shm"
	"$VPNLABD" --listen "127.0.0.1:$_port" --db "$tmp/vpnlab.db" --auth open \
		--transition-delay-ms 0 "$@" >"$tmp/server.log" 2>&1 &
	spid=$!
}

# launch_vpnlabd: starts the server with the script's start_vpnlabd on a free port; exits
# when there is no binary or it does not answer.  Sets port, spid and base (its URL).
launch_vpnlabd() {
	if [ ! -x "$VPNLABD" ]; then
		echo "bench: $VPNLABD not found; run make first (server figures skipped)" >&2
		exit 1
	fi
	launch start_vpnlabd || {
		tail -n 20 "$tmp/server.log" >&2
		die "$VPNLABD did not answer /healthz"
	}
	base="http://127.0.0.1:$port"
}

# answer CURL-ARGS...: one request (at most 30 s); the body in $body.  Returns 1 unless HTTP 200.
answer() {
	body=$(curl -s --max-time 30 -w '\n%{http_code}' "$@")
	_code=$(printf '%s\n' "$body" | tail -n 1)
	body=$(printf '%s\n' "$body" | sed '$d')
	[ "$_code" = 200 ]
}

# created VAR KEY QUERY: the script's api QUERY, which must answer 200 (else the bench stops,
# naming QUERY's action); sets VAR to the answer's string KEY (the new resource's id).
created() {
	api "$3" || die "$(printf '%s\n' "$3" | sed -n 's/^Action=\([^&]*\).*/\1/p') failed: $body"
	eval "$1=\$(json_str $2)"
}

# json_str KEY: the first string value of "KEY" in $body.
json_str() {
	printf '%s\n' "$body" | sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# total ACTION EXTRA-QUERY: TotalCount of a Describe* call to the server at $base ($Q: its
# Version and RegionId).
total() {
	curl -s --max-time 30 "$base/?Action=$1&$Q&PageSize=1$2" |
		sed -n 's/.*"TotalCount":\([0-9]*\).*/\1/p'
}
