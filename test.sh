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
# The shipped phone library alone: the core without its `reqwest` feature
# (the workspace run above unifies it on through the CLI and tests).
cargo clippy -p watchword-ffi -p watchword-core --no-default-features --all-targets --locked -- -D warnings

# --- privacyIDEA push and OATH against a live privacyIDEA 3.14 (issue 7) ---
# Before the Rust tests, because they include tests/tests/privacyidea_*.rs,
# which under CI=true fail without the server. tests/privacyidea/server.sh
# installs privacyidea==3.14 into build/venv-pi (pinned by
# tests/privacyidea/constraints.txt), initialises SQLite, an admin, a passwd
# resolver, a realm and the push policies, and runs it on 127.0.0.1. A server
# that does not come up fails this script (set -e); the trap stops it whatever
# happens.
step "privacyIDEA: live 3.14 server on 127.0.0.1 for the privacyidea_* tests"
need_pi() { command -v python3 >/dev/null || { echo "missing tool: python3 (CI does not skip)" >&2; exit 1; }; }
need_pi
pi_t0=$SECONDS
trap 'tests/privacyidea/server.sh stop || true' EXIT
tests/privacyidea/server.sh start
eval "$(tests/privacyidea/server.sh env)"
echo "privacyIDEA server up after $((SECONDS - pi_t0)) s"
# --- end privacyIDEA ------------------------------------------------------

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

# --- iOS shell (issue 10) ---------------------------------------------------
# No Swift toolchain or Xcode here, so the app is not compiled. Checked:
# every Swift file under ios/ (recursively) parses with tree-sitter-swift;
# its calls into the core fit the generated API (names and argument labels;
# not types); ios/project.yml (XcodeGen) is valid YAML naming sources that
# exist, with the Info.plist keys and entitlements the app and its
# Notification Service Extension need. Negative controls: a copy of ios/
# with one broken Swift file, and one with a wrong argument label, must fail.
step "iOS shell: Swift syntax, calls into the core, XcodeGen spec"
cargo run -q --locked -p swift-check -- ios
cargo run -q --locked -p swift-check -- --uses target/bindings/swift/WatchwordCore.swift ios
cargo run -q --locked -p swift-check -- --xcodegen ios/project.yml
ios_copy=$(mktemp -d)
cp -R ios "$ios_copy/ios"
printf 'struct Broken {\n    func f( {\n}\n' > "$ios_copy/ios/Watchword/Screens/Broken.swift"
if cargo run -q --locked -p swift-check -- "$ios_copy/ios" 2>/dev/null; then
  echo "negative control failed: a broken Swift file under ios/ passed the check" >&2
  exit 1
fi
rm "$ios_copy/ios/Watchword/Screens/Broken.swift"
sed -i 's/rowStride: UInt32(rowStride)/stride: UInt32(rowStride)/' "$ios_copy/ios/Watchword/Camera/CameraScanner.swift"
if cargo run -q --locked -p swift-check -- --uses target/bindings/swift/WatchwordCore.swift "$ios_copy/ios" 2>/dev/null; then
  echo "negative control failed: a call with a wrong label passed the API check" >&2
  exit 1
fi
rm -rf "$ios_copy"
echo "negative controls: a broken Swift file and a wrong label under ios/ fail the checks, as they should"
# --- end iOS shell -----------------------------------------------------------
# --- Android shell (issue 10) ---------------------------------------------
# There is no Android SDK, NDK or Google Maven here, so no APK is built:
# android/ci/check.sh compiles every Kotlin source of the shell with the
# bindings generated above (target/bindings/kotlin) against the Android 15
# framework classes from Maven Central (org.robolectric:android-all), JNA
# and kotlinx-coroutines-android, warnings as errors; checks that
# AndroidManifest.xml is well-formed and names only compiled classes; and
# runs negative controls (a broken Kotlin file and bad manifests must fail).
step "Android shell: compile against the framework jar, manifest, negative controls"
need java mvn python3
android/ci/check.sh
# --- end Android shell ------------------------------------------------------
