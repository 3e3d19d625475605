package app.watchword.shell

import app.watchword.core.BiometricGate
import app.watchword.core.PresenceAction

/**
 * The core's [BiometricGate]: the core calls it before an approval is sent
 * or a secret shown, and this asks the user with [BiometricPrompter] on the
 * activity on screen. No activity on screen means no (the core then
 * reports `Cancelled`); the shell never decides an approval itself.
 *
 * `confirm` is a suspend function: the core awaits it without blocking a
 * thread, and [BiometricPrompter] switches to the main thread for the
 * prompt itself.
 */
class BiometricPromptGate(private val foreground: ForegroundActivity) : BiometricGate {
    // `reason` is the core's English, for logs; the prompt is worded by `action`.
    override suspend fun confirm(action: PresenceAction, reason: String): Boolean {
        val activity = foreground.current() ?: return false
        return BiometricPrompter.confirm(activity, action)
    }
}
