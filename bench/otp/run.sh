#!/usr/bin/env bash
# OTP benchmark: Watchword vs the bare HMAC (criterion) and vs pyotp, in one
# run, on the same 64 accounts per algorithm. Writes the `otp` section of
# bench/RESULTS.md. Usage: bench/otp/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=build/venv-bench
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'pyotp==2.9.0'
fi
cargo bench -p watchword-bench --bench otp -- --noplot >/dev/null
"$venv/bin/python" bench/otp/pyotp_loop.py > build/pyotp.json
python3 bench/otp/report.py target/criterion build/pyotp.json bench/RESULTS.md
