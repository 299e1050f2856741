#!/usr/bin/env bash
# npm run lint: types, format, lint rules and the dependency rules of ARCHITECTURE.md. Every check runs even when an
# earlier one fails; ends with "N passed, M failed" for scripts/test-all.sh.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
check() { # name, command...
  local name=$1; shift
  echo "── lint: $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "✗ $name failed"; fi
}
check "types (tsc --noEmit)" npx tsc --noEmit
check "format (prettier --check; npx prettier --write . fixes it)" npx prettier --check --log-level warn .
check "eslint" npx eslint --max-warnings 0 .
check "architecture (scripts/check-architecture.ts)" npx tsx scripts/check-architecture.ts
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
