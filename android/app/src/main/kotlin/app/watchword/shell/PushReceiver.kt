package app.watchword.shell

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.util.Log
import app.watchword.core.ApiException
import app.watchword.core.ChallengeState
import app.watchword.core.PlatformPushToken

/**
 * The push entry point (UnifiedPush distributor intents; in a Google Play
 * build a `FirebaseMessagingService.onMessageReceived` does the same with
 * `handlePush`): a message's bytes, a Web Push message encrypted to this
 * device's keys, go to the core as they came (`PushClient.handleWebPush`
 * decrypts them, then fetches and verifies the request they name), then
 * the "Approve sign-in?" notification shows what the core returned. A
 * forged or foreign message is refused by the core, and intents without
 * this install's connector token are ignored. If the fetch fails, the poll
 * job runs soon. A new or lost endpoint is told to every push server
 * (`pushTokenChanged`).
 */
class PushReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val registration = UnifiedPushRegistration(context)
        if (!registration.isOurs(intent.getStringExtra(UnifiedPushRegistration.EXTRA_TOKEN))) return
        when (intent.action) {
            UnifiedPushRegistration.ACTION_NEW_ENDPOINT -> {
                val endpoint = intent.getStringExtra(UnifiedPushRegistration.EXTRA_ENDPOINT) ?: return
                registration.saveEndpoint(endpoint)
                tellServers(context, PlatformPushToken.UnifiedPush(endpoint))
            }
            UnifiedPushRegistration.ACTION_UNREGISTERED, UnifiedPushRegistration.ACTION_REGISTRATION_FAILED -> {
                registration.clearEndpoint()
                tellServers(context, null)
            }
            UnifiedPushRegistration.ACTION_MESSAGE -> {
                val body = intent.getByteArrayExtra(UnifiedPushRegistration.EXTRA_BYTES_MESSAGE) ?: return
                registration.acknowledge(intent.getStringExtra(UnifiedPushRegistration.EXTRA_ID))
                handle(context, body)
            }
        }
    }

    /** Every push server learns the new address (null: poll), signed by the core. */
    private fun tellServers(context: Context, token: PlatformPushToken?) {
        val app = WatchwordApp.of(context)
        runAsync {
            try {
                val report = app.push().pushTokenChanged(token)
                if (report.failed.isNotEmpty()) Log.w(TAG, "push address not updated on ${report.failed.size} server(s)")
            } catch (e: Exception) {
                Log.w(TAG, "push address not updated (${e.javaClass.simpleName})")
            }
        }
    }

    private fun handle(context: Context, body: ByteArray) {
        val app = WatchwordApp.of(context)
        runAsync {
            try {
                val challenge = app.push().handleWebPush(body)
                if (app.push().state(challenge.id)?.status == ChallengeState.PENDING) {
                    Notifications.showChallenge(context, challenge)
                }
            } catch (e: ApiException.Untrusted) {
                Log.w(TAG, "push refused by the core: not a verified request")
            } catch (e: Exception) {
                Log.w(TAG, "push not handled (${e.javaClass.simpleName}); polling soon")
                PollJob.runSoon(context)
            }
        }
    }

    private companion object {
        const val TAG = "watchword"
    }
}
