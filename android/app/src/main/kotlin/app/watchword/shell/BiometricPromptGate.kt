package app.watchword.shell

import android.os.Looper
import android.util.Log
import app.watchword.core.BiometricGate
import kotlinx.coroutines.runBlocking

/**
 * The core's [BiometricGate]: the core calls it before an approval is sent
 * or a secret shown, and this asks the user with [BiometricPrompter] on the
 * activity on screen. No activity on screen means no (the core then
 * reports `Cancelled`); the shell never decides an approval itself.
 *
 * Today's `confirm` is blocking, so it runs the prompt with `runBlocking`
 * and refuses on the main thread (the prompt's answer arrives there, so
 * waiting on it would deadlock; the screens call the core from
 * `Dispatchers.IO`). When the binding becomes
 * `suspend fun confirm(reason: String): Boolean`, the body is just:
 * `val activity = foreground.current() ?: return false;
 * return BiometricPrompter.confirm(activity, reason)`.
 */
class BiometricPromptGate(private val foreground: ForegroundActivity) : BiometricGate {
    override fun confirm(reason: String): Boolean {
        if (Looper.myLooper() == Looper.getMainLooper()) {
            Log.w(TAG, "biometric gate called on the main thread; refusing instead of deadlocking")
            return false
        }
        val activity = foreground.current() ?: return false
        return runBlocking { BiometricPrompter.confirm(activity, reason) }
    }

    private companion object {
        const val TAG = "watchword"
    }
}
