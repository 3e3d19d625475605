#!/usr/bin/env bash
# CI for the Android shell, on a machine without the Android SDK, NDK or
# Google's Maven (see android/README.md, "What CI checks"):
#   1. every Kotlin source under app/src/main/kotlin compiles, with the
#      generated bindings (target/bindings/kotlin), against the Android 15
#      framework classes (org.robolectric:android-all from Maven Central),
#      JNA and kotlinx-coroutines-android; warnings are errors;
#   2. AndroidManifest.xml is well-formed, every class it names compiled and
#      every app resource it names exists;
#   3. negative controls: a copy of the sources with one ill-typed file must
#      fail step 1, and manifests naming a missing class or resource, or not
#      well-formed, must fail step 2.
# Needs java, mvn and python3; Maven caches its downloads in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")"
for tool in java mvn python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (CI does not skip)" >&2; exit 1; }
done
bindings=../../target/bindings/kotlin/app/watchword/core/watchword_ffi.kt
[ -f "$bindings" ] || { echo "no generated bindings at $bindings: run bindings/generate.sh --debug target/bindings" >&2; exit 1; }
sources=../app/src/main/kotlin
manifest=../app/src/main/AndroidManifest.xml

echo "[android] compiling $(find "$sources" -name '*.kt' | wc -l) shell sources + the bindings against android-all (API 35), -Werror"
# From scratch, so a class whose source was deleted cannot satisfy the manifest check.
rm -rf target/classes
mvn -q -B compile
python3 manifest_check.py "$manifest" ../app/build.gradle.kts target/classes

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "[android] negative control: a copy of the sources plus one ill-typed file must not compile"
cp -r "$sources" "$tmp/src"
cat > "$tmp/src/BrokenOnPurpose.kt" <<'KT'
package app.watchword.shell

/** Must not compile: android.os.Build.MODEL is a String, so the framework jar is really checked. */
val brokenOnPurpose: Int = android.os.Build.MODEL
KT
if mvn -q -B compile -Dshell.sources="$tmp/src" -Dci.build.dir="$tmp/target" >"$tmp/compile.log" 2>&1; then
  echo "negative control FAILED: a broken Kotlin file compiled" >&2
  exit 1
fi
if ! grep -qi 'BrokenOnPurpose.kt.*type mismatch' "$tmp/compile.log"; then
  cat "$tmp/compile.log" >&2
  echo "negative control FAILED: the compile failed, but not on the broken file" >&2
  exit 1
fi
echo "[android] negative control ok: $(grep -m1 -o 'BrokenOnPurpose.kt.*' "$tmp/compile.log")"

echo "[android] negative control: manifests naming a missing class or resource, or not XML, must be refused"
sed 's/android:name=".EnrolActivity"/android:name=".NoSuchActivity"/' "$manifest" > "$tmp/missing.xml"
grep -q NoSuchActivity "$tmp/missing.xml"
head -c 400 "$manifest" > "$tmp/truncated.xml"
sed 's/@xml\/network_security_config/@xml\/no_such_config/' "$manifest" > "$tmp/noresource.xml"
grep -q no_such_config "$tmp/noresource.xml"
for bad in missing truncated noresource; do
  if python3 manifest_check.py "$tmp/$bad.xml" ../app/build.gradle.kts target/classes 2>"$tmp/$bad.log"; then
    echo "negative control FAILED: the $bad manifest passed" >&2
    exit 1
  fi
  echo "[android] refused as it should: $(head -n1 "$tmp/$bad.log")"
done
echo "[android] shell compiles; manifest ok; negative controls ok"
