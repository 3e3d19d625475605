import Foundation
import UIKit
import UserNotifications
import WatchwordCore
import os

/// Notifications: asks for permission, registers the approval category and
/// APNs, posts "Approve sign-in?" for a verified challenge, and carries out
/// the user's answer from a notification. Deny and Report fraud are sent
/// from the background; Approve (and a tap) open the app on the request,
/// where the user types the number and passes Face ID.
@MainActor
final class Notifications: NSObject, ObservableObject, UNUserNotificationCenterDelegate {
    /// The one instance, the notification center's delegate.
    static let shared = Notifications()

    /// The request the user chose to approve from a notification; the root
    /// view shows it in `ApprovalView`.
    @Published var requestToOpen: String?

    private let log = os.Logger(subsystem: "app.watchword", category: "notifications")

    /// Becomes the delegate, registers the category, asks for permission
    /// and registers with APNs (the token arrives in the app delegate).
    func setUp() async {
        let center = UNUserNotificationCenter.current()
        center.delegate = self
        center.setNotificationCategories(ApprovalNotification.categories())
        do {
            _ = try await center.requestAuthorization(options: [.alert, .sound, .badge])
        } catch {
            log.error("notification permission: \(error.localizedDescription, privacy: .public)")
        }
        UIApplication.shared.registerForRemoteNotifications()
    }

    /// Shows `challenge` as "Approve sign-in?". The request id is the
    /// notification id, so polling the same request again replaces it.
    static func post(_ challenge: Challenge) async {
        let content = UNMutableNotificationContent()
        ApprovalNotification.fill(content, with: challenge)
        let request = UNNotificationRequest(identifier: challenge.id, content: content, trigger: nil)
        try? await UNUserNotificationCenter.current().add(request)
    }

    /// Removes the notification of a request that was answered or ran out.
    static func withdraw(_ id: String) {
        UNUserNotificationCenter.current().removeDeliveredNotifications(withIdentifiers: [id])
    }

    nonisolated func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        willPresent notification: UNNotification
    ) async -> UNNotificationPresentationOptions {
        [.banner, .list, .sound]
    }

    nonisolated func userNotificationCenter(
        _ center: UNUserNotificationCenter,
        didReceive response: UNNotificationResponse
    ) async {
        let userInfo = response.notification.request.content.userInfo
        guard let id = userInfo[ApprovalNotification.challengeIdKey] as? String else { return }
        switch response.actionIdentifier {
        case ApprovalNotification.denyAction:
            await answer(id, .deny)
        case ApprovalNotification.fraudAction:
            await answer(id, .fraud)
        default:
            // Approve, or a tap on the notification: the app asks for the
            // number and the biometric check.
            await MainActor.run { self.requestToOpen = id }
        }
    }

    /// Sends Deny or Report fraud for `id` (no number, no biometric prompt).
    private func answer(_ id: String, _ decision: Decision) async {
        CoreHolder.shared.start()
        guard let push = CoreHolder.shared.push else { return }
        do {
            _ = try await push.respond(id: id, decision: decision, number: nil)
            Self.withdraw(id)
        } catch {
            log.error("answering a sign-in request: \(error.localizedDescription, privacy: .public)")
        }
    }
}
