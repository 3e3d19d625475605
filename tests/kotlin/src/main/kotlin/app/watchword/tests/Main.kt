// Kotlin tests of the generated bindings against the real library.
package app.watchword.tests

import app.watchword.core.*
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import java.io.File
import java.nio.file.Files
import java.util.zip.GZIPInputStream

const val RFC_SHA1 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

fun main() {
    Harness.test("RFC 6238 code from a link, with validity and next code") {
        val c = timed(codeForLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&digits=8", 59_000L))
        assertEq("94287082", c.code, "code")
        assertEq(1u, c.validFor, "validFor")
        assertEq(30u, c.period, "period")
        assertEq(codeForLink("otpauth://totp/x?secret=$RFC_SHA1&digits=8", 60_000L).text(), c.nextCode, "nextCode")
    }

    Harness.test("HOTP code reports its counter") {
        val c = codeForLink("otpauth://hotp/x?secret=$RFC_SHA1&counter=9", 0L)
        check(c is Code.Counter) { "a counter code: $c" }
        assertEq("520489", c.text(), "code")
        assertEq(9uL, (c as Code.Counter).v1.counter, "counter")
    }

    Harness.test("100 coroutines compute codes at once") {
        coroutineScope {
            val codes = (0 until 100).map { i ->
                async(Dispatchers.Default) {
                    codeForLink("otpauth://hotp/x?secret=$RFC_SHA1&counter=${i % 10}", 0L).text()
                }
            }.awaitAll()
            val rfc = listOf("755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489")
            codes.forEachIndexed { i, c -> assertEq(rfc[i % 10], c, "code $i") }
        }
    }

    Harness.test("garbage links raise typed exceptions, never crash the JVM") {
        assertThrows<ApiException.InvalidSecret> { codeForLink("otpauth://totp/x?secret=JBSW1", 0L) }
        assertThrows<ApiException.InvalidLink> { codeForLink("otpauth://totp/x?issuer=a", 0L) }
        assertThrows<ApiException.InvalidLink> { codeForLink("https://example.org", 0L) }
        assertThrows<ApiException.InvalidInput> { codeForLink("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11", 0L) }
        assertThrows<ApiException.Unsupported> { codeForLink("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", 0L) }
        val e = assertThrows<ApiException.InvalidSecret> { codeForLink("otpauth://totp/x?secret=SUPERSECRET1", 0L) }
        check(!(e.message ?: "").contains("SUPERSECRET")) { "secret in message: ${e.message}" }
        for (junk in listOf("", "\u0000", "otpauth://", "%%%%", "otpauth://totp/%FF?secret=A", "x".repeat(100_000))) {
            assertThrows<ApiException> { codeForLink(junk, 0L) }
        }
    }

    vaultTests()
    qrAndEnrolmentTests()
    pushTests()
    privacyIdeaTests()
    changingPhonesTests()
    robustnessTests()
    Harness.finish()
}
