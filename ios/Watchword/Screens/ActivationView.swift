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
            Section("Activation code") {
                TextField("123 456 789", text: $code)
                    .keyboardType(.numberPad)
                    .textContentType(.oneTimeCode)
            }
            Section("URL") {
                TextField("https://…", text: $url)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
            }
            Section("This device's name") {
                TextField("Device name", text: $deviceName)
            }
            Button("Activate") { Task { await activate() } }
                .disabled(busy || code.isEmpty || url.isEmpty)
            if let message = message {
                Section { Text(message) }
            }
        }
        .navigationTitle("Activate sign-ins")
    }

    private func activate() async {
        guard let push = core.push else { return }
        busy = true
        defer { busy = false }
        do {
            let outcome = try await push.enrol(
                input: .typed(code: code, url: url), choices: EnrolChoices(), deviceName: deviceName)
            if case .activated(let activation) = outcome {
                message = activation.summary
                code = ""
            }
        } catch {
            message = error.localizedDescription
        }
    }
}
