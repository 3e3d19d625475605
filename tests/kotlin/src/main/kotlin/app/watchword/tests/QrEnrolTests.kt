// QR frames and enrolment classification from Kotlin.
package app.watchword.tests

import app.watchword.core.*
import java.io.File
import java.util.zip.GZIPInputStream

fun shared(): File = File(System.getenv("WATCHWORD_SHARED") ?: error("WATCHWORD_SHARED not set"))

const val AEGIS_LINK = "otpauth://totp/neo4j:Charlotte?secret=B33WS2ALPT34K4BNY24AYROE4M&issuer=neo4j&algorithm=SHA1&digits=6&period=30"

fun qrAndEnrolmentTests() {
    Harness.test("QR: the Aegis camera frame (1600x1200 luma, stride 1600) gives the neo4j link") {
        val frame = GZIPInputStream(File(shared(), "testdata/aegis/helpers/qr.y.gz").inputStream()).use { it.readBytes() }
        assertEq(1600 * 1200, frame.size, "frame size")
        val codes = decodeLuma(frame, 1600u, 1200u, 1600u)
        assertEq(listOf(AEGIS_LINK), codes.map { it.text }, "payloads")
        // And the scanned link goes straight into a vault.
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            val added = v.addFromText(codes[0].text, false)
            assertEq("Charlotte", added.single().name, "added")
            assertEq("neo4j", added.single().issuer, "issuer")
        }
        assertThrows<WatchwordException.InvalidFrame> { decodeLuma(frame, 1600u, 1200u, 1599u) }
    }

    Harness.test("enrolment: classify describes without secrets; Microsoft is MicrosoftManaged") {
        val otp = classify("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME")
        assertEq(EnrolmentKind.Otp("ACME", "alice", OtpType.TOTP, false), otp, "otp")
        val ms = "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123"
        val kind = classify(ms)
        check(kind is EnrolmentKind.MicrosoftActivation) { "got $kind" }
        check(!kind.toString().contains("123456789")) { "code leaked: $kind" }
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            val e = assertThrows<WatchwordException.MicrosoftManaged> { v.addFromText(ms, false) }
            check((e.message ?: "").contains("Microsoft")) { "message: ${e.message}" }
            check(!(e.message ?: "").contains("123456789")) { "code in message" }
            assertEq(0, v.list(null).size, "nothing stored")
        }
        check(classify("hello world") is EnrolmentKind.Unknown) { "unknown" }
        val act = classify("watchword://activate?code=123456789&url=http%3A%2F%2F127.0.0.1%3A1%2Fv1%2Factivate%2Fabc")
        check(act is EnrolmentKind.WatchwordActivation && act.url.startsWith("http://127.0.0.1:1/")) { "activation: $act" }
        check(!act.toString().contains("123456789")) { "code leaked: $act" }
    }
}
