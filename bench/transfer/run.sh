#!/usr/bin/env bash
# Transfer benchmark: import (encrypted Aegis JSON) and backup/restore of a
# 1,000-account vault, wall time and peak RSS per operation (one process
# each), against Aegis's reference decryptor logic and Watchword's backup
# steps in Python, same run, same files. Writes the `transfer` section of
# bench/RESULTS.md. Usage: bench/transfer/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/bench-venv
if ! "$venv/bin/python" -c 'import cryptography, argon2' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'cryptography==51.0.1' 'argon2-cffi==25.1.0'
fi
cargo build --release -q -p watchword-bench --bin transfer-bench
"$venv/bin/python" bench/transfer/report.py target/release/transfer-bench target/bench-transfer bench/RESULTS.md
