#!/bin/sh
# Installs the Debian packages a target needs, when missing.  Usage: deps.sh build|test|run|bench|fuzz
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -e
build="gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev libmnl-dev libnftables-dev"
case "${1:-build}" in
build) pkgs="$build" ;;
run) pkgs="$build sqlite3 curl iproute2 nftables strongswan-charon strongswan-swanctl charon-systemd libcharon-extra-plugins libstrongswan-standard-plugins" ;;
test) pkgs="$build check clang libclang-rt-14-dev nodejs curl sqlite3 python3 iproute2 nftables iperf3 strongswan-charon strongswan-swanctl charon-systemd libcharon-extra-plugins libstrongswan-standard-plugins" ;;
bench) pkgs="$build curl" ;;
fuzz) pkgs="$build clang libclang-rt-14-dev" ;;
*) echo "deps.sh: unknown set $1" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
# nodejs may come from outside Debian (nodesource); a working node binary is enough.
case "$missing" in *nodejs*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//') ;; esac
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing$missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null ||
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null; }
	else
		echo "deps: missing packages:$missing" >&2
		echo "deps: run: sudo apt-get install -y$missing" >&2
		exit 1
	fi
fi
# npm is part of nodesource's nodejs but a separate package in Debian
if [ "$1" = test ] && ! command -v npm >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm >/dev/null
	else
		echo "deps: run: sudo apt-get install -y npm" >&2; exit 1
	fi
fi
exit 0
