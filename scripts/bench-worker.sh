#!/usr/bin/env bash
# Worker benchmark: N copies of the reference article (each made unique by one line so dedupe keeps them)
# scored by one worker run into a fresh SQLite file. Prints articles/s from the run summary and the peak RSS.
# Usage: scripts/bench-worker.sh [N=300]; MODELS=DIR scores with another models root (e.g. one whose ACTIVE stance
# version is an encoder one).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-300}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inbox"
for i in $(seq 1 "$n"); do
    { cat seeds/000_1635b998671e721d.txt; printf '\nBenchmark copy %s.\n' "$i"; } > "$work/inbox/copy-$i.txt"
done
dotnet build src/ThreatScorer.Worker -c Release -v quiet -nologo >/dev/null
/usr/bin/time -v dotnet src/ThreatScorer.Worker/bin/Release/net10.0/ThreatScorer.Worker.dll \
    --ThreatScorer:Inbox:Folders:0="$work/inbox" \
    --ThreatScorer:Store:SqlitePath="$work/bench.db" \
    --ThreatScorer:Models:Root="${MODELS:-models}" \
    --ThreatScorer:Schedule:RunOnce=true > "$work/log.txt" 2> "$work/time.txt"
summary=$(grep -o 'Run [0-9a-f]* finished:.*' "$work/log.txt")
echo "$summary"
ms=$(printf '%s' "$summary" | grep -o 'in [0-9]* ms' | grep -o '[0-9]*')
scored=$(printf '%s' "$summary" | grep -o '[0-9]* scored' | grep -o '[0-9]*')
awk -v s="$scored" -v ms="$ms" 'BEGIN { printf "articles/s: %.1f (%d articles in %.1f s, ingest included)\n", s / (ms / 1000), s, ms / 1000 }'
grep -E 'Maximum resident set size' "$work/time.txt" | awk '{ printf "peak RSS: %.0f MiB\n", $6 / 1024 }'
awk -F': ' -v s="$scored" '/User time|System time/ { cpu += $2 } END { printf "CPU: %.1f s user+sys, %.0f ms per article (start-up and model load included)\n", cpu, cpu * 1000 / s }' "$work/time.txt"
