#!/usr/bin/env bash
# Builds the Rust core for iOS and the Swift bindings the Xcode project
# consumes. Runs on a Mac with Xcode and rustup (not on the Linux CI machines:
# there is no Xcode there). From anywhere:
#
#   ios/build-xcframework.sh [--debug]
#
# 1. cargo builds the static library `libwatchword_ffi.a` (crate
#    watchword-ffi) for aarch64-apple-ios (devices), aarch64-apple-ios-sim
#    and x86_64-apple-ios (simulators on Apple silicon and Intel Macs);
# 2. lipo joins the two simulator slices into one fat library;
# 3. the workspace's pinned uniffi-bindgen (bindings/uniffi-bindgen, the same
#    one bindings/generate.sh uses) generates, from the device library,
#      ios/Generated/WatchwordCore.swift          (compiled by the WatchwordCore target)
#      ios/Generated/include/WatchwordCoreFFI.h   (the C interface)
#      ios/Generated/include/module.modulemap     (module WatchwordCoreFFI)
# 4. xcodebuild -create-xcframework writes
#      ios/Frameworks/WatchwordCoreFFI.xcframework (device + simulator libraries, headers).
#
# Then: cd ios && xcodegen generate && open Watchword.xcodeproj
set -euo pipefail
cd "$(dirname "$0")/.."

# The `mobile` profile (root Cargo.toml): the release build made small,
# which is what bench/ffi_size.sh measures against the size goal.
profile=mobile
# ${flag[@]+...} below: macOS ships bash 3.2, where an empty array trips `set -u`.
flag=(--profile mobile)
if [ "${1:-}" = "--debug" ]; then profile=debug; flag=(); fi

for tool in cargo rustup xcodebuild lipo; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (needs a Mac with Xcode and rustup)" >&2; exit 1; }
done

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "$device" "${simulators[@]}"

# The oldest iOS the app supports (project.yml deploymentTarget).
export IPHONEOS_DEPLOYMENT_TARGET=17.0
for target in "$device" "${simulators[@]}"; do
  cargo build ${flag[@]+"${flag[@]}"} --locked -p watchword-ffi --lib --target "$target"
done

lib=libwatchword_ffi.a
out=ios/Generated
frameworks=ios/Frameworks
sim_fat="target/ios-simulator/$profile/$lib"
mkdir -p "$(dirname "$sim_fat")"
lipo -create \
  "target/aarch64-apple-ios-sim/$profile/$lib" \
  "target/x86_64-apple-ios/$profile/$lib" \
  -output "$sim_fat"

# Library mode reads the UniFFI metadata from the built library; the static
# library carries it like the shared one does.
rm -rf "$out"
mkdir -p "$out/include"
cargo run ${flag[@]+"${flag[@]}"} --locked -q -p uniffi-bindgen -- generate --config uniffi.toml \
  -l swift --no-format -o "$out" "target/$device/$profile/$lib"
mv "$out/WatchwordCoreFFI.h" "$out/include/"
# An XCFramework's headers directory needs the module map under this name.
mv "$out/WatchwordCoreFFI.modulemap" "$out/include/module.modulemap"

rm -rf "$frameworks/WatchwordCoreFFI.xcframework"
mkdir -p "$frameworks"
xcodebuild -create-xcframework \
  -library "target/$device/$profile/$lib" -headers "$out/include" \
  -library "$sim_fat" -headers "$out/include" \
  -output "$frameworks/WatchwordCoreFFI.xcframework"

echo "built: $frameworks/WatchwordCoreFFI.xcframework and $out/WatchwordCore.swift ($profile)"
echo "next:  cd ios && xcodegen generate && open Watchword.xcodeproj"
