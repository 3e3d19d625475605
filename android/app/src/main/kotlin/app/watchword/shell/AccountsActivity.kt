package app.watchword.shell

import android.Manifest
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.text.InputType
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import app.watchword.core.AccountChanges
import app.watchword.core.AccountCode
import app.watchword.core.Challenge
import app.watchword.core.ListedAccount
import app.watchword.core.PushAccountSummary
import app.watchword.core.OtpKind
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch

/**
 * The home screen: every account with its current code and seconds left,
 * re-asked from the core (`Vault.codes()`) every second; HOTP accounts get
 * a "Next code" button (`Vault.nextHotp`). Links to enrolment and to the
 * open sign-in requests. The launcher activity. Every text comes from
 * res/values/strings.xml (English) and res/values-nl (Dutch).
 */
class AccountsActivity : ScopedActivity() {
    private lateinit var status: TextView
    private lateinit var backupStatus: TextView
    private lateinit var accounts: LinearLayout
    private lateinit var requests: LinearLayout
    private lateinit var pushAccounts: LinearLayout
    private lateinit var clockUrl: EditText
    private lateinit var search: EditText
    private lateinit var clockStatus: TextView
    private val rows = mutableMapOf<Long, AccountRow>()
    private val hotpCodes = mutableMapOf<Long, String>()
    private var ticker: Job? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.app_name)
        status = Ui.text(this)
        backupStatus = Ui.text(this, "", 14f)
        accounts = Ui.column(this, padded = false)
        search = Ui.field(this, getString(R.string.accounts_search_hint), InputType.TYPE_CLASS_TEXT)
        requests = Ui.column(this, padded = false)
        pushAccounts = Ui.column(this, padded = false)
        val actions = Ui.row(this).apply {
            addView(Ui.button(this@AccountsActivity, getString(R.string.accounts_add)) { startActivity(Intent(this@AccountsActivity, EnrolActivity::class.java)) })
            addView(Ui.button(this@AccountsActivity, getString(R.string.accounts_requests)) { showRequests() })
            addView(Ui.button(this@AccountsActivity, getString(R.string.change_phones)) { startActivity(Intent(this@AccountsActivity, ChangePhoneActivity::class.java)) })
        }
        val root = Ui.column(this).apply {
            addView(actions)
            addView(status)
            addView(backupStatus)
            addView(requests)
            addView(search)
            addView(accounts)
            addView(pushAccounts)
            addView(clockSection())
            addView(appLockSection())
        }
        setContentView(Ui.scroll(root))
        askForNotifications()
        UnifiedPushRegistration(this).register()
    }

    override fun onResume() {
        super.onResume()
        showPushAccounts()
        scope.launch {
            backupStatus.text = try {
                Texts.backupLine(this@AccountsActivity, core { app.vault().lastBackup() })
            } catch (e: Exception) {
                describe(e)
            }
        }
        ticker = scope.launch {
            while (isActive) {
                try {
                    val filter = search.text.toString().trim().ifEmpty { null }
                    render(core { app.vault().codesMatching(filter) })
                } catch (e: Exception) {
                    status.text = describe(e)
                    return@launch
                }
                delay(1_000)
            }
        }
    }

    /**
     * The accounts that approve sign-ins, from the core's one account list
     * (`Vault.listAll`), each with Remove. Removing asks first; the core's
     * note says who can remove the phone on the server.
     */
    private fun showPushAccounts() {
        scope.launch {
            pushAccounts.removeAllViews()
            val listed = try {
                core { app.vault().listAll(null) }.filterIsInstance<ListedAccount.Push>().map { it.account }
            } catch (e: Exception) {
                toast(describe(e))
                return@launch
            }
            if (listed.isNotEmpty()) pushAccounts.addView(Ui.text(this@AccountsActivity, getString(R.string.push_accounts_heading), 16f))
            for (account in listed) {
                pushAccounts.addView(Ui.text(this@AccountsActivity, "${account.label} — ${account.server}", 14f))
                pushAccounts.addView(Ui.button(this@AccountsActivity, getString(R.string.push_account_remove, account.label)) { confirmRemove(account) })
            }
        }
    }

    private fun confirmRemove(account: PushAccountSummary) {
        android.app.AlertDialog.Builder(this)
            .setTitle(getString(R.string.push_remove_title, account.label))
            .setMessage(R.string.push_remove_message)
            .setPositiveButton(R.string.action_remove) { _, _ ->
                scope.launch {
                    try {
                        val removed = core { app.vault().removePush(account.id) }
                        toast(Texts.removed(this@AccountsActivity, removed.account))
                    } catch (e: Exception) {
                        toast(describe(e))
                    }
                    showPushAccounts()
                }
            }
            .setNegativeButton(R.string.action_keep, null)
            .show()
    }

    override fun onPause() {
        ticker?.cancel()
        // Leaving the screen: the core writes an automatic backup when they
        // are on and the accounts changed (it decides; failures are recorded
        // as the last backup, shown on return).
        scope.launch {
            try {
                core { app.vault().backupIfChanged() }
            } catch (e: Exception) {
                backupStatus.text = describe(e)
            }
        }
        super.onPause()
    }

    private fun render(codes: List<AccountCode>) {
        status.text = if (codes.isEmpty()) getString(R.string.accounts_empty) else ""
        if (codes.map { it.id } != rows.keys.toList()) {
            accounts.removeAllViews()
            rows.clear()
            for (info in codes) rows[info.id] = AccountRow(info).also { accounts.addView(it.view) }
        }
        for (info in codes) rows[info.id]?.update(info)
    }

    private lateinit var appLockButton: android.widget.Button
    private lateinit var appLockStatus: TextView

    /**
     * The optional app lock: the biometric check whenever the app comes to
     * the front. The core keeps the setting and asks the check to change it.
     */
    private fun appLockSection(): LinearLayout = Ui.column(this, padded = false).apply {
        addView(Ui.text(this@AccountsActivity, getString(R.string.app_lock_explain), 14f))
        appLockButton = Ui.button(this@AccountsActivity, "") { toggleAppLock() }
        addView(appLockButton)
        // Its own line: the codes ticker rewrites `status` every second.
        appLockStatus = Ui.announced(Ui.text(this@AccountsActivity, "", 14f))
        addView(appLockStatus)
        showAppLock()
    }

    private fun showAppLock() {
        scope.launch {
            val on = try {
                core { app.vault().appLock() }
            } catch (e: Exception) {
                appLockStatus.text = describe(e)
                return@launch
            }
            appLockButton.text = getString(if (on) R.string.app_lock_turn_off else R.string.app_lock_turn_on)
        }
    }

    private fun toggleAppLock() {
        scope.launch {
            appLockStatus.text = try {
                core { app.vault().setAppLock(!app.vault().appLock()) }
                ""
            } catch (e: Exception) {
                describe(e)
            }
            showAppLock()
        }
    }

    /**
     * Codes are wrong when the phone's clock is: the core learns a
     * correction from the `Date` of a server the user trusts (https) and
     * keeps it in the vault; codes follow it from then on.
     */
    private fun clockSection(): LinearLayout = Ui.column(this, padded = false).apply {
        addView(Ui.text(this@AccountsActivity, getString(R.string.clock_explain), 14f))
        clockUrl = Ui.field(this@AccountsActivity, getString(R.string.clock_url_hint), InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        addView(clockUrl)
        addView(
            Ui.row(this@AccountsActivity).apply {
                addView(Ui.button(this@AccountsActivity, getString(R.string.clock_correct)) { syncClock() })
                addView(Ui.button(this@AccountsActivity, getString(R.string.clock_none)) { resetClock() })
            },
        )
        clockStatus = Ui.text(this@AccountsActivity, "", 14f)
        addView(clockStatus)
    }

    private fun syncClock() {
        val url = clockUrl.text.toString().trim()
        scope.launch {
            clockStatus.text = try {
                val sync = core { app.vault().syncClock(url, PlatformHttp()) }
                getString(
                    R.string.clock_synced,
                    url,
                    Texts.signedSeconds(this@AccountsActivity, sync.offsetMs),
                    Texts.signedSeconds(this@AccountsActivity, sync.uncertaintyMs),
                )
            } catch (e: Exception) {
                describe(e)
            }
        }
    }

    private fun resetClock() {
        scope.launch {
            clockStatus.text = try {
                core { app.vault().setClockOffsetMs(0) }
                getString(R.string.clock_reset)
            } catch (e: Exception) {
                describe(e)
            }
        }
    }

    private fun showRequests() {
        scope.launch {
            requests.removeAllViews()
            val open: List<Challenge> = try {
                core { app.push().pending() }
            } catch (e: Exception) {
                toast(describe(e))
                return@launch
            }
            if (open.isEmpty()) {
                toast(getString(R.string.requests_none))
            } else {
                requests.addView(Ui.text(this@AccountsActivity, resources.getQuantityString(R.plurals.requests_open, open.size, open.size), 16f))
            }
            for (challenge in open) {
                requests.addView(
                    Ui.button(this@AccountsActivity, "${challenge.app}: ${challenge.account}") {
                        startActivity(ApprovalActivity.intent(this@AccountsActivity, challenge.id))
                    },
                )
            }
        }
    }

    private fun askForNotifications() {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU &&
            checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED
        ) {
            requestPermissions(arrayOf(Manifest.permission.POST_NOTIFICATIONS), REQUEST_NOTIFICATIONS)
        }
    }

    /** One account's views; texts change every second, the views stay. */
    private inner class AccountRow(info: AccountCode) {
        private val heading = Ui.text(this@AccountsActivity, sizeSp = 14f)
        private val codeText = Ui.text(this@AccountsActivity, sizeSp = 28f)
        private val remaining = Ui.text(this@AccountsActivity, sizeSp = 14f)
        val view = Ui.column(this@AccountsActivity, padded = false).apply {
            addView(heading)
            addView(codeText)
            addView(remaining)
            if (info.kind == OtpKind.HOTP) addView(Ui.button(this@AccountsActivity, getString(R.string.hotp_next)) { nextHotp(info.id) })
            // Long press: manage the account.
            isLongClickable = true
            setOnLongClickListener { manage(info.id, heading.text.toString()); true }
            contentDescription = getString(R.string.account_row_description, info.label)
        }

        fun update(info: AccountCode) {
            heading.text = info.label
            val current = info.code
            if (current != null) {
                codeText.text = current.code
                val left = current.validFor.toInt()
                remaining.text = resources.getQuantityString(R.plurals.seconds_left, left, left)
            } else {
                codeText.text = hotpCodes[info.id] ?: "––––––"
                remaining.text = getString(R.string.hotp_hint)
            }
        }

        private fun nextHotp(id: Long) {
            scope.launch {
                try {
                    hotpCodes[id] = core { app.vault().nextHotp(id) }.code
                } catch (e: Exception) {
                    toast(describe(e))
                }
            }
        }
    }

    /** Rename (name, group, icon), move up or down, or delete (with Undo). */
    private fun manage(id: Long, label: String) {
        android.app.AlertDialog.Builder(this)
            .setTitle(label)
            .setItems(
                arrayOf(
                    getString(R.string.manage_rename),
                    getString(R.string.manage_move_up),
                    getString(R.string.manage_move_down),
                    getString(R.string.manage_delete),
                ),
            ) { _, which ->
                when (which) {
                    0 -> rename(id)
                    1 -> move(id, -1)
                    2 -> move(id, +1)
                    else -> delete(id, label)
                }
            }
            .show()
    }

    /** The name, group and icon dialog, filled with what the core has. */
    private fun rename(id: Long) {
        scope.launch {
            val current = try {
                core { app.vault().list(null) }.firstOrNull { it.id == id } ?: return@launch
            } catch (e: Exception) {
                toast(describe(e))
                return@launch
            }
            val name = Ui.field(this@AccountsActivity, getString(R.string.rename_name_hint), InputType.TYPE_CLASS_TEXT).apply { setText(current.name) }
            val group = Ui.field(this@AccountsActivity, getString(R.string.rename_group_hint), InputType.TYPE_CLASS_TEXT).apply { setText(current.group ?: "") }
            val icon = Ui.field(this@AccountsActivity, getString(R.string.rename_icon_hint), InputType.TYPE_CLASS_TEXT).apply { setText(current.icon ?: "") }
            android.app.AlertDialog.Builder(this@AccountsActivity)
                .setTitle(R.string.manage_rename)
                .setView(Ui.column(this@AccountsActivity).apply { addView(name); addView(group); addView(icon) })
                .setPositiveButton(R.string.action_save) { _, _ ->
                    scope.launch {
                        try {
                            val changes = AccountChanges(
                                name = name.text.toString().trim().ifEmpty { null },
                                group = group.text.toString().trim(),
                                icon = icon.text.toString().trim(),
                            )
                            core { app.vault().update(id, changes) }
                            rows.clear()
                        } catch (e: Exception) {
                            toast(describe(e))
                        }
                    }
                }
                .setNegativeButton(R.string.action_cancel, null)
                .show()
        }
    }

    /** Swaps the account's place with its neighbour's (the core keeps the order). */
    private fun move(id: Long, step: Int) {
        scope.launch {
            try {
                core {
                    val list = app.vault().list(null)
                    val at = list.indexOfFirst { it.id == id }
                    val other = list.getOrNull(at + step) ?: return@core
                    app.vault().update(id, AccountChanges(sortOrder = other.sortOrder))
                    app.vault().update(other.id, AccountChanges(sortOrder = list[at].sortOrder))
                }
                rows.clear()
            } catch (e: Exception) {
                toast(describe(e))
            }
        }
    }

    /** Deletes after the core's biometric check; Undo restores it from the trash. */
    private fun delete(id: Long, label: String) {
        scope.launch {
            try {
                core { app.vault().delete(id) }
                rows.clear()
                android.app.AlertDialog.Builder(this@AccountsActivity)
                    .setMessage(getString(R.string.deleted, label))
                    .setPositiveButton(R.string.action_undo) { _, _ ->
                        scope.launch {
                            try {
                                core { app.vault().restore(id) }
                                rows.clear()
                            } catch (e: Exception) {
                                toast(describe(e))
                            }
                        }
                    }
                    .setNegativeButton(R.string.action_ok, null)
                    .show()
            } catch (e: app.watchword.core.ApiException.Cancelled) {
                toast(getString(R.string.delete_not_confirmed))
            } catch (e: Exception) {
                toast(describe(e))
            }
        }
    }

    private companion object {
        const val REQUEST_NOTIFICATIONS = 1
    }
}
