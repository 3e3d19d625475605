// The Robolectric tests' application and helpers. The screens, receivers
// and poll job under test are the shell's own classes; they run on
// Robolectric's Android 15 against the real watchword-ffi library (loaded by
// JNA from target/bindings/lib) and, for push, a loopback watchword-server.
// Only what cannot exist on the JVM is replaced, through the two open
// factories of WatchwordApp: the AndroidKeyStore (a software AES-GCM
// wrapper) and the biometric prompt (a gate whose answer the test sets).
package app.watchword.shell

import android.app.Activity
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import app.watchword.core.BiometricGate
import app.watchword.core.KeyProvider
import app.watchword.tests.AesKeyProvider
import app.watchword.tests.Gate
import app.watchword.tests.Server
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf

/** WatchwordApp with a software key wrapper and a test-controlled biometric gate. */
class TestApp : WatchwordApp() {
    /** What the "person" answers when the core asks; tests set it. */
    val gate = Gate(answer = true, delayMs = 0)

    override fun keyProvider(): KeyProvider = AesKeyProvider(ByteArray(32) { it.toByte() })

    override fun biometricGate(): BiometricGate = gate
}

/** This test's application (a new one, with empty app storage, per test). */
fun testApp(): TestApp = RuntimeEnvironment.getApplication() as TestApp

/** A string resource as the app's resources (in the test's locale) give it. */
fun text(id: Int, vararg args: Any): String = testApp().getString(id, *args)

/**
 * Runs the main looper until [probe] gives a value. The screens run core
 * calls on real IO threads and post the results to the main looper, which
 * Robolectric only runs when asked.
 */
fun <T : Any> eventually(what: String, timeoutMs: Long = 30_000, probe: () -> T?): T {
    val end = System.nanoTime() + timeoutMs * 1_000_000
    while (true) {
        shadowOf(Looper.getMainLooper()).idle()
        probe()?.let { return it }
        if (System.nanoTime() > end) throw AssertionError("timed out after $timeoutMs ms waiting for $what")
        Thread.sleep(20)
    }
}

/** Every view under [root], depth first. */
fun views(root: View): List<View> =
    listOf(root) + if (root is ViewGroup) (0 until root.childCount).flatMap { views(root.getChildAt(it)) } else emptyList()

/** The texts on screen (labels and buttons), in order. */
fun Activity.texts(): List<String> =
    views(window.decorView).filterIsInstance<TextView>().filter { it.isShown }.map { it.text.toString() }.filter { it.isNotEmpty() }

/** The visible button labelled [label]. */
fun Activity.button(label: String): Button =
    views(window.decorView).filterIsInstance<Button>().singleOrNull { it.isShown && it.text.toString() == label }
        ?: throw AssertionError("no button \"$label\" on screen: ${texts()}")

/** The visible input whose hint is [hint]. */
fun Activity.field(hint: String): EditText =
    views(window.decorView).filterIsInstance<EditText>().singleOrNull { it.isShown && it.hint?.toString() == hint }
        ?: throw AssertionError("no field \"$hint\" on screen: ${texts()}")

/** The reference server on a free loopback port (run.sh names the binary and its passphrase); [extra] options for `serve`. */
fun loopbackServer(extra: List<String> = emptyList()): Server =
    Server(System.getenv("WATCHWORD_SERVER_BIN") ?: error("WATCHWORD_SERVER_BIN is not set (android/robolectric/run.sh sets it)"), extra = extra)

/** The server's own record of request [id] (pending, approved, denied...). */
fun Server.status(id: String): String = app.watchword.tests.jsonField(admin("status", "--db", db, id, "--json"), "status")
