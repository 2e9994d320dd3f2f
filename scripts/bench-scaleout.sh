#!/usr/bin/env bash
# End-to-end throughput (ingest -> score -> store) on SQLite and on PostgreSQL with 1 and 3 replicas.
# N articles (default 10000): the team-written seeds/bench articles repeated, each made unique by one line.
# Each configuration gets a fresh store: ingest with `threatscorer ingest`, then the worker(s) with
# Schedule:RunOnce (a replica stops when nothing is left to claim). Prints wall times and articles/s.
# Needs PostgreSQL (scripts/postgres-test-server.sh installs and starts a throwaway server as root).
# Usage: scripts/bench-scaleout.sh [N=10000] [replicas=3]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
replicas="${2:-3}"
work="$(mktemp -d)"
export THREATSCORER_PG_DIR="${THREATSCORER_PG_DIR:-$(mktemp -d -u /tmp/threatscorer-bench-pg.XXXXXX)}"
export THREATSCORER_PG_PORT="${THREATSCORER_PG_PORT:-54339}"
trap 'bash scripts/postgres-test-server.sh destroy >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

mkdir -p "$work/inbox"
mapfile -t sources < <(ls seeds/bench/*.txt)
for i in $(seq 1 "$n"); do
    src="${sources[$(( (i - 1) % ${#sources[@]} ))]}"
    { cat "$src"; printf '\nBenchmark dispatch %s.\n' "$i"; } > "$work/inbox/article-$i.txt"
done
words=$(cat "$work"/inbox/*.txt | wc -w)
echo "$n articles, $words words ($(( words / n )) per article on average), $(nproc) cores"

build() { # quiet when it works; the build output and an error when it does not
    local log
    if ! log="$(dotnet build "$1" -c Release -v quiet -nologo 2>&1)"; then
        printf '%s\n' "$log" >&2
        echo "error: dotnet build $1 failed" >&2
        exit 1
    fi
}
build src/ThreatScorer.Worker
build src/ThreatScorer.Cli
worker=src/ThreatScorer.Worker/bin/Release/net10.0/ThreatScorer.Worker.dll
cli=src/ThreatScorer.Cli/bin/Release/net10.0/threatscorer.dll

admin="$(bash scripts/postgres-test-server.sh start | tail -1)"
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql "host=127.0.0.1 port=$THREATSCORER_PG_PORT user=postgres dbname=postgres" -qAt -c "$1"; }

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

run_config() { # name provider replicas
    local name="$1" provider="$2" count="$3" store_env=()
    if [ "$provider" = "PostgreSql" ]; then
        psql_admin "DROP DATABASE IF EXISTS bench WITH (FORCE);" && psql_admin "CREATE DATABASE bench;"
        store_env=(THREATSCORER__STORE__PROVIDER=PostgreSql "THREATSCORER__STORE__CONNECTIONSTRING=${admin/Database=postgres/Database=bench}")
    else
        rm -f "$work/bench.db"*
        store_env=(THREATSCORER__STORE__PROVIDER=Sqlite THREATSCORER__STORE__SQLITEPATH="$work/bench.db")
    fi
    local t0 t1 t2
    t0=$(now)
    env "${store_env[@]}" THREATSCORER__MODELS__ROOT="$PWD/models" dotnet "$cli" ingest "$work/inbox" > "$work/$name-ingest.txt"
    t1=$(now)
    local pids=()
    for r in $(seq 1 "$count"); do
        env "${store_env[@]}" THREATSCORER__MODELS__ROOT="$PWD/models" THREATSCORER__INBOX__FOLDERS__0="$work/empty" \
            THREATSCORER__SCHEDULE__RUNONCE=true THREATSCORER__SCHEDULE__WORKERID="$name-$r" \
            Logging__LogLevel__ThreatScorer.Core.Scoring.ScoringRun=Warning \
            dotnet "$worker" > "$work/$name-$r.log" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    t2=$(now)
    local ingest score total
    ingest=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    score=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }')
    total=$(awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.1f", b - a }')
    printf '| %s | %s s (%s/s) | %s s (%s/s) | %s s | **%s articles/s** |\n' "$name" "$ingest" "$(rate "$n" "$ingest")" \
        "$score" "$(rate "$n" "$score")" "$total" "$(rate "$n" "$total")"
}

mkdir -p "$work/empty"
echo "| Configuration | Ingest | Score + store | End to end | Throughput |"
echo "|---|---|---|---|---|"
run_config "SQLite, 1 worker" Sqlite 1
run_config "PostgreSQL, 1 worker" PostgreSql 1
run_config "PostgreSQL, $replicas workers" PostgreSql "$replicas"
