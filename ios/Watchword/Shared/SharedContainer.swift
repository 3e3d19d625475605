import Foundation
import WatchwordCore

/// Where the app and its Notification Service Extension find the same
/// vault file (the app group's container) and the same wrapping key (the
/// keychain access group). Both names come from Info.plist, which
/// project.yml fills from the WATCHWORD_APP_GROUP and
/// WATCHWORD_KEYCHAIN_GROUP build settings.
enum SharedContainer {
    /// The app group both targets are entitled to.
    static var appGroup: String {
        infoString("WatchwordAppGroup") ?? "group.app.watchword"
    }

    /// The keychain access group both targets are entitled to (with the
    /// team prefix Xcode substituted), or nil to use the default group.
    static var keychainGroup: String? {
        infoString("WatchwordKeychainGroup")
    }

    /// The vault file inside the app group container.
    static func vaultPath() throws -> String {
        guard
            let directory = FileManager.default.containerURL(
                forSecurityApplicationGroupIdentifier: appGroup)
        else {
            throw ShellError.Unavailable(
                reason: "the app group \(appGroup) is not available: check the entitlements")
        }
        return directory.appendingPathComponent("vault.db").path
    }

    /// The folder of automatic backups: the app's Documents/Backups, which
    /// the Files app shows (UIFileSharingEnabled) and device backups keep.
    static func backupFolder() throws -> String {
        guard let documents = FileManager.default.urls(for: .documentDirectory, in: .userDomainMask).first else {
            throw ShellError.Unavailable(reason: "no Documents folder for backups")
        }
        // The same folder name in every language, so a language change never loses the backups.
        return documents.appendingPathComponent("Backups").path // not shown: a folder name
    }

    /// Small values both targets read (the APNs token), in the app group.
    static var defaults: UserDefaults? {
        UserDefaults(suiteName: appGroup)
    }

    private static func infoString(_ key: String) -> String? {
        guard let value = Bundle.main.object(forInfoDictionaryKey: key) as? String,
            !value.isEmpty
        else { return nil }
        return value
    }
}
