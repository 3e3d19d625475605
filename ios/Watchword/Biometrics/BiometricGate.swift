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
        await Self.prompt(reason: reason)
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
