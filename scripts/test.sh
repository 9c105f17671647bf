#!/usr/bin/env bash
# The test command: installs what the tests need (Debian and npm packages), then runs every test in the
# solution. Ends with one line totalling all test assemblies: "N passed, N failed, N skipped".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash scripts/install-test-deps.sh
# PostgreSQL on loopback for the tests that run against a real server; exports KRAKOW_TEST_POSTGRES.
# Two steps, so that a failure to start it stops this script (set -e does not see inside "$(…)" in eval).
services_env="$(bash scripts/start-test-services.sh)"
eval "$services_env"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test KrakowPlatform.sln --nologo 2>&1 | tee "$log" || status=$?

# dotnet test prints one summary per test assembly: "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, …".
awk -F'[:,]' '/ - Failed: *[0-9]+, Passed: *[0-9]+, Skipped: *[0-9]+/ { failed += $2; passed += $4; skipped += $6 }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
exit "$status"
