package app.watchword.shell

import android.annotation.SuppressLint
import android.content.Context
import android.graphics.ImageFormat
import android.graphics.SurfaceTexture
import android.hardware.camera2.CameraCaptureSession
import android.hardware.camera2.CameraCharacteristics
import android.hardware.camera2.CameraDevice
import android.hardware.camera2.CameraManager
import android.hardware.camera2.CaptureRequest
import android.hardware.camera2.params.OutputConfiguration
import android.hardware.camera2.params.SessionConfiguration
import android.media.ImageReader
import android.os.Handler
import android.os.HandlerThread
import android.os.Looper
import android.util.Log
import android.util.Size
import android.view.Surface
import app.watchword.core.QrPayload
import app.watchword.core.QrScanner
import java.util.concurrent.Executor

/**
 * The live QR scan: Camera2 streams YUV_420_888 frames into an
 * [ImageReader]; each frame's plane 0 (luma) is copied as it is, row
 * padding included, and handed with its row stride to the core's
 * [QrScanner] session (`offer(frame, width, height, rowStride)`), which
 * decodes and reports each code once. Codes arrive on the main thread in
 * [onCodes]. CameraX's `ImageAnalysis` would be the AndroidX choice.
 *
 * The caller holds the CAMERA permission before [start].
 */
class CameraScanner(
    context: Context,
    private val onCodes: (List<QrPayload>) -> Unit,
    private val onError: (String) -> Unit,
) {
    private val context = context.applicationContext
    private val main = Handler(Looper.getMainLooper())
    private val scanner = QrScanner()
    private var thread: HandlerThread? = null
    private var handler: Handler? = null
    private var camera: CameraDevice? = null
    private var session: CameraCaptureSession? = null
    private var reader: ImageReader? = null
    private var previewSurface: Surface? = null
    private var luma = ByteArray(0)

    /** Opens the back camera and starts scanning; [preview], when given, shows the picture. */
    @SuppressLint("MissingPermission")
    fun start(preview: SurfaceTexture?) {
        if (thread != null) return
        val manager = context.getSystemService(CameraManager::class.java) ?: return fail(R.string.camera_no_service)
        val cameraId = manager.cameraIdList.firstOrNull {
            manager.getCameraCharacteristics(it).get(CameraCharacteristics.LENS_FACING) == CameraCharacteristics.LENS_FACING_BACK
        } ?: manager.cameraIdList.firstOrNull() ?: return fail(R.string.camera_none)
        val size = frameSize(manager.getCameraCharacteristics(cameraId)) ?: return fail(R.string.camera_no_frames)
        val cameraThread = HandlerThread("watchword-camera").also { it.start() }
        val cameraHandler = Handler(cameraThread.looper)
        thread = cameraThread
        handler = cameraHandler
        reader = ImageReader.newInstance(size.width, size.height, ImageFormat.YUV_420_888, 2).apply {
            setOnImageAvailableListener({ onFrame(it) }, cameraHandler)
        }
        previewSurface = preview?.let {
            it.setDefaultBufferSize(size.width, size.height)
            Surface(it)
        }
        manager.openCamera(
            cameraId,
            object : CameraDevice.StateCallback() {
                override fun onOpened(device: CameraDevice) {
                    camera = device
                    startSession(device, cameraHandler)
                }

                override fun onDisconnected(device: CameraDevice) {
                    device.close()
                    camera = null
                }

                override fun onError(device: CameraDevice, error: Int) {
                    device.close()
                    camera = null
                    fail(R.string.camera_stopped, error)
                }
            },
            cameraHandler,
        )
    }

    /** Stops the camera; the session's state is kept until [close]. */
    fun stop() {
        val cameraThread = thread ?: return
        // Torn down on the camera thread, after any frame in progress.
        handler?.post {
            session?.close()
            camera?.close()
            reader?.close()
            previewSurface?.release()
            session = null
            camera = null
            reader = null
            previewSurface = null
        }
        cameraThread.quitSafely()
        thread = null
        handler = null
    }

    /** Stops and frees the core's scanner session. */
    fun close() {
        stop()
        scanner.close()
    }

    private fun startSession(device: CameraDevice, cameraHandler: Handler) {
        val frames = reader?.surface ?: return
        val targets = listOfNotNull(frames, previewSurface)
        val request = device.createCaptureRequest(CameraDevice.TEMPLATE_PREVIEW).apply {
            targets.forEach { addTarget(it) }
            set(CaptureRequest.CONTROL_AF_MODE, CaptureRequest.CONTROL_AF_MODE_CONTINUOUS_PICTURE)
        }.build()
        val executor = Executor { cameraHandler.post(it) }
        device.createCaptureSession(
            SessionConfiguration(
                SessionConfiguration.SESSION_REGULAR,
                targets.map { OutputConfiguration(it) },
                executor,
                object : CameraCaptureSession.StateCallback() {
                    override fun onConfigured(configured: CameraCaptureSession) {
                        session = configured
                        configured.setRepeatingRequest(request, null, cameraHandler)
                    }

                    override fun onConfigureFailed(failed: CameraCaptureSession) {
                        fail(R.string.camera_setup_failed)
                    }
                },
            ),
        )
    }

    /** On the camera thread: copy plane 0 with its stride, free the image, offer the copy. */
    private fun onFrame(source: ImageReader) {
        val image = source.acquireLatestImage() ?: return
        val width: Int
        val height: Int
        val rowStride: Int
        try {
            val plane = image.planes[0]
            val buffer = plane.buffer
            // rowStride * (height - 1) + width bytes or more: the rows as the
            // camera wrote them. The core reads them with the stride; no repacking here.
            if (luma.size != buffer.remaining()) luma = ByteArray(buffer.remaining())
            buffer.get(luma)
            width = image.width
            height = image.height
            rowStride = plane.rowStride
        } finally {
            image.close()
        }
        try {
            val found = scanner.offer(luma, width.toUInt(), height.toUInt(), rowStride.toUInt())
            if (found.isNotEmpty()) main.post { onCodes(found) }
        } catch (e: Exception) {
            Log.w(TAG, "frame refused by the core: ${e.javaClass.simpleName}")
        }
    }

    /** A frame size near 1280×720: enough pixels for a QR code across the room, little work per frame. */
    private fun frameSize(characteristics: CameraCharacteristics): Size? {
        val sizes = characteristics.get(CameraCharacteristics.SCALER_STREAM_CONFIGURATION_MAP)
            ?.getOutputSizes(ImageFormat.YUV_420_888)
            ?.takeIf { it.isNotEmpty() } ?: return null
        return sizes.filter { it.width >= TARGET_WIDTH }.minByOrNull { it.width * it.height }
            ?: sizes.maxByOrNull { it.width * it.height }
    }

    /** Reports a failure to the screen, in the user's language. */
    private fun fail(message: Int, vararg args: Any) {
        val text = context.getString(message, *args)
        main.post { onError(text) }
    }

    private companion object {
        const val TAG = "watchword"
        const val TARGET_WIDTH = 1280
    }
}
