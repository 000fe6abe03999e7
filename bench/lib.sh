# shellcheck shell=bash
# Shared pieces of the benchmark scripts; source it, do not run it.
#
#   bench_need CMD:PACKAGE ...   install the Debian packages whose command is missing
#   bench_start_daemon           start bin/berthd on fresh temp dirs; sets BENCH_DIR, BENCH_ROOT,
#                                BENCH_EXEC_ROOT, BENCH_SOCK, BERTHD_PID, exports DOCKER_HOST
#   bench_stop_daemon            SIGTERM the daemon by pid, SIGKILL after a deadline
#   bench_start_dockerd          Debian's dockerd as the peer on temp dirs and its own bridge;
#                                sets PEER_SOCK; stopped by pid at exit (bench_stop_dockerd)
#   bench_mktemp NAME VAR        a temp dir under $BENCH_TMP, removed (and unmounted) at exit
#   bench_loop_fs NAME VAR SIZE  a fresh journaled ext4 on a loop device (direct I/O) in a temp dir
#   bench_median                 median of the numbers on stdin, one a line
#   bench_time NAME PREPARE CMD...        time one run of CMD after an untimed PREPARE
#   bench_hyperfine_rounds ROUNDS ARGS... hyperfine in rounds, every run's time kept by name
#   bench_stats NAME             "median min max n" (seconds) of what was recorded under NAME
#   bench_wait_until DEADLINE_S CMD...   poll CMD every 0.1 s until it succeeds or time runs out
#
# Temp dirs live under BENCH_TMP (default /var/tmp): the same disk as the floor measurements.
# Everything created is removed by the EXIT trap: the daemon (by its pid), mounts under the temp
# dirs (found in /proc/self/mountinfo, deepest first), loop devices backed by files in them,
# then the dirs themselves.

set -euo pipefail

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_TMP=${BENCH_TMP:-/var/tmp}
# Kept between runs: the debootstrap'd image (image-load-save.sh) and a time stamp.
BENCH_CACHE=${BENCH_CACHE:-$BENCH_TMP/berth-bench}
DOCKER=${DOCKER:-/usr/local/bin/docker}
# Extra node flags for berthd (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") in one-off profiling.
BENCH_NODE_ARGS=${BENCH_NODE_ARGS:-}
BENCH_RUNS=${BENCH_RUNS:-10}

BENCH_TEMP_DIRS=()
BERTHD_PID=""

bench_log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() { bench_log "error: $*"; exit 1; }

bench_need() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || bench_die "missing ${missing[*]}; run as root to install them"
  bench_log "installing ${missing[*]}"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# bench_mktemp NAME VAR: makes the dir and stores its path in VAR (no $(...): the dir must be
# recorded in this shell for the cleanup trap).
bench_mktemp() {
  local _bench_mktemp_dir # a name no caller uses for VAR
  _bench_mktemp_dir=$(mktemp -d "$BENCH_TMP/berth-bench-$1.XXXXXX")
  BENCH_TEMP_DIRS+=("$_bench_mktemp_dir")
  printf -v "$2" '%s' "$_bench_mktemp_dir"
}

# Mount points at or below $1, deepest first (mountinfo field 5, octal escapes decoded).
bench_mounts_under() {
  local base
  base=$(realpath "$1" 2>/dev/null || printf '%s' "$1")
  awk -v base="$base" '{
      p = $5
      while (match(p, /\\[0-7][0-7][0-7]/)) {
        o = substr(p, RSTART + 1, 3)
        c = sprintf("%c", (substr(o,1,1) * 64) + (substr(o,2,1) * 8) + substr(o,3,1))
        p = substr(p, 1, RSTART - 1) c substr(p, RSTART + 4)
      }
      if (p == base || index(p, base "/") == 1) print gsub(/\//, "/", p) "\t" NR "\t" p
    }' /proc/self/mountinfo | sort -t$'\t' -k1,1nr -k2,2nr | cut -f3-
}

bench_unmount_under() {
  local m
  while IFS= read -r m; do
    [ -n "$m" ] || continue
    umount "$m" 2>/dev/null || umount --lazy "$m" || bench_log "could not unmount $m"
  done < <(bench_mounts_under "$1")
}

bench_stop_daemon() {
  [ -n "$BERTHD_PID" ] || return 0
  local pid=$BERTHD_PID
  BERTHD_PID=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    bench_log "berthd $pid did not stop in 15 s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Other background processes a script starts (their pids), ended at exit.
BENCH_PIDS=()

bench_cleanup() {
  local rc=$? dir pid
  set +e
  # A second Ctrl-C or a timeout's SIGTERM must not cut the cleanup short (it would leave
  # mounts, veths and a daemon behind).
  trap '' INT TERM
  bench_stop_daemon
  bench_stop_dockerd
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  for dir in "${BENCH_TEMP_DIRS[@]}"; do
    [ -d "$dir" ] || continue
    bench_unmount_under "$dir"
    bench_detach_loops_under "$dir"
    rm -rf --one-file-system "$dir"
  done
  if [ ${#BENCH_TEMP_DIRS[@]} -gt 0 ]; then
    sync
    bench_mark_deletions
  fi
  return $rc
}

# Loop devices whose backing file is below $1.
bench_detach_loops_under() {
  local base dev file
  command -v losetup >/dev/null 2>&1 || return 0
  base=$(realpath "$1" 2>/dev/null || printf '%s' "$1")
  while read -r dev file; do
    case "$file" in "$base"/*) losetup -d "$dev" || bench_log "could not detach $dev" ;; esac
  done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null)
}

# bench_loop_fs NAME VAR SIZE: a fresh ext4 (with a journal, inode tables initialised up front so
# no lazy-init thread writes during the measurements) in a sparse file under a new temp dir,
# on a loop device with direct I/O (no second page cache: writes reach the disk below), mounted
# at <temp dir>/mnt; VAR gets that mount point. Returns 1 if loop devices are unavailable.
bench_loop_fs() {
  local name=$1 var=$2 size=$3 _bench_loop_dir dev
  command -v losetup >/dev/null 2>&1 && [ -e /dev/loop-control ] || return 1
  bench_need mkfs.ext4:e2fsprogs
  bench_mktemp "$name" _bench_loop_dir
  truncate -s "$size" "$_bench_loop_dir/fs.img"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$_bench_loop_dir/fs.img" || return 1
  dev=$(losetup --find --show --direct-io=on "$_bench_loop_dir/fs.img") || return 1
  mkdir "$_bench_loop_dir/mnt"
  mount "$dev" "$_bench_loop_dir/mnt" || { losetup -d "$dev"; return 1; }
  printf -v "$var" '%s' "$_bench_loop_dir/mnt"
}

# ext4 without a journal (this machine's disk) makes every new inode skip the inodes freed in
# the last 60 s (300 s more while their inode table block is dirty: hence the sync above), at
# 2-5 s of kernel time per 6,700-file tree created. Whoever deletes many files records it here;
# a benchmark that creates many files calls bench_settle_deletions first.
BENCH_DELETE_STAMP=$BENCH_CACHE/last-delete
bench_mark_deletions() { { mkdir -p "$BENCH_CACHE" && date +%s >"$BENCH_DELETE_STAMP"; } 2>/dev/null || true; }
bench_settle_deletions() {
  local last wait
  last=$(cat "$BENCH_DELETE_STAMP" 2>/dev/null || echo 0)
  wait=$((last + 65 - $(date +%s)))
  if [ "$wait" -gt 0 ]; then
    bench_log "waiting ${wait} s for the inodes freed by the last benchmark to age (ext4 recently_deleted)"
    sleep "$wait"
  fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bench_own_bridge: berthd gets its own default bridge and a random 10.x/24 (BENCH_BERTHD_ARGS),
# so a benchmark never touches another daemon's; the bridge and berth's chains for it are
# removed at exit (after the daemon has stopped). BENCH_EXIT_FIRST may name a command to run
# before that, while the daemon still answers (e.g. removing a user network).
bench_own_bridge() {
  BENCH_BRIDGE=bb$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
  BENCH_BERTHD_ARGS="--bridge $BENCH_BRIDGE --bip 10.$((200 + RANDOM % 50)).$((RANDOM % 256)).1/24"
  trap 'trap "" INT TERM; ${BENCH_EXIT_FIRST:-:} || true; bench_cleanup; bench_remove_bridge' EXIT
}

bench_remove_bridge() {
  local p=BERTH_$BENCH_BRIDGE c
  iptables -t nat -D PREROUTING -m addrtype --dst-type LOCAL -j "$p" 2>/dev/null || true
  iptables -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j "$p" 2>/dev/null || true
  iptables -t nat -D POSTROUTING -j "$p-POSTROUTING" 2>/dev/null || true
  iptables -D FORWARD -j "$p-FORWARD" 2>/dev/null || true
  for c in "nat $p" "nat $p-POSTROUTING" "filter $p-FORWARD"; do
    set -- $c
    iptables -t "$1" -F "$2" 2>/dev/null || true
    iptables -t "$1" -X "$2" 2>/dev/null || true
  done
  ip link del "$BENCH_BRIDGE" 2>/dev/null || true
}

bench_wait_until() {
  local deadline=$(($(date +%s%N) + ${1%.*} * 1000000000))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# Succeeds once berthd answers; stops the wait at once (status 0, checked by the caller) if the
# daemon has exited.
bench_daemon_answers() {
  kill -0 "$BERTHD_PID" 2>/dev/null || return 0
  "$DOCKER" version
}

# bench_start_daemon: the daemon's dirs go in a new temp dir under BENCH_TMP, or, if
# BENCH_DAEMON_PARENT is set, in a new dir under it (itself inside a temp dir the cleanup removes).
bench_start_daemon() {
  [ -f "$BENCH_REPO/dist/berthd.mjs" ] || bench_die "dist/berthd.mjs missing: run 'npm run build' first"
  if [ -n "${BENCH_DAEMON_PARENT:-}" ]; then
    BENCH_DIR=$(mktemp -d "$BENCH_DAEMON_PARENT/daemon.XXXXXX")
  else
    bench_mktemp daemon BENCH_DIR
  fi
  BENCH_ROOT=$BENCH_DIR/root
  BENCH_EXEC_ROOT=$BENCH_DIR/exec
  BENCH_SOCK=$BENCH_DIR/exec/berth.sock
  mkdir -p "$BENCH_ROOT" "$BENCH_EXEC_ROOT"
  printf '{}\n' >"$BENCH_DIR/daemon.json"
  # As installed: bin/berthd runs node with the flags of its #! line (V8 heap settings); only
  # extra profiling flags need node spelled out (the #! line's flags do not apply then).
  local launch=("$BENCH_REPO/bin/berthd")
  # shellcheck disable=SC2206 # BENCH_NODE_ARGS is a list of flags
  [ -z "$BENCH_NODE_ARGS" ] || launch=(env -u NODE_EXTRA_CA_CERTS node $BENCH_NODE_ARGS "$BENCH_REPO/bin/berthd")
  # shellcheck disable=SC2086 # BENCH_BERTHD_ARGS is a list of flags
  "${launch[@]}" \
    --root "$BENCH_ROOT" --exec-root "$BENCH_EXEC_ROOT" --host "unix://$BENCH_SOCK" \
    --config-file "$BENCH_DIR/daemon.json" ${BENCH_BERTHD_ARGS:-} >"$BENCH_DIR/berthd.log" 2>&1 &
  BERTHD_PID=$!
  # Both CLIs talk to this daemon only (berth reads BERTH_HOST first, then DOCKER_HOST).
  export DOCKER_HOST="unix://$BENCH_SOCK" BERTH_HOST="unix://$BENCH_SOCK"
  unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
  if ! bench_wait_until 30 bench_daemon_answers || ! kill -0 "$BERTHD_PID" 2>/dev/null; then
    tail -n 20 "$BENCH_DIR/berthd.log" >&2 || true
    kill -0 "$BERTHD_PID" 2>/dev/null || bench_die "berthd exited during start-up (log above)"
    bench_die "berthd did not answer 'docker version' within 30 s"
  fi
  bench_log "berthd pid $BERTHD_PID on $BENCH_SOCK"
}

bench_median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) exit 1
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Timings are kept one file per measure under $BENCH_TIMES (seconds, one a line), so that berth
# and its floor can be measured interleaved (A B A B ...): this machine may be shared, and load
# that comes and goes then hits both sides alike instead of whichever ran during it.
BENCH_TIMES=""
bench_times_dir() {
  [ -n "$BENCH_TIMES" ] || bench_mktemp times BENCH_TIMES
}

# bench_time NAME PREPARE CMD...: runs PREPARE (a shell string, untimed), then times CMD (stdout
# discarded) and records the seconds under NAME. A failing CMD stops the script.
bench_time() {
  local name=$1 prepare=$2 t0 t1
  shift 2
  bench_times_dir
  [ -z "$prepare" ] || bash -c "$prepare" || bench_die "prepare for $name failed"
  t0=$(date +%s%N)
  "$@" >/dev/null || bench_die "$name: '$*' failed"
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }' >>"$BENCH_TIMES/$name"
}

# bench_hyperfine_rounds ROUNDS HYPERFINE_ARGS...: runs hyperfine ROUNDS times (so the commands
# alternate in blocks) and records every run's time under the command's --command-name.
bench_hyperfine_rounds() {
  local rounds=$1 r
  shift
  bench_times_dir
  for r in $(seq 1 "$rounds"); do
    hyperfine --style basic --export-json "$BENCH_TIMES/round-$r.json" "$@" >&2
    # shellcheck disable=SC2016 # JavaScript, not shell
    node -e '
      const fs = require("fs");
      for (const r of JSON.parse(fs.readFileSync(process.argv[1], "utf8")).results)
        fs.appendFileSync(`${process.argv[2]}/${r.command}`, r.times.map((t) => `${t}\n`).join(""));
    ' "$BENCH_TIMES/round-$r.json" "$BENCH_TIMES"
  done
}

# bench_stats NAME: "median min max n" of the seconds recorded under NAME.
bench_stats() {
  local file=$BENCH_TIMES/$1
  [ -s "$file" ] || bench_die "no timings recorded for $1"
  printf '%s %s\n' "$(bench_median <"$file")" \
    "$(sort -g "$file" | awk 'NR == 1 { min = $1 } { max = $1 } END { print min, max, NR }')"
}

# Formatting helpers for the tables.
bench_ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
# "median (min … max)" in ms from the four fields of bench_stats
# shellcheck disable=SC2317 # called by the scripts
bench_ms_range() { awk -v m="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f ms (%.1f … %.1f)", m * 1000, a * 1000, b * 1000 }'; }
bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
# "yes" or "NO (+N% over)" for ratio $1 against budget $2
bench_verdict() {
  awk -v r="$1" -v b="$2" 'BEGIN { if (r <= b) print "yes"; else printf "**NO** (%.0f%% over budget)\n", (r / b - 1) * 100 }'
}

bench_machine_facts() {
  printf -- '- date: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf -- '- machine: %s CPUs (%s), %s RAM, kernel %s\n' "$(nproc)" \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" "$(uname -r)"
  local dev journal=""
  dev=$(df --output=source "$BENCH_TMP" | awk 'NR == 2 { print $1 }')
  if [ -r "/sys/fs/ext4/${dev##*/}/journal_task" ]; then
    journal=$(cat "/sys/fs/ext4/${dev##*/}/journal_task")
    [ "$journal" = "<none>" ] && journal=", no journal" || journal=", journal"
  fi
  printf -- '- disk of %s: %s (%s%s)\n' "$BENCH_TMP" "$dev" "$(df --output=fstype "$BENCH_TMP" | awk 'NR == 2')" "$journal"
  printf -- '- node %s, docker CLI %s, hyperfine %s, GNU tar %s\n' "$(node --version)" \
    "$("$DOCKER" --version | awk '{ sub(/,$/, "", $3); print $3 }')" \
    "$(hyperfine --version | awk '{ print $2 }')" "$(tar --version | awk 'NR == 1 { print $NF }')"
  printf -- '- load average at the start: %s (the machine may be shared)\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf -- '- berth commit %s%s\n' "$(git -C "$BENCH_REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$(git -C "$BENCH_REPO" status --porcelain 2>/dev/null | grep -q . && echo ' (work tree has uncommitted changes)')"
}

# bench_replay_start DIR GET_PATH:FILE ...: records berthd's answers to those GETs (API v1.47),
# its /version and its /_ping headers into DIR, then serves them with bench/replay-server.mjs
# on DIR/replay.sock (sets REPLAY_SOCK; the server is ended at exit). Against it, a docker
# command costs what the docker CLI alone needs for berthd's recorded answer.
bench_replay_start() {
  local dir=$1 pair
  shift
  mkdir -p "$dir"
  for pair in "$@"; do
    curl -sf --unix-socket "$BENCH_SOCK" "http://berth/v1.47${pair%%:*}" >"$dir/${pair#*:}"
  done
  curl -sf --unix-socket "$BENCH_SOCK" http://berth/v1.47/version >"$dir/version.json"
  curl -sf -D - -o /dev/null --unix-socket "$BENCH_SOCK" http://berth/_ping | tr -d '\r' |
    awk -F': ' 'NF == 2 { printf "%s\"%s\":\"%s\"", (n++ ? "," : "{"), tolower($1), $2 } END { print "}" }' \
      >"$dir/ping-headers.json"
  REPLAY_SOCK=$dir/replay.sock
  node "$BENCH_REPO/bench/replay-server.mjs" "$REPLAY_SOCK" "$dir" &
  BENCH_PIDS+=($!)
  bench_wait_until 10 "$DOCKER" -H "unix://$REPLAY_SOCK" version || bench_die "replay server did not start"
}

# bench_start_dockerd: Debian's dockerd (docker.io, installed if missing; its service is never
# started) as the peer in the same run, on temp dirs (data-root, exec-root, socket, pidfile) and
# its own bridge (BENCH_PEER_BRIDGE, a random 10.x/24), with no iptables rules, no ip_forward
# change and no userland proxy, so it touches nothing of the host's or of another daemon.
# Sets PEER_SOCK. At exit: the caller's BENCH_EXIT_FIRST should remove its containers; dockerd
# is then stopped by its pid (its managed containerd with it), its bridge deleted, and the temp
# dir's mounts removed by bench_cleanup.
PEER_DOCKERD_PID=""
bench_start_dockerd() {
  bench_need dockerd:docker.io
  local dir
  bench_mktemp dockerd dir
  PEER_SOCK=$dir/docker.sock
  BENCH_PEER_BRIDGE=bd$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')
  ip link add "$BENCH_PEER_BRIDGE" type bridge
  ip addr add "10.$((200 + RANDOM % 50)).$((RANDOM % 256)).1/24" dev "$BENCH_PEER_BRIDGE"
  ip link set "$BENCH_PEER_BRIDGE" up
  printf '{}\n' >"$dir/daemon.json"
  dockerd --data-root "$dir/root" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    --host "unix://$PEER_SOCK" --config-file "$dir/daemon.json" --bridge "$BENCH_PEER_BRIDGE" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --userland-proxy=false \
    >"$dir/dockerd.log" 2>&1 &
  PEER_DOCKERD_PID=$!
  if ! bench_wait_until 60 "$DOCKER" -H "unix://$PEER_SOCK" version; then
    tail -n 20 "$dir/dockerd.log" >&2 || true
    bench_die "dockerd did not answer 'docker version' within 60 s"
  fi
  bench_log "dockerd $(dockerd --version | awk '{ print $3 }' | tr -d ,) pid $PEER_DOCKERD_PID on $PEER_SOCK"
}

bench_stop_dockerd() {
  [ -n "$PEER_DOCKERD_PID" ] || return 0
  local pid=$PEER_DOCKERD_PID
  PEER_DOCKERD_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { bench_log "dockerd $pid did not stop in 30 s; SIGKILL"; kill -KILL "$pid"; }
  wait "$pid" 2>/dev/null || true
  ip link del "$BENCH_PEER_BRIDGE" 2>/dev/null || true
}
