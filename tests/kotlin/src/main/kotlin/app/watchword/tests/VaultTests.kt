// The vault from Kotlin: a Kotlin KeyProvider (AES-GCM under a key held
// here, as a Keystore key would be), accounts, codes, reopening.
package app.watchword.tests

import app.watchword.core.*
import app.watchword.shell.PlatformHttp
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.nio.file.Files
import java.security.SecureRandom
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

fun tempVaultPath(): String = Files.createTempDirectory("ww-kt").resolve("vault.db").toString()

/** Activates a typed code and URL through the core's one enrolment entry. */
suspend fun PushClient.activateTyped(code: String, url: String, device: String): ActivatedAccount =
    activated(enrol(EnrolInput.Typed(code, url), EnrolChoices(), device))

/** Activates a scanned push link through the core's one enrolment entry. */
suspend fun PushClient.activateScanned(link: String, device: String): ActivatedAccount =
    activated(enrol(EnrolInput.Scanned(link), EnrolChoices(), device))

/** The code to type, whatever its kind. */
fun Code.text(): String = when (this) {
    is Code.Timed -> v1.code
    is Code.Counter -> v1.code
}

/** The time-based code [c] is (fails the test otherwise). */
fun timed(c: Code): TimedCode = (c as? Code.Timed)?.v1 ?: error("not a time-based code: $c")

fun activated(o: EnrolOutcome): ActivatedAccount =
    (o as? EnrolOutcome.Activated)?.activation ?: error("not an activation: $o")

/** Enrols scanned text into [v] through the core's one entry: what it added. */
suspend fun scanInto(v: Vault, text: String): List<AccountSummary> =
    PushClient(v, null, app.watchword.shell.PlatformHttp()).use { push ->
        when (val o = push.enrol(EnrolInput.Scanned(text), EnrolChoices(), "kotlin")) {
            is EnrolOutcome.Added -> listOf(o.account)
            is EnrolOutcome.Imported -> o.added
            else -> error("nothing added: $o")
        }
    }

val KEK_A = ByteArray(32) { it.toByte() }
val KEK_B = ByteArray(32) { (it + 1).toByte() }

fun vaultTests() {
    Harness.test("vault: create with a Kotlin KeyProvider, add links, RFC 6238 codes") {
        val keys = AesKeyProvider(KEK_A)
        val path = tempVaultPath()
        Vault.create(path, keys).use { v ->
            check(keys.calls >= 2) { "provider not used: ${keys.calls}" }
            val a = v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME&digits=8", false)
            assertEq("alice", a.name, "name")
            assertEq("ACME", a.issuer, "issuer")
            assertEq(OtpKind.TOTP, a.kind, "kind")
            v.addLink("otpauth://totp/SHA256:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&algorithm=SHA256&digits=8", false)
            v.addLink("otpauth://hotp/H:carol?secret=$RFC_SHA1&counter=0", false)
            val codes = v.codesAt(59_000L).associateBy { it.name }
            assertEq("94287082", codes["alice"]?.code?.code, "alice @59")
            assertEq(1u, codes["alice"]?.code?.validFor, "valid_for")
            assertEq("46119246", codes["bob"]?.code?.code, "bob SHA256 @59")
            assertEq(null, codes["carol"]?.code, "HOTP has no code in the list")
            assertEq("07081804", v.codesAt(1111111109_000L).first { it.name == "alice" }.code?.code, "alice @1111111109")
            val carol = v.list("carol").single()
            assertEq("755224", v.nextHotp(carol.id).code, "HOTP 0")
            assertEq("287082", v.nextHotp(carol.id).code, "HOTP 1")
            // Out of step: two consecutive codes (counters 5 and 6) resync it.
            assertEq(7uL, v.resyncHotp(carol.id, "254676", "287922"), "resynced")
            assertEq("162583", v.nextHotp(carol.id).code, "HOTP 7")
            assertThrows<ApiException.InvalidInput> { v.resyncHotp(carol.id, "287922", "254676") }
            assertEq(2uL, v.update(carol.id, AccountChanges(counter = 2uL)).counter, "counter set")
            assertEq(3, v.codes().size, "codes() lists all")
            assertThrows<ApiException.Duplicate> { v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME&digits=8", false) }
            val renamed = v.update(a.id, AccountChanges(name = "alice2", group = "work"))
            assertEq("alice2", renamed.name, "renamed")
            assertEq("work", renamed.group, "group")
            val typed = v.addFields(NewAccount(RFC_SHA1, "Typed", "dave", OtpKind.STEAM, null, null, null, null), false)
            assertEq(OtpKind.STEAM, typed.kind, "steam")
            v.delete(typed.id)
            assertThrows<ApiException.NotFound> { v.delete(typed.id) }
            // Undo: the trash gives it back, with its secret.
            assertEq(listOf(typed.id), v.trash().map { it.id }, "in the trash")
            val back = v.restore(typed.id)
            assertEq("Typed (dave)", back.label, "restored")
            v.delete(back.id)
            v.setClockOffsetMs(-30_000L)
            assertEq(-30_000L, v.clockOffsetMs(), "offset")
        }
        // Reopen: the right key works and sees the accounts and the clock
        // offset; a wrong key is WrongKey.
        Vault.open(path, AesKeyProvider(KEK_A)).use { v ->
            assertEq(listOf("alice2", "bob", "carol"), v.list(null).map { it.name }.sorted(), "after reopen")
            assertEq(2uL, v.list("carol").single().counter, "HOTP counter persisted")
            assertEq(-30_000L, v.clockOffsetMs(), "clock offset persisted")
            // The list's codes use the offset: 30 s behind is the previous period's code.
            val now = System.currentTimeMillis()
            val alice = v.codes().first { it.name == "alice2" }.code?.code
            val behind = v.codesAt(now - 30_000L).first { it.name == "alice2" }.code?.code
            val edge = (now % 30_000L) < 1_000L || (now % 30_000L) > 29_000L
            if (!edge) assertEq(behind, alice, "codes() follow the stored offset")
            // A new platform key: the data key is re-wrapped, accounts stay.
            v.changeKeys(AesKeyProvider(KEK_B))
        }
        assertThrows<ApiException.WrongKey> { Vault.open(path, AesKeyProvider(KEK_A)) }
        Vault.open(path, AesKeyProvider(KEK_B)).use { v ->
            assertEq(3, v.list(null).size, "accounts after changeKeys")
            v.changeKeys(AesKeyProvider(KEK_A))
        }
        assertThrows<ApiException.WrongKey> { Vault.open(path, AesKeyProvider(KEK_B)) }
        assertThrows<ApiException.VaultExists> { Vault.create(path, AesKeyProvider(KEK_A)) }
        assertThrows<ApiException.VaultMissing> { Vault.open(path + ".nope", AesKeyProvider(KEK_A)) }
    }

    Harness.test("vault: a suspending biometric gate guards showing a secret") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            val a = v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME", false)
            val before = v.list(null)
            val gate = Gate(false, delayMs = 300)
            v.setBiometricGate(gate)
            // While the prompt is up, this (single) thread keeps running
            // other coroutines: the gate suspends, it does not block.
            var ticks = 0
            coroutineScope {
                val ticker = launch { while (true) { delay(10); ticks++ } }
                val e = assertThrows<ApiException.Cancelled> { v.revealLink(a.id) }
                check(!(e.message ?: "").contains(RFC_SHA1)) { "secret in message" }
                ticker.cancel()
            }
            check(ticks >= 10) { "the caller's thread was blocked: $ticks ticks in 300 ms" }
            assertEq(before.map { it.name to it.counter }, v.list(null).map { it.name to it.counter }, "a no changes nothing")
            gate.answer = true
            check(v.revealLink(a.id).contains("secret=$RFC_SHA1")) { "link without secret" }
            assertEq(listOf("show the secret", "show the secret"), gate.reasons.toList(), "gate asked twice")
            // A gate that throws (no sensor, say) is a no, not a crash.
            v.setBiometricGate(object : BiometricGate {
                override suspend fun confirm(action: PresenceAction, reason: String): Boolean = throw IllegalStateException("no sensor")
            })
            assertThrows<ApiException.Cancelled> { v.revealLink(a.id) }
            // Deleting asks the gate too: a no (or a throw) deletes nothing.
            assertThrows<ApiException.Cancelled> { v.delete(a.id) }
            assertEq(1, v.list(null).size, "not deleted")
            v.setBiometricGate(gate)
            gate.answer = false
            assertThrows<ApiException.Cancelled> { v.delete(a.id) }
            assertEq("delete the account", gate.reasons.last(), "the delete reason")
            gate.answer = true
            v.delete(a.id)
            assertEq(0, v.list(null).size, "deleted after a yes")
        }
    }

    Harness.test("vault: export as Google links and PNGs, decode the PNG, import into a second vault") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&issuer=ACME&digits=8", false)
            v.addLink("otpauth://hotp/H:carol?secret=JBSWY3DPEHPK3PXP&counter=5", false)
            val steam = v.addFields(NewAccount(RFC_SHA1, "Steam", "dave", OtpKind.STEAM, null, null, null, null), false)
            val gate = Gate(false)
            v.setBiometricGate(gate)
            assertThrows<ApiException.Cancelled> { v.exportGoogle(true) }
            gate.answer = true
            val export = v.exportGoogle(true)
            assertEq(1, export.links.size, "links")
            assertEq(1, export.pngs.size, "pngs")
            assertEq(listOf(steam.id), export.skipped.map { it.id }, "Steam cannot go to Google")
            val decoded = decodeImage(export.pngs[0])
            assertEq(export.links[0], decoded.single().text, "the PNG holds the link")
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_B)).use { second ->
                val added = scanInto(second, decoded.single().text)
                assertEq(2, added.size, "imported")
                val t = 1_111_111_109_000L
                val want = v.codesAt(t).filter { it.name != "dave" }.associate { it.name to it.code?.code }
                assertEq(want, second.codesAt(t).associate { it.name to it.code?.code }, "same TOTP codes")
                val carolA = v.list("carol").single()
                val carolB = second.list("carol").single()
                assertEq(carolA.counter, carolB.counter, "HOTP counter travelled")
                assertEq(v.nextHotp(carolA.id).code, second.nextHotp(carolB.id).code, "same HOTP code")
            }
            assertEq(0, v.exportGoogle(false).pngs.size, "no PNGs unless asked")
        }
    }

    Harness.test("vault: 100 coroutines ask for all codes at once") {
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&digits=8", false)
            v.addLink("otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP", false)
            coroutineScope {
                val all = (0 until 100).map { i ->
                    async(Dispatchers.Default) { v.codesAt(59_000L + i % 2 * 1_111_111_050_000L) }
                }.awaitAll()
                all.forEachIndexed { i, codes ->
                    val alice = codes.first { it.name == "alice" }.code?.code
                    assertEq(if (i % 2 == 0) "94287082" else "07081804", alice, "coroutine $i")
                    assertEq(2, codes.size, "coroutine $i size")
                }
            }
        }
    }

    Harness.test("vault: syncClock learns the offset from a server's Date header, stores it, codes follow") {
        // A loopback HTTP server whose clock is an hour ahead and on day 6 of
        // the month, whatever today is: Java's RFC_1123_DATE_TIME then writes
        // a one-digit day ("Sun, 6 Dec 2026 ..."), the form that broke clock
        // sync on days 1 to 9 of every month.
        val server = java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())
        val fmt = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
        val start = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
        val shift = java.time.Duration.between(start, start.plusHours(1).withDayOfMonth(6))
        val shiftMs = shift.toMillis()
        val serving = Thread {
            while (!server.isClosed) {
                val s = try { server.accept() } catch (e: java.io.IOException) { break }
                s.use {
                    it.getInputStream().read(ByteArray(2048))
                    val date = fmt.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plus(shift))
                    it.getOutputStream().write("HTTP/1.1 200 OK\r\nDate: $date\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".toByteArray())
                }
            }
        }.apply { isDaemon = true; start() }
        try {
            val path = tempVaultPath()
            Vault.create(path, AesKeyProvider(KEK_A)).use { v ->
                v.addLink("otpauth://totp/ACME:alice?secret=$RFC_SHA1&digits=8", false)
                val sync = v.syncClock("http://127.0.0.1:${server.localPort}/", PlatformHttp())
                check(kotlin.math.abs(sync.offsetMs - shiftMs) <= 1_500L) { "offset ${sync.offsetMs}, server ahead by $shiftMs" }
                assertEq(sync.offsetMs, v.clockOffsetMs(), "in use")
                assertThrows<ApiException.InvalidLink> { v.syncClock("http://example.com/", PlatformHttp()) }
                assertThrows<ApiException.Network> { v.syncClock("http://127.0.0.1:9/", PlatformHttp()) }
                assertEq(sync.offsetMs, v.clockOffsetMs(), "a failed sync changes nothing")
            }
            Vault.open(path, AesKeyProvider(KEK_A)).use { v ->
                val offset = v.clockOffsetMs()
                check(kotlin.math.abs(offset - shiftMs) <= 1_500L) { "stored offset $offset" }
                val now = System.currentTimeMillis() + offset
                val edge = (now % 30_000L) < 1_000L || (now % 30_000L) > 29_000L
                if (!edge) assertEq(v.codesAt(now).single().code?.code, v.codes().single().code?.code, "codes() on the server's clock")
            }
        } finally {
            server.close()
            serving.join(1_000)
        }
    }
}
