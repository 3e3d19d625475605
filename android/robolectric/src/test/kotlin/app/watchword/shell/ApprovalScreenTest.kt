// Sign-in approval end to end: a loopback watchword-server raises the
// request, the approval screen shows what the core fetched and verified, and
// the answer typed there reaches the server, or does not.
package app.watchword.shell

import app.watchword.core.EnrolChoices
import app.watchword.core.EnrolInput
import app.watchword.core.ListedAccount
import app.watchword.tests.Server
import app.watchword.tests.jsonField
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
class ApprovalScreenTest {
    private lateinit var server: Server

    @Before
    fun startServer() {
        server = loopbackServer()
    }

    @After
    fun stopServer() {
        if (::server.isInitialized) server.close()
    }

    /** Activates this app's vault with an enrolment of [user] (through the core, as the enrol screen does). */
    private fun activate(user: String = "alice") {
        val link = jsonField(server.admin("enrol", "--db", server.db, "--user", user, "--json"), "link")
        runBlocking { testApp().push().enrol(EnrolInput.Scanned(link), EnrolChoices(), "robolectric") }
    }

    /** Raises a sign-in request for alice: its id and number. */
    private fun raise(app: String): Pair<String, Int> {
        val raised = server.admin("challenge", "--db", server.db, "--user", "alice", "--app", app, "--location", "Utrecht, NL", "--json")
        return jsonField(raised, "id") to jsonField(raised, "number").toInt()
    }

    private fun openApproval(id: String) =
        Robolectric.buildActivity(ApprovalActivity::class.java, ApprovalActivity.intent(testApp(), id)).setup().get()

    @Test
    fun theEnrolScreenActivatesAPastedLinkAndTheRightNumberApprovesOnTheServer() {
        val link = jsonField(server.admin("enrol", "--db", server.db, "--user", "alice", "--json"), "link")
        val enrol = Robolectric.buildActivity(EnrolActivity::class.java).setup().get()
        enrol.field(text(R.string.enrol_paste_hint)).setText(link)
        enrol.button(text(R.string.enrol_add_pasted)).performClick()
        val account = eventually("the push account in the vault") {
            testApp().vault().listAll(null).filterIsInstance<ListedAccount.Push>().singleOrNull()?.account
        }
        assertTrue("the server is ours: ${account.server}", account.server.contains("127.0.0.1:${server.port}"))
        eventually("the activation sentence") { enrol.texts().singleOrNull { it.startsWith("Activated ") && account.deviceId in it } }

        val (id, number) = raise("Robolectric")
        val screen = openApproval(id)
        val details = eventually("the request's details") { screen.texts().singleOrNull { "Robolectric" in it } }
        assertTrue(details, details.contains("${text(R.string.detail_location)}: Utrecht, NL"))
        assertEquals("pending", server.status(id))

        screen.field(text(R.string.approval_number_hint)).setText(number.toString())
        screen.button(text(R.string.approve)).performClick()
        eventually("approved on screen") { screen.texts().singleOrNull { it.startsWith(text(R.string.status_approved)) } }
        assertEquals("approved", server.status(id))
        assertEquals("the core asked the person once", 1, testApp().gate.reasons.size)
    }

    @Test
    @Config(qualifiers = "nl")
    fun aWrongNumberShowsTheCoresMessageInDutchAndDoesNotApprove() {
        activate()
        val (id, number) = raise("Robolectric NL")
        val screen = openApproval(id)
        eventually("the request's details") { screen.texts().singleOrNull { "Robolectric NL" in it } }
        // values-nl is what the screen reads: the button and the hint are Dutch.
        assertEquals("Goedkeuren", text(R.string.approve))
        val field = screen.field("Getal op het aanmeldscherm")

        val wrong = number % 99 + 1
        field.setText(wrong.toString())
        screen.button("Goedkeuren").performClick()
        // The core's WrongNumber, in the words of values-nl's error_wrong_number.
        eventually("the wrong-number message") {
            screen.texts().singleOrNull { it == "Dat is niet het getal op het aanmeldscherm. Probeer het opnieuw." }
        }
        assertEquals("a wrong number is not an approval", "pending", server.status(id))

        field.setText(number.toString())
        screen.button("Goedkeuren").performClick()
        eventually("approved, in Dutch") { screen.texts().singleOrNull { it.startsWith("Goedgekeurd.") } }
        assertEquals("approved", server.status(id))
    }

    @Test
    fun whenThePersonDoesNotConfirmNothingIsSent() {
        activate()
        val (id, number) = raise("Unconfirmed")
        testApp().gate.answer = false
        val screen = openApproval(id)
        eventually("the request's details") { screen.texts().singleOrNull { "Unconfirmed" in it } }
        screen.field(text(R.string.approval_number_hint)).setText(number.toString())
        screen.button(text(R.string.approve)).performClick()
        eventually("not confirmed") { screen.texts().singleOrNull { it == text(R.string.approval_not_confirmed) } }
        assertEquals("no confirmation, no approval", "pending", server.status(id))
    }
}
