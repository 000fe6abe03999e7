#!/usr/bin/env bash
# `docker push` and `docker pull` of the ~115 MiB single-layer Debian image (the one
# image-load-save.sh builds and caches) between berthd and Debian's docker-registry on 127.0.0.1,
# side by side with skopeo as the floor, interleaved, in the same run:
#   push floor: `skopeo copy docker-archive:<the image> docker://registry/...` (same bytes sent)
#   pull floor: `skopeo copy docker://registry/... oci:<fresh dir>` (download + verify + write,
#               no unpack: berth also unpacks the layer into a snapshot)
# Before every push (untimed) the registry's storage is emptied and berthd's GC run, so each push
# gzips (berth stores a loaded layer uncompressed and sends it gzipped) and uploads the layer;
# before every pull the image is removed and berthd's GC waited for, so each pull downloads and
# unpacks it. No dockerd here: the issue's dockerd figures (push 6.5-7.7 s, pull 3.6-4.4 s) are
# quoted for comparison only. Run as root after `npm run build` and image-load-save.sh once.
# The layer's pull also pays berth's durable steps (fsync of the blob, syncfs after unpack).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

ARCHIVE=$BENCH_CACHE/debian-bench.tar
RUNS=${BENCH_RUNS:-5}
[ "$(id -u)" -eq 0 ] || bench_die "run as root"
[ -f "$ARCHIVE" ] || bench_die "$ARCHIVE missing: run bench/image-load-save.sh once first"
bench_need skopeo:skopeo docker-registry:docker-registry

# berthd's --root on a fresh journaled ext4 (see image-load-save.sh: on this machine's
# journal-less /var/tmp, unpacking right after a tree was deleted costs seconds of kernel time).
if [ "${BENCH_FS:-loop}" = loop ] && bench_loop_fs fs WORK 8G; then
  BENCH_DAEMON_PARENT=$WORK bench_start_daemon
else
  bench_log "warning: no loop device; measuring on $BENCH_TMP itself"
  bench_start_daemon
fi
bench_mktemp registry REG_DIR
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
REG=127.0.0.1:$PORT
cat >"$REG_DIR/config.yml" <<YAML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
http:
  addr: $REG
YAML
/usr/bin/docker-registry serve "$REG_DIR/config.yml" >"$REG_DIR/registry.log" 2>&1 &
REG_PID=$!
# Stopped before the library's cleanup (which removes its directory).
trap 'kill "$REG_PID" 2>/dev/null || true; bench_cleanup' EXIT
reg_up() { curl -sf "http://$REG/v2/" >/dev/null; }
bench_wait_until 15 reg_up || bench_die "docker-registry did not start"
bench_log "docker-registry pid $REG_PID on $REG"

IMAGE=$REG/debian:bench
"$DOCKER" load -q -i "$ARCHIVE" >/dev/null
"$DOCKER" tag debian:bench "$IMAGE"
root_mib() { du -sm --one-file-system "$BENCH_ROOT" | cut -f1; }
EMPTY_MIB=$(root_mib)

gc_done() { [ "$(root_mib)" -le $((EMPTY_MIB + 130)) ]; }
SKOPEO_TLS=(--src-tls-verify=false --dest-tls-verify=false)

for _ in $(seq 1 "$RUNS"); do
  # prune runs berthd's GC, which drops the gzip blob of the previous push: every push compresses.
  bench_time "berth push" "rm -rf '$REG_DIR/data' && '$DOCKER' image prune -f >/dev/null" "$DOCKER" push "$IMAGE"
  bench_time "skopeo push" "rm -rf '$REG_DIR/data'" skopeo copy -q "${SKOPEO_TLS[@]}" \
    "docker-archive:$ARCHIVE" "docker://$REG/debian:bench"
done

# Pull: the image is in the registry (pushed by berth above; skopeo's copy has the same layer).
"$DOCKER" push "$IMAGE" >/dev/null
"$DOCKER" rmi debian:bench >/dev/null
for _ in $(seq 1 "$RUNS"); do
  "$DOCKER" rmi -f "$IMAGE" >/dev/null 2>&1 || true
  bench_wait_until 60 gc_done || bench_die "GC did not free the image"
  bench_time "berth pull" "" "$DOCKER" pull "$IMAGE"
  rm -rf "$REG_DIR/oci"
  bench_time "skopeo pull" "" skopeo copy -q "${SKOPEO_TLS[@]}" "docker://$IMAGE" "oci:$REG_DIR/oci:bench"
done

fmt() { read -r m a b n <<<"$(bench_stats "$1")"; printf '%.2f s (%.2f … %.2f, n=%s)' "$m" "$a" "$b" "$n"; }
med() { bench_stats "$1" | cut -d' ' -f1; }
echo
bench_machine_facts
echo
echo "| measure | berth median (min … max) | floor | floor median (min … max) | ratio |"
echo "| --- | ---: | --- | ---: | ---: |"
echo "| \`docker push\` of the Debian image (116 MiB layer) | $(fmt "berth push") | \`skopeo copy docker-archive: → registry\` | $(fmt "skopeo push") | $(bench_ratio "$(med "berth push")" "$(med "skopeo push")") |"
echo "| \`docker pull\` of it (download + unpack) | $(fmt "berth pull") | \`skopeo copy registry → oci:\` (no unpack) | $(fmt "skopeo pull") | $(bench_ratio "$(med "berth pull")" "$(med "skopeo pull")") |"
