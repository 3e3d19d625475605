import SwiftUI
import WatchwordCore

/// The app's tabs (codes, sign-in requests, adding), the sheet a
/// notification's Approve opens, and the message when the vault cannot be
/// opened (for instance the device was locked when the app launched); the
/// app lock's screen until the core unlocked the app.
struct RootView: View {
    @EnvironmentObject private var core: CoreHolder
    @EnvironmentObject private var notifications: Notifications

    var body: some View {
        if core.vault == nil {
            VStack(spacing: 16) {
                Text("vault_cannot_open").font(.headline)
                Text(core.failure ?? L10n.text("opening")).multilineTextAlignment(.center)
                Button("action_try_again") { core.start() }
            }
            .padding()
        } else if !core.unlocked {
            LockedView()
        } else {
            TabView {
                AccountsView().tabItem { Label("tab_codes", systemImage: "key") }
                RequestsView().tabItem { Label("tab_signins", systemImage: "checkmark.shield") }
                EnrolView().tabItem { Label("tab_add", systemImage: "plus") }
                ChangePhoneView().tabItem { Label("tab_move", systemImage: "arrow.left.arrow.right") }
            }
            .sheet(isPresented: openRequest) {
                if let id = notifications.requestToOpen {
                    NavigationStack { RequestLoader(id: id) }
                }
            }
        }
    }

    private var openRequest: Binding<Bool> {
        Binding(
            get: { notifications.requestToOpen != nil },
            set: { shown in if !shown { notifications.requestToOpen = nil } })
    }
}
