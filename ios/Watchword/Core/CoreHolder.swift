import Foundation
import WatchwordCore

/// Opens the vault once per process (creating it on first launch) in the
/// shared app group container, with the Keychain key provider and the
/// biometric gate, and keeps the `Vault` and `PushClient` every screen uses.
/// It holds no state of its own besides these two objects.
@MainActor
final class CoreHolder: ObservableObject {
    /// The one holder of the app process.
    static let shared = CoreHolder()

    /// The open vault, once `start()` succeeded.
    @Published private(set) var vault: Vault?
    /// Push approvals over the vault's push accounts.
    @Published private(set) var push: PushClient?
    /// Why the vault could not be opened, in the user's language (`L10n.message`).
    @Published private(set) var failure: String?
    /// Whether the core's app lock check passed since the app came to the
    /// front (`Vault.unlockApp`: at once when the lock is off).
    @Published private(set) var unlocked = false
    /// Why unlocking failed (a no at the prompt), in the user's language.
    @Published private(set) var lockFailure: String?

    /// Asks the core to unlock the app; the root view shows nothing of the
    /// vault until this passed.
    func unlock() async {
        // Launch asks from both `.task` and the scene turning active: one
        // prompt, not two.
        guard let vault = vault, !unlocking else { return }
        unlocking = true
        defer { unlocking = false }
        do {
            try await vault.unlockApp()
            unlocked = true
            lockFailure = nil
        } catch {
            lockFailure = L10n.message(for: error)
        }
    }

    /// Whether an unlock is being asked now.
    private var unlocking = false

    /// The app left the screen: the lock (when on) asks again next time.
    func lock() {
        unlocked = false
    }

    /// Opens (or creates) the vault; does nothing once it is open. Called at
    /// launch and again when the app returns to the foreground, so a vault
    /// that was locked (device locked during a background launch) opens later.
    func start() {
        guard vault == nil else { return }
        do {
            setLogger(logger: CoreLogForwarder(), level: .info)
            let path = try SharedContainer.vaultPath()
            let keys = KeychainKeyProvider()
            let vault: Vault
            do {
                vault = try Vault.open(path: path, keys: keys)
            } catch ApiError.VaultMissing(message: _) {
                vault = try Vault.create(path: path, keys: keys)
            }
            vault.setBiometricGate(gate: LocalAuthenticationGate())
            // On a phone the prompt is required: should the gate ever be
            // missing, the core refuses approvals and secrets instead of
            // letting them through.
            try vault.setPresenceRequired(required: true)
            push = PushClient(vault: vault, tokens: ApnsTokenSource(), http: PlatformHttp())
            self.vault = vault
            failure = nil
        } catch {
            failure = L10n.message(for: error)
        }
    }
}
