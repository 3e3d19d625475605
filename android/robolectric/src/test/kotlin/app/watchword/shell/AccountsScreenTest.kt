// The accounts screen (the launcher) over a real vault: what it lists is
// what the core holds, with the core's codes.
package app.watchword.shell

import app.watchword.core.Code
import app.watchword.core.codeForLink
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner

@RunWith(RobolectricTestRunner::class)
class AccountsScreenTest {
    @Test
    fun anEmptyVaultSaysSo() {
        val screen = Robolectric.buildActivity(AccountsActivity::class.java).setup().get()
        eventually("the empty line") { screen.texts().takeIf { text(R.string.accounts_empty) in it } }
        assertTrue("the vault file was created in the app's no-backup storage", testApp().noBackupFilesDir.resolve("vault.db").isFile)
    }

    @Test
    fun listsTheAccountsOfTheVaultWithTheCoresCodes() {
        val links = listOf(
            "otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME",
            "otpauth://totp/Forge:bob?secret=JBSWY3DPEHPK3PXP&issuer=Forge",
        )
        val vault = testApp().vault()
        links.forEach { vault.addLink(it, false) }
        val labels = vault.codesMatching(null).map { it.label }
        assertEquals(2, labels.size)

        val before = System.currentTimeMillis()
        val screen = Robolectric.buildActivity(AccountsActivity::class.java).setup().get()
        val shown = eventually("both accounts listed") { screen.texts().takeIf { it.containsAll(labels) } }
        val after = System.currentTimeMillis()
        for ((link, label) in links.zip(labels)) {
            // The row under the label shows the code the core gives for that
            // link now (either side of a 30-second step), then the seconds left.
            val code = shown[shown.indexOf(label) + 1]
            val expected = setOf(before, after).map { (codeForLink(link, it) as Code.Timed).v1.code }
            assertTrue("$label shows $code, the core says $expected", code in expected)
            assertTrue("$label: seconds left", Regex("\\d+ seconds? left").matches(shown[shown.indexOf(label) + 2]))
        }
        assertTrue("no empty line with accounts", text(R.string.accounts_empty) !in shown)
    }
}
