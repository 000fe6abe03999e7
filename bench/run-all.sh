#!/usr/bin/env bash
# Runs every benchmark and prints one markdown report (machine facts, then each table) on
# stdout; progress and hyperfine's own output go to stderr. Build first: npm run build.
#   bash bench/run-all.sh | tee /tmp/bench.md
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_need hyperfine:hyperfine

echo "## Run of $(date -u +%Y-%m-%d)"
echo
bench_machine_facts
printf -- '- runs per measure: %s (BENCH_RUNS)\n' "$BENCH_RUNS"
for script in startup images-list image-load-save container-run exec interactive network-run network-traffic; do
  echo
  echo "Command: \`bash bench/$script.sh\`"
  bash "$BENCH_REPO/bench/$script.sh"
done
