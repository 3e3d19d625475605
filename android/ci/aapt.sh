#!/usr/bin/env bash
# The app's resources compiled by a real Android resource compiler, for the
# CI compile (check.sh) and the Robolectric tests (../robolectric/run.sh).
#
#   android/ci/aapt.sh OUT_DIR
#
# Output:
#   OUT_DIR/r/R.java          the R class (package = the Gradle `namespace`),
#                             the one R both the compile and the tests use;
#   OUT_DIR/resources.ap_     the compiled manifest, resources.arsc (values,
#                             values-nl, plurals) and res/xml, which
#                             Robolectric loads as the app's resource APK;
#   OUT_DIR/AndroidManifest.xml  the manifest as linked (package added).
#
# Why aapt (1) and not aapt2: aapt2 is only in the Android SDK (Google's
# Maven and the SDK are unreachable here); Debian's `aapt` package is
# Android 10's aapt1. It needs the framework's resource table to link
# `@android:` references and attributes, and cannot read Android 15's (that
# table uses the 16-bit offsets and compact entries added in Android 14), so
# it links against Android 10's (org.robolectric:android-all, API 29). The
# framework's public resource IDs never change between versions, so the
# output is the same; a resource or attribute new after API 29 would not
# link here (a real build's aapt2 would take it).
# Installs `aapt` with apt-get when it is missing; needs mvn.
set -euo pipefail
out=${1:?usage: aapt.sh OUT_DIR}
cd "$(dirname "$0")"
app=../app
gradle=$app/build.gradle.kts

if ! command -v aapt >/dev/null; then
  echo "[aapt] installing Debian's aapt (Android 10's resource compiler)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq aapt >/dev/null
fi
command -v aapt >/dev/null || { echo "missing tool: aapt (CI does not skip)" >&2; exit 1; }

gradle_value() { # the quoted value of `NAME = "..."` or the number of `NAME = N` in build.gradle.kts
  sed -n -E "s/^\s*$1\s*=\s*\"?([^\"]+)\"?\s*$/\1/p" "$gradle" | head -n1
}
namespace=$(gradle_value namespace)
application_id=$(gradle_value applicationId)
min_sdk=$(gradle_value minSdk)
target_sdk=$(gradle_value targetSdk)
for v in namespace application_id min_sdk target_sdk; do
  [ -n "${!v}" ] || { echo "aapt.sh: no $v in $gradle" >&2; exit 1; }
done

# Android 10's framework resources, only for linking (see above).
framework_version=10-robolectric-5803371
framework=$HOME/.m2/repository/org/robolectric/android-all/$framework_version/android-all-$framework_version.jar
[ -f "$framework" ] || mvn -q -B dependency:get -Dartifact="org.robolectric:android-all:$framework_version" -Dtransitive=false

rm -rf "$out" && mkdir -p "$out/r"
# The source manifest has no package (Gradle's `namespace` is it); as
# Gradle's manifest merger does, the linked one gets the namespace, and
# --rename-manifest-package then sets the applicationId, turning relative
# class names (".WatchwordApp") into absolute ones in the namespace.
sed -E "0,/<manifest /s//<manifest package=\"$namespace\" /" "$app/src/main/AndroidManifest.xml" > "$out/AndroidManifest.xml"
grep -q "package=\"$namespace\"" "$out/AndroidManifest.xml" || { echo "aapt.sh: could not set the package in the manifest" >&2; exit 1; }
aapt package -f --auto-add-overlay \
  -M "$out/AndroidManifest.xml" -S "$app/src/main/res" -I "$framework" \
  --min-sdk-version "$min_sdk" --target-sdk-version "$target_sdk" \
  --rename-manifest-package "$application_id" \
  -F "$out/resources.ap_" -J "$out/r" 2>"$out/aapt.log" || { cat "$out/aapt.log" >&2; exit 1; }
# Belt and braces: an error line is a failure even should aapt exit 0.
if grep -E ': error:' "$out/aapt.log" >&2; then exit 1; fi
r_java=$(find "$out/r" -name R.java)
grep -q "^package $namespace;" "$r_java" || { echo "aapt.sh: R.java is not in package $namespace" >&2; exit 1; }
echo "[aapt] $out/resources.ap_ and R.java ($namespace): $(grep -c 'public static final int' "$r_java") resource ids"
