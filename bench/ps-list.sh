#!/usr/bin/env bash
# `docker ps` with 100 running containers against berthd, side by side with `docker version`
# (the docker CLI's own floor: one cheap round trip to the same daemon) in the same run: the ps
# measure of bench/container-scale.sh alone, in rounds, for A/B work on the list path.
# Budget: docker ps ≤ 1.3× docker version.
# References in the same run: both commands against bench/replay-server.mjs serving berthd's
# recorded answers, i.e. what the docker CLI alone costs for the same output; and, unless
# BENCH_PEER=none, against Debian's dockerd (the peer) running as many containers of the same
# image on its own bridge.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

COUNT=${BENCH_CONTAINERS:-100}
BUDGET=1.3
unset NODE_EXTRA_CA_CERTS

bench_need hyperfine:hyperfine runc:runc conmon:conmon curl:curl
bench_own_bridge
remove_all() {
  local ids
  ids=$("$DOCKER" ps -aq 2>/dev/null) || return 0
  # shellcheck disable=SC2086 # one id per word
  [ -z "$ids" ] || "$DOCKER" rm -f $ids >/dev/null
}
PEER=${BENCH_PEER:-dockerd}
remove_everywhere() {
  remove_all
  [ -z "${PEER_SOCK:-}" ] || DOCKER_HOST=unix://$PEER_SOCK remove_all
}
BENCH_EXIT_FIRST=remove_everywhere

bench_mktemp ps-list WORK
"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .
bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null
bench_log "starting $COUNT containers"
seq 1 "$COUNT" | xargs -P 8 -I{} "$DOCKER" run -d --name "many-{}" busybox sleep 1000 >/dev/null
[ "$("$DOCKER" ps -q | wc -l)" -eq "$COUNT" ] || bench_die "expected $COUNT running containers"

bench_replay_start "$WORK/replay" /containers/json:containers.json
replayed=$("$DOCKER" -H "unix://$REPLAY_SOCK" ps -q | wc -l)
[ "$replayed" -eq "$COUNT" ] || bench_die "docker ps against the replay lists $replayed, expected $COUNT"

peer_commands=()
if [ "$PEER" = dockerd ]; then
  bench_start_dockerd
  "$DOCKER" -H "unix://$PEER_SOCK" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null
  bench_log "starting $COUNT containers on dockerd"
  seq 1 "$COUNT" | xargs -P 8 -I{} "$DOCKER" -H "unix://$PEER_SOCK" run -d --name "many-{}" busybox sleep 1000 >/dev/null
  [ "$("$DOCKER" -H "unix://$PEER_SOCK" ps -q | wc -l)" -eq "$COUNT" ] || bench_die "expected $COUNT running containers on dockerd"
  peer_commands=(--command-name "docker ps (dockerd)" "$DOCKER -H unix://$PEER_SOCK ps"
    --command-name "docker version (dockerd)" "$DOCKER -H unix://$PEER_SOCK version")
fi

ROUNDS=${BENCH_ROUNDS:-5}
bench_hyperfine_rounds "$ROUNDS" -N --warmup 3 --runs "$BENCH_RUNS" \
  --command-name "docker ps" "$DOCKER ps" \
  --command-name "docker version" "$DOCKER version" \
  --command-name "docker ps (replay)" "$DOCKER -H unix://$REPLAY_SOCK ps" \
  --command-name "docker version (replay)" "$DOCKER -H unix://$REPLAY_SOCK version" \
  "${peer_commands[@]}"

read -r ps_s ps_min ps_max ps_n < <(bench_stats "docker ps")
read -r version_s version_min version_max version_n < <(bench_stats "docker version")
read -r rps_s rps_min rps_max _ < <(bench_stats "docker ps (replay)")
read -r rversion_s rversion_min rversion_max _ < <(bench_stats "docker version (replay)")
ratio=$(awk -v a="$ps_s" -v b="$version_s" 'BEGIN { print a / b }')
# The same two commands against dockerd, if it ran: the ratio a Docker engine gets here.
peer_table() {
  [ "$PEER" = dockerd ] || return 0
  local p v
  read -r p p_min p_max _ < <(bench_stats "docker ps (dockerd)")
  read -r v v_min v_max _ < <(bench_stats "docker version (dockerd)")
  cat <<EOP
Peer, same rounds: Debian's dockerd $(dockerd --version | awk '{ print $3 }' | tr -d ,) with $COUNT containers of the same image on its own bridge.

| daemon | \`docker ps\` | \`docker version\` | ratio |
| --- | ---: | ---: | ---: |
| berthd | $(bench_ms_range "$ps_s" "$ps_min" "$ps_max") | $(bench_ms_range "$version_s" "$version_min" "$version_max") | $(bench_ratio "$ps_s" "$version_s") |
| dockerd | $(bench_ms_range "$p" "$p_min" "$p_max") | $(bench_ms_range "$v" "$v_min" "$v_max") | $(bench_ratio "$p" "$v") |
EOP
}
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }'; }

cat <<EOT

### docker ps ($COUNT running)

| operation | berthd median (min … max) | floor | floor median (min … max) | ratio | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`docker ps\` (n=$ps_n) | $(bench_ms_range "$ps_s" "$ps_min" "$ps_max") | \`docker version\` (n=$version_n) | $(bench_ms_range "$version_s" "$version_min" "$version_max") | $(bench_ratio "$ps_s" "$version_s") | ${BUDGET}× | $(bench_verdict "$ratio" "$BUDGET") |

Reference, same run: the same two commands against a replay of berthd's recorded responses (a
trivial server: what the docker CLI itself costs), so the part due to berthd shows.

| command | against berthd | against the replay | berthd's share |
| --- | ---: | ---: | ---: |
| \`docker ps\` | $(bench_ms "$ps_s") | $(bench_ms_range "$rps_s" "$rps_min" "$rps_max") | $(diff_ms "$ps_s" "$rps_s") |
| \`docker version\` | $(bench_ms "$version_s") | $(bench_ms_range "$rversion_s" "$rversion_min" "$rversion_max") | $(diff_ms "$version_s" "$rversion_s") |
| ratio ps / version | $(bench_ratio "$ps_s" "$version_s") | $(bench_ratio "$rps_s" "$rversion_s") | |

$(peer_table)

$ROUNDS rounds of hyperfine (\`-N --warmup 3 --runs $BENCH_RUNS\`, every command each round),
$COUNT \`sleep 1000\` containers running. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOT
