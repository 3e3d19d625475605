import SwiftUI
import WatchwordCore

/// The camera full screen; the first QR code the core finds is handed to
/// `onText` (the enrol screen asks the core what it is).
struct ScanView: View {
    /// Receives the decoded text of the code.
    let onText: (String) -> Void
    @Environment(\.dismiss) private var dismiss
    @State private var scanner: CameraScanner?
    @State private var noCamera = false

    var body: some View {
        NavigationStack {
            ZStack {
                if let scanner = scanner {
                    CameraPreview(session: scanner.session).ignoresSafeArea()
                }
                if noCamera {
                    Text("scan_no_camera")
                        .multilineTextAlignment(.center)
                        .padding()
                }
            }
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("action_cancel") { dismiss() }
                }
            }
            .task {
                let camera = CameraScanner { payload in
                    found(payload)
                }
                scanner = camera
                noCamera = !(await camera.start())
            }
            .onDisappear { scanner?.stop() }
        }
    }

    private func found(_ payload: QrPayload) {
        scanner?.stop()
        onText(payload.text)
    }
}
