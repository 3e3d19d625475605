#!/usr/bin/env bash
# Kotlin on the JVM against the real library: generate the bindings from the
# debug build, compile them with the tests (Maven, Kotlin from Maven Central),
# and run the tests. The last line printed is "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
# The shipped API (target/bindings: test.sh checks its Swift against the
# snapshot), then the test build with the `self-test` feature, whose Kotlin
# the tests compile against (target/bindings-test).
bindings/generate.sh --debug target/bindings >/dev/null
bindings/generate.sh --debug --self-test target/bindings-test >/dev/null
# The push tests run the reference server as a subprocess: the binary the
# workspace build above made (`cargo build -p watchword-server` alone would
# resolve other features and rebuild its dependencies).
export WATCHWORD_SERVER_BIN="$PWD/target/debug/watchword-server"
# The server seals its signing key with this (a new one every run).
WATCHWORD_SERVER_PASSPHRASE="kotlin-tests-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export WATCHWORD_SERVER_PASSPHRASE
cd tests/kotlin
mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp="target/classes:$(cat target/classpath.txt)"
export WATCHWORD_SHARED="${WATCHWORD_SHARED:-$(cd ../../.. && pwd)/shared}"
exec java -Djna.library.path="$(cd ../../target/bindings-test/lib && pwd)" -cp "$cp" app.watchword.tests.MainKt
