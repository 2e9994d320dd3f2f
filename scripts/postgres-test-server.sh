#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: Debian's postgresql package (installed when missing
# and we are root), a fresh cluster in a temp dir, listening on 127.0.0.1 only.
#   scripts/postgres-test-server.sh start    # prints the admin connection string on the last line
#   scripts/postgres-test-server.sh stop     # fast shutdown (the cluster stays; start brings it back)
#   scripts/postgres-test-server.sh destroy  # stop and delete the cluster
# THREATSCORER_PG_DIR (default /tmp/threatscorer-pg) and THREATSCORER_PG_PORT (default 54329) choose where.
set -euo pipefail
dir="${THREATSCORER_PG_DIR:-/tmp/threatscorer-pg}"
port="${THREATSCORER_PG_PORT:-54329}"

# Debian's versioned directory, else wherever pg_ctl is on the PATH (with initdb beside it). Always exits 0.
find_bin() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
        found="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
        [ -x "$found/initdb" ] || found=""
    fi
    if [ -n "$found" ]; then echo "$found"; fi
}
bin="$(find_bin || true)"
if [ -z "$bin" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's postgresql for the store tests..." >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1 \
        || { echo "error: apt-get install postgresql failed" >&2; exit 1; }
    # The package may start its own cluster on 5432; ours is separate (own directory and port).
    bin="$(find_bin)"
fi
if [ -z "$bin" ]; then
    echo "error: PostgreSQL is not installed (apt-get install postgresql) and we cannot install it (not root)." >&2
    exit 1
fi

# initdb and the server refuse to run as root: use the postgres account the package created.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        mkdir -p "$dir"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
        as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
destroy)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop|destroy" >&2
    exit 2
    ;;
esac
