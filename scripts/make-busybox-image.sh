#!/usr/bin/env bash
# Makes the default image busybox:latest from the host's busybox-static and imports it into
# the running berthd (there is no internet registry to pull it from).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scripts/make-busybox-rootfs.sh "$tmp/rootfs"
tar -C "$tmp/rootfs" --numeric-owner --owner=0 --group=0 -cf "$tmp/rootfs.tar" .
bin/berth import --change 'CMD ["sh"]' -m "busybox from the host's busybox-static" "$tmp/rootfs.tar" busybox:latest
