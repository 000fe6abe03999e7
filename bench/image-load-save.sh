#!/usr/bin/env bash
# `docker load` and `docker save` of a ~115 MiB single-layer Debian image against berthd, side by
# side with their floors measured in the same run on the same disk:
#   load: GNU `tar -x --numeric-owner -p` of the same layer tar into a fresh directory
#   save: GNU `tar -c --numeric-owner` of the unpacked tree into a file
# Budget: load ≤ 1.3× floor, save ≤ 1.3× floor. Run as root (tar -p, debootstrap, berthd).
#
# The image is built once and cached under $BENCH_CACHE (default /var/tmp/berth-bench):
# debootstrap --variant=minbase bookworm, then a docker-archive tarball of it.
# Page cache is NOT dropped: every command runs warm (one warm-up run each), and before every
# timed run (berth and floor alike) the previous result is removed and `sync` flushes dirty pages,
# so no run pays for another's writeback. Timed commands themselves never sync.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

BENCH_CACHE=${BENCH_CACHE:-/var/tmp/berth-bench}
MIRROR=${BENCH_MIRROR:-http://deb.debian.org/debian}
ARCHIVE=$BENCH_CACHE/debian-bench.tar
LOAD_BUDGET=1.3
SAVE_BUDGET=1.3

[ "$(id -u)" -eq 0 ] || bench_die "run as root"
bench_need hyperfine:hyperfine debootstrap:debootstrap sha256sum:coreutils tar:tar

# --- the image, built once ------------------------------------------------------------------

build_rootfs() {
  [ -f "$BENCH_CACHE/rootfs.done" ] && return 0
  local tmp=$BENCH_CACHE/rootfs.tmp
  bench_unmount_under "$tmp"
  rm -rf --one-file-system "$tmp"
  bench_log "debootstrap --variant=minbase bookworm (once; cached in $BENCH_CACHE)"
  if ! debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" >"$BENCH_CACHE/debootstrap.log" 2>&1; then
    bench_unmount_under "$tmp"
    tail -n 20 "$BENCH_CACHE/debootstrap.log" >&2
    bench_die "debootstrap failed; see $BENCH_CACHE/debootstrap.log"
  fi
  bench_unmount_under "$tmp"
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_Packages
  rm -rf "$BENCH_CACHE/rootfs"
  mv "$tmp" "$BENCH_CACHE/rootfs"
  touch "$BENCH_CACHE/rootfs.done"
}

build_archive() {
  [ -f "$ARCHIVE" ] && return 0
  build_rootfs
  local stage=$BENCH_CACHE/archive.tmp
  rm -rf "$stage" "$BENCH_CACHE/layer.tar"
  mkdir -p "$stage"
  bench_log "writing the layer and the docker-archive (once)"
  tar --numeric-owner --sort=name -C "$BENCH_CACHE/rootfs" -cf "$BENCH_CACHE/layer.tar.tmp" .
  mv "$BENCH_CACHE/layer.tar.tmp" "$BENCH_CACHE/layer.tar"
  local layer_hex config_hex created
  layer_hex=$(sha256sum "$BENCH_CACHE/layer.tar" | cut -d' ' -f1)
  created=$(date -u -r "$BENCH_CACHE/rootfs.done" +%Y-%m-%dT%H:%M:%SZ)
  printf '%s' '{"architecture":"amd64","os":"linux","created":"'"$created"'",'\
'"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer_hex"'"]},'\
'"history":[{"created":"'"$created"'","created_by":"debootstrap --variant=minbase bookworm"}]}' \
    >"$stage/config.json"
  config_hex=$(sha256sum "$stage/config.json" | cut -d' ' -f1)
  mv "$stage/config.json" "$stage/$config_hex.json"
  mkdir "$stage/$layer_hex"
  ln "$BENCH_CACHE/layer.tar" "$stage/$layer_hex/layer.tar"
  printf '[{"Config":"%s.json","RepoTags":["debian:bench"],"Layers":["%s/layer.tar"]}]\n' \
    "$config_hex" "$layer_hex" >"$stage/manifest.json"
  tar --numeric-owner -C "$stage" -cf "$ARCHIVE.tmp" manifest.json "$config_hex.json" "$layer_hex/layer.tar"
  rm -rf "$stage"
  mv "$ARCHIVE.tmp" "$ARCHIVE"
}

mkdir -p "$BENCH_CACHE"
build_archive
[ -f "$BENCH_CACHE/layer.tar" ] || bench_die "$BENCH_CACHE/layer.tar missing; remove $ARCHIVE to rebuild"
LAYER=$BENCH_CACHE/layer.tar
LAYER_MIB=$(du -m --apparent-size "$LAYER" | cut -f1)
bench_log "layer: $LAYER_MIB MiB, $(tar -tf "$LAYER" | wc -l) entries"

# --- the daemon and the scratch space --------------------------------------------------------

bench_start_daemon
bench_mktemp work WORK
root_mib() { du -sm --one-file-system "$BENCH_ROOT" | cut -f1; }
EMPTY_MIB=$(root_mib)

# Prepare scripts (run before every warm-up and timed run, not timed).
cat >"$WORK/prepare-load.sh" <<EOF
set -e
"$DOCKER" rmi -f debian:bench >/dev/null 2>&1 || true
# Wait until the daemon's GC has removed the blobs and the unpacked layer.
for _ in \$(seq 1 300); do
  [ "\$(du -sm --one-file-system "$BENCH_ROOT" | cut -f1)" -le $((EMPTY_MIB + 5)) ] && break
  sleep 0.1
done
[ "\$(du -sm --one-file-system "$BENCH_ROOT" | cut -f1)" -le $((EMPTY_MIB + 5)) ] || {
  echo "berthd root still holds \$(du -sm "$BENCH_ROOT" | cut -f1) MiB 30 s after rmi" >&2; exit 1; }
sync
EOF
cat >"$WORK/prepare-untar.sh" <<EOF
set -e
rm -rf "$WORK/tree"
mkdir "$WORK/tree"
sync
EOF

# --- sanity: one load really unpacks, rmi really frees -----------------------------------------

bench_log "sanity load"
"$DOCKER" load -i "$ARCHIVE" >/dev/null
"$DOCKER" image inspect debian:bench --format '{{.Id}} {{.Size}}' >&2
LOADED_MIB=$(root_mib)
bench_log "berthd root: $EMPTY_MIB MiB empty, $LOADED_MIB MiB with the image loaded"
[ "$LOADED_MIB" -ge $((EMPTY_MIB + LAYER_MIB * 3 / 2)) ] ||
  bench_log "warning: root grew by less than 1.5× the layer; is the layer really unpacked at load?"
bash "$WORK/prepare-load.sh"
bench_log "after rmi: $(root_mib) MiB"

# --- load and save, each interleaved with its floor -----------------------------------------

LOAD_CMD=("$DOCKER" load -i "$ARCHIVE")
UNTAR_CMD=(tar -x --numeric-owner -p -f "$LAYER" -C "$WORK/tree")
SAVE_CMD=("$DOCKER" save -o "$WORK/save.tar" debian:bench)
TARC_CMD=(tar -c --numeric-owner -f "$WORK/floor.tar" -C "$WORK/tree" .)

bench_log "load: 1 warm-up + $BENCH_RUNS runs each, alternating with tar -x"
for i in $(seq 0 "$BENCH_RUNS"); do
  [ "$i" -eq 0 ] && suffix=-warmup || suffix=""
  bench_time "docker load$suffix" "bash $WORK/prepare-load.sh" "${LOAD_CMD[@]}"
  bench_time "tar -x$suffix" "bash $WORK/prepare-untar.sh" "${UNTAR_CMD[@]}"
done

"$DOCKER" image inspect debian:bench >/dev/null # the last load left it in place
bench_log "save: 1 warm-up + $BENCH_RUNS runs each, alternating with tar -c"
for i in $(seq 0 "$BENCH_RUNS"); do
  [ "$i" -eq 0 ] && suffix=-warmup || suffix=""
  bench_time "docker save$suffix" "rm -f $WORK/save.tar && sync" "${SAVE_CMD[@]}"
  bench_time "tar -c$suffix" "rm -f $WORK/floor.tar && sync" "${TARC_CMD[@]}"
done
SAVE_MIB=$(du -m --apparent-size "$WORK/save.tar" | cut -f1)

# --- report --------------------------------------------------------------------------------

read -r load_s load_min load_max load_n < <(bench_stats "docker load")
read -r untar_s untar_min untar_max untar_n < <(bench_stats "tar -x")
read -r save_s save_min save_max save_n < <(bench_stats "docker save")
read -r tarc_s tarc_min tarc_max tarc_n < <(bench_stats "tar -c")
load_r=$(awk -v a="$load_s" -v b="$untar_s" 'BEGIN { print a / b }')
save_r=$(awk -v a="$save_s" -v b="$tarc_s" 'BEGIN { print a / b }')

cat <<EOF

### image load/save (${LAYER_MIB} MiB single-layer Debian bookworm minbase; docker save wrote ${SAVE_MIB} MiB)

| operation | berthd median (min … max) | floor | floor median (min … max) | ratio | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`docker load -i\` (n=$load_n) | $(bench_ms_range "$load_s" "$load_min" "$load_max") | \`tar -x --numeric-owner -p\` (n=$untar_n) | $(bench_ms_range "$untar_s" "$untar_min" "$untar_max") | $(bench_ratio "$load_s" "$untar_s") | ${LOAD_BUDGET}× | $(bench_verdict "$load_r" "$LOAD_BUDGET") |
| \`docker save -o\` (n=$save_n) | $(bench_ms_range "$save_s" "$save_min" "$save_max") | \`tar -c --numeric-owner\` (n=$tarc_n) | $(bench_ms_range "$tarc_s" "$tarc_min" "$tarc_max") | $(bench_ratio "$save_s" "$tarc_s") | ${SAVE_BUDGET}× | $(bench_verdict "$save_r" "$SAVE_BUDGET") |

Runs alternate berth/floor after one warm-up each; warm page cache; no sync inside timed
commands; \`sync\` and removal of the previous result before every run; berthd GC confirmed
(root back to ≤ $((EMPTY_MIB + 5)) MiB) before every load. Load average at the end:
$(cut -d' ' -f1-3 /proc/loadavg).
EOF
