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
                Section("tab_add") {
                    Button("enrol_scan") { scanning = true }
                    PhotosPicker("enrol_pick_image", selection: $photo, matching: .images)
                    NavigationLink("enrol_type_code") {
                        ActivationView(url: "")
                    }
                }
                Section("enrol_paste_section") {
                    TextField("enrol_paste_field", text: $pasted, axis: .vertical)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    Button("enrol_add_pasted") { examine(.pasted(text: pasted), pasted) }
                        .disabled(pasted.isEmpty)
                }
                if let found = found {
                    Section(title(found.kind)) {
                        if needsDetails {
                            TextField("enrol_issuer_hint", text: $draftIssuer)
                            TextField("enrol_account_name_hint", text: $draftName)
                        }
                        Button(needsDetails ? L10n.text("action_add") : L10n.text("action_continue")) {
                            Task { await enrol(found.input, force: false) }
                        }
                        .disabled(needsDetails && draftName.isEmpty)
                        if duplicate {
                            Button("enrol_add_anyway") { Task { await enrol(found.input, force: true) } }
                        }
                    }
                }
                if let message = message {
                    Section { Text(message) }
                }
            }
            .navigationTitle("tab_add")
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

    /// The heading for what the core says the text is, in the user's
    /// language (the core's `explanation` and `reason` are the CLI's
    /// English; its `messageId` names the explanation).
    private func title(_ kind: EnrolmentKind) -> String {
        switch kind {
        case .otp(let issuer, let name, _, let draft):
            return draft ? L10n.text("kind_secret_key") : "\(issuer ?? L10n.text("detail_account")): \(name)"
        case .otpList(let accounts):
            return L10n.text("kind_otp_list", L10n.plural("n_accounts", Int(accounts)))
        case .googleMigration(let accounts, let batchIndex, let batchSize):
            return L10n.text(
                "kind_google_migration", Int(batchIndex) + 1, Int(batchSize),
                L10n.plural("n_accounts", Int(accounts)))
        case .watchwordActivation(let url):
            return L10n.text("kind_watchword_activation", url)
        case .privacyIdeaPush(let serial):
            return L10n.text("kind_privacyidea_push", serial)
        case .microsoftActivation(_, let messageId):
            switch messageId {
            case "microsoft_personal_account": return L10n.text("kind_microsoft_personal_account")
            case "microsoft_mfa_server": return L10n.text("kind_microsoft_mfa_server")
            default: return L10n.text("kind_microsoft_managed")
            }
        case .unknown:
            return L10n.text("kind_unknown")
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
            message = L10n.message(for: error)
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
                done(L10n.text("enrol_added", account.label))
            case .addedTwoStep(let account, let clientPart):
                done(L10n.text("enrol_added_two_step", account.label, clientPart))
            case .addedList(let added, let alreadyPresent):
                done(Self.added(added.count, alreadyPresent: alreadyPresent.count))
            case .imported(let added, let alreadyPresent, let part):
                var text = Self.added(added.count, alreadyPresent: alreadyPresent.count)
                if part.size > 1 {
                    let (index, size) = (Int(part.index) + 1, Int(part.size))
                    if part.missing.isEmpty {
                        text += " " + L10n.text("enrol_part_all", index, size)
                    } else {
                        let rest = part.missing.map { L10n.text("enrol_part_item", Int($0) + 1) }.joined(separator: ", ")
                        text += " " + L10n.text("enrol_part_missing", index, size, Int(part.scanned), rest)
                    }
                }
                done(text)
            case .activated(let activation):
                done(Self.activated(activation))
            case .alreadyPresent:
                message = L10n.text("enrol_already_present")
                duplicate = true
            case .needsDetails:
                needsDetails = true
            }
        } catch {
            message = L10n.message(for: error)
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
                message = L10n.text("enrol_no_qr")
            }
        } catch {
            message = L10n.message(for: error)
        }
        photo = nil
    }

    /// "Added 2 accounts. 1 was already in Watchword."
    private static func added(_ count: Int, alreadyPresent: Int) -> String {
        let added = L10n.plural("added_accounts", count)
        return alreadyPresent == 0 ? added : added + " " + L10n.plural("already_in_watchword", alreadyPresent)
    }

    /// The sentence after an activation, from the core's record (its
    /// `summary` is the CLI's English). Also the activation screen's.
    static func activated(_ activation: ActivatedAccount) -> String {
        switch activation.provider {
        case .watchword:
            return L10n.text("enrol_activated_watchword", activation.account, activation.server, activation.deviceId)
        case .privacyIdea:
            return L10n.text("enrol_activated_privacyidea", activation.account, activation.server, activation.deviceId)
        }
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
