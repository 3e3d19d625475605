package app.watchword.shell

import android.app.AlertDialog
import android.content.Context
import android.content.Intent
import android.os.Bundle
import android.text.InputType
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import app.watchword.core.Challenge
import app.watchword.core.ChallengeState
import app.watchword.core.Decision
import app.watchword.core.ApiException
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch

/**
 * One sign-in request: what the core verified (app, place, IP, account),
 * when the sign-in happened (in the phone's locale and 12/24-hour
 * setting), the seconds (and tries) left (re-asked from the core,
 * `PushClient.state`, every second), the number
 * from the sign-in screen when the request needs one, or one button per
 * offered answer (privacyIDEA number matching, `respondWithAnswer`), and
 * Approve / Deny / Report fraud, each answered by the core. Approving goes
 * through the core's biometric gate; a code the server returns for the
 * sign-in screen (`displayCode`) is shown after.
 */
class ApprovalActivity : ScopedActivity() {
    private lateinit var challengeId: String
    private lateinit var details: TextView
    private lateinit var countdown: TextView
    private lateinit var number: EditText
    private lateinit var outcome: TextView
    private lateinit var buttons: List<Button>
    private lateinit var options: android.widget.LinearLayout
    private var challenge: Challenge? = null
    private var ticker: Job? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        challengeId = intent.getStringExtra(EXTRA_CHALLENGE_ID) ?: return finish()
        title = getString(R.string.approval_title)
        details = Ui.announced(Ui.text(this, getString(R.string.approval_loading), 18f))
        countdown = Ui.text(this)
        number = Ui.field(this, getString(R.string.approval_number_hint), InputType.TYPE_CLASS_NUMBER).apply { visibility = View.GONE }
        outcome = Ui.announced(Ui.text(this))
        buttons = listOf(
            Ui.button(this, getString(R.string.approve)) { approve() },
            Ui.button(this, getString(R.string.deny)) { answer { respond(challengeId, Decision.DENY, null) } },
            Ui.button(this, getString(R.string.report_fraud)) { confirmFraud() },
        )
        buttons.forEach { it.isEnabled = false }
        options = Ui.column(this, padded = false)
        val root = Ui.column(this).apply {
            addView(Ui.text(this@ApprovalActivity, getString(R.string.approval_title), 24f))
            addView(details)
            addView(countdown)
            addView(number)
            addView(options)
            buttons.forEach { addView(it) }
            addView(outcome)
        }
        setContentView(Ui.scroll(root))
        load()
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        // Another request's notification while this one is on screen: show that one.
        if (intent.getStringExtra(EXTRA_CHALLENGE_ID) != challengeId) {
            setIntent(intent)
            recreate()
        }
    }

    private fun load() {
        scope.launch {
            val found = try {
                core { app.push().pending() }.firstOrNull { it.id == challengeId }
            } catch (e: Exception) {
                details.text = describe(e)
                return@launch
            }
            if (found == null) {
                details.text = getString(R.string.approval_gone)
                Notifications.cancel(this@ApprovalActivity, challengeId)
                return@launch
            }
            challenge = found
            details.text = listOf(
                null to found.message,
                R.string.detail_app to found.app,
                R.string.detail_account to found.account,
                R.string.detail_time to Texts.dateTime(this@ApprovalActivity, found.createdAt),
                R.string.detail_location to found.location,
                R.string.detail_ip to found.ip,
            )
                .filter { it.second.isNotBlank() }
                .joinToString("\n") { (label, value) -> if (label == null) value else "${getString(label)}: $value" }
            number.visibility = if (found.needsNumber && found.options.isEmpty()) View.VISIBLE else View.GONE
            // The field is what the person must do next: focus it (TalkBack reads its label).
            if (number.visibility == View.VISIBLE) number.requestFocus()
            // privacyIDEA number matching: one button per offered answer,
            // instead of a typed number.
            for (option in found.options) {
                options.addView(Ui.button(this@ApprovalActivity, getString(R.string.approve_option, option)) { answer { respondWithAnswer(challengeId, Decision.APPROVE, option) } })
            }
            buttons.forEach { it.isEnabled = true }
            if (found.options.isNotEmpty()) buttons[0].visibility = View.GONE
            tick()
        }
    }

    /** Shows the core's seconds left each second until the request is no longer pending. */
    private fun tick() {
        ticker?.cancel()
        ticker = scope.launch {
            while (isActive) {
                val progress = try {
                    core { app.push().state(challengeId) }
                } catch (e: Exception) {
                    outcome.text = describe(e)
                    null
                } ?: return@launch
                if (progress.status != ChallengeState.PENDING) {
                    finished(progress.status)
                    return@launch
                }
                val left = progress.secondsLeft.toInt()
                val tries = progress.triesLeft?.toInt()
                countdown.text = listOfNotNull(
                    resources.getQuantityString(R.plurals.seconds_left, left, left),
                    tries?.let { resources.getQuantityString(R.plurals.tries_left, it, it) },
                ).joinToString(" · ")
                announceTime(left)
                delay(1_000)
            }
        }
    }

    private var lastAnnounced: Int? = null

    /**
     * Tells a TalkBack user the time left when the screen opens and at 30,
     * 10 and 5 seconds: a live region would read the countdown every
     * second and drown out everything else.
     */
    private fun announceTime(left: Int) {
        val first = lastAnnounced == null
        if (first || (left in ANNOUNCED_SECONDS && left != lastAnnounced)) {
            lastAnnounced = left
            countdown.announceForAccessibility(countdown.text)
        }
    }

    private fun approve() {
        val current = challenge ?: return
        val typed = number.text.toString().trim()
        val value = if (current.needsNumber) {
            typed.toUByteOrNull() ?: return run { outcome.text = getString(R.string.approval_type_number) }
        } else {
            null
        }
        answer { respond(challengeId, Decision.APPROVE, value) }
    }

    private fun confirmFraud() {
        AlertDialog.Builder(this)
            .setTitle(R.string.fraud_title)
            .setMessage(R.string.fraud_message)
            .setPositiveButton(R.string.fraud_confirm) { _, _ -> answer { respond(challengeId, Decision.FRAUD, null) } }
            .setNegativeButton(R.string.action_cancel, null)
            .show()
    }

    /** Sends the answer with [send] (respond or respondWithAnswer). */
    private fun answer(send: suspend app.watchword.core.PushClient.() -> ChallengeState) {
        scope.launch {
            buttons.forEach { it.isEnabled = false }
            try {
                val status = core { app.push().send() }
                if (status == ChallengeState.PENDING) {
                    outcome.text = getString(R.string.approval_still_open)
                    buttons.forEach { it.isEnabled = true }
                } else {
                    finished(status)
                }
            } catch (e: ApiException.WrongNumber) {
                outcome.text = describe(e)
                buttons.forEach { it.isEnabled = true }
            } catch (e: ApiException.Cancelled) {
                outcome.text = getString(R.string.approval_not_confirmed)
                buttons.forEach { it.isEnabled = true }
            } catch (e: Exception) {
                outcome.text = describe(e)
                buttons.forEach { it.isEnabled = true }
            }
        }
    }

    private fun finished(status: ChallengeState) {
        ticker?.cancel()
        buttons.forEach { it.isEnabled = false }
        number.isEnabled = false
        countdown.text = ""
        val code = try {
            app.push().state(challengeId)?.displayCode
        } catch (e: Exception) {
            null
        }
        outcome.text = when (status) {
            ChallengeState.APPROVED -> if (code != null) getString(R.string.status_approved_code, code) else getString(R.string.status_approved)
            ChallengeState.DENIED -> getString(R.string.status_denied)
            ChallengeState.REPORTED -> getString(R.string.status_reported)
            ChallengeState.EXPIRED -> getString(R.string.status_expired)
            ChallengeState.FAILED -> getString(R.string.status_failed)
            ChallengeState.PENDING -> ""
        }
        Notifications.cancel(this, challengeId)
    }

    companion object {
        private const val EXTRA_CHALLENGE_ID = "app.watchword.extra.CHALLENGE_ID"
        private val ANNOUNCED_SECONDS = setOf(30, 10, 5)

        /** Opens the approval screen for [challengeId]. */
        fun intent(context: Context, challengeId: String): Intent =
            Intent(context, ApprovalActivity::class.java)
                .setData(Notifications.challengeUri(challengeId))
                .putExtra(EXTRA_CHALLENGE_ID, challengeId)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
    }
}
