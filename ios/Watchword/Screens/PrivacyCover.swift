import SwiftUI

/// What the app switcher's snapshot and a passer-by see while the app is
/// not active: the system background and a lock, no codes, no requests.
struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Color(uiColor: .systemBackground).ignoresSafeArea()
            Image(systemName: "lock.shield")
                .font(.system(.largeTitle))
                .accessibilityHidden(true)
        }
    }
}

/// The app lock (`Vault.unlockApp`): shown instead of the tabs until the
/// core's check passed; Unlock asks again after a no.
struct LockedView: View {
    @EnvironmentObject private var core: CoreHolder

    var body: some View {
        VStack(spacing: 16) {
            Image(systemName: "lock.shield").font(.system(.largeTitle)).accessibilityHidden(true)
            Text("app_locked").font(.headline)
            if let failure = core.lockFailure {
                Text(failure).multilineTextAlignment(.center).foregroundStyle(.secondary)
            }
            Button("app_unlock") { Task { await core.unlock() } }
                .buttonStyle(.borderedProminent)
                .frame(minHeight: 44)
        }
        .padding()
    }
}
