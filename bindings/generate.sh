#!/usr/bin/env bash
# Builds watchword-ffi and generates the Kotlin and Swift bindings in library
# mode with the in-workspace (exactly pinned) uniffi-bindgen.
#
#   bindings/generate.sh [--debug] [--self-test] [OUT_DIR]
#                                        (default OUT_DIR: target/bindings)
#
# Output: OUT_DIR/kotlin/app/watchword/core/watchword_ffi.kt,
#         OUT_DIR/swift/{WatchwordCore.swift, WatchwordCoreFFI.h, WatchwordCoreFFI.modulemap},
#         OUT_DIR/lib/libwatchword_ffi.so (the library the bindings load).
# The `mobile` profile is the default (what ships: the release build made
# small; `strip = "debuginfo"` keeps the symbol table the generator reads).
# CI's Kotlin tests use --debug to reuse the test build.
# --self-test enables the `self-test` feature (the exported self_test_panic
# the Kotlin panic test calls); without it the API is the shipped one, which
# the Swift API snapshot records.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=mobile
if [ "${1:-}" = "--debug" ]; then profile=debug; shift; fi
features=()
if [ "${1:-}" = "--self-test" ]; then features=(--features watchword-ffi/self-test); shift; fi
out="${1:-target/bindings}"
flag=(); [ "$profile" = mobile ] && flag=(--release)
if [ "$profile" = debug ]; then
  # The whole workspace with the targets `cargo test` builds (not the
  # benches), so features unify exactly as in `cargo test --workspace`
  # (dev-dependencies included) and the test build's artifacts are reused
  # instead of rebuilt. The generator is the
  # binary that build made: `cargo run -p uniffi-bindgen` would resolve
  # features for that one package, rebuild uniffi, and make the next
  # workspace build rebuild it back.
  cargo build --locked --workspace --lib --bins --tests --examples "${features[@]}"
  bindgen=(target/debug/uniffi-bindgen)
else
  cargo build --profile mobile --locked -p watchword-ffi "${features[@]}"
  bindgen=(cargo run "${flag[@]}" --locked -q -p uniffi-bindgen --)
fi
lib="target/$profile/libwatchword_ffi.so"
rm -rf "$out/kotlin" "$out/swift"
mkdir -p "$out/lib"
"${bindgen[@]}" generate --config uniffi.toml -l kotlin --no-format -o "$out/kotlin" "$lib"
"${bindgen[@]}" generate --config uniffi.toml -l swift --no-format -o "$out/swift" "$lib"
cp "$lib" "$out/lib/"
echo "generated: $out/kotlin $out/swift ($profile library $lib)"
