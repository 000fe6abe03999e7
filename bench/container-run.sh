#!/usr/bin/env bash
# Container run costs, each side by side with its floor measured in the same run:
#   1. `docker run --rm busybox true` against berthd; floor: plain `runc run` of the same busybox
#      rootfs through an overlay mount (see floor_run below). Budget: ≤ 2.5× the floor.
#   2. `bin/berth run --rm busybox true` against the same berthd. Budget: ≤ 1.3× the docker CLI
#      figure of 1 (same rounds).
#   3. `docker run -d busybox sleep 1000` (≤ 90 ms) and `docker stop -t 0` of it (≤ 50 ms);
#      `docker rm -f` after each pair, untimed.
#   4. With 20 `sleep` containers running: berthd's VmRSS, and per conmon VmRSS and PSS
#      (/proc/PID/smaps_rollup). Budget: ≤ 0.5 MiB PSS per monitor (median).
# The busybox image is made as scripts/make-busybox-image.sh does (host busybox-static, `bin/berth
# import --change 'CMD ["sh"]'`), tagged busybox:latest.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

RUN_RATIO_BUDGET=2.5
CLI_RATIO_BUDGET=1.3
RUN_D_BUDGET_MS=90
STOP_BUDGET_MS=50
PSS_BUDGET_MIB=0.5
IDLE_CONTAINERS=${BENCH_IDLE_CONTAINERS:-20}
ROUNDS=${BENCH_ROUNDS:-2}
unset NODE_EXTRA_CA_CERTS

bench_need hyperfine:hyperfine runc:runc conmon:conmon
[ -x /bin/busybox ] || bench_need busybox:busybox-static

bench_mktemp container-run WORK

# --- the rootfs, the image, the floor's bundle -----------------------------------------------

"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .

# Floor bundle: `runc spec` as generated (its own pid, ipc, uts, mount and network namespaces,
# no traffic), args ["true"], terminal false, root = the overlay mount point.
mkdir -p "$WORK/bundle/rootfs" "$WORK/runc-state" "$WORK/floor"
(cd "$WORK/bundle" && runc spec)
node -e '
  const fs = require("fs");
  const f = process.argv[1];
  const spec = JSON.parse(fs.readFileSync(f, "utf8"));
  spec.process.args = ["true"];
  spec.process.terminal = false;
  spec.root = { path: "rootfs", readonly: false };
  fs.writeFileSync(f, JSON.stringify(spec, null, 2));
' "$WORK/bundle/config.json"

# One floor run: a fresh upper/work dir, overlay mount (lower = the busybox rootfs) on the
# bundle's rootfs, `runc run` with a unique id (it creates, starts, waits for and deletes the
# container), unmount, remove the upper dir. A shell script so hyperfine -N can run it.
cat >"$WORK/floor-run.sh" <<EOF
#!/bin/sh
set -e
id=floor-\$\$
d=$WORK/floor/\$id
mkdir -p "\$d/upper" "\$d/work"
mount -t overlay overlay -o "lowerdir=$WORK/rootfs,upperdir=\$d/upper,workdir=\$d/work" "$WORK/bundle/rootfs"
runc --root "$WORK/runc-state" run --bundle "$WORK/bundle" "\$id" </dev/null
umount "$WORK/bundle/rootfs"
rm -rf "\$d"
EOF
chmod +x "$WORK/floor-run.sh"
"$WORK/floor-run.sh" || bench_die "floor run failed"

bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' -m "busybox from the host's busybox-static" \
  "$WORK/rootfs.tar" busybox:latest >/dev/null
"$DOCKER" run --rm busybox true || bench_die "docker run --rm busybox true failed"

# --- 1 + 2. run --rm, interleaved with the floor ---------------------------------------------

bench_hyperfine_rounds "$ROUNDS" -N --warmup 2 --runs "$BENCH_RUNS" \
  --command-name "runc run" "$WORK/floor-run.sh" \
  --command-name "docker run --rm" "$DOCKER run --rm busybox true" \
  --command-name "berth run --rm" "$BENCH_REPO/bin/berth run --rm busybox true"
read -r floor_s floor_min floor_max floor_n < <(bench_stats "runc run")
read -r drun_s drun_min drun_max drun_n < <(bench_stats "docker run --rm")
read -r brun_s brun_min brun_max brun_n < <(bench_stats "berth run --rm")

# --- 3. run -d / stop -t 0 -------------------------------------------------------------------

"$DOCKER" rm -f "$("$DOCKER" run -d busybox sleep 1000)" >/dev/null # warm-up
for i in $(seq 1 "$BENCH_RUNS"); do
  bench_time "docker run -d" "" "$DOCKER" run -d --name "bench-$i" busybox sleep 1000
  bench_time "docker stop -t 0" "" "$DOCKER" stop -t 0 "bench-$i"
  "$DOCKER" rm -f "bench-$i" >/dev/null
done
read -r rund_s rund_min rund_max rund_n < <(bench_stats "docker run -d")
read -r stop_s stop_min stop_max stop_n < <(bench_stats "docker stop -t 0")

# --- 4. memory with idle containers ----------------------------------------------------------

vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
rss0_kib=$(vmrss_kib "$BERTHD_PID")
for i in $(seq 1 "$IDLE_CONTAINERS"); do
  "$DOCKER" run -d --name "idle-$i" busybox sleep 1000 >/dev/null
done
sleep 1
rssn_kib=$(vmrss_kib "$BERTHD_PID")
# This daemon's monitors: conmon processes whose command line names its exec root or root.
conmons=()
for pid in $(pgrep -x conmon); do
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -e "$BENCH_EXEC_ROOT" -e "$BENCH_ROOT" && conmons+=("$pid")
done
[ ${#conmons[@]} -eq "$IDLE_CONTAINERS" ] || bench_log "found ${#conmons[@]} conmon processes for $IDLE_CONTAINERS containers"
[ ${#conmons[@]} -gt 0 ] || bench_die "no conmon processes found"
conmon_rss=$(for p in "${conmons[@]}"; do vmrss_kib "$p"; done | bench_median)
conmon_pss=$(for p in "${conmons[@]}"; do pss_kib "$p"; done | bench_median)
conmon_pss_sum=$(for p in "${conmons[@]}"; do pss_kib "$p"; done | awk '{ s += $1 } END { print s }')
# shellcheck disable=SC2046 # one name per container
"$DOCKER" rm -f $(seq -f 'idle-%g' 1 "$IDLE_CONTAINERS") >/dev/null
# The monitors exit just after `rm -f` returns; wait for them (by pid) before the daemon stops.
conmons_gone() { local p; for p in "${conmons[@]}"; do [ ! -e "/proc/$p" ] || return 1; done; }
bench_wait_until 10 conmons_gone || bench_log "conmon processes still running 10 s after docker rm -f"

# --- table -----------------------------------------------------------------------------------

ms() { awk -v s="$1" 'BEGIN { print s * 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.2f MiB", k / 1024 }'; }
within() { awk -v v="$1" -v b="$2" 'BEGIN { if (v <= b) print "yes"; else { o = (v / b - 1) * 100; printf (o < 1 ? "**NO** (%.1f%% over budget)\n" : "**NO** (%.0f%% over budget)\n"), o } }'; }
drun_ratio=$(awk -v a="$drun_s" -v b="$floor_s" 'BEGIN { print a / b }')
brun_ratio=$(awk -v a="$brun_s" -v b="$drun_s" 'BEGIN { print a / b }')
pss_mib=$(awk -v k="$conmon_pss" 'BEGIN { print k / 1024 }')

cat <<EOF

### container run (busybox, \`true\`)

| measure | berth median (min … max) | floor | floor median (min … max) | ratio / berth − floor | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`docker run --rm busybox true\` (n=$drun_n) | $(bench_ms_range "$drun_s" "$drun_min" "$drun_max") | \`runc run\` on an overlay mount (n=$floor_n) | $(bench_ms_range "$floor_s" "$floor_min" "$floor_max") | $(bench_ratio "$drun_s" "$floor_s") | ≤ ${RUN_RATIO_BUDGET}× | $(bench_verdict "$drun_ratio" "$RUN_RATIO_BUDGET") |
| \`bin/berth run --rm busybox true\` (n=$brun_n) | $(bench_ms_range "$brun_s" "$brun_min" "$brun_max") | \`docker run --rm\` above | $(bench_ms "$drun_s") | $(bench_ratio "$brun_s" "$drun_s") | ≤ ${CLI_RATIO_BUDGET}× | $(bench_verdict "$brun_ratio" "$CLI_RATIO_BUDGET") |
| \`docker run -d busybox sleep 1000\` (n=$rund_n) | $(bench_ms_range "$rund_s" "$rund_min" "$rund_max") | \`runc run\` above | $(bench_ms "$floor_s") | $(awk -v a="$rund_s" -v b="$floor_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') | ≤ ${RUN_D_BUDGET_MS} ms | $(within "$(ms "$rund_s")" "$RUN_D_BUDGET_MS") |
| \`docker stop -t 0\` of it (n=$stop_n) | $(bench_ms_range "$stop_s" "$stop_min" "$stop_max") | | | | ≤ ${STOP_BUDGET_MS} ms | $(within "$(ms "$stop_s")" "$STOP_BUDGET_MS") |
| conmon PSS, median of ${#conmons[@]} monitors | $(mib "$conmon_pss") (VmRSS $(mib "$conmon_rss")) | | | | ≤ ${PSS_BUDGET_MIB} MiB | $(within "$pss_mib" "$PSS_BUDGET_MIB") |

berthd VmRSS: $(mib "$rss0_kib") before, $(mib "$rssn_kib") with $IDLE_CONTAINERS \`sleep\` containers running
($(awk -v a="$rssn_kib" -v b="$rss0_kib" -v n="$IDLE_CONTAINERS" 'BEGIN { printf "%+.2f MiB, %+.0f KiB per container", (a - b) / 1024, (a - b) / n }'));
the ${#conmons[@]} monitors' PSS together: $(mib "$conmon_pss_sum").

Floor: one shell script per run (\`/bin/sh\`, so its start counts against the floor): mkdir a
fresh upper/work dir, \`mount -t overlay\` (lower = the busybox rootfs) on the bundle's rootfs,
\`runc --root <tmp>/runc-state run --bundle <tmp>/bundle floor-<pid>\` of a \`runc spec\` config
(args ["true"], terminal false, namespaces as generated, incl. its own netns), umount, rm -rf
the upper dir. $ROUNDS rounds of hyperfine (\`-N --warmup 2 --runs $BENCH_RUNS\`, the three
commands each round). run -d / stop: $BENCH_RUNS pairs, one at a time, \`docker rm -f\` untimed
after each. Memory: $IDLE_CONTAINERS \`docker run -d busybox sleep 1000\`, 1 s idle, then
/proc/PID/status VmRSS and /proc/PID/smaps_rollup Pss. Load average at the end:
$(cut -d' ' -f1-3 /proc/loadavg).
EOF
