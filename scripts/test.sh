#!/usr/bin/env bash
# Runs every test. Installs what the tests need first: system packages (scripts/ensure-system-packages.sh)
# and npm packages (npm ci, when node_modules is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh fonts-dejavu-core
[ -d node_modules ] || npm ci
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-report.json "$@" || status=$?
if [ -f .tmp/vitest-report.json ]; then
  node -e 'const r = require("./.tmp/vitest-report.json"); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));'
fi
exit $status
