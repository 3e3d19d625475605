import Foundation
import UserNotifications
import WatchwordCore

/// The "Approve sign-in?" notification, shared by the app (background
/// poll, silent pushes) and the Notification Service Extension: its
/// category and actions, and its text from a challenge the core verified,
/// in the user's language (the `Localizable.strings` of the app and of the
/// extension both have these keys; `swift-check --strings` checks it).
/// It shows the app, the place and the account, never a number or a secret
/// (the number is only on the sign-in screen; the user types it in the app).
enum ApprovalNotification {
    /// Category of a verified sign-in request.
    static let category = "WATCHWORD_APPROVAL"
    /// Opens the app, which asks for the number and Face ID.
    static let approveAction = "WATCHWORD_APPROVE"
    /// Answers "not me" without opening the app.
    static let denyAction = "WATCHWORD_DENY"
    /// Answers "not me, report it" without opening the app.
    static let fraudAction = "WATCHWORD_FRAUD"
    /// userInfo key holding the challenge id (an identifier, not a secret).
    static let challengeIdKey = "watchword_challenge_id"

    /// The category with its three actions. Every action needs the device
    /// unlocked (the vault key is this-device-only, usable when unlocked);
    /// Approve also brings the app to the foreground.
    static func categories() -> Set<UNNotificationCategory> {
        let approve = UNNotificationAction(
            identifier: approveAction, title: L10n.text("approve"),
            options: [.authenticationRequired, .foreground])
        let deny = UNNotificationAction(
            identifier: denyAction, title: L10n.text("deny"),
            options: [.authenticationRequired])
        let fraud = UNNotificationAction(
            identifier: fraudAction, title: L10n.text("report_fraud_not_me"),
            options: [.authenticationRequired, .destructive])
        return [
            UNNotificationCategory(
                identifier: category, actions: [approve, deny, fraud],
                intentIdentifiers: [], options: [])
        ]
    }

    /// Fills `content` with what the core says about `challenge`.
    static func fill(_ content: UNMutableNotificationContent, with challenge: Challenge) {
        content.title = L10n.text("approval_title")
        content.subtitle = challenge.account
        content.body =
            challenge.location.isEmpty
            ? challenge.app : L10n.text("notification_from", challenge.app, challenge.location)
        content.categoryIdentifier = category
        content.threadIdentifier = category
        content.userInfo[challengeIdKey] = challenge.id
        content.sound = .default
    }

    /// Fills `content` for a request the core could not check here (device
    /// locked, offline, unknown device): no details, no actions.
    static func fillUnchecked(_ content: UNMutableNotificationContent) {
        content.title = L10n.text("notification_unchecked_title")
        content.subtitle = ""
        content.body = L10n.text("notification_unchecked_body")
        content.categoryIdentifier = ""
    }

    /// The push's payload for `PushClient.handlePush`: the whole APNs
    /// dictionary as JSON, unchanged. The server puts `v`, `device_id` and
    /// `challenge_id` beside `aps`; the core reads those and ignores the
    /// rest, so the shell does not interpret the payload at all.
    static func payload(from userInfo: [AnyHashable: Any]) -> String? {
        var object: [String: Any] = [:]
        for (key, value) in userInfo {
            if let key = key as? String { object[key] = value }
        }
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object)
        else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
