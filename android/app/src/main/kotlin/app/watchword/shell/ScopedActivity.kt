package app.watchword.shell

import android.app.Activity
import android.widget.Toast
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.withContext

/**
 * Base of the screens: a main-thread [CoroutineScope] cancelled in
 * `onDestroy` (AndroidX's `lifecycleScope`, by hand), core calls run on
 * `Dispatchers.IO` (never the main thread: the biometric gate waits for
 * the prompt's answer there), and the error message for the user (in
 * their language, from the core's error kind: [Texts.describe]).
 */
abstract class ScopedActivity : Activity() {
    /** Coroutines of this screen; cancelled with it. */
    protected val scope: CoroutineScope = MainScope()

    /** The app's vault and push client. */
    protected val app: WatchwordApp get() = WatchwordApp.of(this)

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    /** Runs a core call off the main thread. */
    protected suspend fun <T> core(block: suspend () -> T): T = withContext(Dispatchers.IO) { block() }

    /** The message of [error]'s kind in the user's language (the core's English goes to the log). */
    protected fun describe(error: Exception): String = Texts.describe(this, error)

    /** A short message. */
    protected fun toast(message: String) {
        Toast.makeText(this, message, Toast.LENGTH_LONG).show()
    }
}
