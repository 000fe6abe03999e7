#!/usr/bin/env bash
# `docker load` and `docker save` of a ~115 MiB single-layer Debian image against berthd, side by
# side with their floors measured in the same run on the same disk:
#   load: GNU `tar -x --numeric-owner -p` of the same layer tar into a fresh directory
#   save: GNU `tar -c --numeric-owner` of the unpacked tree into a file, for `docker save >file`;
#         the same plus `sync file` for `docker save -o file` (the docker CLI fsyncs -o output)
# Budget: load ≤ 1.3× floor, save ≤ 1.3× floor. Run as root (tar -p, debootstrap, berthd).
#
# The image is built once and cached under $BENCH_CACHE (default /var/tmp/berth-bench):
# debootstrap --variant=minbase bookworm, then its layer tar and a docker-archive of it.
#
# Where and how (see bench/README.md for the why):
# - berthd's --root and the floor's directories share one fresh ext4 (with a journal) on a loop
#   device (direct I/O) whose image file lives under /var/tmp, on the same disk. Not the host's
#   /var/tmp itself: that ext4 has no journal, and there every new inode skips the inodes freed
#   in the last 60-360 s (ext4 recently_deleted()), so after one tree is deleted the next
#   unpack of this layer costs 2-5 s of kernel time instead of 0.3 s, on either side, varying
#   with history. BENCH_FS=host measures there anyway (also the fallback without loop devices).
# - Before every load (untimed): `docker rmi`, then wait until berthd's GC has brought --root back
#   to its empty size (blob and unpacked layer gone), so each load really stores and unpacks.
# - berth and its floor alternate (load, tar -x, load, tar -x, ...) after one warm-up each, with
#   a third, reference command in the same rotation: the same durable steps berth takes (blob
#   written and hashed, fsync, unpack, syncfs) done serially by standard tools.
# - Page cache is NOT dropped: both sides read inputs that are in cache. `sync` runs before every
#   timed command (untimed), never inside one, so no run pays for another's writeback, and
#   berth's own fsyncs count against it.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

MIRROR=${BENCH_MIRROR:-http://deb.debian.org/debian}
LAYER=$BENCH_CACHE/layer.tar
ARCHIVE=$BENCH_CACHE/debian-bench.tar
LOAD_BUDGET=1.3
SAVE_BUDGET=1.3

[ "$(id -u)" -eq 0 ] || bench_die "run as root"
bench_need hyperfine:hyperfine debootstrap:debootstrap sha256sum:coreutils tar:tar openssl:openssl

# write_archive LAYER_TAR TAG OUT: a docker-archive of one single-layer image (amd64/linux).
write_archive() {
  local layer=$1 tag=$2 out=$3 stage layer_hex config_hex config
  stage=$(mktemp -d "$(dirname "$out")/archive.XXXXXX")
  layer_hex=$(sha256sum "$layer" | cut -d' ' -f1)
  config='{"architecture":"amd64","os":"linux","created":"2025-05-20T00:00:00Z",'
  config+='"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["bash"]},'
  config+='"rootfs":{"type":"layers","diff_ids":["sha256:'$layer_hex'"]},'
  config+='"history":[{"created":"2025-05-20T00:00:00Z","created_by":"debootstrap --variant=minbase bookworm"}]}'
  config_hex=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
  printf '%s' "$config" >"$stage/$config_hex.json"
  mkdir "$stage/$layer_hex"
  ln "$layer" "$stage/$layer_hex/layer.tar"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' \
    "$config_hex" "$tag" "$layer_hex" >"$stage/manifest.json"
  tar --numeric-owner -C "$stage" -cf "$out.tmp" manifest.json "$config_hex.json" "$layer_hex/layer.tar"
  rm -rf "$stage"
  mv "$out.tmp" "$out"
}

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

mkdir -p "$BENCH_CACHE"
if [ ! -f "$ARCHIVE" ] || [ ! -f "$LAYER" ]; then
  build_rootfs
  bench_log "writing the layer and the docker-archive (once)"
  tar --numeric-owner --sort=name -C "$BENCH_CACHE/rootfs" -cf "$LAYER.tmp" .
  mv "$LAYER.tmp" "$LAYER"
  write_archive "$LAYER" debian:bench "$ARCHIVE"
fi
LAYER_MIB=$(du -m --apparent-size "$LAYER" | cut -f1)
bench_log "layer: $LAYER_MIB MiB, $(tar -tf "$LAYER" | wc -l) entries"

# --- the filesystem, the daemon, the scratch space ------------------------------------------------

FS_NOTE=""
if [ "${BENCH_FS:-loop}" = loop ] && bench_loop_fs fs WORK 8G; then
  FS_NOTE="a fresh journaled ext4 on a direct-I/O loop device, image file in $BENCH_TMP"
else
  [ "${BENCH_FS:-loop}" = host ] || bench_log "warning: no loop device; measuring on $BENCH_TMP itself"
  bench_mktemp work WORK
  FS_NOTE="$BENCH_TMP itself ($(df -T "$BENCH_TMP" | awk 'NR == 2 { print $2 }')): see README about ext4 without a journal"
  bench_settle_deletions
fi
BENCH_DAEMON_PARENT=$WORK bench_start_daemon
root_mib() { du -sm --one-file-system "$BENCH_ROOT" | cut -f1; }
EMPTY_MIB=$(root_mib)
GC_LIMIT=$((EMPTY_MIB + 5))

# Untimed preparation before every run.
gc_done() { [ "$(root_mib)" -le "$GC_LIMIT" ]; }
prepare_load() {
  "$DOCKER" rmi -f debian:bench >/dev/null 2>&1 || true
  bench_wait_until 60 gc_done ||
    bench_die "berthd --root still holds $(root_mib) MiB 60 s after docker rmi (GC did not collect)"
  sync
}
prepare_untar() {
  rm -rf "$WORK/tree"
  mkdir "$WORK/tree"
  sync
}
prepare_durable() {
  rm -rf "$WORK/durable"
  mkdir -p "$WORK/durable/tree"
  sync
}
# Reference (not the budget's floor): the durable steps berth's design takes, one after the
# other, with standard tools: store the layer as a blob while hashing it, fsync the blob, unpack
# it, syncfs the tree.
DURABLE_CMD="tee $WORK/durable/blob <$LAYER | openssl dgst -sha256 >/dev/null && sync $WORK/durable/blob"
DURABLE_CMD+=" && tar -x --numeric-owner -p -f $WORK/durable/blob -C $WORK/durable/tree && sync -f $WORK/durable/tree"

# --- sanity: a load really stores and unpacks the layer; rmi really frees it -------------------

bench_log "sanity load"
"$DOCKER" load -i "$ARCHIVE" >/dev/null
LOADED_MIB=$(root_mib)
[ "$LOADED_MIB" -ge $((EMPTY_MIB + LAYER_MIB * 3 / 2)) ] ||
  bench_die "a load grew berthd's root by $((LOADED_MIB - EMPTY_MIB)) MiB only; the layer was not unpacked?"
prepare_load
bench_log "berthd root: $EMPTY_MIB MiB empty, $LOADED_MIB MiB with the image, $(root_mib) MiB after rmi + GC"

# --- load, interleaved with its floor ----------------------------------------------------------

bench_log "load: 1 warm-up + $BENCH_RUNS runs each, alternating with tar -x"
for i in $(seq 0 "$BENCH_RUNS"); do
  [ "$i" -eq 0 ] && suffix=-warmup || suffix=""
  prepare_load
  bench_time "docker load$suffix" "" "$DOCKER" load -i "$ARCHIVE"
  prepare_untar
  bench_time "tar -x$suffix" "" tar -x --numeric-owner -p -f "$LAYER" -C "$WORK/tree"
  prepare_durable
  bench_time "durable$suffix" "" bash -c "$DURABLE_CMD"
done
rm -rf "$WORK/durable"

# --- save, interleaved with its floor ----------------------------------------------------------

"$DOCKER" image inspect debian:bench >/dev/null # the last load left it in place
bench_log "save: 1 warm-up + $BENCH_RUNS runs each, alternating with tar -c"
for i in $(seq 0 "$BENCH_RUNS"); do
  [ "$i" -eq 0 ] && suffix=-warmup || suffix=""
  bench_time "docker save$suffix" "rm -f $WORK/save.tar && sync" "$DOCKER" save -o "$WORK/save.tar" debian:bench
  bench_time "tar -c$suffix" "rm -f $WORK/floor.tar && sync" tar -c --numeric-owner -f "$WORK/floor.tar" -C "$WORK/tree" .
  # The docker CLI writes -o through a temp file it fsyncs before the rename; to stdout it does
  # not. Each form gets the floor that does the same to its output file.
  bench_time "docker save >$suffix" "rm -f $WORK/save.tar && sync" \
    bash -c "\"\$0\" save debian:bench >$WORK/save.tar" "$DOCKER"
  bench_time "tar -c + fsync$suffix" "rm -f $WORK/floor.tar && sync" \
    bash -c "tar -c --numeric-owner -f $WORK/floor.tar -C $WORK/tree . && sync $WORK/floor.tar"
done
SAVE_MIB=$(du -m --apparent-size "$WORK/save.tar" | cut -f1)

# --- report --------------------------------------------------------------------------------

read -r load_s load_min load_max load_n < <(bench_stats "docker load")
read -r untar_s untar_min untar_max untar_n < <(bench_stats "tar -x")
read -r save_s save_min save_max save_n < <(bench_stats "docker save")
read -r tarc_s tarc_min tarc_max tarc_n < <(bench_stats "tar -c")
read -r saveo_s saveo_min saveo_max saveo_n < <(bench_stats "docker save >")
read -r tarcs_s tarcs_min tarcs_max tarcs_n < <(bench_stats "tar -c + fsync")
read -r durable_s durable_min durable_max _ < <(bench_stats "durable")
load_r=$(awk -v a="$load_s" -v b="$untar_s" 'BEGIN { print a / b }')
save_r=$(awk -v a="$save_s" -v b="$tarcs_s" 'BEGIN { print a / b }')
saveo_r=$(awk -v a="$saveo_s" -v b="$tarc_s" 'BEGIN { print a / b }')

cat <<EOF

### image load/save (${LAYER_MIB} MiB single-layer Debian bookworm minbase; docker save wrote ${SAVE_MIB} MiB)

| operation | berthd median (min … max) | floor | floor median (min … max) | ratio | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`docker load -i\` (n=$load_n) | $(bench_ms_range "$load_s" "$load_min" "$load_max") | \`tar -x --numeric-owner -p\` (n=$untar_n) | $(bench_ms_range "$untar_s" "$untar_min" "$untar_max") | $(bench_ratio "$load_s" "$untar_s") | ${LOAD_BUDGET}× | $(bench_verdict "$load_r" "$LOAD_BUDGET") |
| \`docker save >file\` (n=$saveo_n) | $(bench_ms_range "$saveo_s" "$saveo_min" "$saveo_max") | \`tar -c --numeric-owner\` (n=$tarc_n) | $(bench_ms_range "$tarc_s" "$tarc_min" "$tarc_max") | $(bench_ratio "$saveo_s" "$tarc_s") | ${SAVE_BUDGET}× | $(bench_verdict "$saveo_r" "$SAVE_BUDGET") |
| \`docker save -o file\` (n=$save_n; the CLI fsyncs the file) | $(bench_ms_range "$save_s" "$save_min" "$save_max") | \`tar -c\` + \`sync file\` (n=$tarcs_n) | $(bench_ms_range "$tarcs_s" "$tarcs_min" "$tarcs_max") | $(bench_ratio "$save_s" "$tarcs_s") | ${SAVE_BUDGET}× | $(bench_verdict "$save_r" "$SAVE_BUDGET") |

Reference, same run, alternating with the two above: the durable steps of berth's design done
serially with standard tools, \`tee blob <layer.tar | openssl dgst -sha256 && sync blob && tar -x
-f blob && sync -f tree\`: $(bench_ms_range "$durable_s" "$durable_min" "$durable_max"); \`docker load\` is
$(bench_ratio "$load_s" "$durable_s") of that.

Filesystem: $FS_NOTE. Before every load: \`docker rmi\` and berthd's GC
seen bringing --root back to ≤ $GC_LIMIT MiB (it holds $LOADED_MIB MiB with the image). Runs alternate
berth/floor after one warm-up each; warm page cache; \`sync\` before (never inside) every timed
command. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOF
