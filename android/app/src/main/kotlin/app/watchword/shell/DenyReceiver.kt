package app.watchword.shell

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.util.Log
import app.watchword.core.Decision

/**
 * The notification's Deny and Report fraud actions: answers the request
 * through the core (`PushClient.respond(id, DENY or FRAUD)`: saying no
 * needs no biometric check, the core's rule) and removes the notification.
 * Approve is never answered here: it opens [ApprovalActivity], where the
 * core asks the biometric check first. Not exported: only our
 * PendingIntents reach it.
 */
class DenyReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val id = intent.getStringExtra(EXTRA_CHALLENGE_ID) ?: return
        val decision = if (intent.action == ACTION_REPORT) Decision.FRAUD else Decision.DENY
        val app = WatchwordApp.of(context)
        runAsync {
            try {
                val status = app.push().respond(id, decision, null)
                Log.i(TAG, "sign-in request answered from the notification ($decision): $status")
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
        private const val ACTION_DENY = "app.watchword.action.DENY"
        private const val ACTION_REPORT = "app.watchword.action.REPORT_FRAUD"

        /**
         * The broadcast that denies [challengeId], or reports it as fraud
         * when [fraud]. The two differ in their action, so their
         * PendingIntents stay apart (extras do not count for that).
         */
        fun intent(context: Context, challengeId: String, fraud: Boolean = false): Intent =
            Intent(context, DenyReceiver::class.java)
                .setAction(if (fraud) ACTION_REPORT else ACTION_DENY)
                .setData(Notifications.challengeUri(challengeId))
                .putExtra(EXTRA_CHALLENGE_ID, challengeId)
    }
}
