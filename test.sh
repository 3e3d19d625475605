#!/usr/bin/env bash
# Watchword's one test command: installs what it needs, then runs every check.
# `.ci/run` calls exactly this. Under CI=true a missing tool is a failure.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

# Disk: a fresh clone's build is several gigabytes; incremental caches only
# help a developer rebuilding the same crates, so CI does without them.
# Every cargo call below uses --workspace, so features unify the same way
# each time and no test binary is built twice.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi

# --- the third-party test corpus (README: "The test corpus") -----------------
# Other apps' exports and real camera frames are not kept in the repo; test
# groups that need them find them through WATCHWORD_SHARED (default: shared/
# beside the repository). Absent, each such group prints one "skipped:" line
# and is recorded in WATCHWORD_SKIP_LOG; this script ends with their count.
# Under CI=true an absent corpus is a failure, never a skip.
WATCHWORD_SKIP_LOG=$(mktemp "${TMPDIR:-/tmp}/watchword-skipped.XXXXXX")
export WATCHWORD_SKIP_LOG
corpus_summary() {
  local n
  n=$(sort -u "$WATCHWORD_SKIP_LOG" | grep -c . || true)
  if [ "$n" -gt 0 ]; then
    echo "Skipped for want of the third-party test corpus (${WATCHWORD_SHARED:-../shared}):"
    sort -u "$WATCHWORD_SKIP_LOG" | sed 's/^/  - /'
  fi
  echo "corpus: $n test groups skipped"
  rm -f "$WATCHWORD_SKIP_LOG"
}

step "format"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The shipped phone library alone: the core without its `reqwest` feature
# (the workspace run above unifies it on through the CLI and tests).
cargo clippy -p watchword-ffi -p watchword-core --no-default-features --all-targets --locked -- -D warnings

# --- cargo deny (issue 19) -------------------------------------------------
# Advisories (the vendored RustSec snapshot: third_party/rustsec-advisory-db,
# this machine cannot reach GitHub), licences, duplicate versions, sources;
# every accepted exception is in deny.toml with its reason.
step "cargo deny: advisories, licences, duplicates, sources"
command -v cargo-deny >/dev/null || cargo install -q --locked cargo-deny --version 0.20.2
advisory_db=target/advisory-dbs/advisory-db-3157b0e258782691
rm -rf "$advisory_db" && mkdir -p "$advisory_db"
cp -r third_party/rustsec-advisory-db/. "$advisory_db/"
(
  cd "$advisory_db"
  git init -q && git add -A
  GIT_AUTHOR_DATE=2026-08-21T08:28:40+02:00 GIT_COMMITTER_DATE=2026-08-21T08:28:40+02:00 \
    git -c user.name=watchword -c user.email=ci@localhost commit -q -m "RustSec snapshot (NOTE.md)"
)
# Every target's crates (cargo deny reads the whole graph, Windows and Redox
# included), then the check with nothing fetched behind it.
cargo fetch --locked
cargo deny --offline --locked check

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
trap 'tests/privacyidea/server.sh stop || true; tests/postgres/server.sh stop || true; rm -f "$WATCHWORD_SKIP_LOG"' EXIT
tests/privacyidea/server.sh start
eval "$(tests/privacyidea/server.sh env)"
echo "privacyIDEA server up after $((SECONDS - pi_t0)) s"
# --- end privacyIDEA ------------------------------------------------------

# --- PostgreSQL for the push server (issue 20) --------------------------------
# Debian's postgresql package (installed by the script when missing), a
# cluster in a fresh temporary directory on 127.0.0.1:55432, stopped and
# deleted by the trap above. The push suites run on SQLite in "rust tests"
# and again on PostgreSQL below; tests/tests/push_instances.rs (two
# instances on one database) needs it and fails under CI=true without it.
step "PostgreSQL: a throwaway server on 127.0.0.1 for the server's second backend"
tests/postgres/server.sh start
eval "$(tests/postgres/server.sh env)"
# --- end PostgreSQL ---------------------------------------------------------

# --- push delivery peers (issue 17) ------------------------------------------
# Independent implementations that check what the server sends: http-ece,
# pywebpush, py-vapid, PyJWT (pinned in tests/push/constraints.txt) in
# build/venv-push. tests/tests/push_delivery.rs runs tests/push/peer.py with
# it; without it those checks are skipped and counted, under CI=true failed.
step "push peers: http-ece, pywebpush, py-vapid, PyJWT in a venv"
eval "$(tests/push/peers.sh)"
"$WATCHWORD_PUSH_PY" -c 'import http_ece, pywebpush, py_vapid, jwt' || {
  echo "the push peers did not install (CI does not skip)" >&2; exit 1; }

step "rust tests"
cargo test --workspace --locked

# The corpus rule itself, on one group that needs the corpus: pointed at an
# empty folder it is skipped and counted outside CI, and fails under CI=true.
step "corpus rule: an absent corpus is skipped and counted, or fails under CI=true"
absent=$(mktemp -d)
if ! out=$(WATCHWORD_SHARED="$absent" CI=false WATCHWORD_SKIP_LOG="$absent/log" \
    cargo test -q --locked --workspace --test otp_vectors 2>&1); then
  echo "$out"; echo "with no corpus outside CI, the group must pass with skips" >&2; exit 1
fi
grep -q "skipped: otp: " <<<"$out" && [ -s "$absent/log" ] || {
  echo "$out"; echo "with no corpus, no 'skipped:' line or skip record" >&2; exit 1; }
if WATCHWORD_SHARED="$absent" CI=true cargo test -q --locked --workspace --test otp_vectors >/dev/null 2>&1; then
  echo "negative control failed: with no corpus under CI=true the group passed" >&2; exit 1
fi
rm -rf "$absent"
echo "absent corpus: skipped with a reason outside CI, a failure under CI=true"

# The same rule for a live peer the tests need: without VAR its test group
# is skipped and counted outside CI (never silently passed), failed under CI.
# skip_rule VAR LABEL TEST: LABEL is how the group's "skipped:" line starts.
skip_rule() {
  local var=$1 label=$2 test=$3 absent out
  absent=$(mktemp -d)
  if ! out=$(env -u "$var" CI=false WATCHWORD_SKIP_LOG="$absent/log" \
      cargo test -q --locked --workspace --test "$test" 2>&1); then
    echo "$out"; echo "without $label outside CI, the group must pass with skips" >&2; exit 1
  fi
  grep -q "skipped: $label: " <<<"$out" && [ -s "$absent/log" ] || {
    echo "$out"; echo "without $label, no 'skipped:' line or skip record" >&2; exit 1; }
  if env -u "$var" CI=true cargo test -q --locked --workspace --test "$test" >/dev/null 2>&1; then
    echo "negative control failed: without $label under CI=true the group passed" >&2; exit 1
  fi
  rm -rf "$absent"
  echo "absent $label: skipped and counted outside CI, a failure under CI=true"
}
skip_rule WATCHWORD_PI_URL privacyIDEA privacyidea_otp

# One suite, two backends: every push test server again on PostgreSQL (a
# fresh database each, tests/src/databases.rs), and the several-instance
# tests. Then the same skip rule: without WATCHWORD_PG_URL the instance
# tests are skipped and counted outside CI, failed under CI=true.
step "push server suites on PostgreSQL (the same tests, every server on PostgreSQL)"
push_suites=(--test push_activation --test push_admin --test push_budget --test push_concurrency
  --test push_delivery --test push_flow --test push_security)
WATCHWORD_TEST_DB=postgres cargo test --locked --workspace "${push_suites[@]}"
skip_rule WATCHWORD_PG_URL PostgreSQL push_instances

need() {
  # Under CI=true a missing tool is a failure, never a skip.
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool (install it; CI does not skip)" >&2; exit 1; }
  done
}

# Everything after this uses the test build above: bindings/generate.sh
# --debug builds the workspace with the targets `cargo test` builds (so the
# same features, and nothing is compiled again), and the steps
# below run the binaries it made (target/debug/{watchword,swift-check,
# uniffi-bindgen,watchword-server}) rather than `cargo run -p`, whose
# per-package feature resolution would rebuild shared dependencies.
# (Binaries that no test runs, uniffi-bindgen's, the bench's, are linked here
# for the first time: only workspace crates may appear, never a dependency.)
step "the test build is reused: a workspace build now compiles no dependency again"
if cargo build --locked --workspace --lib --bins --tests --examples 2>&1 \
    | grep "Compiling" | grep -v "($PWD/"; then
  echo "the workspace build after 'cargo test --workspace' compiled the dependencies above again" >&2
  exit 1
fi

step "bindings: Kotlin on the JVM (generated from the real library)"
need java mvn
tests/kotlin/run.sh

step "bindings: Swift syntax (tree-sitter-swift) and public API snapshot"
# No Swift toolchain exists here: the generated Swift is parsed, not compiled.
target/debug/swift-check target/bindings/swift
api_now=$(target/debug/swift-check --api target/bindings/swift/WatchwordCore.swift)
if [ "${UPDATE_API_SNAPSHOT:-}" = 1 ]; then
  printf '%s\n' "$api_now" > bindings/api/WatchwordCore.swift.txt
fi
if ! diff -u bindings/api/WatchwordCore.swift.txt <(printf '%s\n' "$api_now"); then
  echo "The Swift API changed. If intended: UPDATE_API_SNAPSHOT=1 ./test.sh, and commit bindings/api/." >&2
  exit 1
fi

# --- push approvals (issue 6) ---------------------------------------------
step "push demo (server, phone and relying party over loopback)"
target/debug/watchword demo --yes

# --- the HTTP API's OpenAPI description (issue 20) ---------------------------
# docs/openapi.json (served at /openapi.json) is checked against the server
# by tests/tests/push_openapi.rs above; here schemathesis (from PyPI, pinned
# in tests/openapi/constraints.txt, installed into build/venv-openapi by the
# script) runs against a live `watchword-server serve` of the test build on
# 127.0.0.1, a bounded number of examples per operation: no 5xx, no crash,
# every status, content type and refusal code as documented. The script's
# trap stops the server whatever happens.
step "OpenAPI: schemathesis against a live server"
tests/openapi/run.sh target/debug

# --- README examples (issue 15) ----------------------------------------------
# Every command example in README.md, run in order in one bash session in a
# scratch directory and compared with the README text (the rules are at the
# top of tests/readme/run_examples.py), so README and programs cannot drift
# apart. Its privacyIDEA examples use the live server started above (still
# running: the trap stops it on exit). `--self-test` checks the comparison
# rules first, both ways (a changed word must fail).
step "README examples"
python3 tests/readme/run_examples.py --self-test
python3 tests/readme/run_examples.py

# --- iOS shell (issue 10) ---------------------------------------------------
# No Swift toolchain or Xcode here, so the app is not compiled. Checked:
# every Swift file under ios/ (recursively) parses with tree-sitter-swift;
# its calls into the core fit the generated API (names and argument labels;
# not types); ios/project.yml (XcodeGen) is valid YAML naming sources that
# exist, with the Info.plist keys and entitlements the app and its
# Notification Service Extension need; each target's texts (issue 21): its
# English and Dutch tables have the same keys and placeholders, every key its
# Swift uses is in both, no Swift shows English of its own, every error kind
# of the core has a message, the Dutch avoids what docs/glossary-nl.md says
# to. Negative controls: a copy of ios/ with one broken Swift file, one with
# a wrong argument label, and one with a Dutch key missing, must fail.
step "iOS shell: Swift syntax, calls into the core, XcodeGen spec, English and Dutch texts"
target/debug/swift-check ios
target/debug/swift-check --uses target/bindings/swift/WatchwordCore.swift ios
target/debug/swift-check --xcodegen ios/project.yml
target/debug/swift-check --strings ios/project.yml bindings/api/WatchwordCore.swift.txt docs/glossary-nl.md
ios_copy=$(mktemp -d)
cp -R ios "$ios_copy/ios"
printf 'struct Broken {\n    func f( {\n}\n' > "$ios_copy/ios/Watchword/Screens/Broken.swift"
if target/debug/swift-check "$ios_copy/ios" 2>/dev/null; then
  echo "negative control failed: a broken Swift file under ios/ passed the check" >&2
  exit 1
fi
rm "$ios_copy/ios/Watchword/Screens/Broken.swift"
sed -i 's/rowStride: UInt32(rowStride)/stride: UInt32(rowStride)/' "$ios_copy/ios/Watchword/Camera/CameraScanner.swift"
if target/debug/swift-check --uses target/bindings/swift/WatchwordCore.swift "$ios_copy/ios" 2>/dev/null; then
  echo "negative control failed: a call with a wrong label passed the API check" >&2
  exit 1
fi
sed -i '/^"approve" = /d' "$ios_copy/ios/Watchword/Resources/nl.lproj/Localizable.strings"
if target/debug/swift-check --strings "$ios_copy/ios/project.yml" bindings/api/WatchwordCore.swift.txt docs/glossary-nl.md 2>/dev/null; then
  echo "negative control failed: a key missing in Dutch passed the texts check" >&2
  exit 1
fi
rm -rf "$ios_copy"
echo "negative controls: a broken Swift file, a wrong label and a missing Dutch key under ios/ fail the checks, as they should"
# --- end iOS shell -----------------------------------------------------------
# --- Android shell (issue 10) ---------------------------------------------
# There is no Android SDK, NDK or Google Maven here, so no APK is built:
# android/ci/check.sh compiles every Kotlin source of the shell with the
# bindings generated above (target/bindings/kotlin) and the R class that
# aapt writes from res/ (Debian's Android 10 aapt: no aapt2 here) against
# the Android 15 framework classes from Maven Central (org.robolectric:android-all), JNA
# and kotlinx-coroutines-android, warnings as errors; checks the texts
# (issue 21: English and Dutch with the same keys, plural forms and
# placeholders, a message per error kind of the core, no English in the
# Kotlin, the glossary's Dutch terms); checks that AndroidManifest.xml is
# well-formed and names only compiled classes; and runs negative controls
# (damaged texts, a broken Kotlin file and bad manifests must fail).
step "Android shell: texts, compile against the framework jar, manifest, negative controls"
need java mvn python3
android/ci/check.sh
# The shell itself on the JVM (issue 21): Robolectric (Maven Central) runs
# its accounts, approval and enrol screens, the push (UnifiedPush) and Deny
# receivers and the poll job on Android 15 against the real library (the
# test build's, through JNA) and a loopback watchword-server, with the
# resource APK aapt made (English and values-nl). Only the AndroidKeyStore
# and the biometric prompt are replaced (a software key wrapper, a gate the
# test answers); android/README.md says what runs there and what is only
# compiled.
step "Android shell on the JVM: Robolectric against the real library and a loopback server"
need java mvn
android/robolectric/run.sh
# --- end Android shell ------------------------------------------------------

# Maven's Kotlin plugin compiles in-process (kotlin.compiler.daemon=false in
# both poms): a Kotlin daemon left behind holds gigabytes for hours.
step "nothing left running"
if pgrep -af 'KotlinCompileDaemon|kotlin-daemon'; then
  echo "a Kotlin compile daemon is still running after the Kotlin steps" >&2
  exit 1
fi
echo "no Kotlin compile daemon left behind"

# --- fuzzing (issue 19) -------------------------------------------------------
# Every cargo-fuzz target of fuzz/ (libFuzzer + AddressSanitizer, nightly)
# for WATCHWORD_FUZZ_SECONDS each, from its seeds into a temporary corpus.
# A crash fails the run; its input is in fuzz/artifacts/<target>/
# (fuzz/README.md: fixing it, keeping it as a regression test). cargo-fuzz
# is installed when missing; under CI=true a missing nightly is a failure.
step "fuzz: every target, ${WATCHWORD_FUZZ_SECONDS:-20} s each"
need rustup
rustup run nightly rustc --version >/dev/null || { echo "missing tool: the nightly toolchain (CI does not skip)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install -q --locked cargo-fuzz --version 0.13.1
fuzz_corpus=$(mktemp -d)
(
  cd fuzz
  cargo +nightly fuzz build -O 2>&1 | grep -v "^\s*Compiling" || true
  for target in $(cargo +nightly fuzz list); do
    mkdir -p "$fuzz_corpus/$target"
    if ! out=$(cargo +nightly fuzz run -O "$target" "$fuzz_corpus/$target" "seeds/$target" -- \
        -max_total_time="${WATCHWORD_FUZZ_SECONDS:-20}" -rss_limit_mb=3072 -print_final_stats=1 2>&1); then
      echo "$out" | tail -40
      echo "fuzz target $target crashed (input in fuzz/artifacts/$target/)" >&2
      exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' <<<"$out" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz $target: $runs runs, no crash"
  done
)
rm -rf "$fuzz_corpus"

step "summary"
corpus_summary
