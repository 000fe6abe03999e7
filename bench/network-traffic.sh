#!/usr/bin/env bash
# Traffic through berth's networking, side by side in one run:
#   1. HTTP requests per second to busybox httpd in a container: through the published port on
#      127.0.0.1 (iptables DNAT, conntrack) vs straight to the container's address on the bridge.
#      `ab` (apache2-utils), a new connection per request (busybox httpd closes each one), rounds
#      alternate. Budget: published ≥ 0.9× direct.
#   2. The embedded DNS server: round trip of an A query for a container's name sent over UDP to
#      the user network's gateway (where berthd answers), sequential queries, median. The query
#      crosses the host side of the bridge, as a container's would after its veth. Budget ≤ 2 ms.
# Traffic goes only to 127.0.0.1 and to the containers this script starts.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
unset NODE_EXTRA_CA_CERTS
ROUNDS=${BENCH_ROUNDS:-5}
REQUESTS=${BENCH_REQUESTS:-3000}
QUERIES=${BENCH_QUERIES:-2000}
bench_need ab:apache2-utils
[ -x /bin/busybox ] || bench_need busybox:busybox-static
bench_own_bridge
bench_mktemp network-traffic WORK
remove_work() {
  "$DOCKER" rm -f web >/dev/null 2>&1 || true
  "$DOCKER" network rm benchnet >/dev/null 2>&1 || true
}
BENCH_EXIT_FIRST=remove_work

"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .
bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null

subnet=10.$((200 + RANDOM % 50)).$((RANDOM % 256))
"$DOCKER" network create --subnet "$subnet.0/24" benchnet >/dev/null
mkdir -p "$WORK/www" && head -c 1024 /dev/zero | tr '\0' x >"$WORK/www/index.html"
port=$((18000 + RANDOM % 2000))
"$DOCKER" run -d --name web --network benchnet -v "$WORK/www:/www" -p "127.0.0.1:$port:80" \
  busybox httpd -f -p 80 -h /www >/dev/null
ip=$("$DOCKER" inspect -f '{{(index .NetworkSettings.Networks "benchnet").IPAddress}}' web)
gateway=$("$DOCKER" network inspect -f '{{(index .IPAM.Config 0).Gateway}}' benchnet)
bench_wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$port/" || bench_die "httpd did not answer"

rps() { ab -q -n "$REQUESTS" -c 8 "$1" 2>/dev/null | awk '/^Requests per second/ { print $4 }'; }
for _ in $(seq 1 "$ROUNDS"); do
  rps "http://127.0.0.1:$port/" >>"$WORK/published.txt"
  rps "http://$ip/" >>"$WORK/direct.txt"
done
published=$(bench_median <"$WORK/published.txt")
direct=$(bench_median <"$WORK/direct.txt")

dns_ms=$(node - "$gateway" web "$QUERIES" <<'JS'
// Sequential A queries for one name; prints the median round trip in ms.
const dgram = require("node:dgram");
const [server, name, count] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const labels = name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
const query = (id) =>
  Buffer.concat([Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
const sock = dgram.createSocket("udp4");
const times = [];
let sent = 0n;
const send = () => { sent = process.hrtime.bigint(); sock.send(query(times.length & 0xffff), 53, server); };
sock.on("message", (msg) => {
  if ((msg[3] & 15) !== 0 || msg.readUInt16BE(6) === 0) { console.error("bad answer"); process.exit(1); }
  times.push(Number(process.hrtime.bigint() - sent) / 1e6);
  if (times.length < count) send();
  else { times.sort((a, b) => a - b); console.log(times[times.length >> 1].toFixed(3)); sock.close(); }
});
setTimeout(() => { console.error("DNS timeout"); process.exit(1); }, 30000).unref();
send();
JS
)
remove_work

cat <<EOT

### network traffic (busybox httpd, 1 KiB page; embedded DNS)

| measure | median | floor (same run) | ratio | budget |
| --- | ---: | ---: | ---: | --- |
| HTTP req/s through \`-p 127.0.0.1:$port:80\` (ab -n $REQUESTS -c 8, $ROUNDS rounds) | $published | direct to $ip:80: $direct | $(bench_ratio "$published" "$direct") | ≥ 0.9× |
| DNS A query for a container name, UDP to the network's gateway ($QUERIES sequential) | $dns_ms ms | | | ≤ 2 ms |

Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
EOT
