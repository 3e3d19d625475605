import SwiftUI
import WatchwordCore

/// The app: opens the vault, sets up notifications and background polling,
/// and shows the root view. All logic is in the Rust core.
@main
struct WatchwordApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var appDelegate
    @Environment(\.scenePhase) private var scenePhase
    @StateObject private var core = CoreHolder.shared
    @StateObject private var notifications = Notifications.shared

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(core)
                .environmentObject(notifications)
                .task {
                    core.start()
                    await notifications.setUp()
                    BackgroundPoll.schedule()
                }
        }
        .onChange(of: scenePhase) { phase in
            if phase == .active { core.start() }
            if phase == .background {
                BackgroundPoll.schedule()
                // The core writes an automatic backup when they are on and
                // the accounts changed; a failure is the last backup shown.
                if let vault = core.vault { Task { _ = try? await vault.backupIfChanged() } }
            }
        }
    }
}
