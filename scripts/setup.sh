#!/usr/bin/env bash
# One idempotent set-up path (README, CI and `npm test` use it): installs what is
# missing (Docker engine, Redis, busybox-static, docker-compose 1.29), starts the
# engine and Redis when none answers, and builds the local images offline.
# Honours DOCKER_HOST and REDIS_URL. Quiet on success but for a summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOCKER_BUILDKIT=0

die() { echo "setup: $*" >&2; exit 1; }
say() { echo "setup: $*" >&2; }

# ---------------------------------------------------------------- packages
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker >/dev/null || need+=(docker.io)
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || need+=(busybox-static)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v ip >/dev/null || need+=(iproute2)
command -v iptables >/dev/null || need+=(iptables)
command -v ebtables >/dev/null || need+=(ebtables)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
# The mutual-TLS acceptance test captures the hosts' bridge and reads the capture.
command -v tcpdump >/dev/null || need+=(tcpdump)
# The console's browser tests (headless chromium), the metrics test's Prometheus text parser (the
# official Python client's), and a local registry for compose push/pull (nothing else is reachable).
command -v chromium >/dev/null || need+=(chromium)
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || need+=(python3-prometheus-client)
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing packages (${need[*]}); run as root or install them"
  say "installing ${need[*]}"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
fi

# ---------------------------------------------------------------- docker
if [ -n "${DOCKER_HOST:-}" ]; then
  docker version >/dev/null 2>&1 || die "cannot reach Docker at DOCKER_HOST=$DOCKER_HOST"
elif ! docker version >/dev/null 2>&1; then
  say "starting dockerd (log: /var/log/flotilla-dockerd.log)"
  nohup dockerd >/var/log/flotilla-dockerd.log 2>&1 &
  for _ in $(seq 1 150); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
  docker version >/dev/null 2>&1 || die "dockerd did not answer on unix:///var/run/docker.sock within 30 s; see /var/log/flotilla-dockerd.log"
fi

# ---------------------------------------------------------------- redis
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
if ! redis-cli -u "$redis_url" ping >/dev/null 2>&1; then
  [ -z "${REDIS_URL:-}" ] || die "cannot reach Redis at REDIS_URL=$REDIS_URL"
  say "starting redis-server on 127.0.0.1:6379"
  mkdir -p /var/lib/flotilla-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --appendonly yes --maxmemory-policy noeviction \
    --dir /var/lib/flotilla-redis --logfile /var/log/flotilla-redis.log >/dev/null
  for _ in $(seq 1 50); do redis-cli -u "$redis_url" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -u "$redis_url" ping >/dev/null 2>&1 || die "redis-server did not answer at $redis_url; see /var/log/flotilla-redis.log"
fi

# ---------------------------------------------------------------- images
hash_of() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum; shift; for f in "$@"; do sha256sum "$f"; done) | sha256sum | cut -c1-16; }
current() { docker image inspect -f '{{ index .Config.Labels "io.flotilla.context-hash" }}' "$1" 2>/dev/null || true; }
build() { # build NAME DIR [extra files that feed the image]
  local name=$1 dir=$2; shift 2
  local h; h=$(hash_of "$dir" "$@")
  [ "$(current "$name")" = "$h" ] && return 0
  say "building $name"
  local ctx; ctx=$(mktemp -d)
  cp -r "$dir"/. "$ctx"/
  if [ "$name" = flotilla/redis:latest ]; then
    for f in /usr/bin/redis-server $(ldd /usr/bin/redis-server | grep -o '/[^ ]*'); do
      mkdir -p "$ctx/rootfs$(dirname "$f")"; cp -L "$f" "$ctx/rootfs$f"
    done
  fi
  docker build -q --label "io.flotilla.context-hash=$h" -t "$name" "$ctx" >/dev/null 2>&1 || { rm -rf "$ctx"; die "building $name failed"; }
  rm -rf "$ctx"
}

h=$(hash_of images/busybox /bin/busybox)
if [ "$(current flotilla/busybox:latest)" != "$h" ]; then
  say "building flotilla/busybox:latest"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,etc,tmp,www,data,root}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import --change 'CMD ["sh"]' --change "LABEL io.flotilla.context-hash=$h" - flotilla/busybox:latest >/dev/null \
    || { rm -rf "$root"; die "docker import of flotilla/busybox failed"; }
  rm -rf "$root"
  # Images built FROM it must be rebuilt too.
  docker rmi -f flotilla/redis:latest flotilla/hello:latest flotilla/counter-web:latest >/dev/null 2>&1 || true
fi
build flotilla/redis:latest images/redis /usr/bin/redis-server
build flotilla/hello:latest images/hello
build flotilla/counter-web:latest images/counter-web

# flotilla itself as an image (for the top-level docker-compose.yml), once the app is built.
if [ -f dist/apps/manager/src/main.js ]; then
  h=$( (find dist -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum package-lock.json images/flotilla/* "$(command -v node)") | sha256sum | cut -c1-16)
  if [ "$(current flotilla/flotilla:latest)" != "$h" ]; then
    say "building flotilla/flotilla:latest"
    ctx=$(mktemp -d)
    cp images/flotilla/Dockerfile "$ctx/"
    bash images/flotilla/context.sh "$ctx" || { rm -rf "$ctx"; die "preparing the flotilla image context failed"; }
    docker build -q --label "io.flotilla.context-hash=$h" -t flotilla/flotilla:latest "$ctx" >/dev/null 2>&1 || { rm -rf "$ctx"; die "building flotilla/flotilla failed"; }
    rm -rf "$ctx"
  fi
fi

echo "setup: ready: DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock} REDIS_URL=$redis_url" >&2
