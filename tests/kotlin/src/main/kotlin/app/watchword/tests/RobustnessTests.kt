// Garbage into every entry point: each raises its typed exception and the
// JVM keeps running; a panic in the core arrives as an exception.
package app.watchword.tests

import app.watchword.core.*
import app.watchword.shell.PlatformHttp
import java.io.File

class CountingLogger : Logger {
    val lines = java.util.concurrent.CopyOnWriteArrayList<LogRecord>()
    override fun log(record: LogRecord) {
        lines += record
    }
}

fun robustnessTests() {
    Harness.test("garbage into the vault, QR, enrolment and push calls raises typed exceptions") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            assertThrows<ApiException.InvalidLink> { v.addLink("https://example.org", false) }
            assertThrows<ApiException.InvalidSecret> { v.addLink("otpauth://totp/x?secret=0189", false) }
            assertThrows<ApiException.InvalidSecret> { v.addFields(NewAccount("!!", null, "x", OtpKind.TOTP, null, null, null, null), false) }
            assertThrows<ApiException.InvalidInput> { v.addFields(NewAccount(RFC_SHA1, null, "x", OtpKind.TOTP, 42u, null, null, null), false) }
            assertThrows<ApiException.InvalidInput> { v.addFields(NewAccount(RFC_SHA1, null, "x", OtpKind.TOTP, null, 0u, Algorithm.SHA256, null), false) }
            assertThrows<ApiException.NotFound> { v.nextHotp(12345L) }
            assertThrows<ApiException.NotFound> { v.update(999L, AccountChanges(name = "x")) }
            assertThrows<ApiException.InvalidLink> { scanInto(v, "otpauth-migration://offline?data=%%%") }
            assertThrows<ApiException> { scanInto(v, "x".repeat(100_000)) }
            assertEq(0, v.list(null).size, "nothing stored")
            PushClient(v, null, PlatformHttp()).use { push ->
                assertEq(emptyList<Challenge>(), push.pending(), "no push accounts, nothing pending")
                assertThrows<ApiException> { push.activateTyped("12", "ftp://x", "k") }
                assertThrows<ApiException> { push.activateTyped("123456789", "http://127.0.0.1:1/v1/activate/x", "k") }
                assertThrows<ApiException> { push.respond("nope", Decision.DENY, null) }
                assertEq(null, push.state("nope"), "unknown state")
            }
        }
        assertThrows<ApiException.InvalidImage> { decodeImage(byteArrayOf(1, 2, 3)) }
        assertThrows<ApiException.InvalidFrame> { decodeLuma(ByteArray(10), 100u, 100u, 100u) }
        assertThrows<ApiException.InvalidFrame> { decodeLuma(ByteArray(0), 0u, 0u, 0u) }
        assertThrows<ApiException.InvalidFrame> { decodeLuma(ByteArray(16), UInt.MAX_VALUE, UInt.MAX_VALUE, UInt.MAX_VALUE) }
        assertThrows<ApiException> { classify("otpauth://totp/x") }
        assertThrows<ApiException> { Vault.open(File.createTempFile("ww-empty", ".db").path, AesKeyProvider(KEK_A)) }
        // A throwing KeyProvider is a typed error, not a crash.
        val broken = object : KeyProvider {
            override fun wrap(dataKey: ByteArray): ByteArray = throw IllegalStateException("keystore gone")
            override fun unwrap(wrapped: ByteArray): ByteArray = throw IllegalStateException("keystore gone")
        }
        assertThrows<ApiException.KeyUnavailable> { Vault.create(tempVaultPath(), broken) }
    }

    Harness.test("a hostile or broken HTTP transport is a typed error, never a crash, and stores nothing") {
        // A shell's stack that throws something other than HttpException,
        // one that answers garbage, one that answers a refusal without a
        // protocol body, and one that cannot connect.
        val throwing = object : HttpTransport {
            override suspend fun send(request: HttpRequest): HttpResponse = throw IllegalStateException("stack broke")
        }
        fun answering(status: Int, body: String) = object : HttpTransport {
            override suspend fun send(request: HttpRequest): HttpResponse =
                HttpResponse(status.toUShort(), listOf(HttpHeader("Content-Type", "application/json")), body.toByteArray())
        }
        val offline = object : HttpTransport {
            override suspend fun send(request: HttpRequest): HttpResponse = throw HttpException.Connect("no route")
        }
        val url = "https://127.0.0.1:1/v1/activate/enr"
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            PushClient(v, null, throwing).use { assertThrows<ApiException.Network> { it.activateTyped("123456789", url, "k") } }
            PushClient(v, null, offline).use { assertThrows<ApiException.Network> { it.activateTyped("123456789", url, "k") } }
            PushClient(v, null, answering(200, "not json")).use { assertThrows<ApiException.Untrusted> { it.activateTyped("123456789", url, "k") } }
            PushClient(v, null, answering(200, "{\"device_id\":\"d\"}")).use { assertThrows<ApiException.Untrusted> { it.activateTyped("123456789", url, "k") } }
            PushClient(v, null, answering(502, "<html>bad gateway</html>")).use { assertThrows<ApiException.Untrusted> { it.activateTyped("123456789", url, "k") } }
            // A reply over the core's 1 MiB limit is refused, not parsed.
            PushClient(v, null, answering(200, " ".repeat(2 shl 20))).use { assertThrows<ApiException.Network> { it.activateTyped("123456789", url, "k") } }
            assertThrows<ApiException.Network> { v.syncClock("https://127.0.0.1:1/", throwing) }
            // A response without a Date header teaches no time.
            assertThrows<ApiException.Network> { v.syncClock("https://127.0.0.1:1/", answering(200, "")) }
            assertEq(0L, v.clockOffsetMs(), "clock offset unchanged")
            PushClient(v, null, PlatformHttp()).use { assertEq(emptyList<Challenge>(), it.pending(), "no push account was stored") }
        }
    }

    Harness.test("the Android shell's PlatformHttp stops reading an endless reply and the core reports it") {
        val server = java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())
        Thread {
            while (!server.isClosed) {
                val s = try { server.accept() } catch (e: java.io.IOException) { break }
                Thread {
                    s.use {
                        it.getInputStream().read(ByteArray(2048))
                        val out = it.getOutputStream()
                        out.write("HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n".toByteArray())
                        val chunk = ByteArray(64 * 1024) { ' '.code.toByte() }
                        try { while (true) out.write(chunk) } catch (e: java.io.IOException) { }
                    }
                }.apply { isDaemon = true }.start()
            }
        }.apply { isDaemon = true }.start()
        server.use {
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                PushClient(v, null, PlatformHttp()).use { push ->
                    val e = assertThrows<ApiException.Network> {
                        push.activateTyped("123456789", "http://127.0.0.1:${server.localPort}/v1/activate/enr", "k")
                    }
                    check((e.message ?: "").contains("larger than")) { "message: ${e.message}" }
                    assertEq(emptyList<Challenge>(), push.pending(), "nothing stored")
                }
            }
        }
    }

    Harness.test("a panic in the core is an exception, and the library keeps working") {
        val e = assertThrows<InternalException> { selfTestPanic("from Kotlin") }
        check((e.message ?: "").contains("from Kotlin")) { "message: ${e.message}" }
        assertEq("755224", codeForLink("otpauth://hotp/x?secret=$RFC_SHA1&counter=0", 0L).text(), "still works")
    }

    Harness.test("logger: core log lines reach a Kotlin Logger, without secrets") {
        val logger = CountingLogger()
        setLogger(logger, LogLevel.DEBUG)
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME", false)
            PushClient(v, null, PlatformHttp()).use { push ->
                // An unreachable server logs a warning through the core.
                assertThrows<ApiException> { push.activateTyped("123456789", "http://127.0.0.1:1/v1/activate/x", "k") }
            }
        }
        setLogger(null, LogLevel.INFO)
        check(logger.lines.any { it.target.startsWith("watchword_core::push") && it.level == LogLevel.DEBUG && it.message.contains("retrying") }) {
            "no retry line forwarded: ${logger.lines}"
        }
        for (l in logger.lines) {
            check(!l.message.contains(RFC_SHA1) && !l.message.contains("123456789")) { "secret logged: $l" }
        }
    }
}
