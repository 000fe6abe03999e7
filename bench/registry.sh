#!/usr/bin/env bash
# `berth registry serve` beside Debian's docker-registry (distribution 2.8) in the same run, both
# on 127.0.0.1 with storage on the same disk:
#   1. push of one random blob (BENCH_BLOB_MIB, default 256): POST, then PUT ?digest= with the body (curl),
#   2. pull of it (GET, written to /dev/null), in MB/s; budget: berth ≥ 500 MB/s,
#   3. 50 concurrent pulls of a 16 MiB blob: every copy must hash right (errors counted), wall time.
# Medians of BENCH_ROUNDS (default 5) rounds.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}
BLOB_MIB=${BENCH_BLOB_MIB:-256}
unset NODE_EXTRA_CA_CERTS

bench_need curl:curl docker-registry:docker-registry
bench_mktemp registry WORK

PIDS=()
stop_servers() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap 'stop_servers; bench_cleanup' EXIT

head -c "${BLOB_MIB}M" /dev/urandom >"$WORK/big.bin"
head -c 16M /dev/urandom >"$WORK/small.bin"
BIG=sha256:$(sha256sum "$WORK/big.bin" | cut -d' ' -f1)
SMALL=sha256:$(sha256sum "$WORK/small.bin" | cut -d' ' -f1)

# berth: port 0, the bound URL is its first output line.
"$BENCH_REPO/bin/berth" registry serve --addr 127.0.0.1:0 --root "$WORK/berth-root" >"$WORK/berth.out" 2>&1 &
PIDS+=($!)
bench_wait_until 10 grep -q "listening on" "$WORK/berth.out"
BERTH_URL=$(sed -n 's/.*listening on //p' "$WORK/berth.out")

# docker-registry: its own config, filesystem storage, no auth.
PORT=$((20000 + RANDOM % 20000))
cat >"$WORK/registry.yml" <<YML
version: 0.1
log: { level: error }
storage:
  filesystem: { rootdirectory: $WORK/distribution-root }
  delete: { enabled: true }
http: { addr: 127.0.0.1:$PORT }
YML
docker-registry serve "$WORK/registry.yml" >"$WORK/distribution.out" 2>&1 &
PIDS+=($!)
DIST_URL=http://127.0.0.1:$PORT
bench_wait_until 10 curl -sf "$DIST_URL/v2/" -o /dev/null

push() { # url repo file digest -> seconds; POST then PUT (spec.md end-4a + end-6: both support it)
  local s loc sep
  s=$(date +%s%N)
  loc=$(curl -s -o /dev/null -w '%header{location}' -X POST "$1/v2/$2/blobs/uploads/")
  case $loc in http*) ;; *) loc=$1$loc ;; esac
  case $loc in *\?*) sep='&' ;; *) sep='?' ;; esac
  curl -s -o /dev/null -w '%{http_code}\n' -X PUT -H 'Content-Type: application/octet-stream' \
    --data-binary "@$3" "$loc${sep}digest=$4" | grep -qx 201 || return 1
  echo "scale=3; ($(date +%s%N) - $s) / 1000000000" | bc
}
pull() { # url repo digest -> bytes/s
  curl -s -o /dev/null -w '%{http_code} %{speed_download}\n' "$1/v2/$2/blobs/$3" | awk '$1 != 200 { exit 1 } { print $2 }'
}
fanout() { # url repo digest -> "seconds errors"
  local s e
  s=$(date +%s%N)
  e=$(seq 50 | xargs -P 50 -I{} sh -c "curl -s '$1/v2/$2/blobs/$3' | sha256sum" | grep -vc "${3#sha256:}" || true)
  echo "$(( ($(date +%s%N) - s) / 1000000 )) $e"
}

for name in berth distribution; do
  url=$BERTH_URL; [ "$name" = distribution ] && url=$DIST_URL
  : >"$WORK/$name.push" ; : >"$WORK/$name.pull"; : >"$WORK/$name.fan"
  push "$url" warm "$WORK/small.bin" "$SMALL" >/dev/null
  for r in $(seq "$ROUNDS"); do
    # A fresh repository and a fresh blob store entry each round: delete the link, then the
    # blob bytes are re-sent (both registries keep the bytes; both still hash and link them).
    push "$url" "push$r" "$WORK/big.bin" "$BIG" >>"$WORK/$name.push"
    pull "$url" "push$r" "$BIG" >>"$WORK/$name.pull"
    fanout "$url" warm "$SMALL" >>"$WORK/$name.fan"
  done
done

report() { # name
  local push pull fan errs
  push=$(bench_median <"$WORK/$1.push")
  pull=$(bench_median <"$WORK/$1.pull")
  fan=$(cut -d' ' -f1 "$WORK/$1.fan" | bench_median)
  errs=$(awk '{ s += $2 } END { print s + 0 }' "$WORK/$1.fan")
  printf '%-13s push %s MiB: %6.3f s (%4.0f MB/s)   pull: %4.0f MB/s   50 concurrent pulls of 16 MiB: %5d ms, %d bad copies\n' \
    "$1" "$BLOB_MIB" "$push" "$(echo "$BLOB_MIB * 1.048576 / $push" | bc -l)" "$(echo "$pull / 1000000" | bc -l)" "$fan" "$errs"
}
echo "registry blob throughput, medians of $ROUNDS ($(date -u +%Y-%m-%d), $(nproc) CPUs)"
report berth
report distribution
