package app.watchword.shell

import android.Manifest
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.drawable.Icon
import android.net.Uri
import android.os.Build
import app.watchword.core.Challenge

/**
 * The "Approve sign-in?" notifications (texts from res/values/strings.xml and values-nl,
 * in the user's language): their channel, one notification
 * per request (tagged with its id) showing the app, place and account from
 * the core's [Challenge], and its Approve/Deny/Report fraud actions.
 * Approve (or a tap) opens [ApprovalActivity] for the number and the
 * biometric check, never answering from the lock screen; Deny and Report
 * answer through the core in [DenyReceiver]. Never a code, number or
 * secret in a notification.
 */
object Notifications {
    /** The channel of sign-in requests. */
    const val CHANNEL = "sign-in-requests"
    private const val NOTIFICATION_ID = 1

    /** Creates (or updates) the channel; safe to call on every start (and it renames the channel after a language change). */
    fun createChannel(context: Context) {
        val channel = NotificationChannel(CHANNEL, context.getString(R.string.notification_channel_name), NotificationManager.IMPORTANCE_HIGH).apply {
            description = context.getString(R.string.notification_channel_description)
            lockscreenVisibility = Notification.VISIBILITY_PRIVATE
        }
        manager(context).createNotificationChannel(channel)
    }

    /** Whether notifications can be shown: POST_NOTIFICATIONS on 33+ and the user's switch. */
    fun canPost(context: Context): Boolean {
        val granted = Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU ||
            context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) == PackageManager.PERMISSION_GRANTED
        return granted && manager(context).areNotificationsEnabled()
    }

    /** Shows (or refreshes, silently) the request; it disappears when the core's time for it runs out. */
    fun showChallenge(context: Context, challenge: Challenge) {
        if (!canPost(context)) return
        val approve = PendingIntent.getActivity(
            context, 0, ApprovalActivity.intent(context, challenge.id), PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        val deny = PendingIntent.getBroadcast(
            context, 0, DenyReceiver.intent(context, challenge.id), PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        val report = PendingIntent.getBroadcast(
            context, 0, DenyReceiver.intent(context, challenge.id, fraud = true), PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
        val place = listOf(challenge.location, challenge.ip).filter { it.isNotBlank() }.joinToString(" · ")
        val summary = if (place.isEmpty()) challenge.app else context.getString(R.string.notification_from, challenge.app, place)
        // What the lock screen shows: that there is a request, not where from.
        val public = Notification.Builder(context, CHANNEL)
            .setSmallIcon(android.R.drawable.ic_lock_lock)
            .setContentTitle(context.getString(R.string.notification_public_title))
            .build()
        val notification = Notification.Builder(context, CHANNEL)
            .setSmallIcon(android.R.drawable.ic_lock_lock)
            .setContentTitle(context.getString(R.string.approval_title))
            .setContentText(summary)
            .setStyle(Notification.BigTextStyle().bigText("$summary\n${challenge.account}"))
            .setVisibility(Notification.VISIBILITY_PRIVATE)
            .setPublicVersion(public)
            .setContentIntent(approve)
            .setAutoCancel(true)
            .setOnlyAlertOnce(true)
            .setTimeoutAfter(challenge.secondsLeft * 1000)
            .addAction(action(context, android.R.drawable.ic_menu_send, context.getString(R.string.approve), approve))
            .addAction(action(context, android.R.drawable.ic_menu_close_clear_cancel, context.getString(R.string.deny), deny))
            .addAction(action(context, android.R.drawable.ic_dialog_alert, context.getString(R.string.report_fraud), report))
            .build()
        manager(context).notify(challenge.id, NOTIFICATION_ID, notification)
    }

    /** Removes the request's notification (answered, expired, opened). */
    fun cancel(context: Context, challengeId: String) {
        manager(context).cancel(challengeId, NOTIFICATION_ID)
    }

    /** A data URI that keeps one request's PendingIntents apart from another's. */
    fun challengeUri(challengeId: String): Uri =
        Uri.Builder().scheme("watchword").authority("challenge").appendPath(challengeId).build()

    private fun action(context: Context, icon: Int, title: String, intent: PendingIntent): Notification.Action =
        Notification.Action.Builder(Icon.createWithResource(context, icon), title, intent).build()

    private fun manager(context: Context): NotificationManager =
        requireNotNull(context.getSystemService(NotificationManager::class.java)) { "no NotificationManager" }
}
