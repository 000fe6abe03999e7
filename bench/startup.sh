#!/usr/bin/env bash
# Start-up costs, each side by side with its floor measured in the same run:
#   1. wall time of `bin/berth version` (client start + one round trip to a running berthd);
#      floor: `node -e 0` (Node's own start). Budget: ≤ 60 ms.
#   2. berthd's idle resident memory: VmRSS from /proc/PID/status of a freshly started berthd
#      (empty --root) after one `docker images` and 1 s of idle, median of BENCH_RSS_RUNS
#      daemons; floor: VmRSS of an idle `node -e 'setInterval(...)'`. Budget: ≤ 70 MiB.
# NODE_EXTRA_CA_CERTS is unset for both sides (bin/berth and bin/berthd drop it themselves in
# their shebang; a floor that loaded the CA bundle would pay ~85 ms more and flatter berth).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

VERSION_BUDGET_MS=60
RSS_BUDGET_MIB=70
RSS_RUNS=${BENCH_RSS_RUNS:-5}
unset NODE_EXTRA_CA_CERTS

bench_need hyperfine:hyperfine

vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

bench_mktemp startup WORK

# --- 1. berth version ------------------------------------------------------------------------

bench_start_daemon
"$BENCH_REPO/bin/berth" version >/dev/null || bench_die "bin/berth version failed"
ROUNDS=${BENCH_ROUNDS:-5}
bench_hyperfine_rounds "$ROUNDS" -N --warmup 3 --runs "$BENCH_RUNS" \
  --command-name "berth version" "$BENCH_REPO/bin/berth version" \
  --command-name "node -e 0" "node -e 0" \
  --command-name "berth --version" "$BENCH_REPO/bin/berth --version" \
  --command-name "docker version" "$DOCKER version"
read -r berth_s berth_min berth_max berth_n < <(bench_stats "berth version")
read -r node_s node_min node_max node_n < <(bench_stats "node -e 0")
read -r bv_s _ < <(bench_stats "berth --version")
read -r dv_s _ < <(bench_stats "docker version")
bench_stop_daemon

# --- 2. idle RSS -----------------------------------------------------------------------------

rss=() floor=()
for i in $(seq 1 "$RSS_RUNS"); do
  bench_start_daemon
  "$DOCKER" images >/dev/null
  sleep 1
  rss+=("$(vmrss_kib "$BERTHD_PID")")
  bench_stop_daemon

  node -e 'setInterval(() => {}, 1 << 30)' &
  floor_pid=$!
  sleep 1
  floor+=("$(vmrss_kib "$floor_pid")")
  kill "$floor_pid"
  wait "$floor_pid" 2>/dev/null || true
  bench_log "run $i: berthd ${rss[-1]} KiB, node ${floor[-1]} KiB"
done
rss_kib=$(printf '%s\n' "${rss[@]}" | bench_median)
floor_kib=$(printf '%s\n' "${floor[@]}" | bench_median)

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
berth_ms=$(awk -v s="$berth_s" 'BEGIN { print s * 1000 }')
rss_mib=$(awk -v k="$rss_kib" 'BEGIN { print k / 1024 }')
within() { awk -v v="$1" -v b="$2" 'BEGIN { if (v <= b) print "yes"; else printf "**NO** (%.0f%% over budget)\n", (v / b - 1) * 100 }'; }

cat <<EOF

### start-up

| measure | berth median (min … max) | floor | floor median (min … max) | berth − floor | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`bin/berth version\` wall time (n=$berth_n) | $(bench_ms_range "$berth_s" "$berth_min" "$berth_max") | \`node -e 0\` (n=$node_n) | $(bench_ms_range "$node_s" "$node_min" "$node_max") | $(awk -v a="$berth_s" -v b="$node_s" 'BEGIN { printf "%.1f ms", (a - b) * 1000 }') | ≤ ${VERSION_BUDGET_MS} ms | $(within "$berth_ms" "$VERSION_BUDGET_MS") |
| berthd idle VmRSS after start + \`docker images\` (n=$RSS_RUNS) | $(mib "$rss_kib") | idle \`node\` (n=$RSS_RUNS) | $(mib "$floor_kib") | $(awk -v a="$rss_kib" -v b="$floor_kib" 'BEGIN { printf "%.1f MiB", (a - b) / 1024 }') | ≤ ${RSS_BUDGET_MIB} MiB | $(within "$rss_mib" "$RSS_BUDGET_MIB") |

Where the \`berth version\` time goes (medians, same run): Node's own start (\`node -e 0\`)
$(bench_ms "$node_s"); loading the berth bundle and parsing flags (\`berth --version\`, no daemon
contact) $(awk -v a="$bv_s" -v b="$node_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }'); the \`version\` command with its round trip to berthd
$(awk -v a="$berth_s" -v b="$bv_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }'). For comparison \`docker version\` (Go CLI, same berthd): $(bench_ms "$dv_s").

Wall time: $ROUNDS rounds of hyperfine (\`-N --warmup 3 --runs $BENCH_RUNS\`, the four commands
each round). RSS: a fresh berthd on an empty root per run. Load average at the end:
$(cut -d' ' -f1-3 /proc/loadavg).
EOF
