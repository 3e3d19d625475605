import Foundation
import WatchwordCore

/// The core's `PushTokenSource`: the APNs device token iOS gave the app,
/// kept as hex in the app group's defaults. The core sends it to the push
/// server at activation, so the server can wake this phone.
final class ApnsTokenSource: PushTokenSource {
    private static let key = "apnsDeviceToken"

    /// Keeps the token from `didRegisterForRemoteNotificationsWithDeviceToken`.
    static func store(_ deviceToken: Data) {
        let hex = deviceToken.map { String(format: "%02x", $0) }.joined()
        SharedContainer.defaults?.set(hex, forKey: key)
    }

    func token() -> String? {
        SharedContainer.defaults?.string(forKey: Self.key)
    }
}
