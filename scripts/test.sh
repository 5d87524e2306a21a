#!/usr/bin/env bash
# Runs every test. Installs what the tests need first: system packages (scripts/ensure-system-packages.sh),
# chromium for the browser tests, and npm packages (npm ci, when node_modules is missing; it also builds
# the web app).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh fonts-dejavu-core
# The browser tests (test/e2e) drive Debian's chromium; SIGHTLINE_CHROMIUM names another binary instead.
if [ -z "${SIGHTLINE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium for the browser tests" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
[ -d node_modules ] || npm ci
# npm ci builds the web app (prepare); build it again in case its sources changed since (under a second).
npm run --silent build:web
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-report.json "$@" || status=$?
if [ -f .tmp/vitest-report.json ]; then
  node -e 'const r = require("./.tmp/vitest-report.json"); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));'
fi
exit $status
