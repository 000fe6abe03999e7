#!/usr/bin/env bash
# Installs the system packages berth needs on a fresh Debian machine (as root), then the npm
# dependencies (which builds better-sqlite3 and berth's native addon from source).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(busybox-static python3 make g++ tar gzip util-linux procps runc conmon skopeo docker-registry apache2-utils openssl curl python3-docker iproute2 iptables docker-compose libseccomp-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci when the lock file matches; node_modules kept when it is already up to date.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.berth-lock; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.berth-lock
fi
# npm builds the addon from binding.gyp on install; this covers a kept node_modules.
[ -f build/Release/berth_native.node ] || npm run --silent build:native
# berth-exec (native/berth_exec.c, built with the addon) came later: an older build lacks it.
[ -x build/Release/berth-exec ] || npm run --silent build:native
