#!/bin/sh
# Installs the Debian packages a target needs, when missing.  Usage: deps.sh build|test|run|bench|fuzz|lab
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -e
build="gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev libmnl-dev libnftables-dev"
case "${1:-build}" in
build) pkgs="$build" ;;
run) pkgs="$build sqlite3 curl jq iproute2 nftables strongswan-charon strongswan-swanctl charon-systemd libcharon-extra-plugins libstrongswan-standard-plugins" ;;
test) pkgs="$build check clang libclang-rt-14-dev nodejs curl jq docker-compose sqlite3 python3 iproute2 iputils-ping nftables iperf3 strongswan-charon strongswan-swanctl charon-systemd libcharon-extra-plugins libstrongswan-standard-plugins" ;;
bench) pkgs="$build curl" ;;
fuzz) pkgs="$build clang libclang-rt-14-dev" ;;
# the lab needs no build tools on the host: the image builds the binaries
lab) pkgs="docker.io docker-compose debootstrap curl jq" ;;
*) echo "deps.sh: unknown set $1" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
# nodejs may come from outside Debian (nodesource); a working node binary is enough.
case "$missing" in *nodejs*) command -v node >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ nodejs//') ;; esac
# Docker from elsewhere (docker-ce, its compose plugin) does for the lab as well
case "$missing" in *docker.io*) command -v dockerd >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ docker\.io//') ;; esac
if [ "$1" = lab ]; then
	case "$missing" in *docker-compose*) docker compose version >/dev/null 2>&1 && missing=$(echo "$missing" | sed 's/ docker-compose//') ;; esac
fi
# waits for a package manager another process holds (no failure on a busy machine); a fresh
# machine's package lists may be missing or stale: update once when an install fails
apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" >/dev/null ||
		{ apt-get -o DPkg::Lock::Timeout=600 update >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" >/dev/null; }
}
# npm is part of nodesource's nodejs but a separate package in Debian (whose nodejs is 18)
if [ "$1" = test ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing npm"
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing$missing"
		# shellcheck disable=SC2086
		apt_install $missing
	else
		echo "deps: missing packages:$missing" >&2
		echo "deps: run: sudo apt-get install -y$missing" >&2
		exit 1
	fi
fi
exit 0
