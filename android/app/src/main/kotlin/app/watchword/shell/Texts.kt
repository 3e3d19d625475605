package app.watchword.shell

import android.content.Context
import android.text.format.DateUtils
import android.util.Log
import app.watchword.core.ActivatedAccount
import app.watchword.core.ApiException
import app.watchword.core.LastBackup
import app.watchword.core.NotImportedKind
import app.watchword.core.PresenceAction
import app.watchword.core.Provider
import app.watchword.core.PushAccountSummary

/**
 * The texts the shell makes from what the core returns, in the user's
 * language (`res/values/strings.xml`, `res/values-nl/strings.xml`): one
 * message per error kind of the core, sentences from the core's records
 * (a backup, an activation, a removed push account), times in the user's
 * locale. The core's own English messages are for logs and the CLI; here
 * they only go to logcat.
 */
object Texts {
    private const val TAG = "watchword"

    /**
     * The message of each of the core's error kinds (`ApiError`,
     * `core/src/error.rs`). A `when` over the sealed class, so a kind added
     * to the core does not compile here until it has its `error_<kind>`
     * string; android/ci/check.sh also checks both languages have it.
     */
    fun errorText(error: ApiException): Int = when (error) {
        is ApiException.InvalidInput -> R.string.error_invalid_input
        is ApiException.InvalidSecret -> R.string.error_invalid_secret
        is ApiException.InvalidLink -> R.string.error_invalid_link
        is ApiException.InvalidImage -> R.string.error_invalid_image
        is ApiException.InvalidFrame -> R.string.error_invalid_frame
        is ApiException.Unsupported -> R.string.error_unsupported
        is ApiException.Network -> R.string.error_network
        is ApiException.Refused -> R.string.error_refused
        is ApiException.Expired -> R.string.error_expired
        is ApiException.WrongNumber -> R.string.error_wrong_number
        is ApiException.CoolDown -> R.string.error_cool_down
        is ApiException.Untrusted -> R.string.error_untrusted
        is ApiException.WrongKey -> R.string.error_wrong_key
        is ApiException.CorruptVault -> R.string.error_corrupt_vault
        is ApiException.VaultMissing -> R.string.error_vault_missing
        is ApiException.VaultExists -> R.string.error_vault_exists
        is ApiException.Duplicate -> R.string.error_duplicate
        is ApiException.PasswordNeeded -> R.string.error_password_needed
        is ApiException.WrongPassword -> R.string.error_wrong_password
        is ApiException.DamagedFile -> R.string.error_damaged_file
        is ApiException.NotFound -> R.string.error_not_found
        is ApiException.KeyUnavailable -> R.string.error_key_unavailable
        is ApiException.Storage -> R.string.error_storage
        is ApiException.MicrosoftManaged -> R.string.error_microsoft_managed
        is ApiException.Cancelled -> R.string.error_cancelled
        is ApiException.Internal -> R.string.error_internal
    }

    /**
     * What the user reads for [error]: its kind's message in their language
     * (anything that is not the core's error: a general one). The core's
     * English message goes to logcat (it never holds a secret).
     */
    fun describe(context: Context, error: Throwable): String {
        Log.w(TAG, "shown to the user as its kind's message: ${error.javaClass.simpleName}: ${error.message}")
        return context.getString(if (error is ApiException) errorText(error) else R.string.unexpected_error)
    }

    /** "Last backup: 2 hours ago, 17 accounts.", that it failed, or that there is none. */
    fun backupLine(context: Context, last: LastBackup?): String = when {
        last == null -> context.getString(R.string.backup_none)
        last.error != null -> {
            Log.w(TAG, "last backup failed: ${last.error}")
            context.getString(R.string.backup_failed, ago(context, last.at))
        }
        else -> context.resources.getQuantityString(R.plurals.backup_last, last.accounts.toInt(), ago(context, last.at), last.accounts.toInt())
    }

    /** [unixSeconds] relative to now in the user's language ("2 hours ago", "2 uur geleden"). */
    fun ago(context: Context, unixSeconds: Long): String {
        val at = unixSeconds * 1000
        val now = System.currentTimeMillis()
        if (now - at < DateUtils.MINUTE_IN_MILLIS) return context.getString(R.string.time_just_now)
        return DateUtils.getRelativeTimeSpanString(at, now, DateUtils.MINUTE_IN_MILLIS).toString()
    }

    /** Date and time of [unixSeconds] in the user's locale and 12/24-hour setting. */
    fun dateTime(context: Context, unixSeconds: Long): String =
        DateUtils.formatDateTime(
            context,
            unixSeconds * 1000,
            DateUtils.FORMAT_SHOW_DATE or DateUtils.FORMAT_SHOW_TIME or DateUtils.FORMAT_ABBREV_MONTH,
        )

    /** Milliseconds as signed seconds in the user's locale, e.g. "+120.5 s" or "+120,5 s". */
    fun signedSeconds(context: Context, ms: Long): String = context.getString(R.string.clock_seconds, ms / 1000.0)

    /** The sentence after an activation, from the core's record (its `summary` is the CLI's English). */
    fun activated(context: Context, activation: ActivatedAccount): String = when (activation.provider) {
        Provider.WATCHWORD -> context.getString(R.string.enrol_activated_watchword, activation.account, activation.server, activation.deviceId)
        Provider.PRIVACY_IDEA -> context.getString(R.string.enrol_activated_privacyidea, activation.account, activation.server, activation.deviceId)
    }

    /** Who can remove the phone on the server after a push account was removed here (the core's `note` is the CLI's English). */
    fun removed(context: Context, account: PushAccountSummary): String = when (account.provider) {
        Provider.WATCHWORD -> context.getString(R.string.push_removed_watchword, account.server, account.deviceId)
        Provider.PRIVACY_IDEA -> context.getString(R.string.push_removed_privacyidea, account.server, account.deviceId)
    }

    /**
     * Why an entry was not imported, in the user's language (the core's
     * `reason` is the CLI's English). Exhaustive, like [biometricReason].
     */
    fun notImported(context: Context, kind: NotImportedKind): String = when (kind) {
        is NotImportedKind.NoGenerator -> context.getString(R.string.not_imported_no_generator, kind.what)
        is NotImportedKind.UnknownType -> context.getString(R.string.not_imported_unknown_type, kind.name)
        NotImportedKind.MoveWithTransferQr -> context.getString(R.string.not_imported_move_with_transfer_qr)
        NotImportedKind.AddAgainFromService -> context.getString(R.string.not_imported_add_again_from_service)
        NotImportedKind.MicrosoftPushOnly -> context.getString(R.string.not_imported_microsoft_push_only)
        NotImportedKind.EnrolAgain -> context.getString(R.string.not_imported_enrol_again)
        NotImportedKind.Other -> context.getString(R.string.not_imported_other)
    }

    /**
     * The biometric prompt's description for what the core asks to
     * confirm. Exhaustive: a new action of the core does not compile
     * until it has a text here (and in both languages: strings_check.py).
     */
    fun biometricReason(context: Context, action: PresenceAction): String = context.getString(
        when (action) {
            PresenceAction.SHOW_SECRET -> R.string.biometric_reason_show_secret
            PresenceAction.EXPORT_SECRETS -> R.string.biometric_reason_export_secrets
            PresenceAction.APPROVE_SIGN_IN -> R.string.biometric_reason_approve_sign_in
            PresenceAction.DELETE_ACCOUNT -> R.string.biometric_reason_delete_account
            PresenceAction.UNLOCK_APP -> R.string.biometric_reason_unlock_app
            PresenceAction.CHANGE_APP_LOCK -> R.string.biometric_reason_change_app_lock
        },
    )
}
