#!/usr/bin/env bash
# Interactive and inspection costs (issue 4 budgets), each beside a floor measured in the same run:
#   1. echo round trip through `docker run -it busybox cat`: a byte written to the CLI's
#      terminal (a real pty driven by python3) until its echo (by the container's pty) is read
#      back; median of BENCH_ECHO_N (default 200). Floor: the same through a local
#      `busybox cat` on a host pty. Budget: ≤ 5 ms median.
#   2. `docker cp` of a 100 MB file into and out of a running container (MB/s, median of
#      BENCH_CP_RUNS, default 5). Floor: `tar -c | tar -x` of the same file on the same disk.
#      Budget: ≥ 200 MB/s both ways.
#   3. `docker stats --no-stream` with BENCH_STATS_CONTAINERS (default 50) running containers.
#      Floor: `docker ps` against the same daemon. Budget: ≤ 300 ms. The docker CLI 28 alone
#      takes ~500 ms here (it prints on a 500 ms tick), so the daemon's part is also measured
#      through the API.
#   4. berthd CPU (utime+stime from /proc/<pid>/stat over 10 s) while one `docker stats` streams
#      all of them, against the same 10 s with no watcher. Budget: ≤ 5 % of one core (the
#      difference is what the streaming costs; the idle figure is the exit and log watchers).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

ECHO_BUDGET_MS=5
CP_BUDGET_MBS=200
STATS_BUDGET_MS=300
STATS_CPU_BUDGET=5
ECHO_N=${BENCH_ECHO_N:-200}
CP_RUNS=${BENCH_CP_RUNS:-5}
NCONT=${BENCH_STATS_CONTAINERS:-50}
unset NODE_EXTRA_CA_CERTS

bench_need hyperfine:hyperfine runc:runc conmon:conmon python3:python3
[ -x /bin/busybox ] || bench_need busybox:busybox-static

bench_mktemp interactive WORK
"$BENCH_REPO/scripts/make-busybox-rootfs.sh" "$WORK/rootfs" >&2
tar -C "$WORK/rootfs" --numeric-owner --owner=0 --group=0 -cf "$WORK/rootfs.tar" .
bench_start_daemon
"$BENCH_REPO/bin/berth" import --change 'CMD ["sh"]' "$WORK/rootfs.tar" busybox:latest >/dev/null

# --- 1. echo round trip ------------------------------------------------------------------------
# pty_echo N raw|cooked CMD...: runs CMD on a new pty, writes N bytes one at a time, and prints
# the seconds from each write to the read that returns its echo, one a line. raw: wait until CMD
# has set the terminal to raw mode (the docker CLI does) so no echo is the local pty's.
pty_echo() {
  python3 - "$@" <<'PY'
import os, pty, select, sys, time
n, wait_raw, argv = int(sys.argv[1]), sys.argv[2] == "raw", sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

def read_until(byte, deadline):
    seen = b""
    while byte not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"no echo of {byte!r} (got {seen[-200:]!r})")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            seen += os.read(fd, 4096)

# Ready once the CLI has put its terminal in raw mode (no local echo: tcgetattr on the master
# reads the pair's settings) and a probe byte comes back from the container's own pty.
import termios
ready = time.monotonic() + 30
while wait_raw and termios.tcgetattr(fd)[3] & termios.ECHO:
    if time.monotonic() > ready:
        raise SystemExit("the CLI never set its terminal to raw mode")
    time.sleep(0.01)
while True:
    os.write(fd, b"#")
    try:
        read_until(b"#", min(ready, time.monotonic() + 0.5))
        break
    except SystemExit:
        if time.monotonic() > ready:
            raise
times = []
letters = b"abcdefghijklmnopqrstuvwxyz"
for i in range(n):
    b = letters[i % 26 : i % 26 + 1]
    t0 = time.perf_counter()
    os.write(fd, b)
    read_until(b, time.monotonic() + 10)
    times.append(time.perf_counter() - t0)
    if i % 60 == 59:
        os.write(fd, b"\n")  # keep cat's line short
        read_until(b"\n", time.monotonic() + 10)
os.write(fd, b"\n\x04")  # end of line, then EOF: cat exits, and the container with it
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    try:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r and not os.read(fd, 4096):
            break
    except OSError:
        break
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done:
        break
else:
    os.kill(pid, 9)
print("\n".join(f"{t:.6f}" for t in times))
PY
}
bench_times_dir
for round in 1 2; do
  pty_echo "$ECHO_N" raw "$DOCKER" run -it --rm busybox cat >>"$BENCH_TIMES/echo docker" ||
    bench_die "echo round trip through docker run -it failed (round $round)"
  pty_echo "$ECHO_N" cooked /bin/busybox cat >>"$BENCH_TIMES/echo floor"
done
read -r echo_s echo_min echo_max echo_n < <(bench_stats "echo docker")
read -r echof_s _ _ echof_n < <(bench_stats "echo floor")

# --- 2. docker cp ---------------------------------------------------------------------------
"$DOCKER" run -d --name cp busybox sleep 100000 >/dev/null
head -c 100000000 /dev/urandom >"$WORK/big"
mkdir -p "$WORK/out" "$WORK/floor"
for _ in $(seq 1 "$CP_RUNS"); do
  bench_time "cp in" "" "$DOCKER" cp "$WORK/big" cp:/tmp/big
  bench_time "cp out" "rm -f '$WORK/out/big'" "$DOCKER" cp cp:/tmp/big "$WORK/out/big"
  bench_time "tar floor" "rm -f '$WORK/floor/big'" bash -c "tar -C '$WORK' -cf - big | tar -C '$WORK/floor' -xf -"
done
cmp "$WORK/big" "$WORK/out/big" || bench_die "docker cp out returned different bytes"
"$DOCKER" rm -f cp >/dev/null
read -r cpin_s _ _ cpin_n < <(bench_stats "cp in")
read -r cpout_s _ _ cpout_n < <(bench_stats "cp out")
read -r tar_s _ _ _ < <(bench_stats "tar floor")
mbs() { awk -v s="$1" 'BEGIN { printf "%.0f", 100 / s }'; }

# --- 3. docker stats --no-stream, 50 containers ----------------------------------------------
for i in $(seq 1 "$NCONT"); do "$DOCKER" run -d --name "s$i" busybox sleep 100000 >/dev/null; done
running=$("$DOCKER" ps -q | wc -l)
if [ "$running" -ne "$NCONT" ]; then
  "$DOCKER" ps -a >&2
  bench_die "expected $NCONT running containers, found $running"
fi
bench_hyperfine_rounds 2 -N --warmup 2 --runs "$BENCH_RUNS" \
  --command-name "stats" "$DOCKER stats --no-stream" \
  --command-name "ps" "$DOCKER ps"
read -r stats_s stats_min stats_max stats_n < <(bench_stats "stats")
read -r ps_s _ _ _ < <(bench_stats "ps")
# The daemon's part, without the docker CLI (which renders on a 500 ms tick and exits after the
# first one with --no-stream, whatever the daemon): GET /containers/json, then every
# container's stats?stream=0 at once, as the CLI asks. Cold: 2.1 s apart, so no recent sample
# is reused and each answer includes the 100 ms between its two samples (precpu).
# shellcheck disable=SC2016 # JavaScript, not shell
node --input-type=module -e '
  import { request } from "node:http";
  const sock = process.argv[1];
  const get = (path) => new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, path }, (res) => {
      const chunks = []; res.on("data", (c) => chunks.push(c));
      res.on("end", () => res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${path}: ${res.statusCode}`)));
    });
    req.on("error", reject); req.end();
  });
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 2100));
    const t0 = process.hrtime.bigint();
    const list = JSON.parse(await get("/v1.47/containers/json"));
    await Promise.all(list.map((c) => get(`/v1.47/containers/${c.Id}/stats?stream=0`)));
    console.log(Number(process.hrtime.bigint() - t0) / 1e9);
  }
' "$BENCH_SOCK" >>"$BENCH_TIMES/stats api"
read -r statsapi_s statsapi_min statsapi_max statsapi_n < <(bench_stats "stats api")

# --- 4. berthd CPU while streaming stats ------------------------------------------------------
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$BERTHD_PID/stat"; }
cpu_percent_over_10s() {
  local t0 t1 w0 w1
  t0=$(cpu_ticks) w0=$(date +%s%N)
  sleep 10
  t1=$(cpu_ticks) w1=$(date +%s%N)
  awk -v d="$((t1 - t0))" -v w="$((w1 - w0))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", d / hz / (w / 1e9) * 100 }'
}
idle_cpu=$(cpu_percent_over_10s)
"$DOCKER" stats >/dev/null &
STATS_PID=$!
BENCH_PIDS+=("$STATS_PID")
sleep 3 # every container's sampler running
streaming_cpu=$(cpu_percent_over_10s)
kill "$STATS_PID" 2>/dev/null || true
wait "$STATS_PID" 2>/dev/null || true
# shellcheck disable=SC2046 # container IDs
"$DOCKER" rm -f $("$DOCKER" ps -aq) >/dev/null

atleast() { awk -v v="$1" -v b="$2" 'BEGIN { if (v >= b) print "yes"; else printf "**NO** (%.0f%% under budget)\n", (1 - v / b) * 100 }'; }
within() { awk -v v="$1" -v b="$2" 'BEGIN { if (v <= b) print "yes"; else printf "**NO** (%.0f%% over budget)\n", (v / b - 1) * 100 }'; }

cat <<TABLE

### interactive and inspection (busybox)

| measure | berth median (min … max) | floor | floor median | budget | within budget |
| --- | ---: | --- | ---: | ---: | --- |
| echo round trip, \`docker run -it busybox cat\` (n=$echo_n) | $(bench_ms_range "$echo_s" "$echo_min" "$echo_max") | local \`busybox cat\` on a pty (n=$echof_n) | $(bench_ms "$echof_s") | ≤ ${ECHO_BUDGET_MS} ms | $(within "$(awk -v s="$echo_s" 'BEGIN { print s * 1000 }')" "$ECHO_BUDGET_MS") |
| \`docker cp\` 100 MB in (n=$cpin_n) | $(mbs "$cpin_s") MB/s ($(bench_ms "$cpin_s")) | \`tar -c \| tar -x\` same disk | $(mbs "$tar_s") MB/s | ≥ ${CP_BUDGET_MBS} MB/s | $(atleast "$(mbs "$cpin_s")" "$CP_BUDGET_MBS") |
| \`docker cp\` 100 MB out (n=$cpout_n) | $(mbs "$cpout_s") MB/s ($(bench_ms "$cpout_s")) | same | $(mbs "$tar_s") MB/s | ≥ ${CP_BUDGET_MBS} MB/s | $(atleast "$(mbs "$cpout_s")" "$CP_BUDGET_MBS") |
| \`docker stats --no-stream\`, $NCONT containers (n=$stats_n) | $(bench_ms_range "$stats_s" "$stats_min" "$stats_max") | \`docker ps\` | $(bench_ms "$ps_s") | ≤ ${STATS_BUDGET_MS} ms | $(within "$(awk -v s="$stats_s" 'BEGIN { print s * 1000 }')" "$STATS_BUDGET_MS") |
| the same through the API: list + $NCONT \`stats?stream=0\` at once, cold (n=$statsapi_n) | $(bench_ms_range "$statsapi_s" "$statsapi_min" "$statsapi_max") | — | — | ≤ ${STATS_BUDGET_MS} ms | $(within "$(awk -v s="$statsapi_s" 'BEGIN { print s * 1000 }')" "$STATS_BUDGET_MS") |
| berthd CPU, \`docker stats\` streaming $NCONT containers (10 s) | ${streaming_cpu} % of a core | no watcher, same containers | ${idle_cpu} % | ≤ ${STATS_CPU_BUDGET} % | $(within "$streaming_cpu" "$STATS_CPU_BUDGET") |

Echo: $ECHO_N bytes per round, 2 rounds, berth and floor alternating. cp: $CP_RUNS runs each, the three
interleaved. stats: 2 hyperfine rounds (\`-N --warmup 2 --runs $BENCH_RUNS\`).
TABLE
bench_machine_facts
