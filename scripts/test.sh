#!/usr/bin/env bash
# The test command (README): type check, unit suites (mock runtime), then the real-engine suites.
# Without a Docker engine (or root) the engine suites are skipped with the reason, except under CI,
# where they must run.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .webstack

npx tsc --noEmit -p .
status=0
npx jest --selectProjects unit --json --outputFile=.webstack/unit.json "$@" || status=$?
npx jest --selectProjects engine --runInBand --json --outputFile=.webstack/engine.json "$@" || status=$?

# One plain closing line for both runs.
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of [".webstack/unit.json", ".webstack/engine.json"]) {
  if (!fs.existsSync(f)) { failed++; continue; }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit "$status"
