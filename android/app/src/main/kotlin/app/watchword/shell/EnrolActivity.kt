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
        title = "Add account"
        preview = TextureView(this).apply {
            layoutParams = LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, Ui.dp(this@EnrolActivity, 320))
            surfaceTextureListener = PreviewListener()
        }
        message = Ui.text(this, "Point the camera at the QR code.")
        pasted = Ui.field(this, "Or paste a link (otpauth://…)", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        code = Ui.field(this, "Activation code", InputType.TYPE_CLASS_NUMBER)
        url = Ui.field(this, "Activation URL", InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI)
        val root = Ui.column(this).apply {
            addView(preview)
            addView(message)
            addView(Ui.button(this@EnrolActivity, "Pick an image") { pickImage() })
            addView(pasted)
            addView(Ui.button(this@EnrolActivity, "Add pasted link") { enrol(EnrolInput.Pasted(pasted.text.toString())) })
            addView(Ui.text(this@EnrolActivity, "Push sign-in: type what your organisation gave you", 14f))
            addView(code)
            addView(url)
            addView(Ui.button(this@EnrolActivity, "Activate") {
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
            message.text = "No camera permission: pick an image or paste the link instead."
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
                message.text = "No app here can pick an image."
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
                if (found.isEmpty()) message.text = "No QR code in that image." else enrol(EnrolInput.Scanned(found.first().text))
            } catch (e: Exception) {
                message.text = describe(e)
            }
        }
    }

    /** The picked file's bytes, refusing anything larger than [MAX_IMAGE_BYTES] before it fills memory. */
    private fun readPicked(uri: Uri): ByteArray {
        val input = contentResolver.openInputStream(uri) ?: throw IOException("the picked image could not be opened")
        return input.use {
            val out = ByteArrayOutputStream()
            val chunk = ByteArray(64 * 1024)
            while (true) {
                val read = it.read(chunk)
                if (read < 0) break
                out.write(chunk, 0, read)
                if (out.size() > MAX_IMAGE_BYTES) throw IOException("the picked file is larger than ${MAX_IMAGE_BYTES / (1024 * 1024)} MiB")
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
                    is EnrolOutcome.Added -> done("Added ${outcome.account.label}.")
                    is EnrolOutcome.Imported -> done(imported(outcome))
                    is EnrolOutcome.AddedTwoStep -> done(
                        "Added ${outcome.account.label}. To finish, type this on the enrolment page: ${outcome.clientPart}",
                    )
                    is EnrolOutcome.AddedList -> done(
                        "Added ${outcome.added.size} account(s)" +
                            (if (outcome.added.isNotEmpty()) ": " + outcome.added.joinToString(", ") { it.label } else "") +
                            "." + (if (outcome.alreadyPresent.isNotEmpty()) " ${outcome.alreadyPresent.size} already in Watchword." else ""),
                    )
                    is EnrolOutcome.Activated -> done(outcome.activation.summary)
                    is EnrolOutcome.AlreadyPresent -> AlertDialog.Builder(this@EnrolActivity)
                        .setTitle("Already added")
                        .setMessage("This account is already in Watchword. Add a second copy?")
                        .setPositiveButton("Add anyway") { _, _ -> enrol(input, choices.copy(force = true)) }
                        .setNegativeButton("Cancel", null)
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

    private fun imported(o: EnrolOutcome.Imported): String = buildString {
        append("Added ${o.added.size} account(s)")
        if (o.added.isNotEmpty()) append(": " + o.added.joinToString(", ") { it.label })
        append(".")
        if (o.alreadyPresent.isNotEmpty()) append(" ${o.alreadyPresent.size} already in Watchword.")
        if (o.part.size > 1u) {
            append(" This was QR ${o.part.index + 1u} of ${o.part.size}: ")
            if (o.part.missing.isEmpty()) {
                append("all ${o.part.size} scanned.")
            } else {
                append("${o.part.scanned} of ${o.part.size} scanned; still to scan: " + o.part.missing.joinToString(", ") { "QR ${it + 1u}" } + ".")
            }
        }
    }

    /** A bare secret key: the user names it, then the core adds it. */
    private fun askDetails(input: EnrolInput, choices: EnrolChoices) {
        val issuer = Ui.field(this, "Issuer (e.g. GitHub)", InputType.TYPE_CLASS_TEXT)
        val name = Ui.field(this, "Account name", InputType.TYPE_CLASS_TEXT)
        AlertDialog.Builder(this)
            .setTitle("Name this key")
            .setView(Ui.column(this).apply { addView(issuer); addView(name) })
            .setPositiveButton("Add") { _, _ ->
                enrol(input, choices.copy(issuer = issuer.text.toString(), name = name.text.toString()))
            }
            .setNegativeButton("Cancel", null)
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
        const val MAX_IMAGE_BYTES = 32 * 1024 * 1024
    }
}
