#!/usr/bin/env bash
# Push round-trip benchmark: 1000 full round trips on loopback (p50/p99),
# the same round trip against a live privacyIDEA 3.14 (100 rounds), and in
# the same run the signature work per challenge against
# privacyIDEA's RSA-4096 scheme. Writes the `push` section of
# bench/RESULTS.md. Usage: bench/push/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build
key="$PWD/build/bench-rsa4096.der"
if [ ! -s "$key" ]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -outform DER -out "$key" 2>/dev/null
fi
# privacyIDEA 3.14 on 127.0.0.1 for the peer round trip (installed into
# build/venv-pi on first use), stopped when this script ends.
trap 'tests/privacyidea/server.sh stop >/dev/null 2>&1 || true' EXIT
tests/privacyidea/server.sh start
eval "$(tests/privacyidea/server.sh env)"
WATCHWORD_BENCH_RSA_KEY="$key" cargo bench -q -p watchword-bench --bench push > build/push-bench.json
python3 bench/push/report.py build/push-bench.json bench/RESULTS.md
