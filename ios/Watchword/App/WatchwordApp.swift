import SwiftUI
import WatchwordCore

/// The app: opens the vault, sets up notifications and background polling,
/// and shows the root view. All logic is in the Rust core. Whenever the
/// scene is not active (the app switcher, a system alert, on its way to
/// the background) a privacy cover hides codes and requests; leaving for
/// the background locks the app again (`CoreHolder.lock`), and coming back
/// asks the core to unlock it (`Vault.unlockApp`: the biometric check when
/// the app lock is on, nothing when it is off).
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
                .overlay { if scenePhase != .active { PrivacyCover() } }
                .task {
                    core.start()
                    await core.unlock()
                    await notifications.setUp()
                    BackgroundPoll.schedule()
                }
        }
        .onChange(of: scenePhase) { phase in
            if phase == .active {
                core.start()
                if !core.unlocked { Task { await core.unlock() } }
            }
            if phase == .background {
                core.lock()
                BackgroundPoll.schedule()
                // The core writes an automatic backup when they are on and
                // the accounts changed; a failure is the last backup shown.
                if let vault = core.vault { Task { _ = try? await vault.backupIfChanged() } }
            }
        }
    }
}
