#!/usr/bin/env bash
# A live privacyIDEA 3.14 server on 127.0.0.1 for the integration tests.
#
#   tests/privacyidea/server.sh start   # venv, install, initialise, run, wait
#   tests/privacyidea/server.sh env     # prints the env vars the tests read
#   tests/privacyidea/server.sh stop    # stops the server this script started
#   tests/privacyidea/server.sh test    # start, cargo test the privacyidea_* tests, stop
#
# Everything lives under build/privacyidea/ (venv, pi.cfg, keys, SQLite,
# users file, log, pid). Re-running `start` is idempotent. Under CI=true a
# server that does not come up is a failure (exit 1), as everywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
state="$root/build/privacyidea"
venv="$root/build/venv-pi"
port="${PI_PORT:-5099}"
admin_user="admin"
admin_pass="${PI_ADMIN_PASSWORD:-watchword-test-admin}"
url="http://127.0.0.1:$port"

log() { printf '[privacyidea] %s\n' "$*" >&2; }

install() {
    if [ ! -x "$venv/bin/pi-manage" ]; then
        log "creating venv $venv and installing privacyidea==3.14 (pinned by constraints.txt)"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            privacyidea==3.14 -c "$here/constraints.txt"
    fi
}

write_config() {
    mkdir -p "$state"
    # Random secrets once per state dir (test server, never a real one).
    if [ ! -f "$state/pi.cfg" ]; then
        local secret pepper
        secret="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
        pepper="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
        cat >"$state/pi.cfg" <<CFG
SQLALCHEMY_DATABASE_URI = 'sqlite:///$state/pi-$port.sqlite'
SECRET_KEY = '$secret'
PI_PEPPER = '$pepper'
PI_ENCFILE = '$state/enckey'
PI_AUDIT_KEY_PRIVATE = '$state/private.pem'
PI_AUDIT_KEY_PUBLIC = '$state/public.pem'
PI_LOGFILE = '$state/privacyidea.log'
PI_LOGLEVEL = 20
CFG
        chmod 600 "$state/pi.cfg"
    fi
    # SQLAlchemy's default pool (5 + 10 overflow) runs dry under the load
    # generator's concurrent requests (bench/load/run.sh: each request may
    # hold two connections, the second for its audit entry) and every
    # request then fails after 30 s: room for 64 at once. Added to older
    # state directories too.
    if ! grep -q '^SQLALCHEMY_ENGINE_OPTIONS' "$state/pi.cfg"; then
        echo 'SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 32, "max_overflow": 32}' >>"$state/pi.cfg"
    fi
    # passwd-style users for the resolver (no passwords needed). The tests give
    # each scenario its own user so user-scoped policies do not interfere.
    cat >"$state/users" <<USERS
alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/sh
bob:x:1001:1001:Bob Example,,,:/home/bob:/bin/sh
carol:x:1002:1002:Carol Example,,,:/home/carol:/bin/sh
dave:x:1003:1003:Dave Example,,,:/home/dave:/bin/sh
erin:x:1004:1004:Erin Example,,,:/home/erin:/bin/sh
frank:x:1005:1005:Frank Example,,,:/home/frank:/bin/sh
grace:x:1006:1006:Grace Example,,,:/home/grace:/bin/sh
heidi:x:1007:1007:Heidi Example,,,:/home/heidi:/bin/sh
ivan:x:1008:1008:Ivan Example,,,:/home/ivan:/bin/sh
judy:x:1009:1009:Judy Example,,,:/home/judy:/bin/sh
ken:x:1010:1010:Ken Example (the Kotlin binding tests),,,:/home/ken:/bin/sh
USERS
    # The load generator's users (bench/load/run.sh): load000 ... load255,
    # one push token each.
    for i in $(seq 0 255); do
        printf 'load%03d:x:%d:%d:Load %d,,,:/home/load%03d:/bin/sh\n' "$i" $((2000 + i)) $((2000 + i)) "$i" "$i"
    done >>"$state/users"
}

pim() { PRIVACYIDEA_CONFIGFILE="$state/pi.cfg" "$venv/bin/pi-manage" "$@"; }

initialise() {
    [ -f "$state/enckey" ] || pim setup create_enckey >/dev/null
    [ -f "$state/private.pem" ] || pim setup create_audit_keys >/dev/null
    if [ ! -f "$state/.tables-$port" ]; then
        pim setup create_tables >/dev/null
        # `admin add` fails when the admin exists: only on a fresh database.
        pim admin add "$admin_user" -p "$admin_pass" >/dev/null
        touch "$state/.tables-$port"
    fi
}

running() { [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

start() {
    local t0=$SECONDS
    install
    write_config
    initialise
    if ! running; then
        log "starting on $url"
        PRIVACYIDEA_CONFIGFILE="$state/pi.cfg" nohup "$venv/bin/pi-manage" run \
            -h 127.0.0.1 -p "$port" --no-reload >"$state/server.out" 2>&1 &
        echo $! >"$state/pid"
    fi
    if ! "$venv/bin/python" "$here/configure.py" wait "$url"; then
        log "server did not answer on $url within 90 s; last output:"
        tail -n 30 "$state/server.out" >&2 || true
        return 1
    fi
    # Resolver, realm, policies over REST (idempotent: POSTs overwrite).
    "$venv/bin/python" "$here/configure.py" setup "$url" "$admin_user" "$admin_pass" "$state/users"
    log "ready on $url after $((SECONDS - t0)) s"
}

stop() {
    if running; then
        local pid; pid="$(cat "$state/pid")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
        log "stopped (pid $pid)"
    fi
    rm -f "$state/pid"
}

print_env() {
    echo "export WATCHWORD_PI_URL=$url"
    echo "export WATCHWORD_PI_ADMIN=$admin_user"
    echo "export WATCHWORD_PI_PASSWORD=$admin_pass"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) print_env ;;
    test)
        trap stop EXIT
        start
        eval "$(print_env)"
        cd "$root"
        cargo test --locked -p watchword-tests --test 'privacyidea_*' -- --test-threads=1
        ;;
    *) echo "usage: $0 start|stop|env|test" >&2; exit 2 ;;
esac
