import SwiftUI
import UniformTypeIdentifiers
import WatchwordCore

/// Changing phones: back up now (a verified, encrypted backup in the app's
/// own folder, which the Files app and iCloud backups see), import another
/// app's export or a Watchword backup picked in Files (the document
/// picker), and export to a file the user places. Which format a file is,
/// whether it needs a password, what is a duplicate and which export needs
/// Face ID are the core's decisions; this view moves bytes.
struct ChangePhoneView: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var password = ""
    @State private var message: String?
    @State private var importing = false
    @State private var pendingImport: Data?
    @State private var preview: ImportPreview?
    @State private var needsPassword = false
    @State private var exportFile: ExportDocument?
    @State private var exporting = false

    var body: some View {
        NavigationStack {
            Form {
                Section("backup_section") {
                    Text(BackupLine.text(try? core.vault?.lastBackup()))
                        .font(.footnote)
                    SecureField("backup_password_field", text: $password)
                    Button("backup_now") { Task { await backUpNow() } }
                    Button("backup_auto") { Task { await backUpAutomatically() } }
                }
                Section("import_section") {
                    Button("import_file") { importing = true }
                    if let preview = preview {
                        ForEach(preview.accounts, id: \.label) { line in
                            Text((line.duplicateOf == nil ? "+ " : "= ") + line.label)
                        }
                        ForEach(preview.notImported, id: \.label) { left in
                            Text(L10n.text("import_not_imported", left.label, NotImportedText.text(left.kind))).font(.footnote)
                        }
                        Button(L10n.plural("import_new_accounts", preview.accounts.filter { $0.duplicateOf == nil }.count)) {
                            Task { await importPending() }
                        }
                    }
                }
                Section("export_section") {
                    Button("export_watchword") { Task { await export(.watchword) } }
                    Button("export_aegis") { Task { await export(.aegis) } }
                }
                if let message = message {
                    Text(message).font(.footnote).foregroundStyle(.secondary)
                }
            }
            .navigationTitle("change_phones")
            .fileImporter(isPresented: $importing, allowedContentTypes: [.data]) { result in
                Task { await read(result) }
            }
            .fileExporter(isPresented: $exporting, document: exportFile, contentType: .data, defaultFilename: "watchword-export") { result in
                if case .failure(let error) = result { message = L10n.message(for: error) }
            }
            .alert("import_encrypted_title", isPresented: $needsPassword) {
                SecureField("import_password_field", text: $password)
                Button("action_open") { Task { await previewPending() } }
                Button("action_cancel", role: .cancel) { pendingImport = nil }
            }
        }
    }

    private func backUpNow() async {
        guard let vault = core.vault else { return }
        do {
            let folder = try SharedContainer.backupFolder()
            let out = try await vault.backupNow(folder: folder, password: password, keep: 5)
            let backedUp = L10n.plural("backed_up", Int(out.accounts))
            message = out.reenrol.isEmpty
                ? backedUp : backedUp + " " + L10n.text("reenrol", out.reenrol.joined(separator: ", "))
        } catch {
            message = L10n.message(for: error)
        }
    }

    /// Automatic backups into the app's folder, keeping 5; the core writes
    /// one after each change (and when the app goes to the background).
    private func backUpAutomatically() async {
        guard let vault = core.vault else { return }
        do {
            try vault.setAutoBackup(folder: try SharedContainer.backupFolder(), password: password, keep: 5)
            _ = try await vault.backupIfChanged()
            message = L10n.text("backup_auto_on")
        } catch {
            message = L10n.message(for: error)
        }
    }

    private func read(_ result: Result<URL, Error>) async {
        do {
            let url = try result.get()
            let access = url.startAccessingSecurityScopedResource()
            defer { if access { url.stopAccessingSecurityScopedResource() } }
            pendingImport = try Data(contentsOf: url)
            password = ""
            await previewPending()
        } catch {
            message = L10n.message(for: error)
        }
    }

    /// Previews the picked file; the core says when a password is needed.
    private func previewPending() async {
        guard let vault = core.vault, let bytes = pendingImport else { return }
        do {
            preview = try await vault.previewImport(bytes: bytes, password: password.isEmpty ? nil : password)
        } catch ApiError.PasswordNeeded {
            needsPassword = true
        } catch {
            message = L10n.message(for: error)
        }
    }

    private func importPending() async {
        guard let vault = core.vault, let bytes = pendingImport else { return }
        do {
            let report = try await vault.importFile(bytes: bytes, password: password.isEmpty ? nil : password, onDuplicate: .skip)
            let imported = L10n.plural("imported", report.added.count)
            message = report.skipped.isEmpty
                ? imported : imported + " " + L10n.plural("already_here", report.skipped.count)
            preview = nil
            pendingImport = nil
        } catch {
            message = L10n.message(for: error)
        }
    }

    private func export(_ format: ExportFormat) async {
        guard let vault = core.vault else { return }
        do {
            let export = try await vault.export(format: format, password: password)
            exportFile = ExportDocument(data: export.bytes)
            exporting = true
            if !export.leftOut.isEmpty {
                message = L10n.text("reenrol", export.leftOut.map { $0.label }.joined(separator: ", "))
            }
        } catch {
            message = L10n.message(for: error)
        }
    }
}

/// "Last backup: 2 hours ago, 17 accounts.", that the last try failed, or
/// that there is none (this screen and the codes screen). The time is
/// relative, in the user's language (`RelativeDateTimeFormatter`: "2 uur
/// geleden"). The core's English reason for a failure is not shown: "Back
/// up now" shows what goes wrong in the user's language.
enum BackupLine {
    static func text(_ last: LastBackup??) -> String {
        guard let last = last ?? nil else { return L10n.text("backup_none") }
        let formatter = RelativeDateTimeFormatter()
        formatter.locale = Locale.current
        let ago = formatter.localizedString(for: Date(timeIntervalSince1970: TimeInterval(last.at)), relativeTo: Date())
        if last.error != nil { return L10n.text("backup_failed", ago) }
        return L10n.text("backup_last", ago, L10n.plural("n_accounts", Int(last.accounts)))
    }
}

/// Why an entry was not imported, in the user's language (the core's
/// `reason` is the CLI's English). Exhaustive: a new kind of the core does
/// not compile until it has a text.
enum NotImportedText {
    static func text(_ kind: NotImportedKind) -> String {
        switch kind {
        case .noGenerator(let what): return L10n.text("not_imported_no_generator", what)
        case .unknownType(let name): return L10n.text("not_imported_unknown_type", name)
        case .moveWithTransferQr: return L10n.text("not_imported_move_with_transfer_qr")
        case .addAgainFromService: return L10n.text("not_imported_add_again_from_service")
        case .microsoftPushOnly: return L10n.text("not_imported_microsoft_push_only")
        case .enrolAgain: return L10n.text("not_imported_enrol_again")
        case .other: return L10n.text("not_imported_other")
        }
    }
}

/// The bytes of an export, for the document picker that saves it.
struct ExportDocument: FileDocument {
    static var readableContentTypes: [UTType] { [.data] }
    let data: Data

    init(data: Data) { self.data = data }

    init(configuration: ReadConfiguration) throws {
        data = configuration.file.regularFileContents ?? Data()
    }

    func fileWrapper(configuration: WriteConfiguration) throws -> FileWrapper {
        FileWrapper(regularFileContents: data)
    }
}
