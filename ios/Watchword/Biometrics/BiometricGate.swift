import Foundation
import LocalAuthentication
import WatchwordCore

/// The core's `BiometricGate`: Face ID / Touch ID through LocalAuthentication
/// (`deviceOwnerAuthenticationWithBiometrics`), or the device passcode on a
/// phone without enrolled biometry. The core asks before it sends an
/// approval and before it reveals a secret.
final class LocalAuthenticationGate: BiometricGate {
    /// The core awaits this without blocking a thread; the system prompt
    /// runs while the approval or reveal waits.
    func confirm(reason: String) async -> Bool {
        await Self.prompt(reason: Self.localized(reason))
    }

    /// The prompt's reason in the user's language for the core's English
    /// `reason` (`PresenceAction::reason`, core/src/vault/presence.rs); a
    /// reason this list does not know gets a general "Confirm to continue".
    static func localized(_ reason: String) -> String {
        switch reason {
        case "show the secret": return L10n.text("biometric_reason_show_secret")
        case "export the secrets": return L10n.text("biometric_reason_export_secrets")
        case "approve the sign-in": return L10n.text("biometric_reason_approve_sign_in")
        case "delete the account": return L10n.text("biometric_reason_delete_account")
        default: return L10n.text("biometric_reason_other")
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
