import SwiftUI
import UIKit
import WatchwordCore

/// Activating push sign-in approvals with the code and URL an administrator
/// gave (typed, or the URL from a scanned activation): the core's one
/// enrolment entry (`PushClient.enrol` with `.typed`) checks both, creates
/// this device's key inside the core and registers the APNs token.
struct ActivationView: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var code = ""
    @State private var url: String
    @State private var deviceName = UIDevice.current.name
    @State private var message: String?
    @State private var busy = false

    /// `url` pre-fills the URL field (from a scanned activation) or is empty.
    init(url: String) {
        _url = State(initialValue: url)
    }

    var body: some View {
        Form {
            Section("enrol_code_hint") {
                TextField("activation_code_placeholder", text: $code)
                    .keyboardType(.numberPad)
                    .textContentType(.oneTimeCode)
            }
            Section("enrol_url_hint") {
                TextField("activation_url_placeholder", text: $url)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
            }
            Section("activation_device_section") {
                TextField("activation_device_field", text: $deviceName)
            }
            Button("enrol_activate") { Task { await activate() } }
                .disabled(busy || code.isEmpty || url.isEmpty)
            if let message = message {
                Section { Text(message) }
            }
        }
        .navigationTitle("activation_title")
    }

    private func activate() async {
        guard let push = core.push else { return }
        busy = true
        defer { busy = false }
        do {
            let outcome = try await push.enrol(
                input: .typed(code: code, url: url), choices: EnrolChoices(), deviceName: deviceName)
            if case .activated(let activation) = outcome {
                message = EnrolView.activated(activation)
                code = ""
            }
        } catch {
            message = L10n.message(for: error)
        }
    }
}
