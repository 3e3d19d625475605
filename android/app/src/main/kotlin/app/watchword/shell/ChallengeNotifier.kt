package app.watchword.shell

import android.content.Context
import app.watchword.core.ChallengeListener
import app.watchword.core.ChallengeState

/**
 * The core's [ChallengeListener]: when the core says a request is no longer
 * pending (answered here or elsewhere, expired, refused), its notification
 * goes away.
 */
class ChallengeNotifier(context: Context) : ChallengeListener {
    private val context = context.applicationContext

    override fun onChange(id: String, state: ChallengeState, secondsLeft: Long) {
        if (state != ChallengeState.PENDING) Notifications.cancel(context, id)
    }
}
