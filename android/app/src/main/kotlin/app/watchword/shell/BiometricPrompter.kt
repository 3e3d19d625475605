package app.watchword.shell

import android.app.Activity
import android.hardware.biometrics.BiometricManager
import android.hardware.biometrics.BiometricPrompt
import android.os.Build
import android.os.CancellationSignal
import app.watchword.core.PresenceAction
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import kotlin.coroutines.resume

/**
 * Shows the framework [BiometricPrompt] (API 28+) over an activity and
 * suspends until the user confirms (true) or cancels / fails for good
 * (false). Strong biometrics or the device credential on API 30+; the
 * device credential is allowed on API 29 too; API 28 offers a Cancel
 * button. AndroidX would use `androidx.biometric.BiometricPrompt`.
 */
object BiometricPrompter {
    /**
     * Prompts for the core's [action] (worded in the user's language by
     * [Texts.biometricReason]); cancelling the caller dismisses the prompt.
     */
    suspend fun confirm(activity: Activity, action: PresenceAction): Boolean = withContext(Dispatchers.Main) {
        suspendCancellableCoroutine { continuation ->
            val cancel = CancellationSignal()
            val answer = { confirmed: Boolean -> if (continuation.isActive) continuation.resume(confirmed) }
            val builder = BiometricPrompt.Builder(activity)
                .setTitle(activity.getString(R.string.biometric_title))
                .setDescription(Texts.biometricReason(activity, action))
            when {
                Build.VERSION.SDK_INT >= Build.VERSION_CODES.R -> builder.setAllowedAuthenticators(
                    BiometricManager.Authenticators.BIOMETRIC_STRONG or BiometricManager.Authenticators.DEVICE_CREDENTIAL,
                )
                Build.VERSION.SDK_INT == Build.VERSION_CODES.Q -> allowDeviceCredentialOnQ(builder)
                else -> builder.setNegativeButton(activity.getString(R.string.action_cancel), activity.mainExecutor) { _, _ -> answer(false) }
            }
            continuation.invokeOnCancellation { cancel.cancel() }
            builder.build().authenticate(
                cancel,
                activity.mainExecutor,
                object : BiometricPrompt.AuthenticationCallback() {
                    override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) = answer(true)

                    // Cancelled, locked out, no biometrics enrolled: a "no" the core turns into Cancelled.
                    override fun onAuthenticationError(errorCode: Int, errString: CharSequence) = answer(false)

                    // One unrecognised finger: the prompt stays up for another try.
                    override fun onAuthenticationFailed() = Unit
                },
            )
        }
    }

    // API 29 only; API 30 replaced it with setAllowedAuthenticators.
    @Suppress("DEPRECATION")
    private fun allowDeviceCredentialOnQ(builder: BiometricPrompt.Builder) {
        builder.setDeviceCredentialAllowed(true)
    }
}
