import Foundation
import LocalAuthentication
import WatchwordCore

/// The core's `BiometricGate`: Face ID / Touch ID through LocalAuthentication
/// (`deviceOwnerAuthenticationWithBiometrics`), or the device passcode on a
/// phone without enrolled biometry. The core asks before it sends an
/// approval and before it reveals a secret.
final class LocalAuthenticationGate: BiometricGate {
    /// The core awaits this without blocking a thread; the system prompt
    /// runs while the approval or reveal waits. `reason` is the core's
    /// English, for logs; the prompt is worded by `action`.
    func confirm(action: PresenceAction, reason: String) async -> Bool {
        await Self.prompt(reason: Self.localized(action))
    }

    /// The prompt's text in the user's language for what the core asks to
    /// confirm. Exhaustive: a new action of the core does not compile
    /// until it has a text (and both languages have it: `swift-check --strings`).
    static func localized(_ action: PresenceAction) -> String {
        switch action {
        case .showSecret: return L10n.text("biometric_reason_show_secret")
        case .exportSecrets: return L10n.text("biometric_reason_export_secrets")
        case .approveSignIn: return L10n.text("biometric_reason_approve_sign_in")
        case .deleteAccount: return L10n.text("biometric_reason_delete_account")
        case .unlockApp: return L10n.text("biometric_reason_unlock_app")
        case .changeAppLock: return L10n.text("biometric_reason_change_app_lock")
        }
    }

    /// Shows the system prompt with `reason`; true when the user confirmed.
    /// A cancel, a failure or no way to authenticate is a no.
    static func prompt(reason: String) async -> Bool {
        let context = LAContext()
        var unavailable: NSError?
        let policy: LAPolicy =
            context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &unavailable)
            ? .deviceOwnerAuthenticationWithBiometrics : .deviceOwnerAuthentication
        do {
            return try await context.evaluatePolicy(policy, localizedReason: reason)
        } catch {
            return false
        }
    }
}
