import PhotosUI
import SwiftUI
import WatchwordCore

/// Adding an account or a sign-in activation, four ways: scan a QR code,
/// pick a picture of one (`decodeImage`), paste a link, or type an
/// activation code and URL. Whatever arrives goes to the core: `classify`
/// describes it (without its secret) so the user can confirm, and the
/// core's one enrolment entry (`PushClient.enrol`) decides what it is and
/// does it. The view shows the outcome and asks what the core needs to
/// know (a name for a bare secret key, whether to keep a duplicate).
struct EnrolView: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var pasted = ""
    @State private var photo: PhotosPickerItem?
    @State private var scanning = false
    /// What arrived, and the core's description of it.
    @State private var found: (input: EnrolInput, kind: EnrolmentKind)?
    @State private var needsDetails = false
    @State private var draftIssuer = ""
    @State private var draftName = ""
    @State private var duplicate = false
    @State private var message: String?

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
                    Button("Add pasted text") { examine(.pasted(text: pasted), pasted) }
                        .disabled(pasted.isEmpty)
                }
                if let found = found {
                    Section(title(found.kind)) {
                        if needsDetails {
                            TextField("Issuer (e.g. ACME)", text: $draftIssuer)
                            TextField("Account name", text: $draftName)
                        }
                        Button(needsDetails ? "Add" : "Continue") {
                            Task { await enrol(found.input, force: false) }
                        }
                        .disabled(needsDetails && draftName.isEmpty)
                        if duplicate {
                            Button("Add it again anyway") { Task { await enrol(found.input, force: true) } }
                        }
                    }
                }
                if let message = message {
                    Section { Text(message) }
                }
            }
            .navigationTitle("Add")
            .sheet(isPresented: $scanning) {
                ScanView { text in
                    scanning = false
                    examine(.scanned(text: text), text)
                }
            }
            .onChange(of: photo) { item in
                Task { await decodePicked(item) }
            }
        }
    }

    /// The heading for what the core says the text is.
    private func title(_ kind: EnrolmentKind) -> String {
        switch kind {
        case .otp(let issuer, let name, _, let draft):
            return draft ? "A secret key: name the account" : "\(issuer ?? "Account"): \(name)"
        case .googleMigration(let accounts, let batchIndex, let batchSize):
            return "Google Authenticator export, code \(batchIndex + 1) of \(batchSize) (\(accounts) accounts)"
        case .watchwordActivation(let url):
            return "A sign-in activation for \(url)"
        case .privacyIdeaPush(let serial):
            return "privacyIDEA push token \(serial)"
        case .microsoftActivation(let explanation):
            return explanation
        case .unknown(let reason):
            return reason
        }
    }

    /// Asks the core to describe `text`; nothing is stored yet.
    private func examine(_ input: EnrolInput, _ text: String) {
        message = nil
        duplicate = false
        needsDetails = false
        do {
            found = (input, try classify(text: text))
        } catch {
            found = nil
            message = error.localizedDescription
        }
    }

    /// Hands the input to the core's one enrolment entry and shows the outcome.
    private func enrol(_ input: EnrolInput, force: Bool) async {
        guard let push = core.push else { return }
        let choices = EnrolChoices(
            issuer: draftIssuer.isEmpty ? nil : draftIssuer,
            name: draftName.isEmpty ? nil : draftName,
            group: nil, icon: nil, notes: nil, force: force)
        do {
            let outcome = try await push.enrol(
                input: input, choices: choices, deviceName: UIDevice.current.name)
            switch outcome {
            case .added(let account):
                done("Added \(account.label).")
            case .addedTwoStep(let account, let clientPart):
                done("Added \(account.label). To finish, type this on the enrolment page: \(clientPart)")
            case .addedList(let added, let alreadyPresent):
                done("Added \(added.count) account(s); \(alreadyPresent.count) already here.")
            case .imported(let added, let alreadyPresent, let part):
                var text = "Added \(added.count) account(s); \(alreadyPresent.count) already here."
                if part.size > 1 {
                    text += " This was code \(part.index + 1) of \(part.size): "
                    if part.missing.isEmpty {
                        text += "all \(part.size) scanned."
                    } else {
                        let rest = part.missing.map { "code \($0 + 1)" }.joined(separator: ", ")
                        text += "\(part.scanned) of \(part.size) scanned; still to scan: \(rest)."
                    }
                }
                done(text)
            case .activated(let activation):
                done(activation.summary)
            case .alreadyPresent:
                message = "This account is already in Watchword."
                duplicate = true
            case .needsDetails:
                needsDetails = true
            }
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
                examine(.scanned(text: first.text), first.text)
            } else {
                message = "No QR code found in that picture."
            }
        } catch {
            message = error.localizedDescription
        }
        photo = nil
    }

    /// Forgets the text (it may hold a secret) once it is stored.
    private func done(_ text: String) {
        message = text
        found = nil
        pasted = ""
        draftIssuer = ""
        draftName = ""
        duplicate = false
        needsDetails = false
    }
}
