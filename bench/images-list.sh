#!/usr/bin/env bash
# `docker images` against a berthd holding 200 images, side by side with `docker version` (the
# docker CLI's own floor: one cheap round trip to the same daemon) in the same run.
# Budget: docker images ≤ 1.3× docker version.
#
# The 200 images (tags bench/img:1 … bench/img:200, each with its own LABEL n=<i>, sharing one
# tiny layer) come from one `docker load` of a docker-archive this script writes.
# Reference in the same run: both commands against bench/replay-server.mjs serving berthd's
# recorded responses, i.e. what the docker CLI alone costs for the same output.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

COUNT=${BENCH_IMAGES:-200}
BUDGET=1.3

bench_need hyperfine:hyperfine sha256sum:coreutils tar:tar curl:curl

# --- the archive: COUNT images, one shared layer ------------------------------------------------

bench_mktemp images WORK
stage=$WORK/archive
mkdir -p "$stage/rootfs/etc" "$stage/layer"
echo "bench" >"$stage/rootfs/etc/bench"
tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$stage/rootfs" -cf "$stage/layer/layer.tar" etc
layer_hex=$(sha256sum "$stage/layer/layer.tar" | cut -d' ' -f1)
mv "$stage/layer" "$stage/$layer_hex"
members=(manifest.json "$layer_hex/layer.tar")
{
  printf '['
  for i in $(seq 1 "$COUNT"); do
    config='{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z",'
    config+='"config":{"Env":["PATH=/usr/bin:/bin"],"Cmd":["sh"],"Labels":{"n":"'$i'"}},'
    config+='"rootfs":{"type":"layers","diff_ids":["sha256:'$layer_hex'"]},'
    config+='"history":[{"created":"2024-01-01T00:00:00Z","created_by":"bench image '$i'"}]}'
    hex=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
    printf '%s' "$config" >"$stage/$hex.json"
    members+=("$hex.json")
    [ "$i" -gt 1 ] && printf ','
    printf '{"Config":"%s.json","RepoTags":["bench/img:%s"],"Layers":["%s/layer.tar"]}' "$hex" "$i" "$layer_hex"
  done
  printf ']\n'
} >"$stage/manifest.json"
tar --numeric-owner -C "$stage" -cf "$WORK/images.tar" "${members[@]}"

# --- daemon, images, measurement -------------------------------------------------------------

bench_start_daemon
bench_log "loading $COUNT images"
"$DOCKER" load -i "$WORK/images.tar" >/dev/null
listed=$("$DOCKER" images --format '{{.Repository}}:{{.Tag}}' | grep -c '^bench/img:' || true)
[ "$listed" -eq "$COUNT" ] || bench_die "docker images lists $listed bench/img images, expected $COUNT"

# An "ideal daemon" for the CLI-only floor: berthd's own responses, recorded, replayed by a
# trivial server (bench/replay-server.mjs).
mkdir "$WORK/replay"
curl -sf --unix-socket "$BENCH_SOCK" http://berth/v1.47/images/json >"$WORK/replay/images.json"
curl -sf --unix-socket "$BENCH_SOCK" http://berth/v1.47/version >"$WORK/replay/version.json"
curl -sf -D - -o /dev/null --unix-socket "$BENCH_SOCK" http://berth/_ping | tr -d '\r' |
  awk -F': ' 'NF == 2 { printf "%s\"%s\":\"%s\"", (n++ ? "," : "{"), tolower($1), $2 } END { print "}" }' \
    >"$WORK/replay/ping-headers.json"
REPLAY_SOCK=$WORK/replay/replay.sock
node "$BENCH_REPO/bench/replay-server.mjs" "$REPLAY_SOCK" "$WORK/replay" &
BENCH_PIDS+=($!)
bench_wait_until 10 "$DOCKER" -H "unix://$REPLAY_SOCK" version || bench_die "replay server did not start"
replayed=$("$DOCKER" -H "unix://$REPLAY_SOCK" images --format '{{.Repository}}:{{.Tag}}' | grep -c '^bench/img:' || true)
[ "$replayed" -eq "$COUNT" ] || bench_die "docker images against the replay lists $replayed images, expected $COUNT"

ROUNDS=${BENCH_ROUNDS:-5}
bench_hyperfine_rounds "$ROUNDS" -N --warmup 3 --runs "$BENCH_RUNS" \
  --command-name "docker images" "$DOCKER images" \
  --command-name "docker version" "$DOCKER version" \
  --command-name "docker images (replay)" "$DOCKER -H unix://$REPLAY_SOCK images" \
  --command-name "docker version (replay)" "$DOCKER -H unix://$REPLAY_SOCK version"

read -r images_s images_min images_max images_n < <(bench_stats "docker images")
read -r version_s version_min version_max version_n < <(bench_stats "docker version")
read -r rimages_s rimages_min rimages_max _ < <(bench_stats "docker images (replay)")
read -r rversion_s rversion_min rversion_max _ < <(bench_stats "docker version (replay)")
ratio=$(awk -v a="$images_s" -v b="$version_s" 'BEGIN { print a / b }')
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }'; }

cat <<EOF

### image list ($COUNT images)

| operation | berthd median (min … max) | floor | floor median (min … max) | ratio | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`docker images\` (n=$images_n) | $(bench_ms_range "$images_s" "$images_min" "$images_max") | \`docker version\` (n=$version_n) | $(bench_ms_range "$version_s" "$version_min" "$version_max") | $(bench_ratio "$images_s" "$version_s") | ${BUDGET}× | $(bench_verdict "$ratio" "$BUDGET") |

Reference, same run: the same two commands against a replay of berthd's recorded responses (a
trivial server: what the docker CLI itself costs), so the part due to berthd shows.

| command | against berthd | against the replay | berthd's share |
| --- | ---: | ---: | ---: |
| \`docker images\` | $(bench_ms "$images_s") | $(bench_ms_range "$rimages_s" "$rimages_min" "$rimages_max") | $(diff_ms "$images_s" "$rimages_s") |
| \`docker version\` | $(bench_ms "$version_s") | $(bench_ms_range "$rversion_s" "$rversion_min" "$rversion_max") | $(diff_ms "$version_s" "$rversion_s") |
| ratio images / version | $(bench_ratio "$images_s" "$version_s") | $(bench_ratio "$rimages_s" "$rversion_s") | |

$ROUNDS rounds of hyperfine (\`-N --warmup 3 --runs $BENCH_RUNS\`, the four commands each round). Load
average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOF
