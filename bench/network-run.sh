#!/usr/bin/env bash
# Networking costs, side by side in one run (hyperfine, interleaved):
#   1. `docker run --rm --network none busybox true` (runc's own netns, lo only) vs the default
#      bridge (berthd's netns, veth, address lease, routes) vs `-p 127.0.0.1:0:80` (+ port
#      reservation and an iptables DNAT rule). Budget: bridge ≤ none + 15 ms.
#   2. `docker run -d -p <port>:80 busybox httpd` until the first HTTP 200 on 127.0.0.1.
#      Budget ≤ 120 ms.
# The daemon gets its own bridge and a test /24 (BENCH_BERTHD_ARGS); its bridge and chains are
# removed at exit.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
unset NODE_EXTRA_CA_CERTS
ROUNDS=${BENCH_ROUNDS:-2}
bench_need hyperfine:hyperfine curl:curl
[ -x /bin/busybox ] || bench_need busybox:busybox-static
bench_own_bridge
bench_mktemp network-run WORK

"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .
bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null
"$DOCKER" run --rm busybox true

bench_hyperfine_rounds "$ROUNDS" -N --warmup 2 --runs "$BENCH_RUNS" \
  --command-name "none" "$DOCKER run --rm --network none busybox true" \
  --command-name "bridge" "$DOCKER run --rm busybox true" \
  --command-name "bridge -p" "$DOCKER run --rm -p 127.0.0.1:0:80 busybox true"
read -r none_s none_min none_max none_n < <(bench_stats "none")
read -r br_s br_min br_max br_n < <(bench_stats "bridge")
read -r brp_s brp_min brp_max brp_n < <(bench_stats "bridge -p")

mkdir -p "$WORK/www" && echo ok >"$WORK/www/index.html"
for i in $(seq 1 "$BENCH_RUNS"); do
  port=$((18000 + RANDOM % 2000))
  start=$(date +%s%N)
  "$DOCKER" run -d --name "web-$i" -v "$WORK/www:/www" -p "127.0.0.1:$port:80" busybox httpd -f -p 80 -h /www >/dev/null
  until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do :; done
  end=$(date +%s%N)
  echo "$(awk -v n=$((end - start)) 'BEGIN { print n / 1e9 }')" >>"$WORK/http200.txt"
  "$DOCKER" rm -f "web-$i" >/dev/null
done
http_s=$(bench_median <"$WORK/http200.txt")

cat <<EOT

### networking (busybox)

| measure | median (min … max) | vs \`--network none\` | budget |
| --- | ---: | ---: | --- |
| \`docker run --rm --network none busybox true\` (n=$none_n) | $(bench_ms_range "$none_s" "$none_min" "$none_max") | | |
| \`docker run --rm busybox true\` (default bridge, n=$br_n) | $(bench_ms_range "$br_s" "$br_min" "$br_max") | $(awk -v a="$br_s" -v b="$none_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') | ≤ +15 ms |
| \`docker run --rm -p 127.0.0.1:0:80 busybox true\` (n=$brp_n) | $(bench_ms_range "$brp_s" "$brp_min" "$brp_max") | $(awk -v a="$brp_s" -v b="$none_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') | |
| \`docker run -d -p P:80 busybox httpd\` → first HTTP 200 on 127.0.0.1 (n=$BENCH_RUNS) | $(bench_ms "$http_s") | | ≤ 120 ms |

$ROUNDS rounds of hyperfine (\`-N --warmup 2 --runs $BENCH_RUNS\`, the three commands each round).
Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOT
