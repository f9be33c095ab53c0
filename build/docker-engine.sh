#!/usr/bin/env bash
# Makes a Docker engine reachable on a Debian/Ubuntu machine for the Demo (build.sh) and CI (.ci/run), and stops
# only what it started. Every step says what it does before it does it.
#
#   build/docker-engine.sh install PACKAGE...   installs the packages that are missing (apt-get; as root or with sudo)
#   build/docker-engine.sh start STATE_DIR      when no daemon answers at $DOCKER_HOST (a unix:// socket) or the
#                                               default socket, starts dockerd there and records it in STATE_DIR
#   build/docker-engine.sh stop STATE_DIR       stops the dockerd recorded in STATE_DIR (nothing if none was started)
#
# A daemon on the default socket is the machine's own (default data root, docker0). A daemon on any other socket
# gets a data root, exec root, pidfile and bridge of its own, so it can run beside the machine's daemon; it never
# runs with --bridge=none, which would delete the other daemon's docker0.
set -euo pipefail

say() { printf 'docker-engine: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

default_socket=/var/run/docker.sock

# The command prefix that runs as root: nothing for root, sudo for a user who has it, else empty with no_root set.
as_root=()
no_root=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then as_root=(sudo); else no_root=1; fi
fi

install_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "this machine has no apt-get: install ${missing[*]} (Docker Engine and a static busybox) with its package manager, start dockerd, and run the command again."
  fi
  if [ -n "$no_root" ]; then
    fail "installing ${missing[*]} needs root: run 'su -c \"apt-get update && apt-get install -y ${missing[*]}\"' and run the command again."
  fi
  say "installing ${missing[*]} with apt-get${as_root:+ (through sudo)}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The unix socket the client will use: DOCKER_HOST's, or the default one.
socket_path() {
  local host="${DOCKER_HOST:-unix://$default_socket}"
  case "$host" in
    unix://*) printf '%s\n' "${host#unix://}" ;;
    *) return 1 ;;
  esac
}

start_daemon() {
  local state="$1"
  if docker info >/dev/null 2>&1; then
    return 0
  fi

  local socket
  if ! socket=$(socket_path); then
    fail "no Docker daemon answers at DOCKER_HOST=$DOCKER_HOST ($(docker info 2>&1 >/dev/null | tail -1)); start that daemon, or unset DOCKER_HOST to let this start one on this machine."
  fi
  command -v dockerd >/dev/null 2>&1 || fail "no Docker daemon answers at unix://$socket and dockerd is not installed: run 'apt-get install -y docker.io' (as root) and run the command again."
  if [ -n "$no_root" ]; then
    fail "no Docker daemon answers at unix://$socket and starting one needs root: as root, run 'systemctl start docker' (or 'dockerd &') and 'usermod -aG docker $(id -un)', log in again, and run the command again."
  fi

  mkdir -p "$state"
  local arguments=() log="$state/dockerd.log"
  if [ "$socket" != "$default_socket" ]; then
    # A daemon beside the machine's: everything of its own, under a short path (containerd's sockets live in the
    # exec root, and unix socket paths are limited to 108 bytes).
    local id bridge subnet
    id=$(printf '%s' "$socket" | md5sum | cut -c1-8)
    local root="/tmp/cpar-dockerd-$id"
    bridge="cpar-$id"
    subnet=$(free_subnet) || fail "found no free 172.31.x.0/24 subnet for the bridge of a daemon at unix://$socket."
    say "creating bridge $bridge ($subnet.1/24) for the daemon at unix://$socket"
    "${as_root[@]}" ip link add "$bridge" type bridge
    "${as_root[@]}" ip addr add "$subnet.1/24" dev "$bridge"
    "${as_root[@]}" ip link set "$bridge" up
    printf '%s\n' "$bridge" > "$state/bridge"
    printf '%s\n' "$root" > "$state/root"
    mkdir -p "$(dirname "$socket")"
    arguments=(-H "unix://$socket" --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/docker.pid"
               --bridge="$bridge" --iptables=false --ip-masq=false)
  fi
  if [ ${#as_root[@]} -gt 0 ]; then
    arguments+=(--group "$(id -gn)")
  fi

  say "starting dockerd at unix://$socket (log: $log); it is stopped when this run ends"
  "${as_root[@]}" dockerd "${arguments[@]}" >"$log" 2>&1 &
  local pid=$!
  printf '%s\n' "$pid" > "$state/dockerd.pid"
  for _ in $(seq 120); do
    docker info >/dev/null 2>&1 && break
    "${as_root[@]}" kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    say "dockerd did not come up at unix://$socket; the end of its log:"
    tail -20 "$log" >&2 || true
    stop_daemon "$state"
    exit 1
  fi
  say "dockerd $(docker version --format '{{.Server.Version}}') is up at unix://$socket (pid $pid)"
}

# A 172.31.x.0/24 subnet that no interface uses yet.
free_subnet() {
  local used
  used=$(ip -4 -o addr show | awk '{print $4}')
  for x in $(seq 200 250); do
    grep -q "^172\.31\.$x\." <<<"$used" || { printf '172.31.%s\n' "$x"; return 0; }
  done
  return 1
}

stop_daemon() {
  local state="$1"
  [ -f "$state/dockerd.pid" ] || return 0
  local pid
  pid=$(cat "$state/dockerd.pid")
  say "stopping the dockerd this run started (pid $pid)"
  "${as_root[@]}" kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 60); do "${as_root[@]}" kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if "${as_root[@]}" kill -0 "$pid" 2>/dev/null; then
    say "dockerd (pid $pid) did not stop within 30 s; killing it"
    "${as_root[@]}" kill -KILL "$pid" 2>/dev/null || true
  fi
  if [ -f "$state/bridge" ]; then
    "${as_root[@]}" ip link del "$(cat "$state/bridge")" 2>/dev/null || true
  fi
  if [ -f "$state/root" ]; then
    "${as_root[@]}" rm -rf "$(cat "$state/root")" 2>/dev/null || true
  fi
  rm -f "$state/dockerd.pid" "$state/bridge" "$state/root"
}

command="${1:-}"
shift || true
case "$command" in
  install) install_packages "$@" ;;
  start) [ $# -eq 1 ] || fail "usage: $0 start STATE_DIR"; start_daemon "$1" ;;
  stop) [ $# -eq 1 ] || fail "usage: $0 stop STATE_DIR"; stop_daemon "$1" ;;
  *) fail "usage: $0 install PACKAGE... | start STATE_DIR | stop STATE_DIR" ;;
esac
