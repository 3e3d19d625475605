import Foundation
import UserNotifications
import WatchwordCore

/// The Notification Service Extension. A Watchword push carries only ids
/// (`v`, `device_id`, `challenge_id` beside `aps`, with `mutable-content: 1`);
/// here the core fetches and verifies the request it announces
/// (`PushClient.handlePush`) over the vault in the shared app group, and the
/// notification becomes "Approve sign-in?" with the app and the place.
/// Nothing is answered here; a request the core cannot verify (device
/// locked, offline, forged) shows only "Open Watchword to review it".
final class NotificationService: UNNotificationServiceExtension {
    private var deliver: ((UNNotificationContent) -> Void)?
    private var content: UNMutableNotificationContent?
    private var work: Task<Void, Never>?

    override func didReceive(
        _ request: UNNotificationRequest,
        withContentHandler contentHandler: @escaping (UNNotificationContent) -> Void
    ) {
        guard let content = request.content.mutableCopy() as? UNMutableNotificationContent else {
            contentHandler(request.content)
            return
        }
        deliver = contentHandler
        self.content = content
        ApprovalNotification.fillUnchecked(content)
        let userInfo = request.content.userInfo
        work = Task {
            let challenge = await Self.verify(userInfo)
            // On the main thread, like serviceExtensionTimeWillExpire, so the
            // handler runs once.
            await MainActor.run {
                if let challenge = challenge {
                    ApprovalNotification.fill(content, with: challenge)
                }
                self.finish()
            }
        }
    }

    /// iOS is about to stop the extension (on the main thread): show what
    /// there is (the unchecked text unless verification finished).
    override func serviceExtensionTimeWillExpire() {
        work?.cancel()
        finish()
    }

    private func finish() {
        guard let deliver = deliver, let content = content else { return }
        self.deliver = nil
        deliver(content)
    }

    /// Asks the core for the request the push announces. The vault is
    /// opened with the same Keychain key as the app (shared access group);
    /// no biometric gate is set, as nothing is approved here.
    private static func verify(_ userInfo: [AnyHashable: Any]) async -> Challenge? {
        guard let payload = ApprovalNotification.payload(from: userInfo) else { return nil }
        do {
            let path = try SharedContainer.vaultPath()
            let vault = try Vault.open(path: path, keys: KeychainKeyProvider())
            let push = PushClient(vault: vault, tokens: nil, http: PlatformHttp())
            return try await push.handlePush(payload: payload)
        } catch {
            return nil
        }
    }
}
