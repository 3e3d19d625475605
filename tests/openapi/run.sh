#!/usr/bin/env bash
# schemathesis against a live watchword-server: the OpenAPI document the
# server serves (GET /openapi.json, compiled in from docs/openapi.json) is
# turned into requests, a bounded number per operation, and the run fails on
# a 5xx, a server that stops answering, a status or content type the
# document does not give, a response its schema refuses (so every refusal is
# a documented code at a documented status), an undocumented method that is
# served, or a relying-party call that works without its key.
#
# The server is the test build's binary (`serve` on 127.0.0.1, a port of the
# system's choosing, a database in a temporary folder), with a relying-party
# key and a user "alice" whose device the CLI activated; schemathesis uses
# the device's id and the user half of the time (so signed requests reach
# the timestamp, nonce and signature checks, and sign-in requests are created
# and followed to their status). The trap stops the server whatever happens.
#
# Usage: tests/openapi/run.sh [BIN_DIR]   (default target/debug)
# WATCHWORD_OPENAPI_EXAMPLES bounds the examples per operation (default 200:
# about 45 s on 2 cores); WATCHWORD_OPENAPI_SEED replays a run (schemathesis
# prints its seed). schemathesis is installed from PyPI into
# build/venv-openapi, pinned by tests/openapi/constraints.txt; a failed
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
enrolment=$("$bin/watchword-server" enrol --db "$db" --user alice --json)
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
WATCHWORD_VAULT=$work/vault.db WATCHWORD_PASSPHRASE="phone $$" \
  "$bin/watchword" init </dev/null >/dev/null
activated=$(WATCHWORD_VAULT=$work/vault.db WATCHWORD_PASSPHRASE="phone $$" \
  "$bin/watchword" activate --code "$(field "$enrolment" code)" --url "$(field "$enrolment" url)" </dev/null)
echo "$activated"
device=$(sed -n 's/.*(device \(d[0-9a-f]*\)).*/\1/p' <<<"$activated")
[ -n "$device" ] || { echo "no device id in the activation output" >&2; exit 1; }
unused=$("$bin/watchword-server" enrol --db "$db" --user bob --json)

# The run's settings: tests/openapi/schemathesis.toml, and what this server
# knows, for schemathesis to use half of the time instead of made-up values:
# the device's id (so signed requests get past unknown_device to the
# timestamp, nonce and signature checks), its user (so sign-in requests are
# created, and their status followed), an unused enrolment.
config=$work/schemathesis.toml
cat tests/openapi/schemathesis.toml - >"$config" <<EOF

[dictionaries.devices]
values = ["$device"]
[dictionaries.users]
values = ["alice"]
[dictionaries.enrolments]
values = ["$(field "$unused" enrolment_id)"]

[parameters]
"header.Watchword-Device" = { dictionary = "devices", probability = 0.5 }
"body.device_id" = { dictionary = "devices", probability = 0.5 }
"body.user" = { dictionary = "users", probability = 0.5 }
"path.enrolment_id" = { dictionary = "enrolments", probability = 0.5 }
EOF

seed=()
[ -n "${WATCHWORD_OPENAPI_SEED:-}" ] && seed=(--seed "$WATCHWORD_OPENAPI_SEED")
status=0
# In the temporary folder: hypothesis keeps its example database there.
(
  cd "$work"
  timeout 300 "$venv/bin/schemathesis" --config-file "$config" \
    run "$base/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,missing_required_header,unsupported_method,ignored_auth \
    --header "Authorization: Bearer $rp_key" \
    --max-examples "${WATCHWORD_OPENAPI_EXAMPLES:-200}" \
    --workers 2 \
    --request-timeout 10 \
    --warnings off \
    "${seed[@]}" 2>&1 | cut -c1-600
  exit "${PIPESTATUS[0]}"
) || status=$?

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
