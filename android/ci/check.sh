#!/usr/bin/env bash
# CI for the Android shell, on a machine without the Android SDK, NDK or
# Google's Maven (see android/README.md, "What CI checks"):
#   1. the texts (strings_check.py): values/strings.xml and
#      values-nl/strings.xml have the same keys, every <plurals> has `one`
#      and `other`, both languages have the same placeholders, every error
#      kind of the core has an error_<kind> message, no Kotlin source shows
#      English of its own, the Dutch avoids what docs/glossary-nl.md says to;
#   2. the resources and manifest link with aapt (aapt.sh: Debian's
#      Android 10 aapt, as there is no aapt2 here), and every Kotlin source
#      under app/src/main/kotlin compiles, with the generated bindings
#      (target/bindings/kotlin) and aapt's R.java, against the Android 15
#      framework classes (org.robolectric:android-all from Maven Central),
#      JNA and kotlinx-coroutines-android; warnings are errors;
#   3. AndroidManifest.xml is well-formed, every class it names compiled and
#      every app resource it names exists;
#   4. negative controls: copies of the resources with a Dutch key missing,
#      a plural without `other`, a placeholder changed, an error kind
#      without a message, an avoided Dutch term, and of the sources with
#      English in the code, must fail step 1; a copy of the sources with
#      one ill-typed file must fail step 2; manifests naming a missing class
#      or resource, or not well-formed, must fail step 3.
# Needs java, mvn and python3 (and aapt, which aapt.sh installs when
# missing); Maven caches its downloads in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")"
for tool in java mvn python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (CI does not skip)" >&2; exit 1; }
done
bindings=../../target/bindings/kotlin/app/watchword/core/watchword_ffi.kt
[ -f "$bindings" ] || { echo "no generated bindings at $bindings: run bindings/generate.sh --debug target/bindings" >&2; exit 1; }
sources=../app/src/main/kotlin
manifest=../app/src/main/AndroidManifest.xml
res=../app/src/main/res
api=../../bindings/api/WatchwordCore.swift.txt
glossary=../../docs/glossary-nl.md

echo "[android] texts: English and Dutch resources, error kinds, no English in the code, the glossary's terms"
python3 strings_check.py "$res" "$sources" "$manifest" "$api" "$glossary"

echo "[android] compiling $(find "$sources" -name '*.kt' | wc -l) shell sources + the bindings against android-all (API 35), -Werror"
# From scratch, so a class whose source was deleted cannot satisfy the manifest check.
rm -rf target/classes target/generated-r
./aapt.sh target/aapt
mvn -q -B compile
python3 manifest_check.py "$manifest" ../app/build.gradle.kts target/classes

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "[android] negative control: damaged copies of the texts must be refused"
# refused NAME: the strings check must fail on $tmp/NAME/{res,kotlin}, saying WHY.
refused() {
  local name=$1 why=$2
  if python3 strings_check.py "$tmp/$name/res" "$tmp/$name/kotlin" "$manifest" "$api" "$glossary" 2>"$tmp/$name.log"; then
    echo "negative control FAILED: the strings check passed $name" >&2
    exit 1
  fi
  if ! grep -q -- "$why" "$tmp/$name.log"; then
    cat "$tmp/$name.log" >&2
    echo "negative control FAILED: $name was refused, but not for: $why" >&2
    exit 1
  fi
  echo "[android] refused as it should: $(grep -m1 -- "$why" "$tmp/$name.log")"
}
# damaged NAME FILE SED: a copy of res and the sources with one sed edit of FILE (relative to the copy).
damaged() {
  local name=$1 file=$2 edit=$3
  mkdir -p "$tmp/$name"
  cp -r "$res" "$tmp/$name/res"
  cp -r "$sources" "$tmp/$name/kotlin"
  local before
  before=$(cksum < "$tmp/$name/$file")
  sed -i "$edit" "$tmp/$name/$file"
  [ "$(cksum < "$tmp/$name/$file")" != "$before" ] || { echo "negative control $name: the edit changed nothing" >&2; exit 1; }
}
damaged nl-key-missing res/values-nl/strings.xml '/<string name="deny">/d'
refused nl-key-missing 'no <string name="deny">'
damaged plural-no-other res/values-nl/strings.xml '/<item quantity="other">Nog %d seconden<\/item>/d'
refused plural-no-other 'plurals `seconds_left` has no `other`'
damaged placeholder-changed res/values-nl/strings.xml 's/%1$s verwijderd\./%1$d verwijderd./'
refused placeholder-changed '`deleted`: placeholders differ'
damaged kind-without-message res/values-nl/strings.xml '/<string name="error_network">/d'
refused kind-without-message 'error kind `network` has no'
damaged avoided-term res/values-nl/strings.xml 's/>Weigeren</>Afwijzen</'
refused avoided-term 'uses "afwijzen"'
damaged english-in-code kotlin/app/watchword/shell/ApprovalActivity.kt 's/getString(R.string.status_denied)/"Denied."/'
refused english-in-code 'English text in the code: "Denied."'
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
echo "[android] texts ok; shell compiles; manifest ok; negative controls ok"
