#!/usr/bin/env bash
# schemathesis against a live watchword-server: the OpenAPI document the
# server serves (GET /openapi.json, compiled in from docs/openapi.json) is
# turned into requests, a bounded number per operation, and the run fails on
# a 5xx, a server that stops answering, a status or content type the
# document does not give, a response its schema refuses (so every refusal is
# a documented code at a documented status), an undocumented method that is
# served, or a relying-party or administrator call that works without its
# key.
#
# The server is the test build's binary (`serve` on 127.0.0.1, a port of the
# system's choosing, a database in a temporary folder), with a relying-party
# key, the administrator key (`watchword-server admin-key`), users "alice" and
# "carol" each with a device the CLI activated, and a user "bob" with an
# unused code. schemathesis uses these half of the time (so signed requests
# reach the timestamp, nonce and signature checks, sign-in requests are
# created and followed to their status, and the administrator lists, revokes
# and removes things that exist). Each security scheme of the document gets
# its own key ([auth.openapi.*] in the run's settings), so /v1/admin is
# exercised under the administrator key, not only refused; at the end each
# operation's responses by status are printed (from the server's /metrics)
# and every administrator operation must have succeeded at least once.
#
# Two runs, because the administrator's API can destroy what the run stands
# on: removeUser, revokeDevice and revokeRelyingParty given "alice", her
# device or the run's relying party (from the dictionaries below, or from
# earlier responses: schemathesis reuses the ids and names it has seen, and
# follows links through them) would leave every later signed request
# `unknown_device` and every relying-party call `unauthorized`, all documented
# but no longer reaching the checks behind them. So the first run is every
# other operation, on intact fixtures; the second is only those three and the
# operations that list or make what they take (devices, users, relying
# parties), when nothing depends on the fixtures any more. The trap stops the
# server whatever happens.
#
# One worker: two (threads) on Python 3.11 can trip CPython's AST
# recursion-depth race (gh-106905: a "Runtime Error" inside hypothesis, not a
# finding), and with the server on the same two cores one is faster anyway.
#
# Usage: tests/openapi/run.sh [BIN_DIR]   (default target/debug)
# WATCHWORD_OPENAPI_EXAMPLES bounds the examples per operation (default 120:
# about a minute for both runs on 2 cores); WATCHWORD_OPENAPI_SEED replays a
# run (schemathesis prints its seed). schemathesis is installed from PyPI
# into build/venv-openapi, pinned by tests/openapi/constraints.txt; a failed
# install fails this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(cd "${1:-target/debug}" && pwd)
for b in watchword-server watchword; do
  [ -x "$bin/$b" ] || { echo "missing $bin/$b: build the workspace first" >&2; exit 1; }
done

venv=$PWD/build/venv-openapi
version=$(sed -n 's/^schemathesis==//p' tests/openapi/constraints.txt)
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -qF "$version"; then
  command -v python3 >/dev/null || { echo "missing tool: python3 (CI does not skip)" >&2; exit 1; }
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r tests/openapi/constraints.txt
fi
"$venv/bin/schemathesis" --version

work=$(mktemp -d "${TMPDIR:-/tmp}/watchword-openapi.XXXXXX")
server_pid=
stop() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

export WATCHWORD_SERVER_PASSPHRASE="schemathesis run $$ $RANDOM"
db=$work/push.db
"$bin/watchword-server" serve --db "$db" --listen 127.0.0.1:0 2>"$work/serve.log" &
server_pid=$!
base=
for _ in $(seq 300); do
  base=$(sed -n 's/^watchword-server listening on \(http[^ ]*\)$/\1/p' "$work/serve.log")
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$base" ] || { cat "$work/serve.log" >&2; echo "the server did not start" >&2; exit 1; }
echo "server: $base (pid $server_pid)"

rp_key=$("$bin/watchword-server" rp-key --db "$db" add schemathesis)
admin_key=$("$bin/watchword-server" admin-key --db "$db")
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
# A phone (its own vault) activated for user $1 with the CLI: its device id.
phone() {
  local enrolment activated device
  enrolment=$("$bin/watchword-server" enrol --db "$db" --user "$1" --json)
  WATCHWORD_VAULT=$work/$1.vault WATCHWORD_PASSPHRASE="phone $$" \
    "$bin/watchword" init </dev/null >/dev/null
  activated=$(WATCHWORD_VAULT=$work/$1.vault WATCHWORD_PASSPHRASE="phone $$" \
    "$bin/watchword" activate --code "$(field "$enrolment" code)" --url "$(field "$enrolment" url)" </dev/null)
  echo "$activated" >&2
  device=$(sed -n 's/.*(device \(d[0-9a-f]*\)).*/\1/p' <<<"$activated")
  [ -n "$device" ] || { echo "no device id in the activation output" >&2; exit 1; }
  echo "$device"
}
device=$(phone alice)
# Carol's phone is only for revokeDevice: the second run may remove Alice
# (and so revoke her device) before it gets to revoking one.
spare_device=$(phone carol)
unused=$("$bin/watchword-server" enrol --db "$db" --user bob --json)

# The run's settings: tests/openapi/schemathesis.toml, the two keys (one a
# security scheme; read from the environment, so they are not written to the
# file), and what this server knows, for schemathesis to use half of the time
# instead of made-up values: Alice's device (so signed requests get past
# unknown_device to the timestamp, nonce and signature checks), Carol's (so
# revokeDevice revokes a device), the users (so sign-in requests are created
# and their status followed, a device list is not always empty, removeUser
# removes someone), an unused enrolment, and the run's own relying party
# (revokeRelyingParty, in the second run).
export WATCHWORD_OPENAPI_RP_KEY=$rp_key WATCHWORD_OPENAPI_ADMIN_KEY=$admin_key
config=$work/schemathesis.toml
cat tests/openapi/schemathesis.toml - >"$config" <<EOF

[auth.openapi.relyingParty]
bearer = "\${WATCHWORD_OPENAPI_RP_KEY}"
[auth.openapi.adminKey]
bearer = "\${WATCHWORD_OPENAPI_ADMIN_KEY}"

[dictionaries.devices]
values = ["$device"]
[dictionaries.spare_devices]
values = ["$spare_device"]
[dictionaries.users]
values = ["alice"]
[dictionaries.known_users]
values = ["alice", "bob"]
[dictionaries.enrolments]
values = ["$(field "$unused" enrolment_id)"]
[dictionaries.relying_parties]
values = ["schemathesis"]

[parameters]
"header.Watchword-Device" = { dictionary = "devices", probability = 0.5 }
"body.device_id" = { dictionary = "devices", probability = 0.5 }
"body.user" = { dictionary = "users", probability = 0.5 }
"path.enrolment_id" = { dictionary = "enrolments", probability = 0.5 }
"path.user" = { dictionary = "known_users", probability = 0.5 }

[[operations]]
include-operation-id = "revokeDevice"
parameters = { "path.id" = { dictionary = "spare_devices", probability = 0.5 } }

[[operations]]
include-operation-id = "revokeRelyingParty"
parameters = { "path.name" = { dictionary = "relying_parties", probability = 0.5 } }
EOF

destructive=(removeUser revokeDevice revokeRelyingParty)
# What the destructive operations take, listed or made.
producers=(listDevices enrolUser listRelyingParties addRelyingParty)
first=()
second=()
for op in "${destructive[@]}"; do
  first+=(--exclude-operation-id "$op")
  second+=(--include-operation-id "$op")
done
for op in "${producers[@]}"; do second+=(--include-operation-id "$op"); done

seed=()
[ -n "${WATCHWORD_OPENAPI_SEED:-}" ] && seed=(--seed "$WATCHWORD_OPENAPI_SEED")
# One run: its title, then its operation filters.
fuzz() {
  echo "--- schemathesis: $1"
  shift
  # In the temporary folder: hypothesis keeps its example database there.
  (
    cd "$work"
    timeout 300 "$venv/bin/schemathesis" --config-file "$config" \
      run "$base/openapi.json" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,missing_required_header,unsupported_method,ignored_auth \
      --max-examples "${WATCHWORD_OPENAPI_EXAMPLES:-120}" \
      --workers 1 \
      --request-timeout 10 \
      --warnings off \
      "${seed[@]}" "$@" 2>&1 | cut -c1-600
    exit "${PIPESTATUS[0]}"
  )
}
status=0
fuzz "every operation but the destructive ones" "${first[@]}" || status=$?
fuzz "the destructive ones, last" "${second[@]}" || status=$?

# What the runs reached, by the server's own request metrics: each
# documented operation's responses by status. Every administrator operation
# must have succeeded at least once: refusals alone would mean the runs
# never held the administrator key (or never found anything to act on).
curl -fsS "$base/metrics" >"$work/metrics.txt" || status=1
curl -fsS "$base/openapi.json" >"$work/openapi.json" || status=1
python3 - "$work/openapi.json" "$work/metrics.txt" <<'EOF' || status=1
import json, re, sys

doc = json.load(open(sys.argv[1]))
counts = {}
line = re.compile(r'^watchword_http_request_duration_seconds_count\{method="(\w+)",route="([^"]*)",status="(\d+)"\} (\d+)$')
for m in map(line.match, open(sys.argv[2]).read().splitlines()):
    if m:
        counts.setdefault((m[1].lower(), m[2]), {})[int(m[3])] = int(m[4])
print("--- responses by operation and status")
never = []
for path, item in doc["paths"].items():
    for method, op in item.items():
        statuses = counts.get((method, path), {})
        print(f"  {method.upper():6} {path:36} " + "  ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
        admin = {"adminKey": []} in op.get("security", [])
        if admin and not any(200 <= s < 300 for s in statuses):
            never.append(f"{method.upper()} {path}")
if never:
    sys.exit("administrator operations that never succeeded: " + ", ".join(never))
EOF

# No crash: the server still answers, and its log has no panic.
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server died during the run" >&2
  status=1
elif ! curl -fsS "$base/healthz" >/dev/null; then
  echo "the server no longer answers /healthz" >&2
  status=1
fi
if grep -n "panicked" "$work/serve.log" >&2; then
  echo "the server panicked during the run (above)" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  tail -n 40 "$work/serve.log" >&2
  echo "schemathesis against the server failed" >&2
fi
exit "$status"
