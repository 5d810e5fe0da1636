#!/usr/bin/env bash
# Several Docker hosts on one machine, as ../shared/MULTIHOST.md describes:
# a bridge in the root namespace, one network namespace per host with a veth
# into it, and a dockerd per host (own data root, exec root, pid file, socket;
# entered with nsenter --net, its own UTS name). Images are copied in.
#   hosts.sh up N      builds flh1..flhN (10.213.0.11..), prints one line per host
#   hosts.sh down      removes every host, dockerd and the bridge
# HOSTS_PREFIX, HOSTS_NET, HOSTS_BRIDGE and HOSTS_STATE give a suite a set of its own
# (names, /24, bridge, state dir), so suites that build hosts never take down each other's.
set -euo pipefail
BR=${HOSTS_BRIDGE:-flbr0}
NET=${HOSTS_NET:-10.213.0}
PREFIX=${HOSTS_PREFIX:-flh}
STATE=${HOSTS_STATE:-/var/lib/flotilla-hosts}
IMAGES=(flotilla/busybox:latest flotilla/hello:latest)

up() {
  local n=$1
  ip link show $BR >/dev/null 2>&1 || { ip link add $BR type bridge; ip addr add $NET.1/24 dev $BR; ip link set $BR up; }
  # The root dockerd's FORWARD policy is DROP: let the hosts reach each other.
  iptables -C FORWARD -i $BR -o $BR -j ACCEPT 2>/dev/null || iptables -I FORWARD -i $BR -o $BR -j ACCEPT
  mkdir -p "$STATE"
  docker save "${IMAGES[@]}" -o "$STATE/images.tar"
  for i in $(seq 1 "$n"); do
    local h=$PREFIX$i ip=$NET.$((10 + i))
    if ! ip netns list | grep -qw $h; then
      ip netns add $h
      ip link add veth-$h type veth peer name eth0 netns $h
      ip link set veth-$h master $BR up
      ip -n $h addr add $ip/24 dev eth0
      ip -n $h link set eth0 up
      ip -n $h link set lo up
      ip -n $h route add default via $NET.1
    fi
    local d=$STATE/$h sock=unix://$STATE/$h/docker.sock
    mkdir -p "$d"
    if ! DOCKER_HOST=$sock docker version >/dev/null 2>&1; then
      nsenter --net=/var/run/netns/$h unshare --uts sh -c "hostname $h; exec dockerd --data-root $d/data --exec-root $d/exec --pidfile $d/docker.pid -H $sock --iptables=true" \
        >"$d/dockerd.log" 2>&1 &
      for _ in $(seq 1 150); do DOCKER_HOST=$sock docker version >/dev/null 2>&1 && break; sleep 0.2; done
      DOCKER_HOST=$sock docker version >/dev/null 2>&1 || { echo "hosts: dockerd of $h did not start; see $d/dockerd.log" >&2; exit 1; }
    fi
    DOCKER_HOST=$sock docker load -q -i "$STATE/images.tar" >/dev/null
    echo "$h $ip $sock"
  done
}

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX[0-9]" || true); do
    local d=$STATE/$ns
    if [ -f "$d/docker.pid" ]; then
      DOCKER_HOST=unix://$d/docker.sock docker rm -f $(DOCKER_HOST=unix://$d/docker.sock docker ps -aq) >/dev/null 2>&1 || true
      kill "$(cat "$d/docker.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$(cat "$d/docker.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.2; done
    fi
    # A host killed on purpose leaves its containerd and shims behind: end them, then their mounts.
    pkill -9 -f "$d/" 2>/dev/null || true
    ip link del veth-$ns 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  pkill -9 -f "$STATE/" 2>/dev/null || true
  sleep 0.5
  grep " $STATE/" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  iptables -D FORWARD -i $BR -o $BR -j ACCEPT 2>/dev/null || true
  ip link del $BR 2>/dev/null || true
  rm -rf "$STATE"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  *) echo "usage: hosts.sh up N | down" >&2; exit 2 ;;
esac
