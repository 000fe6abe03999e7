#!/usr/bin/env bash
# The whole test run, as root on a fresh machine: dependencies, build, format check, lint,
# typecheck, unit tests, then integration tests against a real berthd.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
npm run build --silent
npx --no-install prettier --check . >/dev/null || { npx --no-install prettier --check .; exit 1; }
npm run lint --silent
npm run typecheck --silent
# Node 20's test runner does not expand globs itself.
mapfile -t tests < <(find src test -name '*.test.ts' | sort)
node --import tsx --test --test-concurrency=2 "${tests[@]}"
