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
import app.watchword.core.LastBackup
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
        title = "Change phones"
        lastBackup = Ui.text(this, "", 14f)
        val root = Ui.column(this).apply {
            addView(lastBackup)
            addView(Ui.button(this@ChangePhoneActivity, "Back up now") { backUpNow() })
            addView(Ui.button(this@ChangePhoneActivity, "Back up automatically after every change") { backUpAutomatically() })
            addView(Ui.button(this@ChangePhoneActivity, "Import from another app or a backup") { pick(OPEN_IMPORT) })
            addView(Ui.button(this@ChangePhoneActivity, "Export as a Watchword backup") { export(ExportFormat.WATCHWORD, "watchword.wwbackup") })
            addView(Ui.button(this@ChangePhoneActivity, "Export for Aegis (encrypted)") { export(ExportFormat.AEGIS, "aegis-export.json") })
        }
        setContentView(Ui.scroll(root))
    }

    override fun onResume() {
        super.onResume()
        showLastBackup()
    }

    /** "Last backup: 2 h ago, 17 accounts", or the error of the last try. */
    private fun showLastBackup() {
        scope.launch {
            lastBackup.text = try {
                backupLine(core { app.vault().lastBackup() })
            } catch (e: Exception) {
                describe(e)
            }
        }
    }

    private fun backUpNow() {
        scope.launch {
            val password = askPassword("Backup password", "At least 8 characters. You need it to restore.") ?: return@launch
            try {
                val out = core { app.vault().backupNow(File(filesDir, "backups").path, password, 5u) }
                val reenrol = if (out.reenrol.isEmpty()) "" else "\nEnrol again on a new phone: ${out.reenrol.joinToString()}"
                toast("Backed up ${out.accounts} accounts (verified).$reenrol")
            } catch (e: Exception) {
                toast(describe(e))
            }
            showLastBackup()
        }
    }

    /** Automatic backups into the app's folder, keeping 5; the core writes one after each change. */
    private fun backUpAutomatically() {
        scope.launch {
            val password = askPassword("Backup password", "At least 8 characters, kept in the vault for automatic backups. You need it to restore.") ?: return@launch
            try {
                core { app.vault().setAutoBackup(File(filesDir, "backups").path, password, 5u) }
                core { app.vault().backupIfChanged() }
                toast("Backing up automatically after every change.")
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
                password = askPassword("Password of the export", e.message ?: "") ?: return@launch
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
            val left = preview.notImported.joinToString("\n") { "Not imported: ${it.label}: ${it.reason}" }
            val new = preview.accounts.count { it.duplicateOf == null }
            AlertDialog.Builder(this@ChangePhoneActivity)
                .setTitle("Import $new new accounts?")
                .setMessage(listOf(lines, left).filter { it.isNotEmpty() }.joinToString("\n\n"))
                .setPositiveButton("Import") { _, _ ->
                    scope.launch {
                        try {
                            val progress = object : ImportProgress {
                                override fun stored(done: UInt, total: UInt) {
                                    runOnUiThread { lastBackup.text = "Importing: $done of $total accounts stored…" }
                                }
                            }
                            val r = core { app.vault().importFileWithProgress(bytes, password, OnDuplicate.SKIP, progress) }
                            showLastBackup()
                            toast("Imported ${r.added.size} accounts; ${r.skipped.size} were already here.")
                        } catch (e: Exception) {
                            toast(describe(e))
                        }
                    }
                }
                .setNegativeButton("Cancel", null)
                .show()
        }
    }

    private fun exportTo(uri: Uri, format: ExportFormat) {
        scope.launch {
            val password = askPassword("Export password", "Protects the file. The new app asks for it.") ?: return@launch
            try {
                val export = core { app.vault().export(format, password) }
                core { contentResolver.openOutputStream(uri)?.use { it.write(export.bytes) } }
                val left = if (export.leftOut.isEmpty()) "" else "\nEnrol again on the new phone: ${export.leftOut.joinToString { it.label }}"
                toast("Exported ${export.accounts} accounts.$left")
            } catch (e: Exception) {
                toast(describe(e))
            }
        }
    }

    /** A password dialog; null when cancelled. */
    private suspend fun askPassword(title: String, message: String): String? = suspendCoroutine { cont ->
        val field = Ui.field(this, "Password", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_PASSWORD)
        AlertDialog.Builder(this)
            .setTitle(title)
            .setMessage(message)
            .setView(field)
            .setPositiveButton("OK") { _, _ -> cont.resume(field.text.toString()) }
            .setNegativeButton("Cancel") { _, _ -> cont.resume(null) }
            .setOnCancelListener { cont.resume(null) }
            .show()
    }

    private companion object {
        const val OPEN_IMPORT = 1
        const val CREATE_EXPORT = 2
    }
}

/** "Last backup: 2 h ago, 17 accounts", or the error of the last try (this screen and the accounts screen). */
fun backupLine(last: LastBackup?): String = when {
    last == null -> "No backup yet."
    last.error != null -> "Last backup failed ${ago(last.at)}: ${last.error}"
    else -> "Last backup: ${ago(last.at)}, ${last.accounts} accounts."
}

private fun ago(at: Long): String {
    val s = (System.currentTimeMillis() / 1000 - at).coerceAtLeast(0)
    return when {
        s < 60 -> "just now"
        s < 3600 -> "${s / 60} min ago"
        s < 86_400 -> "${s / 3600} h ago"
        else -> "${s / 86_400} days ago"
    }
}
