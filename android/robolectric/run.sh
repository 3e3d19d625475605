#!/usr/bin/env bash
# The Android shell on the JVM: Robolectric runs its activities, receivers
# and poll job against the real watchword-ffi library and a loopback
# watchword-server (android/README.md, "What runs under Robolectric").
#   1. the bindings and the library of the test build (bindings/generate.sh
#      --debug target/bindings, as test.sh's earlier steps do: reused, not
#      rebuilt, when they are current);
#   2. the app's resources and manifest compiled by aapt (../ci/aapt.sh):
#      the R.java the shell compiles against and the resource APK
#      Robolectric loads (values, values-nl, plurals, res/xml), named to it
#      by com/android/tools/test_config.properties on the test classpath;
#   3. Robolectric's Android 15 framework jar from Maven Central (Robolectric
#      downloads it itself otherwise; here Maven does, and the tests run
#      offline), and the classes of its two .aar dependencies;
#   4. mvn test: the shell's sources, the bindings, aapt's R and the tests in
#      src/test/kotlin compiled (warnings are errors), then Surefire runs
#      them. The last lines are Surefire's "Tests run: N, Failures: N...".
# Needs java, mvn, python3 and the Rust toolchain; installs aapt when it is
# missing.
set -euo pipefail
cd "$(dirname "$0")"
for tool in java mvn cargo python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (CI does not skip)" >&2; exit 1; }
done
root=$(cd ../.. && pwd)

(cd "$root" && bindings/generate.sh --debug target/bindings >/dev/null)
[ -f "$root/target/bindings/lib/libwatchword_ffi.so" ] || { echo "no library in target/bindings/lib" >&2; exit 1; }
export WATCHWORD_SERVER_BIN="$root/target/debug/watchword-server"
[ -x "$WATCHWORD_SERVER_BIN" ] || { echo "no server at $WATCHWORD_SERVER_BIN (the workspace build makes it)" >&2; exit 1; }
# The server seals its signing key with this (a new one every run).
WATCHWORD_SERVER_PASSPHRASE="robolectric-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export WATCHWORD_SERVER_PASSPHRASE

../ci/aapt.sh "$PWD/target/aapt"
config=target/test-config/com/android/tools
mkdir -p "$config"
# Robolectric's build-system interface (what the Android Gradle plugin
# writes for unit tests): the manifest, the resource APK and the R package.
cat > "$config/test_config.properties" <<PROPS
android_merged_manifest=$PWD/target/aapt/AndroidManifest.xml
android_resource_apk=$PWD/target/aapt/resources.ap_
android_custom_package=$(sed -n 's/^package \(.*\);$/\1/p' target/aapt/r/R.java)
PROPS

# Robolectric's instrumented Android 15 (the version its DefaultSdkProvider
# names for API 35 in 4.17); the pom points robolectric.dependency.dir here.
instrumented=org.robolectric:android-all-instrumented:15-robolectric-13954326-i7
mvn -q -B dependency:copy -Dartifact="$instrumented" -DoutputDirectory="$PWD/target/robolectric-deps" -Dmdep.overWriteIfNewer=true

# Robolectric's Android libraries (androidx.test monitor, Espresso's idling
# resources; the versions its 4.17 pom names) are .aar archives, which Maven
# puts on the class path as they are: their classes.jar goes there instead.
mkdir -p target/aar
for aar in androidx.test:monitor:1.8.0 androidx.test.espresso:espresso-idling-resource:3.7.0; do
  name=$(cut -d: -f2 <<<"$aar")
  mvn -q -B dependency:copy -Dartifact="$aar:aar" -DoutputDirectory="$PWD/target/aar" -Dmdep.stripVersion=true
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("classes.jar"))' \
    "target/aar/$name.aar" > "target/aar/$name.jar"
done

# From scratch: the Kotlin plugin leaves class files of an earlier build
# that callers compiled against another signature would still meet.
rm -rf target/classes target/test-classes
mvn -B -ntp test
