import UIKit
import WatchwordCore

/// UIKit's entry points SwiftUI does not cover: the background task
/// registration (before launch finishes), the APNs device token, and silent
/// pushes while the app runs.
final class AppDelegate: NSObject, UIApplicationDelegate {
    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        BackgroundPoll.register()
        return true
    }

    func application(
        _ application: UIApplication,
        didRegisterForRemoteNotificationsWithDeviceToken deviceToken: Data
    ) {
        // A new token (a restored or reinstalled app, or iOS's own
        // rotation): every push server learns it, signed by the core.
        guard ApnsTokenSource.store(deviceToken) else { return }
        Task { @MainActor in
            CoreHolder.shared.start()
            guard let push = CoreHolder.shared.push else { return }
            _ = try? await push.pushTokenChanged(token: ApnsTokenSource.current())
        }
    }

    func application(
        _ application: UIApplication,
        didFailToRegisterForRemoteNotificationsWithError error: Error
    ) {
        // Without a token the server cannot wake the phone; BackgroundPoll
        // and opening the app still find pending requests.
    }

    /// A push delivered to the running app (or a content-available push):
    /// the core fetches and verifies the request, and the app notifies.
    @MainActor
    func application(
        _ application: UIApplication,
        didReceiveRemoteNotification userInfo: [AnyHashable: Any]
    ) async -> UIBackgroundFetchResult {
        CoreHolder.shared.start()
        guard let push = CoreHolder.shared.push,
            let payload = ApprovalNotification.payload(from: userInfo)
        else { return .failed }
        do {
            let challenge = try await push.handlePush(payload: payload)
            await Notifications.post(challenge)
            return .newData
        } catch {
            return .failed
        }
    }
}
