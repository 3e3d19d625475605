import Foundation
import Security
import WatchwordCore

/// Turns Keychain and Security framework failures into the `ShellError`
/// the core understands: a locked device is `Unavailable` (try again once
/// unlocked), never `WrongKey` (which tells the user the vault is lost).
/// The text names the operation and the OS message, never key material.
enum KeychainFailure {
    /// For an `OSStatus` from `SecItem*`.
    static func error(_ status: OSStatus, _ operation: String) -> ShellError {
        if status == errSecInteractionNotAllowed {
            return .Unavailable(reason: "\(operation): the device is locked")
        }
        let message = SecCopyErrorMessageString(status, nil) as String? ?? "OSStatus \(status)"
        return .Unavailable(reason: "\(operation): \(message)")
    }

    /// Whether a `SecKey*` call failed only because the device is locked.
    static func isLocked(_ error: CFError?) -> Bool {
        guard let error = error else { return false }
        return CFErrorGetCode(error) == Int(errSecInteractionNotAllowed)
    }

    /// For a `CFError` from `SecKey*` (consumes it).
    static func error(_ error: Unmanaged<CFError>?, _ operation: String) -> ShellError {
        guard let error = error?.takeRetainedValue() else {
            return .Unavailable(reason: operation)
        }
        if CFErrorGetCode(error) == Int(errSecInteractionNotAllowed) {
            return .Unavailable(reason: "\(operation): the device is locked")
        }
        return .Unavailable(reason: "\(operation): \(CFErrorCopyDescription(error) as String)")
    }
}
