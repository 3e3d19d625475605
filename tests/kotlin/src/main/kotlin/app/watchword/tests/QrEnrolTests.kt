// QR frames and enrolment classification from Kotlin.
package app.watchword.tests

import app.watchword.core.*
import app.watchword.shell.PlatformHttp
import java.io.File
import java.util.zip.GZIPInputStream

/**
 * The third-party test corpus (`shared/`, or `WATCHWORD_SHARED`) for the test
 * group [group], or null when it is absent outside CI: the same rule as the
 * Rust tests' `watchword_testkit::corpus`. Under CI=true an absent corpus
 * fails the test; otherwise one line says what was skipped, and the group is
 * added to `WATCHWORD_SKIP_LOG` for test.sh's count.
 */
fun corpus(group: String): File? {
    val dir = File(System.getenv("WATCHWORD_SHARED")?.takeIf { it.isNotEmpty() } ?: "../../../shared")
    if (File(dir, "testdata").isDirectory && File(dir, "qr/manifest.json").isFile) return dir
    val why = "no third-party test corpus at ${dir.absolutePath} (set WATCHWORD_SHARED to its folder)"
    if (System.getenv("CI") == "true") throw AssertionError("$group: $why; under CI=true this is a failure, not a skip")
    println("skipped: $group: $why")
    System.getenv("WATCHWORD_SKIP_LOG")?.let { File(it).appendText("$group\n") }
    return null
}

const val AEGIS_LINK = "otpauth://totp/neo4j:Charlotte?secret=B33WS2ALPT34K4BNY24AYROE4M&issuer=neo4j&algorithm=SHA1&digits=6&period=30"

fun qrAndEnrolmentTests() {
    Harness.test("QR: a camera plane with row padding (made from an exported PNG) decodes only with its stride") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME", false)
            val export = v.exportGoogle(true)
            val img = javax.imageio.ImageIO.read(java.io.ByteArrayInputStream(export.pngs.single()))
            val w = img.width + 240
            val h = img.height + 160
            val stride = w + 64
            // Padding bytes hold junk, as a reused camera buffer does.
            val plane = ByteArray(stride * h) { (it * 31 % 251).toByte() }
            for (y in 0 until h) for (x in 0 until w) {
                val ix = x - 120
                val iy = y - 80
                val luma = if (ix in 0 until img.width && iy in 0 until img.height) img.getRGB(ix, iy) and 0xff else 180
                plane[y * stride + x] = luma.toByte()
            }
            val codes = decodeLuma(plane, w.toUInt(), h.toUInt(), stride.toUInt())
            assertEq(export.links, codes.map { it.text }, "payloads")
            assertEq(emptyList<String>(), decodeLuma(plane, w.toUInt(), h.toUInt(), w.toUInt()).map { it.text }, "wrong stride")
            // And the scanned link goes straight into a second vault.
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_B)).use { second ->
                assertEq("alice", scanInto(second, codes[0].text).single().name, "added")
            }
        }
    }

    Harness.test("QR: the Aegis camera frame (1600x1200 luma, stride 1600) gives the neo4j link") {
        val shared = corpus("kotlin qr: the Aegis camera frame in shared/testdata/aegis/helpers") ?: return@test
        val frame = GZIPInputStream(File(shared, "testdata/aegis/helpers/qr.y.gz").inputStream()).use { it.readBytes() }
        assertEq(1600 * 1200, frame.size, "frame size")
        val codes = decodeLuma(frame, 1600u, 1200u, 1600u)
        assertEq(listOf(AEGIS_LINK), codes.map { it.text }, "payloads")
        // And the scanned link goes straight into a vault.
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            val added = scanInto(v, codes[0].text)
            assertEq("Charlotte", added.single().name, "added")
            assertEq("neo4j", added.single().issuer, "issuer")
        }
        assertThrows<ApiException.InvalidFrame> { decodeLuma(frame, 1600u, 1200u, 1599u) }
    }

    Harness.test("enrolment: classify describes without secrets; Microsoft is MicrosoftManaged") {
        val otp = classify("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME")
        assertEq(EnrolmentKind.Otp("ACME", "alice", OtpKind.TOTP, false), otp, "otp")
        val ms = "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123"
        val kind = classify(ms)
        check(kind is EnrolmentKind.MicrosoftActivation) { "got $kind" }
        check((kind as EnrolmentKind.MicrosoftActivation).messageId.startsWith("microsoft_")) { "message id ${kind.messageId}" }
        check(!kind.toString().contains("123456789")) { "code leaked: $kind" }
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            val e = assertThrows<ApiException.MicrosoftManaged> { scanInto(v, ms) }
            check((e.message ?: "").contains("Microsoft")) { "message: ${e.message}" }
            check(!(e.message ?: "").contains("123456789")) { "code in message" }
            assertEq(0, v.list(null).size, "nothing stored")
            PushClient(v, null, PlatformHttp()).use { push ->
                // A bare secret asks for its name; the same account twice asks
                // before keeping both; a typed Microsoft code is explained.
                val secret = EnrolInput.Pasted("JBSW Y3DP EHPK 3PXP")
                assertEq(EnrolOutcome.NeedsDetails(OtpKind.TOTP), push.enrol(secret, EnrolChoices(), "k"), "needs details")
                assertEq(0, v.list(null).size, "nothing stored for a draft")
                val named = EnrolChoices(issuer = "Site", name = "me")
                val added = push.enrol(secret, named, "k") as EnrolOutcome.Added
                assertEq("Site (me)", added.account.label, "label")
                assertEq(EnrolOutcome.AlreadyPresent(added.account.id), push.enrol(secret, named, "k"), "present")
                check(push.enrol(secret, named.copy(force = true), "k") is EnrolOutcome.Added) { "forced" }
                // A pasted list of links adds each line.
                val list = "otpauth://totp/L:one?secret=$RFC_SHA1\n\notpauth://totp/L:two?secret=JBSWY3DPEHPK3PXP\n"
                assertEq(EnrolmentKind.OtpList(2u), classify(list), "a list")
                val many = push.enrol(EnrolInput.Pasted(list), EnrolChoices(group = "L"), "k") as EnrolOutcome.AddedList
                assertEq(listOf("L (one)", "L (two)"), many.added.map { it.label }, "each line")
                assertEq(listOf("L", "L"), many.added.map { it.group }, "the group applies to each")
                assertThrows<ApiException.MicrosoftManaged> {
                    push.enrol(EnrolInput.Typed("123 456 789", "https://x.phonefactor.net/pad/1"), EnrolChoices(), "k")
                }
                assertThrows<ApiException.InvalidLink> { push.enrol(EnrolInput.Scanned("hello world"), EnrolChoices(), "k") }
                assertEq(2, v.list("Site").size, "two copies, as asked")
            }
        }
        check(classify("hello world") is EnrolmentKind.Unknown) { "unknown" }
        val act = classify("watchword://activate?code=123456789&url=http%3A%2F%2F127.0.0.1%3A1%2Fv1%2Factivate%2Fabc")
        check(act is EnrolmentKind.WatchwordActivation && act.url.startsWith("http://127.0.0.1:1/")) { "activation: $act" }
        check(!act.toString().contains("123456789")) { "code leaked: $act" }
    }
}
