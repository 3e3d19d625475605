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
 * open sign-in requests. The launcher activity.
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
        title = "Watchword"
        status = Ui.text(this)
        backupStatus = Ui.text(this, "", 14f)
        accounts = Ui.column(this, padded = false)
        search = Ui.field(this, "Search", InputType.TYPE_CLASS_TEXT)
        requests = Ui.column(this, padded = false)
        pushAccounts = Ui.column(this, padded = false)
        val actions = Ui.row(this).apply {
            addView(Ui.button(this@AccountsActivity, "Add account") { startActivity(Intent(this@AccountsActivity, EnrolActivity::class.java)) })
            addView(Ui.button(this@AccountsActivity, "Sign-in requests") { showRequests() })
            addView(Ui.button(this@AccountsActivity, "Change phones") { startActivity(Intent(this@AccountsActivity, ChangePhoneActivity::class.java)) })
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
                backupLine(core { app.vault().lastBackup() })
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
            if (listed.isNotEmpty()) pushAccounts.addView(Ui.text(this@AccountsActivity, "Sign-in approvals", 16f))
            for (account in listed) {
                pushAccounts.addView(Ui.text(this@AccountsActivity, "${account.label} — ${account.server}", 14f))
                pushAccounts.addView(Ui.button(this@AccountsActivity, "Remove ${account.label}") { confirmRemove(account) })
            }
        }
    }

    private fun confirmRemove(account: PushAccountSummary) {
        android.app.AlertDialog.Builder(this)
            .setTitle("Remove ${account.label}?")
            .setMessage("This phone will no longer approve sign-ins for this account.")
            .setPositiveButton("Remove") { _, _ ->
                scope.launch {
                    try {
                        toast(core { app.vault().removePush(account.id) }.note)
                    } catch (e: Exception) {
                        toast(describe(e))
                    }
                    showPushAccounts()
                }
            }
            .setNegativeButton("Keep", null)
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
        status.text = if (codes.isEmpty()) "No accounts yet. Add one to see its codes here." else ""
        if (codes.map { it.id } != rows.keys.toList()) {
            accounts.removeAllViews()
            rows.clear()
            for (info in codes) rows[info.id] = AccountRow(info).also { accounts.addView(it.view) }
        }
        for (info in codes) rows[info.id]?.update(info)
    }

    /**
     * Codes are wrong when the phone's clock is: the core learns a
     * correction from the `Date` of a server the user trusts (https) and
     * keeps it in the vault; codes follow it from then on.
     */
    private fun clockSection(): LinearLayout = Ui.column(this, padded = false).apply {
        addView(Ui.text(this@AccountsActivity, "Codes rejected? The phone's clock may be off. Correct codes with the time of a server you trust:", 14f))
        clockUrl = Ui.field(this@AccountsActivity, "https://sign-in.example.com", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        addView(clockUrl)
        addView(
            Ui.row(this@AccountsActivity).apply {
                addView(Ui.button(this@AccountsActivity, "Correct the clock") { syncClock() })
                addView(Ui.button(this@AccountsActivity, "No correction") { resetClock() })
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
                "Codes now follow $url: ${seconds(sync.offsetMs)} (within ${seconds(sync.uncertaintyMs)})."
            } catch (e: Exception) {
                describe(e)
            }
        }
    }

    private fun resetClock() {
        scope.launch {
            clockStatus.text = try {
                core { app.vault().setClockOffsetMs(0) }
                "Codes follow the phone's clock again."
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
            if (open.isEmpty()) toast("No open sign-in requests.")
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
            if (info.kind == OtpKind.HOTP) addView(Ui.button(this@AccountsActivity, "Next code") { nextHotp(info.id) })
            // Long press: manage the account.
            isLongClickable = true
            setOnLongClickListener { manage(info.id, heading.text.toString()); true }
            contentDescription = "${info.label}: long press to rename, move or delete"
        }

        fun update(info: AccountCode) {
            heading.text = info.label
            val current = info.code
            if (current != null) {
                codeText.text = current.code
                remaining.text = "${current.validFor} s left"
            } else {
                codeText.text = hotpCodes[info.id] ?: "––––––"
                remaining.text = "counter-based: press Next code"
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
            .setItems(arrayOf("Rename", "Move up", "Move down", "Delete")) { _, which ->
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
            val name = Ui.field(this@AccountsActivity, "Name", InputType.TYPE_CLASS_TEXT).apply { setText(current.name) }
            val group = Ui.field(this@AccountsActivity, "Group (empty: none)", InputType.TYPE_CLASS_TEXT).apply { setText(current.group ?: "") }
            val icon = Ui.field(this@AccountsActivity, "Icon name or URL (empty: none)", InputType.TYPE_CLASS_TEXT).apply { setText(current.icon ?: "") }
            android.app.AlertDialog.Builder(this@AccountsActivity)
                .setTitle("Rename")
                .setView(Ui.column(this@AccountsActivity).apply { addView(name); addView(group); addView(icon) })
                .setPositiveButton("Save") { _, _ ->
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
                .setNegativeButton("Cancel", null)
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
                    .setMessage("Deleted $label.")
                    .setPositiveButton("Undo") { _, _ ->
                        scope.launch {
                            try {
                                core { app.vault().restore(id) }
                                rows.clear()
                            } catch (e: Exception) {
                                toast(describe(e))
                            }
                        }
                    }
                    .setNegativeButton("OK", null)
                    .show()
            } catch (e: app.watchword.core.ApiException.Cancelled) {
                toast("Not confirmed: nothing was deleted.")
            } catch (e: Exception) {
                toast(describe(e))
            }
        }
    }

    private companion object {
        const val REQUEST_NOTIFICATIONS = 1

        /** Milliseconds as signed seconds for the user, e.g. "+120.5 s". */
        fun seconds(ms: Long): String = String.format(java.util.Locale.ROOT, "%+.1f s", ms / 1000.0)
    }
}
