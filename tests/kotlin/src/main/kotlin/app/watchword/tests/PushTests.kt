// Push approvals from Kotlin against the reference server on loopback:
// `watchword-server serve` runs as a subprocess; its admin commands create
// the enrolment and the sign-in request, as an administrator and a relying
// party would.
package app.watchword.tests

import app.watchword.core.*
import java.io.File
import java.net.ServerSocket
import java.nio.file.Files
import java.util.concurrent.TimeUnit

class Server(private val bin: String) : AutoCloseable {
    val db: String = Files.createTempDirectory("ww-server").resolve("server.db").toString()
    val port = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
    private val proc: Process = ProcessBuilder(bin, "serve", "--db", db, "--listen", "127.0.0.1:$port")
        .redirectErrorStream(true).start()

    init {
        val out = proc.inputStream.bufferedReader()
        val line = out.readLine() ?: error("server exited")
        check(line.contains("listening on")) { "server said: $line" }
        Thread { out.forEachLine { } }.apply { isDaemon = true }.start()
    }

    fun admin(vararg args: String): String {
        val p = ProcessBuilder(bin, *args).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) { "${args.toList()} failed: $out" }
        return out
    }

    override fun close() {
        proc.destroy()
        proc.waitFor(10, TimeUnit.SECONDS)
    }
}

fun jsonField(json: String, name: String): String =
    Regex("\"$name\":(\"([^\"]*)\"|([0-9-]+))").find(json)?.let { it.groupValues[2].ifEmpty { it.groupValues[3] } }
        ?: error("no $name in $json")

class Tokens : PushTokenSource {
    override fun token(): String? = "kotlin-test-token"
}

class Listener : ChallengeListener {
    val seen = java.util.concurrent.CopyOnWriteArrayList<Pair<String, ChallengeStatus>>()
    override fun onChange(id: String, state: ChallengeStatus, secondsLeft: Long) {
        seen += id to state
    }
}

fun pushTests() {
    val bin = System.getenv("WATCHWORD_SERVER_BIN") ?: error("WATCHWORD_SERVER_BIN not set")
    Harness.test("push: activate on the loopback server and approve with the number (suspend calls)") {
        Server(bin).use { server ->
            val enrolment = server.admin("enrol", "--db", server.db, "--user", "alice", "--json")
            Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
                PushClient(v, Tokens()).use { push ->
                    val listener = Listener()
                    push.setListener(listener)
                    val a = push.activate(jsonField(enrolment, "code"), jsonField(enrolment, "url"), "kotlin")
                    check(a.account.startsWith("alice")) { "account ${a.account}" }
                    check(a.server.contains("127.0.0.1:${server.port}")) { "server ${a.server}" }

                    val raised = server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Kotlin test", "--json")
                    val id = jsonField(raised, "id")
                    val number = jsonField(raised, "number").toInt()
                    val pending = push.pending()
                    val c = pending.single { it.id == id }
                    assertEq("Kotlin test", c.app, "app")
                    check(c.needsNumber) { "needs number" }
                    check(c.secondsLeft in 1..60) { "seconds left ${c.secondsLeft}" }
                    assertEq(ChallengeStatus.PENDING, push.state(id)?.status, "pending state")

                    // The gate says no: nothing is sent.
                    val gate = Gate(false)
                    v.setBiometricGate(gate)
                    assertThrows<WatchwordException.Cancelled> { push.respond(id, PushDecision.APPROVE, number.toUByte()) }
                    assertEq(ChallengeStatus.PENDING, push.state(id)?.status, "still pending")
                    // Approve without the number: typed error.
                    gate.answer = true
                    assertThrows<WatchwordException> { push.respond(id, PushDecision.APPROVE, null) }
                    val wrong = ((number % 99) + 1).toUByte()
                    assertThrows<WatchwordException.WrongNumber> { push.respond(id, PushDecision.APPROVE, wrong) }
                    assertEq(ChallengeStatus.APPROVED, push.respond(id, PushDecision.APPROVE, number.toUByte()), "approved")
                    val st = push.state(id) ?: error("no state")
                    assertEq(ChallengeStatus.APPROVED, st.status, "state")
                    assertEq(0L, st.secondsLeft, "final has no time left")
                    check(listener.seen.contains(id to ChallengeStatus.APPROVED)) { "listener saw ${listener.seen}" }
                    val status = server.admin("status", "--db", server.db, id, "--json")
                    assertEq("approved", jsonField(status, "status"), "server status")
                    // A notification payload (ids only) brings a new request; deny it.
                    val second = jsonField(server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Second", "--json"), "id")
                    val viaPush = push.handlePush("{\"v\":1,\"device_id\":\"${a.deviceId}\",\"challenge_id\":\"$second\"}")
                    assertEq("Second", viaPush.app, "handle_push app")
                    assertEq(ChallengeStatus.DENIED, push.respond(second, PushDecision.DENY, null), "denied")
                    // A push payload for a challenge that is gone is a typed error.
                    assertThrows<WatchwordException> {
                        push.handlePush("{\"v\":1,\"device_id\":\"${a.deviceId}\",\"challenge_id\":\"nope\"}")
                    }
                    assertThrows<WatchwordException> { push.handlePush("not json") }
                }
            }
        }
    }
}
