#!/usr/bin/env bash
# Push load (issue 20): N enrolled devices (10,000) and C relying parties
# and phones doing whole round trips at once (create -> signed fetch ->
# verify -> signed answer -> status) against the reference server as its
# own process on 127.0.0.1: SQLite, PostgreSQL with one instance and with
# two, and privacyIDEA 3.14 at the same concurrency, in one run. Writes the
# `load` section of bench/RESULTS.md (bench/load/report.py).
#
# Usage: bench/load/run.sh
#   LOAD_DEVICES (10000)  LOAD_CONCURRENCY (16)  LOAD_DURATION s (30)
#   LOAD_WARMUP s (3)     PI_DURATION s (30)     PI_DEVICES (= concurrency)
#
# The PostgreSQL runs use tests/postgres/server.sh (Debian's package,
# installed when missing and root; a cluster in a temporary directory on a
# free loopback port); when it cannot start they are skipped, and the
# report says why.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
devices=${LOAD_DEVICES:-10000}
concurrency=${LOAD_CONCURRENCY:-16}
duration=${LOAD_DURATION:-30}
warmup=${LOAD_WARMUP:-3}
pi_duration=${PI_DURATION:-30}
pi_devices=${PI_DEVICES:-$concurrency}

log() { printf '[load] %s\n' "$*" >&2; }

cargo build -q --release --locked -p watchword-server -p watchword-bench \
    --bin watchword-server --bin push-load
bin="${CARGO_TARGET_DIR:-$root/target}/release"
server="$bin/watchword-server"
gen="$bin/push-load"

out="$root/build/load"
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
chmod 755 "$work"
# A passphrase for this run's throwaway databases only.
export WATCHWORD_SERVER_PASSPHRASE="load-bench-$$"
export WATCHWORD_LOG=${WATCHWORD_LOG:-info}

server_pids=()
pg_started=""
pg_port=""
stop_servers() {
    local p
    for p in "${server_pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    server_pids=()
}
cleanup() {
    stop_servers
    if [ -n "$pg_started" ]; then
        PG_PORT=$pg_port tests/postgres/server.sh stop >/dev/null 2>&1 || true
    fi
    tests/privacyidea/server.sh stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts `serve` on DB at a free loopback port; sets $url and $pid.
start_server() {
    local db=$1 name=$2 port
    port=$(free_port)
    "$server" serve --db "$db" --listen "127.0.0.1:$port" >"$out/$name.log" 2>&1 &
    pid=$!
    server_pids+=("$pid")
    url="http://127.0.0.1:$port"
    for _ in $(seq 1 300); do
        grep -q "listening on" "$out/$name.log" && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    log "$name did not start:"
    tail -n 20 "$out/$name.log" >&2
    return 1
}

for i in $(seq 0 $((devices - 1))); do printf 'load%05d\n' "$i"; done >"$work/users"

# One Watchword run: NAME, the --db value, the number of instances.
run_watchword() {
    local name=$1 db=$2 instances=$3 urls=() pids=() args=() i t0
    "$server" rp-key --db "$db" >"$work/rp.key"
    for i in $(seq 1 "$instances"); do
        start_server "$db" "$name-$i"
        urls+=("$url")
        pids+=("$pid")
        args+=(--server "$url" --server-pid "$pid")
    done
    t0=$(date +%s.%N)
    "$server" enrol --db "$db" --users-file "$work/users" --url "${urls[0]}" --json >"$work/issued.jsonl"
    python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" \
        "$t0" "$(date +%s.%N)" >"$out/$name.enrol-seconds"
    log "$name: $devices activation codes issued; activating and loading ($instances instance(s), concurrency $concurrency, ${duration} s)"
    "$gen" watchword "${args[@]}" --rp-key-file "$work/rp.key" --issued "$work/issued.jsonl" \
        --concurrency "$concurrency" --duration "$duration" --warmup "$warmup" >"$out/$name.json"
    stop_servers
}

uptime >"$out/load-before"

# 1. SQLite.
run_watchword sqlite "$work/push.db" 1

# 2. PostgreSQL, one instance and two, on a cluster of its own that
# tests/postgres/server.sh starts (the tests' helper: Debian's package, a
# temporary directory, loopback; synchronous_commit=off, the durability of
# SQLite's WAL with synchronous=NORMAL that the SQLite run has: a crash may
# lose the last commits, never corrupts).
pg_skip=""
pg_port=$(free_port)
if ! "$server" serve --help | grep -qi postgres; then
    pg_skip="this watchword-server has no PostgreSQL backend (serve --help does not mention postgres)"
elif ! PG_PORT=$pg_port tests/postgres/server.sh start 2>"$work/pg-start"; then
    pg_skip="PostgreSQL did not start: $(tail -c 300 "$work/pg-start")"
else
    pg_started=1
    for db in load1 load2; do PG_PORT=$pg_port tests/postgres/server.sh createdb "$db"; done
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    "${pg_bin:+$pg_bin/}postgres" --version >"$out/pg-version" 2>/dev/null || true
    if ! "$server" rp-key --db "postgres://watchword@127.0.0.1:$pg_port/load1" >/dev/null 2>"$work/pg-probe"; then
        pg_skip="watchword-server could not open postgres://...: $(head -c 300 "$work/pg-probe")"
    fi
fi
if [ -z "$pg_skip" ]; then
    run_watchword pg1 "postgres://watchword@127.0.0.1:$pg_port/load1" 1
    run_watchword pg2 "postgres://watchword@127.0.0.1:$pg_port/load2" 2
else
    log "PostgreSQL runs skipped: $pg_skip"
    echo "$pg_skip" >"$out/pg-skipped"
fi

# 3. privacyIDEA 3.14 at the same concurrency (tests/privacyidea/server.sh:
# `pi-manage run`, SQLite, one process; users load000 ... load255).
tests/privacyidea/server.sh start
eval "$(tests/privacyidea/server.sh env)"
pi_pid=$(cat build/privacyidea/pid)
log "privacyIDEA: enrolling $pi_devices push tokens (RSA-4096 keys made by the phones), then loading"
"$gen" privacyidea --devices "$pi_devices" --concurrency "$concurrency" \
    --duration "$pi_duration" --warmup "$warmup" --server-pid "$pi_pid" >"$out/pi.json"
build/venv-pi/bin/pip show privacyidea 2>/dev/null | sed -n 's/^Version: //p' >"$out/pi-version"
tests/privacyidea/server.sh stop

uptime >"$out/load-after"
python3 bench/load/report.py "$out" bench/RESULTS.md
