import AVFoundation
import Foundation
import WatchwordCore

/// The live QR scanner: an `AVCaptureSession` with an
/// `AVCaptureVideoDataOutput` in `kCVPixelFormatType_420YpCbCr8BiPlanarFullRange`.
/// Each frame's plane 0 (luma) is handed as-is, with its `bytesPerRow`, to
/// the core's scanner session (`QrScanner.offer`), which decodes it and
/// reports each code once. No image processing happens in Swift.
final class CameraScanner: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
    /// The session a `CameraPreview` shows.
    let session = AVCaptureSession()

    private let scanner = QrScanner()
    private let queue = DispatchQueue(label: "app.watchword.camera")
    private let onCode: @MainActor (QrPayload) -> Void

    /// `onCode` runs on the main actor for every code the core finds.
    init(onCode: @escaping @MainActor (QrPayload) -> Void) {
        self.onCode = onCode
        super.init()
    }

    /// Asks for camera access, then starts the back camera. False when
    /// access is denied or there is no camera (the screen then offers the
    /// photo and paste fallbacks).
    func start() async -> Bool {
        guard await AVCaptureDevice.requestAccess(for: .video) else { return false }
        return await withCheckedContinuation { done in
            queue.async {
                let ok = self.configure()
                if ok { self.session.startRunning() }
                done.resume(returning: ok)
            }
        }
    }

    /// Stops the camera and forgets the codes already reported.
    func stop() {
        queue.async {
            self.session.stopRunning()
            self.scanner.reset()
        }
    }

    private func configure() -> Bool {
        guard session.inputs.isEmpty else { return true }
        guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
            let input = try? AVCaptureDeviceInput(device: camera)
        else { return false }
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [
            kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange
        ]
        // A slow decode drops frames instead of queueing them.
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: queue)
        session.beginConfiguration()
        defer { session.commitConfiguration() }
        session.sessionPreset = .hd1280x720
        guard session.canAddInput(input), session.canAddOutput(output) else { return false }
        session.addInput(input)
        session.addOutput(output)
        return true
    }

    func captureOutput(
        _ output: AVCaptureOutput,
        didOutput sampleBuffer: CMSampleBuffer,
        from connection: AVCaptureConnection
    ) {
        guard let pixels = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
        CVPixelBufferLockBaseAddress(pixels, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(pixels, .readOnly) }
        guard CVPixelBufferGetPlaneCount(pixels) >= 1,
            let luma = CVPixelBufferGetBaseAddressOfPlane(pixels, 0)
        else { return }
        let width = CVPixelBufferGetWidthOfPlane(pixels, 0)
        let height = CVPixelBufferGetHeightOfPlane(pixels, 0)
        let rowStride = CVPixelBufferGetBytesPerRowOfPlane(pixels, 0)
        // The plane exactly as the camera laid it out, row padding included;
        // the core walks it by rowStride.
        let frame = Data(bytes: luma, count: rowStride * height)
        let found: [QrPayload]
        do {
            found = try scanner.offer(
                frame: frame, width: UInt32(width), height: UInt32(height),
                rowStride: UInt32(rowStride))
        } catch {
            return  // a frame the core refused: wait for the next one
        }
        for payload in found {
            Task { @MainActor in self.onCode(payload) }
        }
    }
}
