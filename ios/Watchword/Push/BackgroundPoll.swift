import BackgroundTasks
import Foundation
import WatchwordCore

/// Background refresh (`BGAppRefreshTask`): iOS wakes the app now and then,
/// and the app asks the core for verified pending sign-in requests
/// (`PushClient.pending()`) and notifies about each. It is the fallback for
/// a push that never arrived; iOS decides how often it runs.
enum BackgroundPoll {
    /// The task identifier; project.yml lists it in BGTaskSchedulerPermittedIdentifiers.
    static let identifier = "app.watchword.poll"

    /// Registers the handler; must run before launching finishes.
    static func register() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            guard let refresh = task as? BGAppRefreshTask else {
                task.setTaskCompleted(success: false)
                return
            }
            BackgroundPoll.handle(refresh)
        }
    }

    /// Asks iOS for the next wake-up, no earlier than in 15 minutes.
    static func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }

    private static func handle(_ task: BGAppRefreshTask) {
        BackgroundPoll.schedule()
        let work = Task { @MainActor in
            task.setTaskCompleted(success: await BackgroundPoll.pollOnce())
        }
        task.expirationHandler = { work.cancel() }
    }

    /// One poll: every pending request becomes a notification. False when
    /// the vault cannot be opened (device locked) or the server failed.
    @MainActor
    static func pollOnce() async -> Bool {
        CoreHolder.shared.start()
        guard let push = CoreHolder.shared.push else { return false }
        do {
            for challenge in try await push.pending() {
                await Notifications.post(challenge)
            }
            return true
        } catch {
            return false
        }
    }
}
