package app.watchword.shell

import android.content.BroadcastReceiver
import android.content.Context
import android.content.Intent
import android.util.Log
import app.watchword.core.ChallengeState
import app.watchword.core.ApiException

/**
 * The push entry point (UnifiedPush distributor intents; in a Google Play
 * build a `FirebaseMessagingService.onMessageReceived` does the same): a
 * message's payload goes to the core (`PushClient.handlePush`, which
 * fetches and verifies the request it names), then the "Approve sign-in?"
 * notification shows what the core returned. The payload holds ids only;
 * a forged one is refused by the core, and intents without this install's
 * connector token are ignored. If the fetch fails, the poll job runs soon.
 */
class PushReceiver : BroadcastReceiver() {
    override fun onReceive(context: Context, intent: Intent) {
        val registration = UnifiedPushRegistration(context)
        if (!registration.isOurs(intent.getStringExtra(UnifiedPushRegistration.EXTRA_TOKEN))) return
        when (intent.action) {
            UnifiedPushRegistration.ACTION_NEW_ENDPOINT ->
                registration.saveEndpoint(intent.getStringExtra(UnifiedPushRegistration.EXTRA_ENDPOINT))
            UnifiedPushRegistration.ACTION_UNREGISTERED, UnifiedPushRegistration.ACTION_REGISTRATION_FAILED ->
                registration.clearEndpoint()
            UnifiedPushRegistration.ACTION_MESSAGE -> {
                val payload = intent.getByteArrayExtra(UnifiedPushRegistration.EXTRA_BYTES_MESSAGE)?.toString(Charsets.UTF_8)
                    ?: intent.getStringExtra(UnifiedPushRegistration.EXTRA_MESSAGE)
                    ?: return
                registration.acknowledge(intent.getStringExtra(UnifiedPushRegistration.EXTRA_ID))
                handle(context, payload)
            }
        }
    }

    private fun handle(context: Context, payload: String) {
        val app = WatchwordApp.of(context)
        runAsync {
            try {
                val challenge = app.push().handlePush(payload)
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
