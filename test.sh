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

need() {
  # Under CI=true a missing tool is a failure, never a skip.
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool (install it; CI does not skip)" >&2; exit 1; }
  done
}

step "bindings: Kotlin on the JVM (generated from the real library)"
need java mvn
tests/kotlin/run.sh

step "bindings: Swift syntax (tree-sitter-swift) and public API snapshot"
# No Swift toolchain exists here: the generated Swift is parsed, not compiled.
cargo run -q --locked -p swift-check -- target/bindings/swift
api_now=$(cargo run -q --locked -p swift-check -- --api target/bindings/swift/WatchwordCore.swift)
if [ "${UPDATE_API_SNAPSHOT:-}" = 1 ]; then
  printf '%s\n' "$api_now" > bindings/api/WatchwordCore.swift.txt
fi
if ! diff -u bindings/api/WatchwordCore.swift.txt <(printf '%s\n' "$api_now"); then
  echo "The Swift API changed. If intended: UPDATE_API_SNAPSHOT=1 ./test.sh, and commit bindings/api/." >&2
  exit 1
fi

# --- push approvals (issue 6) ---------------------------------------------
step "push demo (server, phone and relying party over loopback)"
cargo run --quiet --locked -p watchword-cli -- demo --yes
