#!/usr/bin/env bash
# Watchword's one test command: installs what it needs, then runs every check.
# `.ci/run` calls exactly this. Under CI=true a missing tool is a failure.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "rust tests"
cargo test --workspace --locked

# --- push approvals (issue 6) ---------------------------------------------
step "push demo (server, phone and relying party over loopback)"
cargo run --quiet --locked -p watchword-cli -- demo --yes
