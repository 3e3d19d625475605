import PhotosUI
import SwiftUI
import WatchwordCore

/// Adding an account or a sign-in activation, four ways: scan a QR code,
/// pick a picture of one (`decodeImage`), paste a link, or type an
/// activation code and URL. Whatever arrives goes to the core: `classify`
/// says what it is (without its secret); `Vault.addFromText` adds accounts
/// and `PushClient.activateLink` activates scanned push links.
/// The view only routes by the kind the core returned.
struct EnrolView: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var pasted = ""
    @State private var photo: PhotosPickerItem?
    @State private var scanning = false
    /// Text scanned, picked or pasted, and what the core says it is.
    @State private var found: (text: String, kind: EnrolmentKind)?
    @State private var activationURL: String?
    @State private var draftIssuer = ""
    @State private var draftName = ""
    @State private var message: String?
    @State private var duplicate = false

    var body: some View {
        NavigationStack {
            Form {
                Section("Add") {
                    Button("Scan a QR code") { scanning = true }
                    PhotosPicker("Choose a picture of a QR code", selection: $photo, matching: .images)
                    NavigationLink("Type an activation code and URL") {
                        ActivationView(url: "")
                    }
                }
                Section("Or paste a link") {
                    TextField("otpauth://… or a secret key", text: $pasted, axis: .vertical)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    Button("Add pasted text") { examine(pasted) }
                        .disabled(pasted.isEmpty)
                }
                if let found = found {
                    foundSection(found.text, found.kind)
                }
                if let message = message {
                    Section { Text(message) }
                }
            }
            .navigationTitle("Add")
            .sheet(isPresented: $scanning) {
                ScanView { text in
                    scanning = false
                    examine(text)
                }
            }
            .navigationDestination(isPresented: activationShown) {
                ActivationView(url: activationURL ?? "")
            }
            .onChange(of: photo) { item in
                Task { await decodePicked(item) }
            }
        }
    }

    /// What to do with text of each kind the core recognised.
    @ViewBuilder
    private func foundSection(_ text: String, _ kind: EnrolmentKind) -> some View {
        switch kind {
        case .otp(let issuer, let name, _, let draft):
            if draft {
                Section("A secret key: name the account") {
                    TextField("Issuer (e.g. ACME)", text: $draftIssuer)
                    TextField("Account name", text: $draftName)
                    Button("Add") { addDraft(text, kind) }
                        .disabled(draftName.isEmpty)
                }
            } else {
                Section(issuer ?? "Account") {
                    Button("Add \(name)") { add(text, force: false) }
                    if duplicate {
                        Button("Add it again anyway") { add(text, force: true) }
                    }
                }
            }
        case .googleMigration(let accounts, let batchIndex, let batchSize):
            Section("Google Authenticator export, code \(batchIndex + 1) of \(batchSize)") {
                Button("Add \(accounts) accounts") { add(text, force: false) }
            }
        case .watchwordActivation(let url):
            Section("A sign-in activation for \(url)") {
                Button("Activate this phone") { Task { await activateLink(text) } }
            }
        case .privacyIdeaPush(let serial):
            Section("privacyIDEA push token \(serial)") {
                Button("Activate this phone") { Task { await activateLink(text) } }
            }
        case .microsoftActivation(let explanation):
            Section("Microsoft account") { Text(explanation) }
        case .unknown(let reason):
            Section("Not an account") { Text(reason) }
        }
    }

    private var activationShown: Binding<Bool> {
        Binding(
            get: { activationURL != nil },
            set: { shown in if !shown { activationURL = nil } })
    }

    /// Asks the core what `text` is; nothing is stored yet.
    private func examine(_ text: String) {
        message = nil
        duplicate = false
        do {
            let kind = try classify(text: text)
            found = (text, kind)
        } catch {
            found = nil
            message = error.localizedDescription
        }
    }

    private func add(_ text: String, force: Bool) {
        guard let vault = core.vault else { return }
        do {
            let added = try vault.addFromText(text: text, force: force)
            message = "Added \(added.count) account(s)."
            clear()
        } catch ApiError.Duplicate(let why) {
            message = why
            duplicate = true
        } catch {
            message = error.localizedDescription
        }
    }

    /// A scanned or pasted push link (Watchword activation or privacyIDEA
    /// `pipush`) carries everything the core needs to activate.
    private func activateLink(_ text: String) async {
        guard let push = core.push else { return }
        do {
            let activation = try await push.activateLink(link: text, deviceName: UIDevice.current.name)
            message = "Activated \(activation.account) on \(activation.server)."
            clear()
        } catch {
            message = error.localizedDescription
        }
    }

    /// A bare secret key: the core checks it; the shell adds the names typed.
    private func addDraft(_ secret: String, _ kind: EnrolmentKind) {
        guard let vault = core.vault, case .otp(_, _, let otpType, _) = kind else { return }
        let account = NewAccount(
            secret: secret, issuer: draftIssuer.isEmpty ? nil : draftIssuer, name: draftName,
            kind: otpType, digits: nil, period: nil, algorithm: nil, counter: nil)
        do {
            let added = try vault.addFields(account: account, force: false)
            message = "Added \(added.name)."
            clear()
        } catch {
            message = error.localizedDescription
        }
    }

    /// The picked picture's bytes go to the core's image decoder as they are.
    private func decodePicked(_ item: PhotosPickerItem?) async {
        guard let item = item else { return }
        do {
            guard let bytes = try await item.loadTransferable(type: Data.self) else { return }
            let codes = try decodeImage(bytes: bytes)
            if let first = codes.first {
                examine(first.text)
            } else {
                message = "No QR code found in that picture."
            }
        } catch {
            message = error.localizedDescription
        }
        photo = nil
    }

    /// Forgets the text (it may hold a secret) once it is stored.
    private func clear() {
        found = nil
        pasted = ""
        draftIssuer = ""
        draftName = ""
        duplicate = false
    }
}
