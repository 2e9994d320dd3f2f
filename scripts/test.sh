#!/usr/bin/env bash
# The test command (README, .ci/run). Everything the suite needs today is embedded (SQLite, the shipped
# models); tests that need ../shared/data skip with a message when it is absent. Ends with the line
# "N passed, N failed, N skipped" counted from the TRX results.
set -uo pipefail
cd "$(dirname "$0")/.."

# The browser tests drive Debian's Chromium (never a downloaded browser): install it when missing and we may.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
        || echo "warning: apt-get install chromium failed; browser tests will be skipped."
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet test ThreatScorer.sln --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" \
    | grep -vE '^\s*$'
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx")
    get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed)))
    skipped=$((skipped + $(get notExecuted)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # The build or the test host failed before any result was written: count that as a failure.
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
