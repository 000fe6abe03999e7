#!/usr/bin/env bash
# `exec` costs, side by side with the floor measured in the same run:
#   1. `docker exec ctr true` against berthd; floor: `runc exec <id> true` on the same container
#      (runc's own state dir under berthd's exec root). Budget: ≤ 40 ms.
#   2. `bin/berth exec ctr true`. Budget: ≤ 1.3× the docker CLI figure of 1 (same rounds).
#   3. berthd's VmRSS before and after BENCH_EXEC_MANY (default 2000) sequential execs through
#      the API (no CLI start cost), to watch for growth (budget over 10 000: ≤ +10 %).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

EXEC_BUDGET_MS=40
CLI_RATIO_BUDGET=1.3
ROUNDS=${BENCH_ROUNDS:-2}
MANY=${BENCH_EXEC_MANY:-2000}
unset NODE_EXTRA_CA_CERTS

bench_need hyperfine:hyperfine runc:runc conmon:conmon
[ -x /bin/busybox ] || bench_need busybox:busybox-static

bench_mktemp exec WORK
"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .

bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null
id=$("$DOCKER" run -d --name ctr busybox sleep 100000)
"$DOCKER" exec ctr true || bench_die "docker exec ctr true failed"
RUNC="runc --root $BENCH_EXEC_ROOT/runc"

bench_hyperfine_rounds "$ROUNDS" -N --warmup 3 --runs "$BENCH_RUNS" \
  --command-name "runc exec" "$RUNC exec $id true" \
  --command-name "docker exec" "$DOCKER exec ctr true" \
  --command-name "berth exec" "$BENCH_REPO/bin/berth exec ctr true"
read -r floor_s floor_min floor_max floor_n < <(bench_stats "runc exec")
read -r dexec_s dexec_min dexec_max dexec_n < <(bench_stats "docker exec")
read -r bexec_s bexec_min bexec_max bexec_n < <(bench_stats "berth exec")

# --- memory over many execs (through the API: create + start + inspect, as the CLI does) -----
vmrss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
rss0_kib=$(vmrss_kib "$BERTHD_PID")
node --input-type=module -e '
  import { request } from "node:http";
  const [sock, n] = [process.argv[1], Number(process.argv[2])];
  const call = (method, path, body) => new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, method, path, headers: { "Content-Type": "application/json" } }, (res) => {
      const chunks = []; res.on("data", (c) => chunks.push(c)); res.on("end", () => resolve(Buffer.concat(chunks)));
    });
    req.on("error", reject); req.end(body === undefined ? undefined : JSON.stringify(body));
  });
  for (let i = 0; i < n; i++) {
    const { Id } = JSON.parse(await call("POST", "/containers/ctr/exec", { Cmd: ["true"], AttachStdout: true }));
    await call("POST", `/exec/${Id}/start`, {});
    const { ExitCode } = JSON.parse(await call("GET", `/exec/${Id}/json`));
    if (ExitCode !== 0) throw new Error(`exec ${i}: exit ${ExitCode}`);
  }
' "$BENCH_SOCK" "$MANY"
rssn_kib=$(vmrss_kib "$BERTHD_PID")
"$DOCKER" rm -f ctr >/dev/null

ms() { awk -v s="$1" 'BEGIN { print s * 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
within() { awk -v v="$1" -v b="$2" 'BEGIN { if (v <= b) print "yes"; else printf "**NO** (%.0f%% over budget)\n", (v / b - 1) * 100 }'; }
bexec_ratio=$(awk -v a="$bexec_s" -v b="$dexec_s" 'BEGIN { print a / b }')

cat <<TABLE

### exec (busybox, \`true\` in a running \`sleep\` container)

| measure | berth median (min … max) | floor | floor median (min … max) | ratio / berth − floor | budget | within budget |
| --- | ---: | --- | ---: | ---: | ---: | --- |
| \`docker exec ctr true\` (n=$dexec_n) | $(bench_ms_range "$dexec_s" "$dexec_min" "$dexec_max") | \`runc exec <id> true\` (n=$floor_n) | $(bench_ms_range "$floor_s" "$floor_min" "$floor_max") | $(awk -v a="$dexec_s" -v b="$floor_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') | ≤ ${EXEC_BUDGET_MS} ms | $(within "$(ms "$dexec_s")" "$EXEC_BUDGET_MS") |
| \`bin/berth exec ctr true\` (n=$bexec_n) | $(bench_ms_range "$bexec_s" "$bexec_min" "$bexec_max") | \`docker exec\` above | $(bench_ms "$dexec_s") | $(bench_ratio "$bexec_s" "$dexec_s") | ≤ ${CLI_RATIO_BUDGET}× | $(bench_verdict "$bexec_ratio" "$CLI_RATIO_BUDGET") |

berthd VmRSS: $(mib "$rss0_kib") before, $(mib "$rssn_kib") after $MANY sequential execs through the API
($(awk -v a="$rssn_kib" -v b="$rss0_kib" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')).
$ROUNDS rounds of hyperfine (\`-N --warmup 3 --runs $BENCH_RUNS\`, the three commands interleaved).
TABLE
bench_machine_facts
