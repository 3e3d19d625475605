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
 * when the sign-in happened (in the phone's locale), the seconds left
 * (re-asked from the core, `PushClient.state`, every second), the number
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
        title = "Approve sign-in?"
        details = Ui.text(this, "Loading the request…", 18f)
        countdown = Ui.text(this)
        number = Ui.field(this, "Number shown on the sign-in screen", InputType.TYPE_CLASS_NUMBER).apply { visibility = View.GONE }
        outcome = Ui.text(this)
        buttons = listOf(
            Ui.button(this, "Approve") { approve() },
            Ui.button(this, "Deny") { answer { respond(challengeId, Decision.DENY, null) } },
            Ui.button(this, "Report fraud") { confirmFraud() },
        )
        buttons.forEach { it.isEnabled = false }
        options = Ui.column(this, padded = false)
        val root = Ui.column(this).apply {
            addView(Ui.text(this@ApprovalActivity, "Approve sign-in?", 24f))
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
                details.text = "This sign-in request is no longer open."
                Notifications.cancel(this@ApprovalActivity, challengeId)
                return@launch
            }
            challenge = found
            val time = java.text.DateFormat.getDateTimeInstance(java.text.DateFormat.SHORT, java.text.DateFormat.MEDIUM)
                .format(java.util.Date(found.createdAt * 1000))
            details.text = listOf(
                "" to found.message,
                "App" to found.app,
                "Account" to found.account,
                "Time" to time,
                "Location" to found.location,
                "IP" to found.ip,
            )
                .filter { it.second.isNotBlank() }
                .joinToString("\n") { if (it.first.isEmpty()) it.second else "${it.first}: ${it.second}" }
            number.visibility = if (found.needsNumber && found.options.isEmpty()) View.VISIBLE else View.GONE
            // privacyIDEA number matching: one button per offered answer,
            // instead of a typed number.
            for (option in found.options) {
                options.addView(Ui.button(this@ApprovalActivity, "Approve: $option") { answer { respondWithAnswer(challengeId, Decision.APPROVE, option) } })
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
                countdown.text = "${progress.secondsLeft} s left"
                delay(1_000)
            }
        }
    }

    private fun approve() {
        val current = challenge ?: return
        val typed = number.text.toString().trim()
        val value = if (current.needsNumber) {
            typed.toUByteOrNull() ?: return run { outcome.text = "Type the number shown on the sign-in screen." }
        } else {
            null
        }
        answer { respond(challengeId, Decision.APPROVE, value) }
    }

    private fun confirmFraud() {
        AlertDialog.Builder(this)
            .setTitle("Report fraud?")
            .setMessage("Deny this sign-in and tell your organisation it was not you.")
            .setPositiveButton("Report") { _, _ -> answer { respond(challengeId, Decision.FRAUD, null) } }
            .setNegativeButton("Cancel", null)
            .show()
    }

    /** Sends the answer with [send] (respond or respondWithAnswer). */
    private fun answer(send: suspend app.watchword.core.PushClient.() -> ChallengeState) {
        scope.launch {
            buttons.forEach { it.isEnabled = false }
            try {
                val status = core { app.push().send() }
                if (status == ChallengeState.PENDING) {
                    outcome.text = "The request is still open."
                    buttons.forEach { it.isEnabled = true }
                } else {
                    finished(status)
                }
            } catch (e: ApiException.WrongNumber) {
                outcome.text = describe(e)
                buttons.forEach { it.isEnabled = true }
            } catch (e: ApiException.Cancelled) {
                outcome.text = "Not confirmed, nothing was sent."
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
            ChallengeState.APPROVED -> if (code != null) "Approved. Type this code on the sign-in screen: $code" else "Approved."
            ChallengeState.DENIED -> "Denied."
            ChallengeState.REPORTED -> "Denied and reported."
            ChallengeState.EXPIRED -> "This request expired."
            ChallengeState.FAILED -> "This request can no longer be answered."
            ChallengeState.PENDING -> ""
        }
        Notifications.cancel(this, challengeId)
    }

    companion object {
        private const val EXTRA_CHALLENGE_ID = "app.watchword.extra.CHALLENGE_ID"

        /** Opens the approval screen for [challengeId]. */
        fun intent(context: Context, challengeId: String): Intent =
            Intent(context, ApprovalActivity::class.java)
                .setData(Notifications.challengeUri(challengeId))
                .putExtra(EXTRA_CHALLENGE_ID, challengeId)
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK or Intent.FLAG_ACTIVITY_CLEAR_TOP)
    }
}
