#!/usr/bin/env bash
# Makes build/venv-push with the push peers of tests/push/peer.py (pinned by
# constraints.txt) and prints `export WATCHWORD_PUSH_PY=...` for test.sh to
# eval. Idempotent: an existing venv with the pinned versions is reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=build/venv-push
if ! "$venv/bin/python" -c 'import http_ece, pywebpush, py_vapid, jwt' 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q -r tests/push/constraints.txt >&2
fi
echo "export WATCHWORD_PUSH_PY=$PWD/$venv/bin/python"
