package app.watchword.shell

import android.content.Context
import app.watchword.core.ChallengeListener
import app.watchword.core.ChallengeStatus

/**
 * The core's [ChallengeListener]: when the core says a request is no longer
 * pending (answered here or elsewhere, expired, refused), its notification
 * goes away.
 */
class ChallengeNotifier(context: Context) : ChallengeListener {
    private val context = context.applicationContext

    override fun onChange(id: String, state: ChallengeStatus, secondsLeft: Long) {
        if (state != ChallengeStatus.PENDING) Notifications.cancel(context, id)
    }
}
