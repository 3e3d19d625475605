package app.watchword.shell

import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.content.pm.ResolveInfo
import android.os.Build
import app.watchword.core.PlatformPushToken
import app.watchword.core.PushTokenSource
import java.util.UUID

/**
 * The app's side of a UnifiedPush distributor (an open push channel that
 * needs no Google services): registers with the first distributor
 * installed, keeps the endpoint it hands back, and gives that endpoint to
 * the core as the push token sent at activation ([PushTokenSource]).
 * Messages arrive in [PushReceiver]. With Firebase, `FirebaseMessaging`'s
 * token would play this part.
 */
class UnifiedPushRegistration(context: Context) : PushTokenSource {
    private val context = context.applicationContext
    private val prefs = this.context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)

    /** The endpoint the distributor gave, or null (the core then polls); the core adds the Web Push keys. */
    override fun token(): PlatformPushToken? = prefs.getString(KEY_ENDPOINT, null)?.let { PlatformPushToken.UnifiedPush(it) }

    /** Whether an intent carries this install's connector token (anything else is ignored). */
    fun isOurs(token: String?): Boolean = token != null && token == prefs.getString(KEY_TOKEN, null)

    /** Asks the first distributor on the device for an endpoint; false when there is none. */
    fun register(): Boolean {
        val distributor = distributors().firstOrNull() ?: return false
        prefs.edit().putString(KEY_DISTRIBUTOR, distributor).apply()
        // The PendingIntent lets the distributor check which app is asking.
        val identity = PendingIntent.getBroadcast(context, 0, Intent().setPackage(context.packageName), PendingIntent.FLAG_IMMUTABLE)
        context.sendBroadcast(
            Intent(ACTION_REGISTER).setPackage(distributor)
                .putExtra(EXTRA_TOKEN, connectorToken())
                .putExtra(EXTRA_APPLICATION, context.packageName)
                .putExtra(EXTRA_MESSAGE, context.getString(R.string.unifiedpush_message))
                .putExtra(EXTRA_PI, identity),
        )
        return true
    }

    /** Keeps the endpoint from NEW_ENDPOINT. */
    fun saveEndpoint(endpoint: String?) {
        prefs.edit().putString(KEY_ENDPOINT, endpoint).apply()
    }

    /** Forgets the endpoint (UNREGISTERED, REGISTRATION_FAILED): the poll job takes over. */
    fun clearEndpoint() {
        prefs.edit().remove(KEY_ENDPOINT).apply()
    }

    /** Tells the distributor a message arrived, so it is not redelivered. */
    fun acknowledge(messageId: String?) {
        val distributor = prefs.getString(KEY_DISTRIBUTOR, null) ?: return
        if (messageId == null) return
        context.sendBroadcast(
            Intent(ACTION_MESSAGE_ACK).setPackage(distributor)
                .putExtra(EXTRA_TOKEN, connectorToken())
                .putExtra(EXTRA_ID, messageId),
        )
    }

    private fun connectorToken(): String =
        prefs.getString(KEY_TOKEN, null) ?: UUID.randomUUID().toString().also { prefs.edit().putString(KEY_TOKEN, it).apply() }

    private fun distributors(): List<String> {
        val query = Intent(ACTION_REGISTER)
        val found: List<ResolveInfo> = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            context.packageManager.queryBroadcastReceivers(query, PackageManager.ResolveInfoFlags.of(0))
        } else {
            legacyQuery(query)
        }
        return found.map { it.activityInfo.packageName }.filter { it != context.packageName }.distinct()
    }

    // Before API 33 there is only the int-flags overload.
    @Suppress("DEPRECATION")
    private fun legacyQuery(query: Intent): List<ResolveInfo> = context.packageManager.queryBroadcastReceivers(query, 0)

    /** The UnifiedPush intents and extras (connector side). */
    companion object {
        /** A distributor's endpoint for this app. */
        const val ACTION_NEW_ENDPOINT = "org.unifiedpush.android.connector.NEW_ENDPOINT"

        /** A push message. */
        const val ACTION_MESSAGE = "org.unifiedpush.android.connector.MESSAGE"

        /** The distributor dropped this app. */
        const val ACTION_UNREGISTERED = "org.unifiedpush.android.connector.UNREGISTERED"

        /** The distributor could not register this app. */
        const val ACTION_REGISTRATION_FAILED = "org.unifiedpush.android.connector.REGISTRATION_FAILED"

        /** The connector token. */
        const val EXTRA_TOKEN = "token"

        /** The endpoint URL. */
        const val EXTRA_ENDPOINT = "endpoint"

        /** The message body as bytes. */
        const val EXTRA_BYTES_MESSAGE = "bytesMessage"

        /** The registration's description shown by the distributor. */
        const val EXTRA_MESSAGE = "message"

        /** The message id to acknowledge. */
        const val EXTRA_ID = "id"

        private const val ACTION_REGISTER = "org.unifiedpush.android.distributor.REGISTER"
        private const val ACTION_MESSAGE_ACK = "org.unifiedpush.android.distributor.MESSAGE_ACK"
        private const val EXTRA_APPLICATION = "application"
        private const val EXTRA_PI = "pi"
        private const val PREFS = "unifiedpush"
        private const val KEY_TOKEN = "connector-token"
        private const val KEY_ENDPOINT = "endpoint"
        private const val KEY_DISTRIBUTOR = "distributor"
    }
}
