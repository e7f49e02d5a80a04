#!/bin/sh
# Makes the lab's Debian 12 base image without a container registry: `debootstrap
# --variant=minbase bookworm` into a directory, then `docker import`.  The tarball is kept in
# $VPNLAB_DOCKER_CACHE (/var/cache/vpnlab-docker/base-bookworm.tar), so a daemon that lost the
# image (or a fresh data root) gets it back by import alone.
#   base-image.sh [IMAGE]      (default vpnlab-base:bookworm; nothing to do when it exists)
# VPNLAB_MIRROR: the Debian mirror (default: the one the host's apt uses for bookworm, else
# http://deb.debian.org/debian).  Needs root (debootstrap) and debootstrap (installed if missing).
set -eu
IMAGE=${1:-vpnlab-base:bookworm}
CACHE=${VPNLAB_DOCKER_CACHE:-/var/cache/vpnlab-docker}
TAR=$CACHE/base-bookworm.tar
SUITE=bookworm

say() { echo "base-image: $*"; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
	say "$IMAGE exists"
	exit 0
fi

# the mirror of the host's apt sources for $SUITE (one-line or deb822 format)
host_mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$SUITE" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == s) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$SUITE" 'BEGIN { RS = ""; FS = "\n" }
			{ uri = ""; ok = 0
			  for (i = 1; i <= NF; i++) {
			    if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
			    if ($i ~ /^Suites:/) { n = split($i, b, /[ \t]+/); for (j = 2; j <= n; j++) if (b[j] == s) ok = 1 }
			  }
			  if (ok && uri != "") { print uri; exit } }' "$f"
	done
}

if [ ! -s "$TAR" ]; then
	[ "$(id -u)" = 0 ] || { say "debootstrap needs root" >&2; exit 1; }
	if ! command -v debootstrap >/dev/null 2>&1; then
		say "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends debootstrap >/dev/null
	fi
	MIRROR=${VPNLAB_MIRROR:-$(host_mirror | head -n 1)}
	MIRROR=${MIRROR:-http://deb.debian.org/debian}
	mkdir -p "$CACHE"
	ROOT=$CACHE/base-root.$$
	trap 'rm -rf --one-file-system "$ROOT" "$TAR.new"' EXIT
	say "debootstrap --variant=minbase $SUITE from $MIRROR (log $CACHE/debootstrap.log)"
	debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$CACHE/debootstrap.log" >&2; say "debootstrap failed" >&2; exit 1; }
	# what an image needs no copy of: downloaded packages, package lists, logs
	rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/*
	# the Dockerfile's apt-get runs without a terminal and without starting services
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
	tar --numeric-owner -C "$ROOT" -cf "$TAR.new" .
	mv "$TAR.new" "$TAR"
	say "cached $TAR ($(du -h "$TAR" | cut -f1))"
fi
say "docker import $TAR as $IMAGE"
docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'CMD ["/bin/bash"]' "$TAR" "$IMAGE" >/dev/null
