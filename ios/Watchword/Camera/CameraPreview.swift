import AVFoundation
import SwiftUI
import UIKit

/// Shows a capture session full-bleed (`AVCaptureVideoPreviewLayer`).
struct CameraPreview: UIViewRepresentable {
    /// The running session to show.
    let session: AVCaptureSession

    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        view.previewLayer.session = session
        view.previewLayer.videoGravity = .resizeAspectFill
        return view
    }

    func updateUIView(_ uiView: PreviewView, context: Context) {}

    /// A view whose backing layer is the preview layer, so it resizes with the view.
    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }

        /// The backing layer.
        var previewLayer: AVCaptureVideoPreviewLayer {
            // layerClass guarantees the type.
            layer as! AVCaptureVideoPreviewLayer
        }
    }
}
