#!/usr/bin/env bash
# Container costs at scale and log throughput (issue 3 budgets), each with its floor or peer
# measured in the same run:
#   1. 50 × `docker run -d busybox sleep 1000`, 8 at a time (xargs -P 8): wall time per
#      container. Budget ≤ 60 ms. Floor: 50 `runc run -d` of the same rootfs, 8 at a time.
#   2. With 100 containers running: `docker ps` against `docker version` (both against berthd,
#      interleaved by hyperfine). Budget ≤ 1.3×.
#   3. berthd's VmRSS with those 100 running. Budget ≤ 90 MiB.
#   4. `docker rm -f` of the 100 in one call. Budget ≤ 1.5 s.
#   5. A container writing 100 MB to stdout: start to exit (logged at ≥ 50 MB/s), and
#      `docker logs` reading it back (≥ 100 MB/s). Peer: the same busybox pipeline on the host
#      into /dev/null.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

PARALLEL_BUDGET_MS=60
PS_RATIO_BUDGET=1.3
RSS_BUDGET_MIB=90
RM_BUDGET_S=1.5
LOG_WRITE_BUDGET=50
LOG_READ_BUDGET=100
ROUNDS=${BENCH_ROUNDS:-3}
LOG_BYTES=100000000
unset NODE_EXTRA_CA_CERTS

bench_need hyperfine:hyperfine runc:runc conmon:conmon curl:curl
[ -x /bin/busybox ] || bench_need busybox:busybox-static

bench_mktemp container-scale WORK
"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .

# Floor for 1: per id, an overlay over the rootfs and `runc run -d` of a `runc spec` bundle
# (sleep 1000, no terminal); killed, deleted and unmounted untimed after each round.
mkdir -p "$WORK/bundle" "$WORK/runc-state" "$WORK/floor"
(cd "$WORK/bundle" && runc spec)
node -e '
  const fs = require("fs");
  const f = process.argv[1];
  const spec = JSON.parse(fs.readFileSync(f, "utf8"));
  spec.process.args = ["sleep", "1000"];
  spec.process.terminal = false;
  fs.writeFileSync(f, JSON.stringify(spec));
' "$WORK/bundle/config.json"
{
  echo '#!/bin/sh'
  echo 'set -e'
  echo "d=$WORK/floor/\$1"
  echo 'mkdir -p "$d/upper" "$d/work" "$d/rootfs"'
  echo "cp $WORK/bundle/config.json \"\$d/config.json\""
  echo "mount -t overlay overlay -o \"lowerdir=$WORK/rootfs,upperdir=\$d/upper,workdir=\$d/work\" \"\$d/rootfs\""
  echo "runc --root $WORK/runc-state run -d --bundle \"\$d\" \"floor-\$1\" </dev/null >/dev/null 2>&1"
} >"$WORK/floor-run-d.sh"
chmod +x "$WORK/floor-run-d.sh"
floor_cleanup() {
  local id d
  for id in $(runc --root "$WORK/runc-state" list -q); do
    runc --root "$WORK/runc-state" delete -f "$id" >/dev/null 2>&1 || true
  done
  for d in "$WORK"/floor/*; do
    [ -d "$d" ] || continue
    umount "$d/rootfs" 2>/dev/null || true
    rm -rf "$d"
  done
}

bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null
"$DOCKER" run --rm busybox true || bench_die "docker run --rm busybox true failed"

now_s() { date +%s.%N; }
per50() { awk -v a="$1" -v b="$2" 'BEGIN { print (b - a) / 50 }'; }
record() { printf '%s\n' "$2" >>"$BENCH_TIMES/$1"; }
remove_all() {
  local ids
  ids=$("$DOCKER" ps -aq)
  # shellcheck disable=SC2086 # one id per word
  [ -z "$ids" ] || "$DOCKER" rm -f $ids >/dev/null
}
bench_times_dir

# --- 1. 50 × run -d, 8 in parallel ------------------------------------------------------------
bench_log "50 x run -d, 8 in parallel: $ROUNDS rounds, alternating with the floor"
for r in $(seq 1 "$ROUNDS"); do
  t0=$(now_s)
  seq 1 50 | xargs -P 8 -I{} "$WORK/floor-run-d.sh" "r$r-{}"
  record floor-parallel "$(per50 "$t0" "$(now_s)")"
  floor_cleanup
  t0=$(now_s)
  seq 1 50 | xargs -P 8 -I{} "$DOCKER" run -d --name "par-$r-{}" busybox sleep 1000 >/dev/null
  record berth-parallel "$(per50 "$t0" "$(now_s)")"
  remove_all
done
read -r par_s par_min par_max par_n < <(bench_stats berth-parallel)
read -r fpar_s _ _ _ < <(bench_stats floor-parallel)

# --- 2-4. 100 running: ps, RSS, rm -f --------------------------------------------------------
bench_log "100 running: ps, RSS, rm -f ($ROUNDS rounds)"
vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
for r in $(seq 1 "$ROUNDS"); do
  seq 1 100 | xargs -P 8 -I{} "$DOCKER" run -d --name "many-{}" busybox sleep 1000 >/dev/null
  [ "$("$DOCKER" ps -q | wc -l)" -eq 100 ] || bench_die "expected 100 running containers"
  if [ "$r" -eq 1 ]; then
    sleep 1
    rss_kib=$(vmrss_kib "$BERTHD_PID")
    # Reference: berthd's answer recorded and replayed by a trivial server (the docker CLI alone).
    bench_replay_start "$WORK/replay" /containers/json:containers.json
    [ "$("$DOCKER" -H "unix://$REPLAY_SOCK" ps -q | wc -l)" -eq 100 ] || bench_die "the replay lists no 100 containers"
    bench_hyperfine_rounds 1 -N --warmup 3 --runs "$BENCH_RUNS" \
      --command-name "docker version" "$DOCKER version" \
      --command-name "docker ps" "$DOCKER ps" \
      --command-name "docker ps (replay)" "$DOCKER -H unix://$REPLAY_SOCK ps" \
      --command-name "docker version (replay)" "$DOCKER -H unix://$REPLAY_SOCK version"
  fi
  ids=$("$DOCKER" ps -aq)
  # shellcheck disable=SC2086 # one id per word
  bench_time "docker rm -f 100" "" "$DOCKER" rm -f $ids
done
read -r ver_s _ _ ver_n < <(bench_stats "docker version")
read -r ps_s ps_min ps_max ps_n < <(bench_stats "docker ps")
read -r rps_s rps_min rps_max _ < <(bench_stats "docker ps (replay)")
read -r rver_s _ _ _ < <(bench_stats "docker version (replay)")
read -r rm_s rm_min rm_max rm_n < <(bench_stats "docker rm -f 100")

# --- 5. 100 MB of output ---------------------------------------------------------------------
bench_log "100 MB to stdout and back ($ROUNDS rounds)"
LINE=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678
WRITER="yes $LINE | head -c $LOG_BYTES"
for r in $(seq 1 "$ROUNDS"); do
  bench_time "host pipeline" "" /bin/busybox sh -c "$WRITER"
  "$DOCKER" run -d --name "chatty-$r" busybox sh -c "$WRITER" >/dev/null
  "$DOCKER" wait "chatty-$r" >/dev/null
  # `run -d` answers at start: the container's own record gives start-to-exit.
  read -r started finished < <("$DOCKER" inspect --format '{{.State.StartedAt}} {{.State.FinishedAt}}' "chatty-$r")
  record "logged 100 MB" "$(node -e 'console.log((Date.parse(process.argv[2]) - Date.parse(process.argv[1])) / 1000)' "$started" "$finished")"
  bench_time "docker logs (100 MB)" "" "$DOCKER" logs "chatty-$r"
  "$DOCKER" rm -f "chatty-$r" >/dev/null
done
read -r host_s _ _ _ < <(bench_stats "host pipeline")
read -r log_s _ _ log_n < <(bench_stats "logged 100 MB")
read -r read_s _ _ read_n < <(bench_stats "docker logs (100 MB)")

# --- table -----------------------------------------------------------------------------------
ms() { awk -v s="$1" 'BEGIN { print s * 1000 }'; }
mbps() { awk -v s="$1" -v b="$LOG_BYTES" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
at_least() { awk -v v="$1" -v b="$2" 'BEGIN { if (v >= b) print "yes"; else printf "**NO** (%.0f%% under budget)\n", (1 - v / b) * 100 }'; }
at_most() { awk -v v="$1" -v b="$2" 'BEGIN { if (v <= b) print "yes"; else printf "**NO** (%.0f%% over budget)\n", (v / b - 1) * 100 }'; }
ps_ratio=$(awk -v a="$ps_s" -v b="$ver_s" 'BEGIN { print a / b }')

cat <<EOF

### containers at scale and log throughput (busybox)

| measure | berth median (min … max) | floor / peer | its median | ratio | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| 50 × \`docker run -d\`, 8 in parallel: wall time per container (n=$par_n rounds) | $(bench_ms_range "$par_s" "$par_min" "$par_max") | 50 × \`runc run -d\` on overlays, 8 in parallel | $(bench_ms "$fpar_s") | $(bench_ratio "$par_s" "$fpar_s") | ≤ ${PARALLEL_BUDGET_MS} ms | $(at_most "$(ms "$par_s")" "$PARALLEL_BUDGET_MS") |
| \`docker ps\`, 100 running (n=$ps_n) | $(bench_ms_range "$ps_s" "$ps_min" "$ps_max") | \`docker version\` (n=$ver_n) | $(bench_ms "$ver_s") | $(bench_ratio "$ps_s" "$ver_s") | ≤ ${PS_RATIO_BUDGET}× | $(bench_verdict "$ps_ratio" "$PS_RATIO_BUDGET") |
| reference: \`docker ps\` against a replay of berthd's recorded answer (the docker CLI alone) | $(bench_ms_range "$rps_s" "$rps_min" "$rps_max") | \`docker version\` against the replay | $(bench_ms "$rver_s") | $(bench_ratio "$rps_s" "$rver_s") | | berthd's share of \`docker ps\`: $(awk -v a="$ps_s" -v b="$rps_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') |
| berthd VmRSS, 100 running | $(mib "$rss_kib") MiB | | | | ≤ ${RSS_BUDGET_MIB} MiB | $(at_most "$(mib "$rss_kib")" "$RSS_BUDGET_MIB") |
| \`docker rm -f\` of 100 running, one call (n=$rm_n) | $(bench_ms_range "$rm_s" "$rm_min" "$rm_max") | | | | ≤ ${RM_BUDGET_S} s | $(at_most "$rm_s" "$RM_BUDGET_S") |
| 100 MB to stdout, start to exit (n=$log_n) | $(mbps "$log_s") MB/s ($(bench_ms "$log_s")) | the same pipeline on the host, to /dev/null | $(mbps "$host_s") MB/s | | ≥ ${LOG_WRITE_BUDGET} MB/s | $(at_least "$(mbps "$log_s")" "$LOG_WRITE_BUDGET") |
| \`docker logs\` of those 100 MB (n=$read_n) | $(mbps "$read_s") MB/s ($(bench_ms "$read_s")) | | | | ≥ ${LOG_READ_BUDGET} MB/s | $(at_least "$(mbps "$read_s")" "$LOG_READ_BUDGET") |

$ROUNDS rounds each. Parallel runs: \`seq 1 50 | xargs -P 8\`; the floor's runs (a shell script:
mkdir, overlay mount, \`runc run -d\`) alternate with berth's by round; containers removed
untimed after each round. \`docker ps\` and \`docker version\` interleaved by hyperfine (\`-N
--warmup 3 --runs $BENCH_RUNS\`) with 100 \`sleep\` containers running, with the same two
against bench/replay-server.mjs replaying berthd's answers (what the docker CLI alone costs); VmRSS read 1 s after
the 100th start. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOF
