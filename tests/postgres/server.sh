#!/usr/bin/env bash
# A throwaway PostgreSQL (Debian's package) on 127.0.0.1 for the server's
# PostgreSQL tests and the load bench.
#
#   tests/postgres/server.sh start   # install if missing, initdb in a temp dir, run, wait
#   tests/postgres/server.sh env     # prints WATCHWORD_PG_URL for the tests
#   tests/postgres/server.sh stop    # stops it and deletes its temp dir
#   tests/postgres/server.sh createdb NAME   # one more database (the load bench)
#
# The cluster lives in a fresh temporary directory (its path is noted in
# build/postgres-$PG_PORT/datadir, so clusters on other ports can run beside
# it); it listens only on 127.0.0.1:$PG_PORT (default 55432) with trust authentication for the role `watchword` (CREATEDB: each
# test makes its own database). Never a real server's settings. PostgreSQL
# refuses to run as root: as root it runs as the `postgres` user the package
# creates. Under CI=true a server that does not come up fails (exit 1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${PG_PORT:-55432}"
note="$root/build/postgres-$port"
url="postgres://watchword@127.0.0.1:$port/watchword"

log() { printf '[postgres] %s\n' "$*" >&2; }

bindir() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
    if [ -z "$d" ] && command -v pg_ctl >/dev/null; then d="$(dirname "$(command -v pg_ctl)")"; fi
    printf '%s' "$d"
}

install() {
    if [ -z "$(bindir)" ]; then
        log "installing Debian's postgresql package"
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        else
            log "not root: install postgresql (apt-get install postgresql) first"
            return 1
        fi
    fi
}

# Runs a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    install
    local bin data
    bin="$(bindir)"
    if [ -f "$note/datadir" ] && [ -d "$(cat "$note/datadir")" ]; then
        data="$(cat "$note/datadir")"
        if as_owner "$bin/pg_ctl" -D "$data/cluster" status >/dev/null 2>&1; then
            log "already running ($data)"
            return 0
        fi
    fi
    mkdir -p "$note"
    data="$(mktemp -d "${TMPDIR:-/tmp}/watchword-pg.XXXXXX")"
    echo "$data" >"$note/datadir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$data"; fi
    chmod 700 "$data"
    as_owner "$bin/initdb" -D "$data/cluster" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C >"$note/initdb.log" 2>&1
    as_owner "$bin/pg_ctl" -D "$data/cluster" -l "$data/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=200 -c synchronous_commit=off" \
        start >/dev/null
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE watchword LOGIN CREATEDB" -c "CREATE DATABASE watchword OWNER watchword" >/dev/null
    log "running on 127.0.0.1:$port ($data)"
}

stop() {
    [ -f "$note/datadir" ] || return 0
    local data bin
    data="$(cat "$note/datadir")"
    bin="$(bindir)"
    if [ -d "$data/cluster" ]; then
        as_owner "$bin/pg_ctl" -D "$data/cluster" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$data" "$note/datadir"
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) echo "export WATCHWORD_PG_URL=$url" ;;
    createdb)
        [ -n "${2:-}" ] || { echo "usage: $0 createdb NAME" >&2; exit 2; }
        as_owner "$(bindir)/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q \
            -v ON_ERROR_STOP=1 -c "CREATE DATABASE $2 OWNER watchword" >/dev/null ;;
    *) echo "usage: $0 start|env|stop|createdb NAME" >&2; exit 2 ;;
esac
