#!/usr/bin/env bash
# Builds the Rust core for Android and generates its Kotlin bindings, for
# the Gradle build (app/build.gradle.kts runs it before every build; it is
# incremental like any cargo build). Not run in CI: there is no NDK there.
#
#   android/build-rust.sh [JNILIBS_DIR] [KOTLIN_DIR]
#
# JNILIBS_DIR (default android/app/build/generated/watchword/jniLibs) gets
#   <abi>/libwatchword_ffi.so for each ABI in WATCHWORD_ABIS
#   (default: arm64-v8a armeabi-v7a x86_64);
# KOTLIN_DIR (default android/app/build/generated/watchword/kotlin) gets
#   app/watchword/core/watchword_ffi.kt.
#
# Needs: rustup targets for those ABIs, cargo-ndk (`cargo install cargo-ndk`),
# and the NDK (ANDROID_NDK_HOME, or the SDK's ndk/ folder that cargo-ndk finds
# through ANDROID_HOME). Release profile: a debug core is far bigger and slower.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
jnilibs=${1:-$here/app/build/generated/watchword/jniLibs}
kotlin=${2:-$here/app/build/generated/watchword/kotlin}
read -r -a abis <<< "${WATCHWORD_ABIS:-arm64-v8a armeabi-v7a x86_64}"
min_sdk=28

command -v cargo-ndk >/dev/null || { echo "cargo-ndk missing: cargo install cargo-ndk" >&2; exit 1; }
if [ -z "${ANDROID_NDK_HOME:-}" ] && [ -z "${ANDROID_HOME:-}" ] && [ -z "${ANDROID_NDK_ROOT:-}" ]; then
  echo "no NDK: set ANDROID_NDK_HOME (or ANDROID_HOME with an NDK installed by the SDK manager)" >&2
  exit 1
fi

triple() {
  case "$1" in
    arm64-v8a) echo aarch64-linux-android ;;
    armeabi-v7a) echo armv7-linux-androideabi ;;
    x86_64) echo x86_64-linux-android ;;
    x86) echo i686-linux-android ;;
    *) echo "unknown ABI: $1" >&2; exit 1 ;;
  esac
}

cd "$root"
targets=()
for abi in "${abis[@]}"; do
  rustup target add "$(triple "$abi")" >/dev/null
  targets+=(-t "$abi")
done

# One .so per ABI, copied by cargo-ndk into JNILIBS_DIR/<abi>/, in the
# `mobile` profile (root Cargo.toml: the release build made small). Relative
# relocations are packed (SHT_RELR with Android's tags, which bionic loads
# from API 28, our minSdk), as bench/ffi_size.sh measures with GNU ld.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,--pack-dyn-relocs=android+relr -C link-arg=-Wl,--use-android-relr-tags"
cargo ndk "${targets[@]}" --platform "$min_sdk" -o "$jnilibs" build --profile mobile --locked -p watchword-ffi

# The bindings are the same for every ABI: generate them (library mode, the
# workspace's pinned uniffi-bindgen, the repository's uniffi.toml) from the
# first ABI's library. uniffi-bindgen itself runs on the host.
lib="target/$(triple "${abis[0]}")/mobile/libwatchword_ffi.so"
rm -rf "$kotlin"
cargo run --release --locked -q -p uniffi-bindgen -- \
  generate --config uniffi.toml -l kotlin --no-format -o "$kotlin" "$lib"
echo "android: $jnilibs/{$(IFS=,; echo "${abis[*]}")}/libwatchword_ffi.so and $kotlin/app/watchword/core/watchword_ffi.kt"
