#!/bin/sh
# Makes the example's base image, local/busybox:1, when it is missing: a busybox root filesystem imported with
# `docker import`, so the example builds offline without any registry.
# Usage: prepare-base-image.sh [image]   (DOCKER=/path/to/docker to choose the client)
set -eu

image="${1:-local/busybox:1}"
docker="${DOCKER:-docker}"

if "$docker" image inspect "$image" >/dev/null 2>&1; then
  echo "base image $image is present"
  exit 0
fi

busybox="$(command -v busybox || true)"
for candidate in /bin/busybox /usr/bin/busybox "$busybox"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then busybox="$candidate"; break; fi
done
if [ -z "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
  echo "prepare-base-image: a static busybox is needed (apt-get install busybox-static)" >&2
  exit 1
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin"
cp "$busybox" "$rootfs/bin/busybox"
for command in sh echo sleep cat ls true false env test printf touch mkdir rm; do
  ln -sf busybox "$rootfs/bin/$command"
done

tar -C "$rootfs" -c . | "$docker" import - "$image" >/dev/null
echo "base image $image created from $busybox"
