#!/bin/sh
# Starts (and stops) a local pool for the engine-pool demo: N extra dockerds beside the default one, each with its
# own socket, data root, exec root, pidfile and a bridge of its own (never --bridge=none, which would delete the
# default daemon's docker0), each with the base image; and a registry on a free loopback port.
#   engine-pool.sh start DIR N   -> DIR/e<i>/docker.sock, DIR/registry.address; prints the hosts
#   engine-pool.sh stop DIR      -> stops only what start wrote pidfiles for, deletes the bridges
# Needs root (bridges), dockerd, docker-registry, curl (Debian: apt-get install docker.io docker-registry curl), busybox.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
command="${1:?usage: engine-pool.sh start DIR N | stop DIR}"
dir="${2:?usage: engine-pool.sh start DIR N | stop DIR}"

stop() {
  for pidfile in "$dir"/e*/docker.pid "$dir"/registry.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  for bridgefile in "$dir"/e*/bridge; do
    [ -f "$bridgefile" ] || continue
    ip link del "$(cat "$bridgefile")" 2>/dev/null || true
    rm -f "$bridgefile"
  done
}

free_octet() {
  for octet in $(seq 230 254); do
    ip -4 addr show | grep -q "inet 172\.31\.$octet\." || { echo "$octet"; return; }
  done
  echo "engine-pool: no free 172.31.230-254.0/24 subnet for a bridge" >&2
  exit 1
}

case "$command" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: engine-pool.sh start DIR N | stop DIR" >&2; exit 2 ;;
esac

count="${3:?usage: engine-pool.sh start DIR N}"
for tool in dockerd docker-registry ip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "engine-pool: '$tool' is not installed" >&2; exit 1; }
done

mkdir -p "$dir"
trap 'stop' INT TERM
for i in $(seq "$count"); do
  engine="$dir/e$i"
  mkdir -p "$engine"
  bridge="cpar-demo$$$i"
  bridge="$(printf '%.15s' "$bridge")"
  octet="$(free_octet)"
  ip link add "$bridge" type bridge
  echo "$bridge" > "$engine/bridge"
  ip addr add "172.31.$octet.1/24" dev "$bridge"
  ip link set "$bridge" up
  dockerd -H "unix://$engine/docker.sock" --data-root "$engine/data" --exec-root "$engine/exec" \
    --pidfile "$engine/docker.pid" --bridge="$bridge" --iptables=false --ip-masq=false > "$engine/dockerd.log" 2>&1 &
done

for i in $(seq "$count"); do
  engine="$dir/e$i"
  for _ in $(seq 120); do
    DOCKER_HOST="unix://$engine/docker.sock" docker version >/dev/null 2>&1 && break
    sleep 0.5
  done
  DOCKER_HOST="unix://$engine/docker.sock" docker version >/dev/null 2>&1 || { echo "engine-pool: engine $i did not start (see $engine/dockerd.log)" >&2; stop; exit 1; }
  DOCKER_HOST="unix://$engine/docker.sock" sh "$here/prepare-base-image.sh" >/dev/null
  echo "unix://$engine/docker.sock"
done

# A free loopback port: the registry fails to listen on a taken one, and then another is tried.
for attempt in $(seq 5); do
  port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
  mkdir -p "$dir/registry"
  printf 'version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: %s }, delete: { enabled: true } }\nhttp: { addr: 127.0.0.1:%s }\n' "$dir/registry/data" "$port" > "$dir/registry/config.yml"
  docker-registry serve "$dir/registry/config.yml" > "$dir/registry/registry.log" 2>&1 &
  echo $! > "$dir/registry.pid"
  for _ in $(seq 40); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then
      echo "127.0.0.1:$port" > "$dir/registry.address"
      exit 0
    fi
    kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null || break
    sleep 0.25
  done
  kill "$(cat "$dir/registry.pid")" 2>/dev/null || true
  rm -f "$dir/registry.pid"
done
echo "engine-pool: the registry did not start (see $dir/registry/registry.log)" >&2
stop
exit 1
