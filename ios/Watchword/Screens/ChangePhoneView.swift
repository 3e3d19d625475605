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
                Section("Backup") {
                    Text(BackupLine.text(try? core.vault?.lastBackup()))
                        .font(.footnote)
                    SecureField("Backup or export password (8 characters or more)", text: $password)
                    Button("Back up now") { Task { await backUpNow() } }
                    Button("Back up automatically after every change") { Task { await backUpAutomatically() } }
                }
                Section("From another app or phone") {
                    Button("Import a file…") { importing = true }
                    if let preview = preview {
                        ForEach(preview.accounts, id: \.label) { line in
                            Text((line.duplicateOf == nil ? "+ " : "= ") + line.label)
                        }
                        ForEach(preview.notImported, id: \.label) { left in
                            Text("Not imported: \(left.label): \(left.reason)").font(.footnote)
                        }
                        Button("Import \(preview.accounts.filter { $0.duplicateOf == nil }.count) new accounts") {
                            Task { await importPending() }
                        }
                    }
                }
                Section("To another app or phone") {
                    Button("Export as a Watchword backup") { Task { await export(.watchword) } }
                    Button("Export for Aegis (encrypted)") { Task { await export(.aegis) } }
                }
                if let message = message {
                    Text(message).font(.footnote).foregroundStyle(.secondary)
                }
            }
            .navigationTitle("Change phones")
            .fileImporter(isPresented: $importing, allowedContentTypes: [.data]) { result in
                Task { await read(result) }
            }
            .fileExporter(isPresented: $exporting, document: exportFile, contentType: .data, defaultFilename: "watchword-export") { result in
                if case .failure(let error) = result { message = error.localizedDescription }
            }
            .alert("This file is encrypted", isPresented: $needsPassword) {
                SecureField("Its password", text: $password)
                Button("Open") { Task { await previewPending() } }
                Button("Cancel", role: .cancel) { pendingImport = nil }
            }
        }
    }

    private func backUpNow() async {
        guard let vault = core.vault else { return }
        do {
            let folder = try SharedContainer.backupFolder()
            let out = try await vault.backupNow(folder: folder, password: password, keep: 5)
            message = "Backed up \(out.accounts) accounts (verified)."
                + (out.reenrol.isEmpty ? "" : " Enrol again on a new phone: \(out.reenrol.joined(separator: ", ")).")
        } catch {
            message = error.localizedDescription
        }
    }

    /// Automatic backups into the app's folder, keeping 5; the core writes
    /// one after each change (and when the app goes to the background).
    private func backUpAutomatically() async {
        guard let vault = core.vault else { return }
        do {
            try vault.setAutoBackup(folder: try SharedContainer.backupFolder(), password: password, keep: 5)
            _ = try await vault.backupIfChanged()
            message = "Backing up automatically after every change."
        } catch {
            message = error.localizedDescription
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
            message = error.localizedDescription
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
            message = error.localizedDescription
        }
    }

    private func importPending() async {
        guard let vault = core.vault, let bytes = pendingImport else { return }
        do {
            let report = try await vault.importFile(bytes: bytes, password: password.isEmpty ? nil : password, onDuplicate: .skip)
            message = "Imported \(report.added.count) accounts; \(report.skipped.count) were already here."
            preview = nil
            pendingImport = nil
        } catch {
            message = error.localizedDescription
        }
    }

    private func export(_ format: ExportFormat) async {
        guard let vault = core.vault else { return }
        do {
            let export = try await vault.export(format: format, password: password)
            exportFile = ExportDocument(data: export.bytes)
            exporting = true
            if !export.leftOut.isEmpty {
                message = "Enrol again on the new phone: \(export.leftOut.map { $0.label }.joined(separator: ", "))."
            }
        } catch {
            message = error.localizedDescription
        }
    }
}

/// "Last backup: 2 h ago, 17 accounts", or the last try's error (this screen
/// and the codes screen).
enum BackupLine {
    static func text(_ last: LastBackup??) -> String {
        guard let last = last ?? nil else { return "No backup yet." }
        let ago = RelativeDateTimeFormatter().localizedString(for: Date(timeIntervalSince1970: TimeInterval(last.at)), relativeTo: Date())
        if let error = last.error { return "Last backup failed \(ago): \(error)" }
        return "Last backup: \(ago), \(last.accounts) accounts."
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
