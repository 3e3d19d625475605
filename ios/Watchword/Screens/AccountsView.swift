import SwiftUI
import UIKit
import WatchwordCore

/// The accounts with their current codes. The list is asked from the core
/// again every second (`Vault.codes()`), so each code, its seconds left
/// (`validFor`) and its successor come from the core; the view only shows
/// them. HOTP codes are made on demand (`Vault.nextHotp`).
struct AccountsView: View {
    @EnvironmentObject private var core: CoreHolder
    /// HOTP codes the user asked for, by account id.
    @State private var hotpCodes: [Int64: CounterCode] = [:]
    @State private var failure: String?
    /// The search field; the core decides what matches.
    @State private var search = ""
    /// The account being renamed, and the new name.
    @State private var renaming: AccountCode?
    @State private var newName = ""
    @State private var newGroup = ""
    @State private var newIcon = ""
    /// The account just deleted, for Undo.
    @State private var deleted: AccountCode?

    var body: some View {
        NavigationStack {
            TimelineView(.periodic(from: .now, by: 1)) { _ in
                List {
                    ForEach(codes(), id: \.id) { account in
                        AccountRow(
                            account: account,
                            hotp: hotpCodes[account.id],
                            nextHotp: { nextHotp(account.id) })
                        .swipeActions {
                            Button("Delete", role: .destructive) { Task { await delete(account) } }
                        }
                        .contextMenu {
                            Button("Rename") { startRename(account) }
                            Button("Move up") { move(account, by: -1) }
                            Button("Move down") { move(account, by: 1) }
                            Button("Delete", role: .destructive) { Task { await delete(account) } }
                        }
                    }
                    if let failure = failure {
                        Text(failure).foregroundStyle(.red)
                    }
                    PushAccountsSection()
                    Section { Text(BackupLine.text(try? core.vault?.lastBackup())).font(.footnote) }
                    ClockSection()
                }
                .overlay {
                    if core.vault != nil, codes().isEmpty {
                        Text("No accounts yet. Add one from the Add tab.")
                            .foregroundStyle(.secondary)
                    }
                }
            }
            .navigationTitle("Codes")
            .searchable(text: $search)
            .alert("Rename", isPresented: Binding(get: { renaming != nil }, set: { if !$0 { renaming = nil } })) {
                TextField("Name", text: $newName)
                TextField("Group (empty: none)", text: $newGroup)
                TextField("Icon name or URL (empty: none)", text: $newIcon)
                Button("Save") { rename() }
                Button("Cancel", role: .cancel) {}
            }
            .alert(
                "Deleted \(deleted?.label ?? "")",
                isPresented: Binding(get: { deleted != nil }, set: { if !$0 { deleted = nil } })
            ) {
                Button("Undo") { undo() }
                Button("OK", role: .cancel) {}
            }
        }
    }

    /// Fills the rename fields with what the core has, then asks.
    private func startRename(_ account: AccountCode) {
        let current = (try? core.vault?.list(filter: nil))?.first { $0.id == account.id }
        newName = current?.name ?? account.name
        newGroup = current?.group ?? ""
        newIcon = current?.icon ?? ""
        renaming = account
    }

    private func rename() {
        guard let vault = core.vault, let account = renaming else { return }
        do {
            _ = try vault.update(
                id: account.id,
                changes: AccountChanges(name: newName, icon: newIcon, group: newGroup))
            failure = nil
        } catch {
            failure = error.localizedDescription
        }
    }

    /// Swaps the account's place with its neighbour's; the core keeps the
    /// order (`sortOrder`).
    private func move(_ account: AccountCode, by step: Int) {
        guard let vault = core.vault else { return }
        do {
            let list = try vault.list(filter: nil)
            guard let at = list.firstIndex(where: { $0.id == account.id }),
                  list.indices.contains(at + step) else { return }
            let other = list[at + step]
            _ = try vault.update(id: account.id, changes: AccountChanges(sortOrder: other.sortOrder))
            _ = try vault.update(id: other.id, changes: AccountChanges(sortOrder: list[at].sortOrder))
        } catch {
            failure = error.localizedDescription
        }
    }

    /// Deletes after the core's Face ID check; Undo restores it.
    private func delete(_ account: AccountCode) async {
        guard let vault = core.vault else { return }
        do {
            try await vault.delete(id: account.id)
            deleted = account
            failure = nil
        } catch {
            failure = error.localizedDescription
        }
    }

    private func undo() {
        guard let vault = core.vault, let account = deleted else { return }
        do {
            _ = try vault.restore(id: account.id)
        } catch {
            failure = error.localizedDescription
        }
    }

    /// This second's codes from the core.
    private func codes() -> [AccountCode] {
        guard let vault = core.vault else { return [] }
        do {
            return try vault.codesMatching(filter: search.isEmpty ? nil : search)
        } catch {
            return []
        }
    }

    private func nextHotp(_ id: Int64) {
        guard let vault = core.vault else { return }
        do {
            hotpCodes[id] = try vault.nextHotp(id: id)
            failure = nil
        } catch {
            failure = error.localizedDescription
        }
    }
}

/// One account: issuer and name, the code (tap to copy), and for time-based
/// codes the seconds left and the next code, as the core gave them.
private struct AccountRow: View {
    let account: AccountCode
    let hotp: CounterCode?
    let nextHotp: () -> Void

    var body: some View {
        HStack {
            VStack(alignment: .leading) {
                Text(account.issuer ?? account.name).font(.headline)
                if account.issuer != nil {
                    Text(account.name).font(.subheadline).foregroundStyle(.secondary)
                }
                if let code = account.code?.code ?? hotp?.code {
                    Text(code)
                        .font(.system(.title, design: .monospaced))
                        .onTapGesture { copy(code) }
                } else {
                    Button("Show next code", action: nextHotp)
                }
            }
            Spacer()
            if let code = account.code {
                VStack(alignment: .trailing) {
                    Text("\(code.validFor) s").monospacedDigit()
                    Text("next \(code.nextCode)").font(.caption).foregroundStyle(.secondary)
                }
            }
        }
    }

    /// Copies a code for this device only, gone after a minute.
    private func copy(_ code: String) {
        UIPasteboard.general.setItems(
            [[UIPasteboard.typeAutomatic: code]],
            options: [.localOnly: true, .expirationDate: Date(timeIntervalSinceNow: 60)])
    }
}

/// Codes are wrong when the phone's clock is: the core learns a correction
/// from the `Date` of a server the user trusts (https) and keeps it in the
/// vault; codes follow it from then on.
/// The accounts that approve sign-ins, from the core's one account list
/// (`Vault.listAll`); swipe to remove (asks first). The core's note says
/// who can remove the phone on the server.
private struct PushAccountsSection: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var accounts: [PushAccountSummary] = []
    @State private var removing: PushAccountSummary?
    @State private var message: String?

    var body: some View {
        Section("Sign-in approvals") {
            ForEach(accounts, id: \.id) { account in
                VStack(alignment: .leading) {
                    Text(account.label)
                    Text(account.server).font(.caption).foregroundStyle(.secondary)
                }
                .swipeActions {
                    Button("Remove", role: .destructive) { removing = account }
                }
            }
            if let message = message {
                Text(message).font(.footnote).foregroundStyle(.secondary)
            }
        }
        .onAppear { load() }
        .confirmationDialog(
            "Remove this account? This phone will no longer approve its sign-ins.",
            isPresented: Binding(get: { removing != nil }, set: { if !$0 { removing = nil } })
        ) {
            Button("Remove", role: .destructive) {
                if let account = removing { remove(account) }
            }
        }
    }

    private func load() {
        guard let vault = core.vault else { return }
        do {
            accounts = try vault.listAll(filter: nil).compactMap {
                if case .push(let account) = $0 { return account }
                return nil
            }
        } catch {
            message = error.localizedDescription
        }
    }

    private func remove(_ account: PushAccountSummary) {
        guard let vault = core.vault else { return }
        do {
            message = try vault.removePush(id: account.id).note
        } catch {
            message = error.localizedDescription
        }
        load()
    }
}

private struct ClockSection: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var url = ""
    @State private var message: String?

    var body: some View {
        Section("Codes rejected? The phone's clock may be off") {
            TextField("https://sign-in.example.com", text: $url)
                .keyboardType(.URL)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
            Button("Correct codes with this server's time") { Task { await sync() } }
            Button("No correction") { reset() }
            if let message = message {
                Text(message).font(.footnote).foregroundStyle(.secondary)
            }
        }
    }

    private func sync() async {
        guard let vault = core.vault else { return }
        do {
            let result = try await vault.syncClock(url: url.trimmingCharacters(in: .whitespaces), http: PlatformHttp())
            message = "Codes now follow \(url): \(Self.seconds(result.offsetMs)) (within \(Self.seconds(result.uncertaintyMs)))."
        } catch {
            message = error.localizedDescription
        }
    }

    private func reset() {
        guard let vault = core.vault else { return }
        do {
            try vault.setClockOffsetMs(offsetMs: 0)
            message = "Codes follow the phone's clock again."
        } catch {
            message = error.localizedDescription
        }
    }

    /// Milliseconds as signed seconds for the user, e.g. "+120.5 s".
    private static func seconds(_ ms: Int64) -> String {
        String(format: "%+.1f s", Double(ms) / 1000)
    }
}
