// Push approvals from Kotlin against the reference server on loopback:
// `watchword-server serve` runs as a subprocess; its admin commands create
// the enrolment and the sign-in request, as an administrator and a relying
// party would.
package app.watchword.tests

import app.watchword.core.*
import app.watchword.shell.PlatformHttp
import java.io.File
import java.net.ServerSocket
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch

class Tokens : PushTokenSource {
    override fun token(): PlatformPushToken? = PlatformPushToken.Fcm("kotlin-test-token")
}

class Listener : ChallengeListener {
    val seen = java.util.concurrent.CopyOnWriteArrayList<Pair<String, ChallengeState>>()
    override fun onChange(id: String, state: ChallengeState, secondsLeft: Long) {
        seen += id to state
    }
    fun calls(id: String) = seen.count { it.first == id }
}

/** A loopback server that accepts connections and never answers. */
class SilentServer(port: Int) : AutoCloseable {
    private val socket = ServerSocket().apply {
        reuseAddress = true
        bind(java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port))
    }
    private val held = java.util.concurrent.CopyOnWriteArrayList<java.net.Socket>()
    init {
        Thread {
            try { while (true) held += socket.accept() } catch (_: java.io.IOException) { }
        }.apply { isDaemon = true }.start()
    }
    val accepted get() = held.size
    override fun close() {
        socket.close()
        held.forEach { it.close() }
    }
}

fun pushTests() {
    val bin = System.getenv("WATCHWORD_SERVER_BIN") ?: error("WATCHWORD_SERVER_BIN not set")
    Harness.test("push: woken by Web Push (handleWebPush decrypts the server's message), and a new endpoint registered with pushTokenChanged") {
        val allow = listOf("--web-push-allow-loopback")
        Server(bin, extra = allow).use { server ->
            WebPushEndpoint().use { first ->
                WebPushEndpoint().use { second ->
                    val enrolment = server.admin("enrol", "--db", server.db, "--user", "alice", "--json")
                    val tokens = object : PushTokenSource {
                        override fun token(): PlatformPushToken? = PlatformPushToken.UnifiedPush(first.url)
                    }
                    Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                        PushClient(v, tokens, PlatformHttp()).use { push ->
                            push.activateTyped(jsonField(enrolment, "code"), jsonField(enrolment, "url"), "kotlin")
                            val raised = server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Web Push", "--json", *allow.toTypedArray())
                            val body = first.bodies.poll(10, TimeUnit.SECONDS) ?: error("no Web Push message arrived")
                            check(!String(body, Charsets.ISO_8859_1).contains("Web Push")) { "the message is not encrypted" }
                            val c = push.handleWebPush(body)
                            assertEq(jsonField(raised, "id"), c.id, "challenge from the push")
                            assertEq("Web Push", c.app, "app")
                            val status = server.admin("status", "--db", server.db, c.id, "--json")
                            check(status.contains("\"state\":\"sent\"") && status.contains("\"kind\":\"web_push\"")) { "deliveries: $status" }
                            // A forged message: a typed error, nothing shown.
                            val forged = body.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
                            assertThrows<ApiException.Untrusted> { kotlinx.coroutines.runBlocking { push.handleWebPush(forged) } }
                            // The distributor hands out a new endpoint: the server uses it from now on.
                            val report = push.pushTokenChanged(PlatformPushToken.UnifiedPush(second.url))
                            assertEq(1u, report.updated, "servers told")
                            server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Again", "--json", *allow.toTypedArray())
                            val next = second.bodies.poll(10, TimeUnit.SECONDS) ?: error("the new endpoint got nothing")
                            assertEq("Again", push.handleWebPush(next).app, "app")
                            check(first.bodies.isEmpty()) { "the old endpoint still gets messages" }
                        }
                    }
                }
            }
        }
    }
    Harness.test("push: activate on the loopback server and approve with the number (suspend calls)") {
        Server(bin).use { server ->
            val enrolment = server.admin("enrol", "--db", server.db, "--user", "alice", "--json")
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                val http = RecordingHttp(PlatformHttp())
                PushClient(v, Tokens(), http).use { push ->
                    val listener = Listener()
                    push.setListener(listener)
                    val a = push.activateTyped(jsonField(enrolment, "code"), jsonField(enrolment, "url"), "kotlin")
                    check(a.account.startsWith("alice")) { "account ${a.account}" }
                    check(a.server.contains("127.0.0.1:${server.port}")) { "server ${a.server}" }

                    val raised = server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Kotlin test", "--json")
                    val id = jsonField(raised, "id")
                    val number = jsonField(raised, "number").toInt()
                    val pending = push.pending()
                    val c = pending.single { it.id == id }
                    // Both went out through the Kotlin transport, built and
                    // signed by the core.
                    val activation = http.sent.first()
                    assertEq(HttpMethod.POST, activation.method, "activation method")
                    check(activation.url.contains("/v1/activate/")) { "activation url ${activation.url}" }
                    check(activation.headers.any { it.name == "Content-Type" && it.value == "application/json" }) { "json body" }
                    val poll = http.sent.last()
                    assertEq(HttpMethod.GET, poll.method, "poll method")
                    check(poll.url.endsWith("/v1/device/pending")) { "poll url ${poll.url}" }
                    check(poll.headers.any { it.name == "watchword-signature" && it.value.isNotEmpty() }) { "poll is signed" }
                    check(poll.timeoutMs in 1uL..60_000uL) { "timeout ${poll.timeoutMs}" }
                    assertEq(1, listener.calls(id), "listener told once: first seen")
                    push.pending()
                    push.pending()
                    assertEq(1, listener.calls(id), "fetching again changes nothing, tells nothing")
                    assertEq(Provider.WATCHWORD, c.provider, "provider")
                    assertEq(emptyList<String>(), c.options, "no options")
                    assertEq("Kotlin test", c.app, "app")
                    check(c.needsNumber) { "needs number" }
                    check(c.secondsLeft in 1..60) { "seconds left ${c.secondsLeft}" }
                    assertEq(ChallengeState.PENDING, push.state(id)?.status, "pending state")
                    // The push account is in the one account list, and can
                    // be renamed (removal is checked at the end).
                    val listed = v.listAll(null).filterIsInstance<ListedAccount.Push>().single().account
                    assertEq(Provider.WATCHWORD, listed.provider, "listed provider")
                    check(listed.label.contains("alice")) { "label ${listed.label}" }
                    assertEq("Work (alice)", v.renamePush(listed.id, null, "Work").label, "renamed")
                    check(c.createdAt in (c.expiresAt - 120)..c.expiresAt) { "sign-in time ${c.createdAt}" }

                    // The vault requires presence and has no gate: the
                    // approval is refused in the core, nothing is sent.
                    v.setPresenceRequired(true)
                    assertThrows<ApiException.Cancelled> { push.respond(id, Decision.APPROVE, number.toUByte()) }
                    // A gate whose platform call throws refuses as well.
                    v.setBiometricGate(object : BiometricGate {
                        override suspend fun confirm(action: PresenceAction, reason: String): Boolean = throw IllegalStateException("sensor gone")
                    })
                    assertThrows<ApiException.Cancelled> { push.respond(id, Decision.APPROVE, number.toUByte()) }
                    assertEq("pending", jsonField(server.admin("status", "--db", server.db, id, "--json"), "status"), "no gate, a throwing gate: server saw nothing")
                    // The gate suspends, then says no: nothing is sent.
                    val gate = Gate(false, delayMs = 200)
                    v.setBiometricGate(gate)
                    assertThrows<ApiException.Cancelled> { push.respond(id, Decision.APPROVE, number.toUByte()) }
                    assertEq(ChallengeState.PENDING, push.state(id)?.status, "still pending")
                    assertEq("pending", jsonField(server.admin("status", "--db", server.db, id, "--json"), "status"), "server saw nothing")
                    assertEq(1, listener.calls(id), "a refused gate changes nothing, tells nothing")
                    // Approve without the number: typed error, refused before
                    // the gate is asked (no wasted biometric prompt).
                    gate.answer = true
                    assertThrows<ApiException.InvalidInput> { push.respond(id, Decision.APPROVE, null) }
                    assertEq(1, listener.calls(id), "no number: nothing changed")
                    assertEq(1, gate.reasons.size, "no number: the gate was not asked")
                    val wrong = ((number % 99) + 1).toUByte()
                    assertThrows<ApiException.WrongNumber> { push.respond(id, Decision.APPROVE, wrong) }
                    assertEq(2, listener.calls(id), "a wrong number changes tries left")
                    check(push.state(id)?.triesLeft != null) { "tries left known" }
                    assertEq(ChallengeState.APPROVED, push.respond(id, Decision.APPROVE, number.toUByte()), "approved")
                    assertEq(3, listener.calls(id), "approved: told once more")
                    assertEq(listOf("approve the sign-in", "approve the sign-in", "approve the sign-in"), gate.reasons.toList(), "gate asked per approval that could be sent")
                    val st = push.state(id) ?: error("no state")
                    assertEq(ChallengeState.APPROVED, st.status, "state")
                    assertEq(0L, st.secondsLeft, "final has no time left")
                    check(listener.seen.contains(id to ChallengeState.APPROVED)) { "listener saw ${listener.seen}" }
                    val status = server.admin("status", "--db", server.db, id, "--json")
                    assertEq("approved", jsonField(status, "status"), "server status")
                    // A notification payload (ids only) brings a new request; deny it.
                    val second = jsonField(server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Second", "--json"), "id")
                    val viaPush = push.handlePush("{\"v\":1,\"device_id\":\"${a.deviceId}\",\"challenge_id\":\"$second\"}")
                    assertEq("Second", viaPush.app, "handle_push app")
                    assertEq(ChallengeState.DENIED, push.respond(second, Decision.DENY, null), "denied")
                    // A push payload for a challenge that is gone is a typed error.
                    assertThrows<ApiException> {
                        push.handlePush("{\"v\":1,\"device_id\":\"${a.deviceId}\",\"challenge_id\":\"nope\"}")
                    }
                    assertThrows<ApiException> { push.handlePush("not json") }
                    // Removing the push account: gone from the list, its
                    // requests no longer fetched, and the note says the
                    // server still lists the device.
                    val pushId = v.listAll(null).filterIsInstance<ListedAccount.Push>().single().account.id
                    val removed = v.removePush(pushId)
                    check(!removed.serverTold && removed.note.contains(a.deviceId)) { "note ${removed.note}" }
                    assertEq(emptyList<ListedAccount>(), v.listAll(null).filterIsInstance<ListedAccount.Push>(), "removed")
                    server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "After", "--json")
                    assertEq(emptyList<Challenge>(), push.pending(), "nothing fetched for a removed account")
                    assertThrows<ApiException.NotFound> { v.removePush(pushId) }
                }
            }
        }
    }

    Harness.test("push: a listener, logger or token source that throws or hangs never changes what a call returns") {
        class Broken : IllegalStateException("app bug")
        val throwingListener = object : ChallengeListener {
            val calls = java.util.concurrent.atomic.AtomicInteger()
            override fun onChange(id: String, state: ChallengeState, secondsLeft: Long) {
                calls.incrementAndGet()
                throw Broken()
            }
        }
        val throwingTokens = object : PushTokenSource {
            override fun token(): PlatformPushToken? = throw Broken()
        }
        val throwingLogger = object : Logger {
            val calls = java.util.concurrent.atomic.AtomicInteger()
            override fun log(record: LogRecord) {
                calls.incrementAndGet()
                throw Broken()
            }
        }
        Server(bin).use { server ->
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                PushClient(v, throwingTokens, PlatformHttp()).use { push ->
                    push.setListener(throwingListener)
                    setLogger(throwingLogger, LogLevel.DEBUG)
                    try {
                        // The token source throws: activated without a token.
                        val e = server.admin("enrol", "--db", server.db, "--user", "alice", "--json")
                        push.activateTyped(jsonField(e, "code"), jsonField(e, "url"), "kotlin")
                        val raised = server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Kotlin", "--json")
                        val id = jsonField(raised, "id")
                        val number = jsonField(raised, "number").toUByte()
                        // The listener throws on first sight: the list still comes back.
                        assertEq(listOf(id), push.pending().map { it.id }, "pending despite the listener")
                        // ...and on the approval: reported as approved, as the server recorded.
                        assertEq(ChallengeState.APPROVED, push.respond(id, Decision.APPROVE, number), "approved")
                        assertEq("approved", jsonField(server.admin("status", "--db", server.db, id, "--json"), "status"), "server")
                        assertEq(ChallengeState.APPROVED, push.state(id)?.status, "state")
                        check(throwingListener.calls.get() >= 2) { "listener called ${throwingListener.calls.get()} times" }
                        check(throwingLogger.calls.get() > 0) { "the logger was never called" }
                    } finally {
                        setLogger(null, LogLevel.INFO)
                    }
                }
            }
        }
        // A token source that hangs: the activation goes ahead without a
        // token after a short wait, and a transport that stops answering
        // makes pending() throw Network within the documented 20 s.
        Server(bin).use { server ->
            val hangingTokens = object : PushTokenSource {
                override fun token(): PlatformPushToken? {
                    Thread.sleep(120_000)
                    return PlatformPushToken.Fcm("too late")
                }
            }
            val stalled = java.util.concurrent.atomic.AtomicBoolean(false)
            val platform = PlatformHttp()
            val stalling = object : HttpTransport {
                override suspend fun send(request: HttpRequest): HttpResponse {
                    if (stalled.get()) kotlinx.coroutines.awaitCancellation()
                    return platform.send(request)
                }
            }
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                PushClient(v, hangingTokens, stalling).use { push ->
                    val e = server.admin("enrol", "--db", server.db, "--user", "alice", "--json")
                    val t0 = System.nanoTime()
                    push.activateTyped(jsonField(e, "code"), jsonField(e, "url"), "kotlin")
                    val activateMs = (System.nanoTime() - t0) / 1_000_000
                    check(activateMs < 10_000) { "activation waited $activateMs ms for a hanging token source" }
                    // A listener that blocks: pending() still returns promptly.
                    push.setListener(object : ChallengeListener {
                        override fun onChange(id: String, state: ChallengeState, secondsLeft: Long) = Thread.sleep(120_000)
                    })
                    val id = jsonField(server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Kotlin", "--json"), "id")
                    val tl = System.nanoTime()
                    assertEq(listOf(id), push.pending().map { it.id }, "pending despite a blocking listener")
                    val listenedMs = (System.nanoTime() - tl) / 1_000_000
                    check(listenedMs < 5_000) { "pending() waited $listenedMs ms for a blocking listener" }
                    push.setListener(null)
                    stalled.set(true)
                    val t1 = System.nanoTime()
                    assertThrows<ApiException.Network> { push.pending() }
                    val pendingMs = (System.nanoTime() - t1) / 1_000_000
                    check(pendingMs in 19_000..25_000) { "pending() gave up after $pendingMs ms; the bound is 20 s" }
                }
            }
        }
        // A throwing logger while the server is unreachable: still Network.
        setLogger(throwingLogger, LogLevel.DEBUG)
        try {
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                PushClient(v, null, PlatformHttp()).use { push ->
                    assertThrows<ApiException.Network> { push.activateTyped("123456789", "http://127.0.0.1:1/v1/activate/x", "k") }
                }
            }
        } finally {
            setLogger(null, LogLevel.INFO)
        }
    }

    Harness.test("push: cancelAll ends a pending() on a server that never answers, and the client works after") {
        val db = Files.createTempDirectory("ww-server").resolve("server.db").toString()
        val port = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            PushClient(v, Tokens(), PlatformHttp()).use { push ->
                Server(bin, db, port).use { server ->
                    val e = server.admin("enrol", "--db", db, "--user", "bob", "--json")
                    push.activateTyped(jsonField(e, "code"), jsonField(e, "url"), "kotlin")
                }
                // Same address, but now nothing ever answers.
                SilentServer(port).use { silent ->
                    coroutineScope {
                        val call = async { runCatching { push.pending() } }
                        while (silent.accepted == 0) delay(10)
                        val t0 = System.nanoTime()
                        push.cancelAll()
                        val r = call.await()
                        val ms = (System.nanoTime() - t0) / 1_000_000
                        check(r.exceptionOrNull() is ApiException.Cancelled) { "got $r" }
                        check(ms < 2_000) { "cancel took $ms ms" }
                    }
                    // A coroutine cancelled from Kotlin: the generated code
                    // frees the Rust future (dropping the request); the
                    // coroutine ends with CancellationException, no crash.
                    coroutineScope {
                        val job = launch { push.pending() }
                        delay(200)
                        val t0 = System.nanoTime()
                        job.cancelAndJoin()
                        check(job.isCancelled) { "not cancelled" }
                        check((System.nanoTime() - t0) / 1_000_000 < 2_000) { "coroutine cancel was slow" }
                    }
                }
                // The server is back: the same client fetches normally.
                Server(bin, db, port).use { server ->
                    val raised = server.admin("challenge", "--db", db, "--user", "bob", "--app", "After cancel", "--json")
                    val list = push.pending()
                    assertEq(listOf(jsonField(raised, "id")), list.map { it.id }, "pending after cancel")
                }
            }
        }
    }
}
