#!/usr/bin/env bash
# The test command (README, .ci/run). Installs what the tests need and may not find (Debian's chromium for the
# browser tests, Debian's postgresql for the PostgreSQL store and the scale-out proofs), starts a throwaway
# PostgreSQL cluster on 127.0.0.1, runs every test, prints the reliability proofs' figures, and ends with the
# line "N passed, N failed, N skipped" counted from the TRX results. Tests that need ../shared/data skip with
# a message when it is absent.
set -uo pipefail
cd "$(dirname "$0")/.."

# The browser tests drive Debian's Chromium (never a downloaded browser): install it when missing and we may.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
        || echo "warning: apt-get install chromium failed; browser tests will be skipped."
fi

results="$(mktemp -d)"
export THREATSCORER_PG_DIR="${THREATSCORER_PG_DIR:-$(mktemp -d -u /tmp/threatscorer-pg.XXXXXX)}"
export THREATSCORER_PG_PORT="${THREATSCORER_PG_PORT:-54329}"
trap 'bash scripts/postgres-test-server.sh destroy >/dev/null 2>&1; rm -rf "$results"' EXIT

# A real PostgreSQL server for the store contract tests and the proofs (skipped, with a message, without one).
if pg="$(bash scripts/postgres-test-server.sh start | tail -1)"; then
    export THREATSCORER_TEST_POSTGRES="$pg"
    export THREATSCORER_TEST_POSTGRES_CTL="$PWD/scripts/postgres-test-server.sh"
    echo "PostgreSQL test server: $pg"
else
    echo "warning: no PostgreSQL server; the PostgreSQL tests will be skipped."
fi
export THREATSCORER_PROOF_LOG="$results/proofs.txt"

dotnet test ThreatScorer.sln --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" \
    | grep -vE '^\s*$'
status=${PIPESTATUS[0]}

if [ -s "$THREATSCORER_PROOF_LOG" ]; then
    echo "---- reliability proofs ----"
    cat "$THREATSCORER_PROOF_LOG"
    echo "----------------------------"
fi

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx")
    get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed)))
    # VSTest's notExecuted counter stays 0 for skipped xunit tests; the results themselves say NotExecuted.
    skipped=$((skipped + $(grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" | wc -l)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # The build or the test host failed before any result was written: count that as a failure.
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
