import Foundation
import WatchwordCore

/// The core's `PushTokenSource`: the APNs device token iOS gave the app,
/// kept as hex in the app group's defaults. The core sends it to the push
/// server at activation, and `changed(_:)` tells every server when iOS
/// hands out a new one, so the server can wake this phone.
final class ApnsTokenSource: PushTokenSource {
    private static let key = "apnsDeviceToken"

    /// Development builds are registered against Apple's sandbox.
    static var sandbox: Bool {
        #if DEBUG
            return true
        #else
            return false
        #endif
    }

    /// Keeps the token from `didRegisterForRemoteNotificationsWithDeviceToken`;
    /// true when it differs from the one kept before.
    @discardableResult
    static func store(_ deviceToken: Data) -> Bool {
        let hex = deviceToken.map { String(format: "%02x", $0) }.joined()
        let before = SharedContainer.defaults?.string(forKey: key)
        SharedContainer.defaults?.set(hex, forKey: key)
        return before != hex
    }

    /// The token as the core takes it.
    static func current() -> PlatformPushToken? {
        guard let hex = SharedContainer.defaults?.string(forKey: key) else { return nil }
        return .apns(deviceToken: hex, sandbox: sandbox)
    }

    func token() -> PlatformPushToken? {
        Self.current()
    }
}
