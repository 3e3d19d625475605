package app.watchword.shell

import android.app.AlertDialog
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.text.InputType
import android.widget.TextView
import app.watchword.core.ApiException
import app.watchword.core.ExportFormat
import app.watchword.core.ImportPreview
import app.watchword.core.ImportProgress
import app.watchword.core.OnDuplicate
import java.io.File
import kotlinx.coroutines.launch
import kotlin.coroutines.resume
import kotlin.coroutines.suspendCoroutine

/**
 * Changing phones: import another app's export or a Watchword backup
 * (picked with the Storage Access Framework: `ACTION_OPEN_DOCUMENT`), back
 * up now into the app's own folder, and export to a file the user picks
 * (`ACTION_CREATE_DOCUMENT`). Every decision is the core's: which format a
 * file is, whether it needs a password, what is a duplicate, which export
 * needs the biometric check. This screen moves bytes and shows results.
 */
class ChangePhoneActivity : ScopedActivity() {
    private lateinit var lastBackup: TextView
    private var exportFormat = ExportFormat.WATCHWORD

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.change_phones)
        lastBackup = Ui.text(this, "", 14f)
        val root = Ui.column(this).apply {
            addView(lastBackup)
            addView(Ui.button(this@ChangePhoneActivity, getString(R.string.backup_now)) { backUpNow() })
            addView(Ui.button(this@ChangePhoneActivity, getString(R.string.backup_auto)) { backUpAutomatically() })
            addView(Ui.button(this@ChangePhoneActivity, getString(R.string.import_pick)) { pick(OPEN_IMPORT) })
            addView(Ui.button(this@ChangePhoneActivity, getString(R.string.export_watchword)) { export(ExportFormat.WATCHWORD, "watchword.wwbackup") })
            addView(Ui.button(this@ChangePhoneActivity, getString(R.string.export_aegis)) { export(ExportFormat.AEGIS, "aegis-export.json") })
        }
        setContentView(Ui.scroll(root))
    }

    override fun onResume() {
        super.onResume()
        showLastBackup()
    }

    /** "Last backup: 2 hours ago, 17 accounts.", or that the last try failed. */
    private fun showLastBackup() {
        scope.launch {
            lastBackup.text = try {
                Texts.backupLine(this@ChangePhoneActivity, core { app.vault().lastBackup() })
            } catch (e: Exception) {
                describe(e)
            }
        }
    }

    private fun backUpNow() {
        scope.launch {
            val password = askPassword(R.string.backup_password_title, getString(R.string.backup_password_message)) ?: return@launch
            try {
                val out = core { app.vault().backupNow(File(filesDir, "backups").path, password, 5u) }
                val accounts = out.accounts.toInt()
                val backedUp = resources.getQuantityString(R.plurals.backed_up, accounts, accounts)
                toast(if (out.reenrol.isEmpty()) backedUp else backedUp + "\n" + getString(R.string.reenrol, out.reenrol.joinToString()))
            } catch (e: Exception) {
                toast(describe(e))
            }
            showLastBackup()
        }
    }

    /** Automatic backups into the app's folder, keeping 5; the core writes one after each change. */
    private fun backUpAutomatically() {
        scope.launch {
            val password = askPassword(R.string.backup_password_title, getString(R.string.backup_auto_password_message)) ?: return@launch
            try {
                core { app.vault().setAutoBackup(File(filesDir, "backups").path, password, 5u) }
                core { app.vault().backupIfChanged() }
                toast(getString(R.string.backup_auto_on))
            } catch (e: Exception) {
                toast(describe(e))
            }
            showLastBackup()
        }
    }

    private fun pick(request: Int) {
        startActivityForResult(
            Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*"),
            request,
        )
    }

    private fun export(format: ExportFormat, name: String) {
        exportFormat = format
        startActivityForResult(
            Intent(Intent.ACTION_CREATE_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("application/octet-stream").putExtra(Intent.EXTRA_TITLE, name),
            CREATE_EXPORT,
        )
    }

    @Deprecated("Framework Activity result callback; AndroidX is not available to this shell")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        val uri = data?.data
        if (resultCode != RESULT_OK || uri == null) return
        when (requestCode) {
            OPEN_IMPORT -> importFrom(uri)
            CREATE_EXPORT -> exportTo(uri, exportFormat)
        }
    }

    /** Reads the file, previews it (asking for a password only when the core says one is needed), and imports on "Import". */
    private fun importFrom(uri: Uri) {
        scope.launch {
            val bytes = core { contentResolver.openInputStream(uri)?.use { it.readBytes() } } ?: return@launch
            var password: String? = null
            val preview: ImportPreview = try {
                core { app.vault().previewImport(bytes, null) }
            } catch (e: ApiException.PasswordNeeded) {
                password = askPassword(R.string.import_password_title, getString(R.string.import_password_message)) ?: return@launch
                try {
                    core { app.vault().previewImport(bytes, password) }
                } catch (e: Exception) {
                    toast(describe(e))
                    return@launch
                }
            } catch (e: Exception) {
                toast(describe(e))
                return@launch
            }
            val lines = preview.accounts.joinToString("\n") { (if (it.duplicateOf != null) "= " else "+ ") + it.label }
            val left = preview.notImported.joinToString("\n") { getString(R.string.import_not_imported, it.label, Texts.notImported(this@ChangePhoneActivity, it.kind)) }
            val new = preview.accounts.count { it.duplicateOf == null }
            AlertDialog.Builder(this@ChangePhoneActivity)
                .setTitle(resources.getQuantityString(R.plurals.import_confirm, new, new))
                .setMessage(listOf(lines, left).filter { it.isNotEmpty() }.joinToString("\n\n"))
                .setPositiveButton(R.string.import_action) { _, _ ->
                    scope.launch {
                        try {
                            val progress = object : ImportProgress {
                                override fun stored(done: UInt, total: UInt) {
                                    val text = resources.getQuantityString(R.plurals.import_progress, total.toInt(), done.toInt(), total.toInt())
                                    runOnUiThread { lastBackup.text = text }
                                }
                            }
                            val r = core { app.vault().importFileWithProgress(bytes, password, OnDuplicate.SKIP, progress) }
                            showLastBackup()
                            val imported = resources.getQuantityString(R.plurals.imported, r.added.size, r.added.size)
                            toast(
                                if (r.skipped.isEmpty()) imported else imported + " " + resources.getQuantityString(R.plurals.already_here, r.skipped.size, r.skipped.size),
                            )
                        } catch (e: Exception) {
                            toast(describe(e))
                        }
                    }
                }
                .setNegativeButton(R.string.action_cancel, null)
                .show()
        }
    }

    private fun exportTo(uri: Uri, format: ExportFormat) {
        scope.launch {
            val password = askPassword(R.string.export_password_title, getString(R.string.export_password_message)) ?: return@launch
            try {
                val export = core { app.vault().export(format, password) }
                core { contentResolver.openOutputStream(uri)?.use { it.write(export.bytes) } }
                val accounts = export.accounts.toInt()
                val exported = resources.getQuantityString(R.plurals.exported, accounts, accounts)
                toast(if (export.leftOut.isEmpty()) exported else exported + "\n" + getString(R.string.reenrol, export.leftOut.joinToString { it.label }))
            } catch (e: Exception) {
                toast(describe(e))
            }
        }
    }

    /** A password dialog titled [title] (a string resource); null when cancelled. */
    private suspend fun askPassword(title: Int, message: String): String? = suspendCoroutine { cont ->
        val field = Ui.field(this, getString(R.string.password_hint), InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD)
        AlertDialog.Builder(this)
            .setTitle(title)
            .setMessage(message)
            .setView(field)
            .setPositiveButton(R.string.action_ok) { _, _ -> cont.resume(field.text.toString()) }
            .setNegativeButton(R.string.action_cancel) { _, _ -> cont.resume(null) }
            .setOnCancelListener { cont.resume(null) }
            .show()
    }

    private companion object {
        const val OPEN_IMPORT = 1
        const val CREATE_EXPORT = 2
    }
}
