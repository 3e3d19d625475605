import SwiftUI
import UIKit
import WatchwordCore

/// The accounts with their current codes. The list is asked from the core
/// again every second (`Vault.codes()`), so each code, its seconds left
/// (`validFor`) and its successor come from the core; the view only shows
/// them. HOTP codes are made on demand (`Vault.nextHotp`). Every text is a
/// key of Localizable.strings (English, Dutch).
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
                            Button("manage_delete", role: .destructive) { Task { await delete(account) } }
                        }
                        .contextMenu {
                            Button("manage_rename") { startRename(account) }
                            Button("manage_move_up") { move(account, by: -1) }
                            Button("manage_move_down") { move(account, by: 1) }
                            Button("manage_delete", role: .destructive) { Task { await delete(account) } }
                        }
                    }
                    if let failure = failure {
                        Text(failure).foregroundStyle(.red)
                    }
                    PushAccountsSection()
                    Section { Text(BackupLine.text(try? core.vault?.lastBackup())).font(.footnote) }
                    ClockSection()
                    AppLockSection()
                }
                .overlay {
                    if core.vault != nil, codes().isEmpty {
                        Text("accounts_empty_tab")
                            .foregroundStyle(.secondary)
                    }
                }
            }
            .navigationTitle("tab_codes")
            .searchable(text: $search, prompt: Text("accounts_search_hint"))
            .alert("manage_rename", isPresented: Binding(get: { renaming != nil }, set: { if !$0 { renaming = nil } })) {
                TextField("rename_name_hint", text: $newName)
                TextField("rename_group_hint", text: $newGroup)
                TextField("rename_icon_hint", text: $newIcon)
                Button("action_save") { rename() }
                Button("action_cancel", role: .cancel) {}
            }
            .alert(
                L10n.text("deleted", deleted?.label ?? ""),
                isPresented: Binding(get: { deleted != nil }, set: { if !$0 { deleted = nil } })
            ) {
                Button("action_undo") { undo() }
                Button("action_ok", role: .cancel) {}
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
            failure = L10n.message(for: error)
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
            failure = L10n.message(for: error)
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
            failure = L10n.message(for: error)
        }
    }

    private func undo() {
        guard let vault = core.vault, let account = deleted else { return }
        do {
            _ = try vault.restore(id: account.id)
        } catch {
            failure = L10n.message(for: error)
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
            failure = L10n.message(for: error)
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
                    Button("hotp_show_next", action: nextHotp)
                }
            }
            Spacer()
            if let code = account.code {
                VStack(alignment: .trailing) {
                    // Seconds in the user's locale, short: "27 s", "27 sec."
                    Text(Duration.seconds(Int64(code.validFor)).formatted(.units(allowed: [.seconds], width: .narrow)))
                        .monospacedDigit()
                        .accessibilityLabel(L10n.plural("seconds_left", Int(code.validFor)))
                    Text(L10n.text("next_code_value", code.nextCode)).font(.caption).foregroundStyle(.secondary)
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
        Section("push_accounts_heading") {
            ForEach(accounts, id: \.id) { account in
                VStack(alignment: .leading) {
                    Text(account.label)
                    Text(account.server).font(.caption).foregroundStyle(.secondary)
                }
                .swipeActions {
                    Button("action_remove", role: .destructive) { removing = account }
                }
            }
            if let message = message {
                Text(message).font(.footnote).foregroundStyle(.secondary)
            }
        }
        .onAppear { load() }
        .confirmationDialog(
            "push_remove_confirm",
            isPresented: Binding(get: { removing != nil }, set: { if !$0 { removing = nil } })
        ) {
            Button("action_remove", role: .destructive) {
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
            message = L10n.message(for: error)
        }
    }

    private func remove(_ account: PushAccountSummary) {
        guard let vault = core.vault else { return }
        do {
            let removal = try vault.removePush(id: account.id)
            // The core's `note` is the CLI's English; the same facts, localised.
            message = Self.removed(removal.account)
        } catch {
            message = L10n.message(for: error)
        }
        load()
    }

    /// Who can remove the phone on the server, now that it is gone here.
    static func removed(_ account: PushAccountSummary) -> String {
        switch account.provider {
        case .watchword: return L10n.text("push_removed_watchword", account.server, account.deviceId)
        case .privacyIdea: return L10n.text("push_removed_privacyidea", account.server, account.deviceId)
        }
    }
}

/// The optional app lock: the core keeps the setting and asks the
/// biometric check to change it (`Vault.setAppLock`).
private struct AppLockSection: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var on = false
    @State private var message: String?

    var body: some View {
        Section {
            Text("app_lock_explain").font(.footnote)
            // Two buttons, not one with a computed title: a literal key is
            // what SwiftUI localises (and what swift-check --strings reads).
            if on {
                Button("app_lock_turn_off") { Task { await toggle() } }.frame(minHeight: 44)
            } else {
                Button("app_lock_turn_on") { Task { await toggle() } }.frame(minHeight: 44)
            }
            if let message = message {
                Text(message).font(.footnote).foregroundStyle(.secondary)
            }
        }
        .onAppear { on = (try? core.vault?.appLock()) ?? false }
    }

    private func toggle() async {
        guard let vault = core.vault else { return }
        do {
            try await vault.setAppLock(on: !on)
            on = try vault.appLock()
            message = nil
        } catch {
            message = L10n.message(for: error)
        }
    }
}

private struct ClockSection: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var url = ""
    @State private var message: String?

    var body: some View {
        Section("clock_section_title") {
            TextField("clock_url_hint", text: $url)
                .keyboardType(.URL)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
            Button("clock_correct_with_server") { Task { await sync() } }
            Button("clock_none") { reset() }
            if let message = message {
                Text(message).font(.footnote).foregroundStyle(.secondary)
            }
        }
    }

    private func sync() async {
        guard let vault = core.vault else { return }
        do {
            let result = try await vault.syncClock(url: url.trimmingCharacters(in: .whitespaces), http: PlatformHttp())
            message = L10n.text("clock_synced", url, Self.seconds(result.offsetMs), Self.seconds(result.uncertaintyMs))
        } catch {
            message = L10n.message(for: error)
        }
    }

    private func reset() {
        guard let vault = core.vault else { return }
        do {
            try vault.setClockOffsetMs(offsetMs: 0)
            message = L10n.text("clock_reset")
        } catch {
            message = L10n.message(for: error)
        }
    }

    /// Milliseconds as signed seconds in the user's locale: "+120.5 s", "+120,5 s".
    private static func seconds(_ ms: Int64) -> String {
        L10n.text("clock_seconds", Double(ms) / 1000)
    }
}
