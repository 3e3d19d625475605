import Foundation

/// The shell's texts in the user's language: the `Localizable.strings`
/// (and, for counts, `Localizable.stringsdict`) of the bundle this code
/// runs in, English and Dutch: the app's in `Watchword/Resources/<lang>.lproj`,
/// the Notification Service Extension's in `NotificationService/<lang>.lproj`.
/// SwiftUI views take keys directly (`Text("approval_title")`); other code
/// asks here (the messages of the core's error kinds: `Core/ErrorMessages.swift`,
/// the app's only). `swift-check --strings` checks that every key the Swift
/// uses is in both languages of its target, with the same placeholders, and
/// that no Swift shows English of its own. Numbers and dates are formatted
/// in the user's locale.
enum L10n {
    /// The text of `key` (Localizable.strings), with `args` put into its
    /// placeholders (`%@`, `%lld`, `%1$@`) in the user's locale.
    static func text(_ key: String, _ args: CVarArg...) -> String {
        let format = Bundle.main.localizedString(forKey: key, value: nil, table: nil)
        return args.isEmpty ? format : String(format: format, locale: Locale.current, arguments: args)
    }

    /// The text of `key` for `count` (a plural rule in
    /// Localizable.stringsdict: "1 second left", "30 seconds left").
    static func plural(_ key: String, _ count: Int) -> String {
        let format = Bundle.main.localizedString(forKey: key, value: nil, table: nil)
        return String.localizedStringWithFormat(format, count)
    }
}
