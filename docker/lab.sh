#!/bin/sh
# The Docker Compose lab (docker/compose.yaml, project "vpnlab"), printing what it does.
#   lab.sh up      base image if missing (docker/base-image.sh), lab image, then the containers;
#                  waits until the server answers and every agent is registered and usable
#   lab.sh byod    starts the "byod" container (profile byod) beside a running lab
#   lab.sh down    stops and removes the containers and the network (byod too); agents take
#                  their namespaces and charons down with them; the database volume stays
#   lab.sh clean   down, then removes the volumes too (database, agent token, agents' state);
#                  the images stay (docker image rm vpnlab:lab vpnlab-base:bookworm removes them)
# VPNLAB_BASE: the Dockerfile's base image (default vpnlab-base:bookworm, made here when missing;
# another name, e.g. debian:bookworm-slim, is used as it is).  VPNLAB_LAB_PORT: host port (8080).
set -eu
cd "$(dirname "$0")/.."
PROJECT=vpnlab
FILE=docker/compose.yaml
BASE=${VPNLAB_BASE:-vpnlab-base:bookworm}
IMAGE=${VPNLAB_IMAGE:-vpnlab:lab}

say() { echo "lab: $*"; }
run() { echo "lab: \$ $*"; "$@"; }

if docker compose version >/dev/null 2>&1; then
	compose() { run docker compose -p "$PROJECT" -f "$FILE" "$@"; }
elif command -v docker-compose >/dev/null 2>&1; then
	compose() { run docker-compose -p "$PROJECT" -f "$FILE" "$@"; }
else
	say "neither \`docker compose\` nor docker-compose found (Debian: apt-get install docker.io docker-compose)" >&2
	exit 1
fi
if ! docker info >/dev/null 2>&1; then
	say "no Docker daemon answers: start one (systemctl start docker, or sh docker/dockerd.sh start)" >&2
	exit 1
fi

case "${1:-}" in
up)
	if [ "$BASE" = vpnlab-base:bookworm ]; then
		sh docker/base-image.sh "$BASE"
	fi
	t0=$(date +%s)
	compose build
	say "image $IMAGE built in $(($(date +%s) - t0)) s, $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
	compose up -d
	say "waiting for the server and the three agents to be healthy"
	i=0
	for c in vpnlab-api vpnlab-cloud-a vpnlab-cloud-b vpnlab-branch; do
		until [ "$(docker inspect -f '{{.State.Health.Status}}' "$c" 2>/dev/null)" = healthy ]; do
			i=$((i + 1))
			if [ $i -gt 240 ]; then
				say "$c is not healthy after 120 s; its last lines:" >&2
				docker logs --tail 30 "$c" >&2 || true
				exit 1
			fi
			sleep 0.5
		done
	done
	say "ready: API on http://127.0.0.1:${VPNLAB_LAB_PORT:-8080} (try examples/scenario1-vpn-gateway.sh); logs: docker logs -f vpnlab-api"
	;;
byod)
	compose --profile byod up -d --no-deps byod
	say "byod: docker exec -it vpnlab-byod bash (its address ${VPNLAB_BYOD_IP:-203.0.113.50}; see README, Lab)"
	;;
down)
	compose --profile byod down --remove-orphans
	;;
clean)
	compose --profile byod down --remove-orphans --volumes
	;;
*)
	echo "usage: $0 up|byod|down|clean" >&2
	exit 2
	;;
esac
