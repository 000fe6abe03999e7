#!/usr/bin/env bash
# Networking costs, side by side in one run (hyperfine, interleaved):
#   1. `docker run --rm --network none busybox true` (runc's own netns, lo only) vs the default
#      bridge (berthd's netns, veth, address lease, routes) vs `-p 127.0.0.1:0:80` (+ port
#      reservation and an iptables DNAT rule). Budget: bridge ≤ none + 15 ms.
#   2. `docker run -d -p <port>:80 busybox httpd` until the first HTTP 200 on 127.0.0.1.
#      Budget ≤ 120 ms.
#   3. Teardown as the bridge fills: `docker rm -f` of a running container with a published port
#      (its veth, lease and DNAT rules go before the answer), alone on the bridge and then with
#      BENCH_IDLE (default 100) other running containers that each publish a port, so berth's
#      chains hold 100 rules more. Budget: teardown does not grow with the number of containers.
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

# 3. rm -f of one container with a published port, measured alone and beside IDLE others.
IDLE=${BENCH_IDLE:-100}
teardown() {
  local label=$1 i id
  for i in $(seq 1 "$BENCH_RUNS"); do
    id=$("$DOCKER" run -d -p 127.0.0.1:0:80 busybox sleep 1000)
    bench_time "rm -f, $label" "" "$DOCKER" rm -f "$id"
  done
}
teardown alone
bench_log "starting $IDLE idle containers with published ports"
for i in $(seq 1 "$IDLE"); do "$DOCKER" run -d --name "idle-$i" -p 127.0.0.1:0:80 busybox sleep 1000 >/dev/null; done
teardown crowded
"$DOCKER" rm -f $(seq -f 'idle-%g' 1 "$IDLE") >/dev/null
teardown alone # before and after the crowd, so a drift of the machine's speed shows
read -r alone_s alone_min alone_max alone_n < <(bench_stats "rm -f, alone")
read -r crowd_s crowd_min crowd_max crowd_n < <(bench_stats "rm -f, crowded")

cat <<EOT

### networking (busybox)

| measure | median (min … max) | vs \`--network none\` | budget |
| --- | ---: | ---: | --- |
| \`docker run --rm --network none busybox true\` (n=$none_n) | $(bench_ms_range "$none_s" "$none_min" "$none_max") | | |
| \`docker run --rm busybox true\` (default bridge, n=$br_n) | $(bench_ms_range "$br_s" "$br_min" "$br_max") | $(awk -v a="$br_s" -v b="$none_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') | ≤ +15 ms |
| \`docker run --rm -p 127.0.0.1:0:80 busybox true\` (n=$brp_n) | $(bench_ms_range "$brp_s" "$brp_min" "$brp_max") | $(awk -v a="$brp_s" -v b="$none_s" 'BEGIN { printf "%+.1f ms", (a - b) * 1000 }') | |
| \`docker run -d -p P:80 busybox httpd\` → first HTTP 200 on 127.0.0.1 (n=$BENCH_RUNS) | $(bench_ms "$http_s") | | ≤ 120 ms |
| \`docker rm -f\` of a running container with \`-p\`, alone on the bridge, before and after the crowd (n=$alone_n) | $(bench_ms_range "$alone_s" "$alone_min" "$alone_max") | | |
| the same beside $IDLE running containers that each publish a port (n=$crowd_n) | $(bench_ms_range "$crowd_s" "$crowd_min" "$crowd_max") | $(awk -v a="$crowd_s" -v b="$alone_s" 'BEGIN { printf "%+.1f ms vs alone", (a - b) * 1000 }') | does not grow |

$ROUNDS rounds of hyperfine (\`-N --warmup 2 --runs $BENCH_RUNS\`, the three commands each round).
Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOT
