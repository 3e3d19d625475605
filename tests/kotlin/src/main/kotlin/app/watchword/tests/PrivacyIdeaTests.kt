// privacyIDEA push through the bindings against the LIVE privacyIDEA 3.14
// that test.sh starts (tests/privacyidea/server.sh; env WATCHWORD_PI_URL,
// WATCHWORD_PI_ADMIN, WATCHWORD_PI_PASSWORD). The admin API enrols and
// triggers, as an administrator and a relying party would; the phone side
// is PushClient. User `ken` is reserved for these tests.
package app.watchword.tests

import app.watchword.core.*
import app.watchword.shell.PlatformHttp
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

private const val USER = "ken"
private const val PIN = "4321"

/** The privacyIDEA admin and relying-party API, JSON read with regexes. */
class PrivacyIdea(private val url: String, admin: String, password: String) {
    private val http = HttpClient.newHttpClient()
    private val token: String

    init {
        val auth = send("POST", "/auth", json = """{"username":"$admin","password":"$password"}""", auth = false)
        token = field(auth, "token")
    }

    fun send(method: String, path: String, json: String? = null, form: Map<String, String>? = null, auth: Boolean = true): String {
        val b = HttpRequest.newBuilder(URI.create(url + path))
        if (auth) b.header("PI-Authorization", token)
        val body = when {
            json != null -> { b.header("Content-Type", "application/json"); HttpRequest.BodyPublishers.ofString(json) }
            form != null -> {
                b.header("Content-Type", "application/x-www-form-urlencoded")
                HttpRequest.BodyPublishers.ofString(form.entries.joinToString("&") { (k, v) -> "$k=${URLEncoder.encode(v, "UTF-8")}" })
            }
            else -> HttpRequest.BodyPublishers.noBody()
        }
        b.method(method, body)
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body()
    }

    fun clearTokens(user: String) {
        val list = send("GET", "/token/?user=$user&realm=defrealm")
        for (m in Regex("\"serial\":\\s*\"([^\"]+)\"").findAll(list)) send("DELETE", "/token/${m.groupValues[1]}")
    }

    /** Step 1 of push enrolment: the `otpauth://pipush/...` link the QR shows. */
    fun initPush(user: String): Pair<String, String> {
        val r = send("POST", "/token/init", json = """{"type":"push","genkey":1,"user":"$user","realm":"defrealm","pin":"$PIN"}""")
        val link = Regex("\"value\":\\s*\"(otpauth://pipush/[^\"]+)\"").find(r)?.groupValues?.get(1) ?: error("no pushurl in $r")
        return field(r, "serial") to link.replace("\\u0026", "&").replace("\\/", "/")
    }

    /** `/validate/check user + PIN`: a new challenge; the whole reply. */
    fun check(user: String): String =
        send("POST", "/validate/check", form = mapOf("user" to user, "realm" to "defrealm", "pass" to PIN), auth = false)

    fun accepted(transactionId: String): Boolean =
        Regex("\"value\":\\s*true").containsMatchIn(send("GET", "/validate/polltransaction?transaction_id=$transactionId", auth = false))

    fun policy(name: String, json: String) = send("POST", "/policy/$name", json = json)

    fun deletePolicy(name: String) = send("DELETE", "/policy/$name")

    companion object {
        fun field(json: String, name: String): String =
            Regex("\"$name\":\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

        /** The server from the environment; null (with the reason printed)
         *  outside CI when it is not running. Under CI=true a missing
         *  server is a failure. */
        fun fromEnv(): PrivacyIdea? {
            val url = System.getenv("WATCHWORD_PI_URL")
            if (url == null) {
                check(System.getenv("CI") != "true") { "CI=true but WATCHWORD_PI_URL is not set: run tests/privacyidea/server.sh start" }
                return null
            }
            return PrivacyIdea(url, System.getenv("WATCHWORD_PI_ADMIN") ?: "admin", System.getenv("WATCHWORD_PI_PASSWORD") ?: "")
        }
    }
}

fun privacyIdeaTests() {
    val name = "privacyIDEA push: enrol a pipush link, pending, gate, approve, deny and pick the option, against a live server"
    val pi = try {
        PrivacyIdea.fromEnv()
    } catch (e: Throwable) {
        Harness.test(name) { throw e }
        return
    }
    if (pi == null) {
        Harness.skip(name, "WATCHWORD_PI_URL is not set (tests/privacyidea/server.sh start, then eval \"\$(tests/privacyidea/server.sh env)\")")
        return
    }
    Harness.test(name) {
        pi.clearTokens(USER)
        val (serial, link) = pi.initPush(USER)
        check(classify(link) is EnrolmentKind.PrivacyIdeaPush) { "classify: ${classify(link)}" }
        Vault.create(tempVaultPath(), AesKeyProvider(KEK_A)).use { v ->
            PushClient(v, null, PlatformHttp()).use { push ->
                val a = push.activateScanned(link, "kotlin")
                assertEq(serial, a.deviceId, "device id is the serial")
                assertEq(Provider.PRIVACY_IDEA, a.provider, "activation provider")
                check(a.summary.startsWith("Enrolled privacyIDEA push token $serial")) { "summary ${a.summary}" }
                check(a.server.startsWith("http://127.0.0.1")) { "server ${a.server}" }
                // Step 2 works once per token: a second enrolment is a typed error.
                assertThrows<ApiException> { push.activateScanned(link, "kotlin") }
                assertEq(emptyList<Challenge>(), push.pending(), "nothing yet")

                val tid = PrivacyIdea.field(pi.check(USER), "transaction_id")
                val c = push.pending().single()
                assertEq(Provider.PRIVACY_IDEA, c.provider, "provider")
                assertEq("Do you want to confirm the login?", c.message, "message")
                check(!c.needsNumber && c.options.isEmpty()) { "no options: $c" }
                check(c.secondsLeft > 0) { "seconds left ${c.secondsLeft}" }

                val gate = Gate(false)
                v.setBiometricGate(gate)
                assertThrows<ApiException.Cancelled> { push.respond(c.id, Decision.APPROVE, null) }
                check(!pi.accepted(tid)) { "a refused gate sent an answer" }
                assertEq(ChallengeState.PENDING, push.state(c.id)?.status, "still pending")
                gate.answer = true
                assertEq(ChallengeState.APPROVED, push.respond(c.id, Decision.APPROVE, null), "approved")
                check(pi.accepted(tid)) { "the server did not see the approval" }
                assertThrows<ApiException.Refused> { push.respond(c.id, Decision.DENY, null) }

                // A second sign-in, denied: no gate for a no.
                pi.check(USER)
                val d = push.pending().single()
                assertEq(ChallengeState.DENIED, push.respond(d.id, Decision.DENY, null), "denied")

                // Number matching: pick the option the sign-in screen shows.
                pi.policy("presence-$USER", """{"scope":"authentication","user":"$USER","realm":"defrealm","action":{"push_require_presence":true,"push_presence_options":"ALPHABETIC","push_ssl_verify":"0"},"active":true}""")
                try {
                    val r = pi.check(USER)
                    val shown = PrivacyIdea.field(r, "presence_answer")
                    val p = push.pending().single()
                    check(p.needsNumber && p.options.contains(shown)) { "options ${p.options} / $shown" }
                    assertThrows<ApiException.WrongNumber> { push.respondWithAnswer(p.id, Decision.APPROVE, "not-an-option") }
                    val wrong = p.options.first { it != shown }
                    assertThrows<ApiException.WrongNumber> { push.respondWithAnswer(p.id, Decision.APPROVE, wrong) }
                    assertEq(ChallengeState.PENDING, push.state(p.id)?.status, "a wrong option leaves it open")
                    assertEq(ChallengeState.APPROVED, push.respondWithAnswer(p.id, Decision.APPROVE, shown), "right option")
                    check(pi.accepted(PrivacyIdea.field(r, "transaction_id"))) { "server did not take the option" }
                } finally {
                    pi.deletePolicy("presence-$USER")
                }
            }
        }
    }
}
