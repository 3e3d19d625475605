import Foundation
import LocalAuthentication
import WatchwordCore

/// The core's `BiometricGate`: Face ID / Touch ID through LocalAuthentication
/// (`deviceOwnerAuthenticationWithBiometrics`), or the device passcode on a
/// phone without enrolled biometry. The core asks before it sends an
/// approval and before it reveals a secret.
final class LocalAuthenticationGate: BiometricGate {
    /// Today's trait method is synchronous. The core calls it from its own
    /// worker thread while an `async` call is in flight (never from the main
    /// thread), so waiting here blocks no UI while the system prompt shows.
    /// When the trait becomes `func confirm(reason: String) async -> Bool`
    /// (planned), this body becomes `await Self.prompt(reason: reason)`.
    func confirm(reason: String) -> Bool {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            outcome.confirmed = await Self.prompt(reason: reason)
            done.signal()
        }
        done.wait()
        return outcome.confirmed
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

/// The prompt's answer, handed from the prompt's task to the waiting core
/// thread; the semaphore orders the write before the read.
private final class Outcome: @unchecked Sendable {
    var confirmed = false
}
