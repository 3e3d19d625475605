import Foundation
import WatchwordCore
import os

/// The core's error kinds in the user's language: one message per case of
/// `ApiError` (`error_<kind>` in Localizable.strings, the kind as
/// `ApiError::kind()` names it in core/src/error.rs). The `switch` has no
/// `default`, so a kind added to the core does not compile until it has its
/// message; `swift-check --strings` checks that every kind has one in
/// English and Dutch.
extension L10n {
    private static let log = os.Logger(subsystem: "app.watchword", category: "errors")

    /// What the user reads for `error`: the message of its kind in their
    /// language (`error_<kind>`, one per case of the core's `ApiError`);
    /// anything else gets a general message. The core's English message is
    /// for logs and the CLI: it goes to the unified log.
    static func message(for error: Error) -> String {
        log.notice("shown as its kind's message: \(String(describing: error), privacy: .private)")
        guard let error = error as? ApiError else { return L10n.text("unexpected_error") }
        switch error {
        case .InvalidInput: return L10n.text("error_invalid_input")
        case .InvalidSecret: return L10n.text("error_invalid_secret")
        case .InvalidLink: return L10n.text("error_invalid_link")
        case .InvalidImage: return L10n.text("error_invalid_image")
        case .InvalidFrame: return L10n.text("error_invalid_frame")
        case .Unsupported: return L10n.text("error_unsupported")
        case .Network: return L10n.text("error_network")
        case .Refused: return L10n.text("error_refused")
        case .Expired: return L10n.text("error_expired")
        case .WrongNumber: return L10n.text("error_wrong_number")
        case .CoolDown: return L10n.text("error_cool_down")
        case .Untrusted: return L10n.text("error_untrusted")
        case .WrongKey: return L10n.text("error_wrong_key")
        case .CorruptVault: return L10n.text("error_corrupt_vault")
        case .VaultMissing: return L10n.text("error_vault_missing")
        case .VaultExists: return L10n.text("error_vault_exists")
        case .Duplicate: return L10n.text("error_duplicate")
        case .PasswordNeeded: return L10n.text("error_password_needed")
        case .WrongPassword: return L10n.text("error_wrong_password")
        case .DamagedFile: return L10n.text("error_damaged_file")
        case .NotFound: return L10n.text("error_not_found")
        case .KeyUnavailable: return L10n.text("error_key_unavailable")
        case .Storage: return L10n.text("error_storage")
        case .MicrosoftManaged: return L10n.text("error_microsoft_managed")
        case .Cancelled: return L10n.text("error_cancelled")
        case .Internal: return L10n.text("error_internal")
        }
    }
}
