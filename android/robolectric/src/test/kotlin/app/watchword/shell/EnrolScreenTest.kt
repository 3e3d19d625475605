// The enrol screen routes a scanned link: a QR image picked from the
// gallery (the camera's frames cannot be produced here) is decoded by the
// core and what it holds is added to the vault.
package app.watchword.shell

import android.app.Activity
import android.content.Intent
import android.net.Uri
import app.watchword.core.Vault
import app.watchword.tests.AesKeyProvider
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import java.io.ByteArrayInputStream
import java.nio.file.Files

@RunWith(RobolectricTestRunner::class)
class EnrolScreenTest {
    @Test
    fun aPickedQrImageIsDecodedAndItsAccountAdded() {
        // Another phone's Google Authenticator export: a PNG of a QR code
        // holding an otpauth-migration link, made by the core.
        val other = Vault.create(Files.createTempDirectory("ww-robo").resolve("other.db").toString(), AesKeyProvider(ByteArray(32) { 7 }))
        val png = other.use {
            it.addLink("otpauth://totp/ACME:carol?secret=JBSWY3DPEHPK3PXP&issuer=ACME", false)
            runBlocking { it.exportGoogle(true) }.pngs.single()
        }
        val picked = Uri.parse("content://app.watchword.test/export.png")
        shadowOf(testApp().contentResolver).registerInputStreamSupplier(picked) { ByteArrayInputStream(png) }

        val screen = Robolectric.buildActivity(EnrolActivity::class.java).setup().get()
        screen.button(text(R.string.enrol_pick_image)).performClick()
        val asked = shadowOf(screen).nextStartedActivityForResult
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, asked.intent.action)
        shadowOf(screen).receiveResult(asked.intent, Activity.RESULT_OK, Intent().setData(picked))

        val added = eventually("the account in the vault") { testApp().vault().codesMatching(null).singleOrNull() }
        assertEquals("carol", added.name)
        val said = testApp().resources.getQuantityString(R.plurals.added_accounts_named, 1, 1, added.label)
        eventually("\"$said\" on screen") { screen.texts().singleOrNull { it == said } }
    }
}
