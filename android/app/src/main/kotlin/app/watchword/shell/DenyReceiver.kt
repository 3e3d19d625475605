package app.watchword.shell

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.util.Log
import app.watchword.core.Decision

/**
 * The notification's Deny action: answers the request through the core
 * (`PushClient.respond(id, DENY)`, no biometric needed to say no) and
 * removes the notification. Not exported: only our PendingIntent reaches it.
 */
class DenyReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val id = intent.getStringExtra(EXTRA_CHALLENGE_ID) ?: return
        val app = WatchwordApp.of(context)
        runAsync {
            try {
                val status = app.push().respond(id, Decision.DENY, null)
                Log.i(TAG, "sign-in request denied from the notification: $status")
                Notifications.cancel(context, id)
            } catch (e: Exception) {
                // The notification stays, so the user can open the request and retry.
                Log.w(TAG, "deny from the notification failed: ${e.javaClass.simpleName}")
            }
        }
    }

    companion object {
        private const val TAG = "watchword"
        private const val EXTRA_CHALLENGE_ID = "app.watchword.extra.CHALLENGE_ID"

        /** The broadcast that denies [challengeId]. */
        fun intent(context: Context, challengeId: String): Intent =
            Intent(context, DenyReceiver::class.java)
                .setData(Notifications.challengeUri(challengeId))
                .putExtra(EXTRA_CHALLENGE_ID, challengeId)
    }
}
