#!/usr/bin/env bash
# Delivery benchmark (issue 17): round trips with and without delivery
# through APNs on loopback, the added latency, APNs and Web Push
# notifications per second, and pywebpush as the Web Push peer in the same
# run. Writes the `delivery` section of bench/RESULTS.md.
# Usage: bench/delivery/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build
eval "$(tests/push/peers.sh)"
cargo bench -q -p watchword-bench --bench delivery > build/delivery-bench.json
python3 bench/delivery/report.py build/delivery-bench.json bench/RESULTS.md
