#!/usr/bin/env bash
# npm test: every test. Lint (types, format, eslint, architecture); unit tests (no database); integration +
# adversarial on embedded PGlite; integration and adversarial again on PostgreSQL when
# TEST_DATABASE_URL is set (an admin URL; .ci/run starts a server and sets it); Playwright e2e against
# `next build && next start` with Debian's Chromium. Ends with one line: "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
summary=$(mktemp)
run() { # name, command...
  local name=$1; shift
  echo "── $name"
  local out; out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local status=${PIPESTATUS[0]}
  node scripts/count-results.mjs "$out" "$status" >> "$summary"
  rm -f "$out"
}

run "lint (types, format, eslint, architecture)" bash scripts/lint.sh
run "unit (no database)" npx vitest run test/unit --reporter=default
run "integration + adversarial (PGlite)" env -u TEST_DATABASE_URL npx vitest run test/integration test/adversarial --reporter=default
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  # The production build, once: the scale-out test (3 web replicas, 2 workers) and Playwright both run it.
  if [ "${SKIP_E2E:-}" != "1" ]; then npm run -s build >/dev/null && export RESIDUE_BUILT=1; fi
  run "integration + adversarial (PostgreSQL)" npx vitest run test/integration test/adversarial --reporter=default
else
  echo "── integration (PostgreSQL): skipped, TEST_DATABASE_URL is not set"
fi
if [ "${SKIP_E2E:-}" != "1" ]; then
  run "e2e (Playwright, next build && next start)" npx playwright test --reporter=line
  # The CI-sized benchmark on the build Playwright just made: it fails only on a crash, never on timings.
  run "benchmark (npm run bench -- --quick)" npm run -s bench -- --quick --no-build --out test-results/bench-quick.json
fi
awk '{p+=$1; f+=$2} END {printf "%d passed, %d failed\n", p, f; exit (f>0)}' "$summary"
