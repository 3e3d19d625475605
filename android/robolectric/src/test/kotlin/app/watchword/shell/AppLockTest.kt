// Privacy on every screen and the optional app lock, on the shell's real
// screens: FLAG_SECURE everywhere, and with the lock on (the core's
// setting) a cover until the core's unlockApp passed, again after the app
// left the screen.
package app.watchword.shell

import android.view.WindowManager
import app.watchword.core.PresenceAction
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class AppLockTest {
    private val link = "otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"

    @Test
    fun everyScreenIsSecureAgainstScreenshots() {
        for (screen in listOf(AccountsActivity::class.java, EnrolActivity::class.java, ChangePhoneActivity::class.java)) {
            val activity = Robolectric.buildActivity(screen).setup().get()
            val flags = activity.window.attributes.flags
            assertTrue("${screen.simpleName} is FLAG_SECURE", flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        }
    }

    @Test
    fun withTheLockOffNothingIsCoveredAndNothingAsked() {
        testApp().vault().addLink(link, false)
        val label = testApp().vault().codesMatching(null).single().label
        val screen = Robolectric.buildActivity(AccountsActivity::class.java).setup().get()
        eventually("the account listed") { screen.texts().takeIf { label in it } }
        assertFalse(text(R.string.app_locked) in screen.texts())
        assertTrue("no prompt without the lock", testApp().gate.actions.isEmpty())
    }

    @Test
    fun theLockCoversTheScreenUntilTheCoreUnlocksAndAgainAfterLeaving() {
        val app = testApp()
        app.vault().addLink(link, false)
        runBlocking { app.vault().setAppLock(true) }
        app.gate.answer = false
        app.gate.actions.clear()

        val controller = Robolectric.buildActivity(AccountsActivity::class.java).setup()
        val screen = controller.get()
        // A no at the prompt: the cover stays, with the core's kind in the user's language.
        eventually("the cover with the refusal") {
            screen.texts().takeIf { text(R.string.app_locked) in it && text(R.string.error_cancelled) in it }
        }
        assertEquals(listOf(PresenceAction.UNLOCK_APP), app.gate.actions.toList())

        // A yes: the cover goes, the codes are there.
        app.gate.answer = true
        screen.button(text(R.string.app_unlock)).performClick()
        eventually("the cover gone") { screen.texts().takeIf { text(R.string.app_locked) !in it } }

        // Leaving the screen (the app in the background) and coming back asks again.
        controller.pause().stop()
        app.gate.answer = false
        controller.start().resume()
        eventually("covered again") { screen.texts().takeIf { text(R.string.app_locked) in it } }
        assertEquals(listOf(PresenceAction.UNLOCK_APP, PresenceAction.UNLOCK_APP, PresenceAction.UNLOCK_APP), app.gate.actions.toList())
    }

    @Test
    fun theCodesScreenTurnsTheLockOnThroughTheCore() {
        val app = testApp()
        val screen = Robolectric.buildActivity(AccountsActivity::class.java).setup().get()
        val turnOn = eventually("the app lock button") { runCatching { screen.button(text(R.string.app_lock_turn_on)) }.getOrNull() }
        app.gate.answer = false
        turnOn.performClick()
        eventually("refused: still off") { screen.texts().takeIf { text(R.string.error_cancelled) in it } }
        assertFalse(app.vault().appLock())
        app.gate.answer = true
        turnOn.performClick()
        eventually("the button now turns it off") { runCatching { screen.button(text(R.string.app_lock_turn_off)) }.getOrNull() }
        assertTrue(app.vault().appLock())
        assertEquals(listOf(PresenceAction.CHANGE_APP_LOCK, PresenceAction.CHANGE_APP_LOCK), app.gate.actions.toList())
    }
}
