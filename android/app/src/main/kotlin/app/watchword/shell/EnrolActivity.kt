package app.watchword.shell

import android.Manifest
import android.app.AlertDialog
import android.content.ActivityNotFoundException
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.SurfaceTexture
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.text.InputType
import android.view.TextureView
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import app.watchword.core.EnrolChoices
import app.watchword.core.EnrolInput
import app.watchword.core.EnrolOutcome
import app.watchword.core.QrPayload
import app.watchword.core.decodeImage
import kotlinx.coroutines.launch
import java.io.ByteArrayOutputStream
import java.io.IOException

/**
 * Adding an account, four ways: scan a QR code with the camera
 * ([CameraScanner]), pick an image of one (`decodeImage`), paste a link,
 * or type an activation code and URL. Whatever arrives goes to the core's
 * one enrolment entry (`PushClient.enrol`), which decides what it is and
 * does it; the shell shows the outcome and asks what the core needs to know.
 */
class EnrolActivity : ScopedActivity() {
    private lateinit var preview: TextureView
    private lateinit var message: TextView
    private lateinit var pasted: EditText
    private lateinit var code: EditText
    private lateinit var url: EditText
    private var camera: CameraScanner? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        title = getString(R.string.accounts_add)
        preview = TextureView(this).apply {
            layoutParams = LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, Ui.dp(this@EnrolActivity, 320))
            surfaceTextureListener = PreviewListener()
            // TalkBack reads what the preview is for; the outcome of a scan is announced below.
            contentDescription = getString(R.string.enrol_camera_preview)
        }
        message = Ui.announced(Ui.text(this, getString(R.string.enrol_point_camera)))
        pasted = Ui.field(this, getString(R.string.enrol_paste_hint), InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        code = Ui.field(this, getString(R.string.enrol_code_hint), InputType.TYPE_CLASS_NUMBER)
        url = Ui.field(this, getString(R.string.enrol_url_hint), InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        val root = Ui.column(this).apply {
            addView(preview)
            addView(message)
            addView(Ui.button(this@EnrolActivity, getString(R.string.enrol_pick_image)) { pickImage() })
            addView(pasted)
            addView(Ui.button(this@EnrolActivity, getString(R.string.enrol_add_pasted)) { enrol(EnrolInput.Pasted(pasted.text.toString())) })
            addView(Ui.text(this@EnrolActivity, getString(R.string.enrol_push_explain), 14f))
            addView(code)
            addView(url)
            addView(Ui.button(this@EnrolActivity, getString(R.string.enrol_activate)) {
                enrol(EnrolInput.Typed(code.text.toString(), url.text.toString()))
            })
        }
        setContentView(Ui.scroll(root))
        camera = CameraScanner(this, ::scanned) { message.text = it }
    }

    override fun onResume() {
        super.onResume()
        if (checkSelfPermission(Manifest.permission.CAMERA) != PackageManager.PERMISSION_GRANTED) {
            requestPermissions(arrayOf(Manifest.permission.CAMERA), REQUEST_CAMERA)
        } else if (preview.isAvailable) {
            camera?.start(preview.surfaceTexture)
        }
    }

    override fun onPause() {
        camera?.stop()
        super.onPause()
    }

    override fun onDestroy() {
        camera?.close()
        camera = null
        super.onDestroy()
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        if (requestCode != REQUEST_CAMERA) return
        if (grantResults.firstOrNull() == PackageManager.PERMISSION_GRANTED) {
            if (preview.isAvailable) camera?.start(preview.surfaceTexture)
        } else {
            message.text = getString(R.string.enrol_no_camera_permission)
        }
    }

    private fun scanned(codes: List<QrPayload>) {
        codes.firstOrNull()?.let { enrol(EnrolInput.Scanned(it.text)) }
    }

    private fun pickImage() {
        // The framework Activity API (AndroidX would use registerForActivityResult).
        val open = Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("image/*")
        try {
            startActivityForResult(open, REQUEST_IMAGE)
        } catch (noDocumentUi: ActivityNotFoundException) {
            // No document UI on this device: any gallery app through GET_CONTENT.
            try {
                startActivityForResult(Intent(Intent.ACTION_GET_CONTENT).setType("image/*"), REQUEST_IMAGE)
            } catch (noGallery: ActivityNotFoundException) {
                message.text = getString(R.string.enrol_no_picker)
            }
        }
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        val uri = data?.data
        if (requestCode == REQUEST_IMAGE && resultCode == RESULT_OK && uri != null) decodePicked(uri)
    }

    private fun decodePicked(uri: Uri) {
        scope.launch {
            try {
                val found = core { decodeImage(readPicked(uri)) }
                if (found.isEmpty()) message.text = getString(R.string.enrol_no_qr) else enrol(EnrolInput.Scanned(found.first().text))
            } catch (e: PickedImageProblem) {
                message.text = getString(e.text, MAX_IMAGE_MIB)
            } catch (e: Exception) {
                message.text = describe(e)
            }
        }
    }

    /** The picked file's bytes, refusing anything larger than [MAX_IMAGE_BYTES] before it fills memory. */
    private fun readPicked(uri: Uri): ByteArray {
        val input = contentResolver.openInputStream(uri)
            ?: throw PickedImageProblem(R.string.enrol_image_unreadable, "the picked image could not be opened")
        return input.use {
            val out = ByteArrayOutputStream()
            val chunk = ByteArray(64 * 1024)
            while (true) {
                val read = it.read(chunk)
                if (read < 0) break
                out.write(chunk, 0, read)
                if (out.size() > MAX_IMAGE_BYTES) {
                    throw PickedImageProblem(R.string.enrol_image_too_large, "the picked file is larger than $MAX_IMAGE_MIB MiB")
                }
            }
            out.toByteArray()
        }
    }

    /**
     * Hands [input] to the core's one enrolment entry and shows what it did,
     * or asks what the core needs to know: a name for a bare secret, or
     * whether to keep a second copy of an account already added.
     */
    private fun enrol(input: EnrolInput, choices: EnrolChoices = EnrolChoices()) {
        scope.launch {
            try {
                when (val outcome = core { app.push().enrol(input, choices, deviceName()) }) {
                    is EnrolOutcome.Added -> done(getString(R.string.enrol_added, outcome.account.label))
                    is EnrolOutcome.Imported -> done(imported(outcome))
                    is EnrolOutcome.AddedTwoStep -> done(getString(R.string.enrol_added_two_step, outcome.account.label, outcome.clientPart))
                    is EnrolOutcome.AddedList -> done(added(outcome.added.map { it.label }, outcome.alreadyPresent.size))
                    is EnrolOutcome.Activated -> done(Texts.activated(this@EnrolActivity, outcome.activation))
                    is EnrolOutcome.AlreadyPresent -> AlertDialog.Builder(this@EnrolActivity)
                        .setTitle(R.string.enrol_already_title)
                        .setMessage(R.string.enrol_already_message)
                        .setPositiveButton(R.string.enrol_add_anyway) { _, _ -> enrol(input, choices.copy(force = true)) }
                        .setNegativeButton(R.string.action_cancel, null)
                        .show()
                    is EnrolOutcome.NeedsDetails -> askDetails(input, choices)
                }
            } catch (e: Exception) {
                message.text = describe(e)
            }
        }
    }

    private fun done(text: String) {
        message.text = text
        pasted.setText("")
        code.setText("")
    }

    /** "Added 2 accounts: A, B. 1 was already in Watchword." */
    private fun added(labels: List<String>, alreadyPresent: Int): String {
        val n = labels.size
        val added = if (n == 0) {
            resources.getQuantityString(R.plurals.added_accounts, n, n)
        } else {
            resources.getQuantityString(R.plurals.added_accounts_named, n, n, labels.joinToString(", "))
        }
        return if (alreadyPresent == 0) added else added + " " + resources.getQuantityString(R.plurals.already_in_watchword, alreadyPresent, alreadyPresent)
    }

    /** What a Google Authenticator export added, and which of its QR codes are still to scan. */
    private fun imported(o: EnrolOutcome.Imported): String {
        val text = added(o.added.map { it.label }, o.alreadyPresent.size)
        val part = o.part
        if (part.size <= 1u) return text
        val (index, size) = (part.index + 1u).toInt() to part.size.toInt()
        val progress = if (part.missing.isEmpty()) {
            getString(R.string.enrol_part_all, index, size)
        } else {
            val rest = part.missing.joinToString(", ") { getString(R.string.enrol_part_item, (it + 1u).toInt()) }
            getString(R.string.enrol_part_missing, index, size, part.scanned.toInt(), rest)
        }
        return "$text $progress"
    }

    /** A bare secret key: the user names it, then the core adds it. */
    private fun askDetails(input: EnrolInput, choices: EnrolChoices) {
        val issuer = Ui.field(this, getString(R.string.enrol_issuer_hint), InputType.TYPE_CLASS_TEXT)
        val name = Ui.field(this, getString(R.string.enrol_account_name_hint), InputType.TYPE_CLASS_TEXT)
        AlertDialog.Builder(this)
            .setTitle(R.string.enrol_name_key_title)
            .setView(Ui.column(this).apply { addView(issuer); addView(name) })
            .setPositiveButton(R.string.action_add) { _, _ ->
                enrol(input, choices.copy(issuer = issuer.text.toString(), name = name.text.toString()))
            }
            .setNegativeButton(R.string.action_cancel, null)
            .show()
    }

    private fun deviceName(): String = listOf(Build.MANUFACTURER, Build.MODEL).filter { it.isNotBlank() }.joinToString(" ")

    /** Starts the camera once the preview surface exists. */
    private inner class PreviewListener : TextureView.SurfaceTextureListener {
        override fun onSurfaceTextureAvailable(surface: SurfaceTexture, width: Int, height: Int) {
            if (checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) camera?.start(surface)
        }

        override fun onSurfaceTextureSizeChanged(surface: SurfaceTexture, width: Int, height: Int) = Unit

        override fun onSurfaceTextureDestroyed(surface: SurfaceTexture): Boolean {
            camera?.stop()
            return true
        }

        override fun onSurfaceTextureUpdated(surface: SurfaceTexture) = Unit
    }

    private companion object {
        const val REQUEST_CAMERA = 1
        const val REQUEST_IMAGE = 2
        const val MAX_IMAGE_MIB = 32
        const val MAX_IMAGE_BYTES = MAX_IMAGE_MIB * 1024 * 1024
    }

    /** A picked file this screen refuses itself: [text] is what the user reads, the message is for the log. */
    private class PickedImageProblem(val text: Int, message: String) : IOException(message)
}
