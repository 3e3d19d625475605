import SwiftUI
import WatchwordCore

/// One sign-in request: what, where, when (in the user's locale: `Date.FormatStyle`) and for
/// which account; the seconds left, asked from the core every second
/// (`PushClient.state`); the number from the sign-in screen when the
/// request needs one, or one button per offered answer (privacyIDEA number
/// matching, `respondWithAnswer`); and Approve (the core asks Face ID
/// first), Deny and Report fraud. A code the server returns for the
/// sign-in screen (`displayCode`) is shown after the approval.
struct ApprovalView: View {
    /// The verified request, as the core returned it.
    let challenge: Challenge
    @EnvironmentObject private var core: CoreHolder
    @Environment(\.dismiss) private var dismiss
    @State private var number = ""
    @State private var answered: ChallengeState?
    @State private var failure: String?
    @State private var busy = false
    @State private var lastAnnounced: Int?
    @FocusState private var numberFocused: Bool

    var body: some View {
        Form {
            Section("approval_title") {
                if !challenge.message.isEmpty {
                    Text(challenge.message)
                }
                LabeledContent("detail_account", value: challenge.account)
                LabeledContent("detail_app", value: challenge.app)
                LabeledContent("detail_time") {
                    // Date and time in the user's locale and 12/24-hour setting.
                    Text(Date(timeIntervalSince1970: TimeInterval(challenge.createdAt))
                        .formatted(date: .abbreviated, time: .standard))
                }
                if !challenge.location.isEmpty {
                    LabeledContent("detail_location", value: challenge.location)
                }
                if !challenge.ip.isEmpty {
                    LabeledContent("detail_ip", value: challenge.ip)
                }
                TimelineView(.periodic(from: .now, by: 1)) { _ in
                    progressText(core.push?.state(id: challenge.id))
                }
            }
            if challenge.needsNumber && challenge.options.isEmpty && answered == nil {
                Section("approval_type_number_title") {
                    TextField("approval_number_field", text: $number)
                        .keyboardType(.numberPad)
                        .font(.system(.largeTitle, design: .rounded))
                        .accessibilityLabel(Text("approval_number_field"))
                        .focused($numberFocused)
                        .onAppear { numberFocused = true }
                }
            }
            if let answered = answered {
                Section {
                    Text(answered.label).font(.headline)
                    if let code = core.push?.state(id: challenge.id)?.displayCode {
                        LabeledContent("approval_display_code", value: code)
                    }
                }
            } else {
                Section {
                    ForEach(challenge.options, id: \.self) { option in
                        Button(L10n.text("approve_option", option)) { Task { await answer(.approve, option: option) } }
                    }
                    if challenge.options.isEmpty {
                        Button("approve") { Task { await answer(.approve) } }
                            .frame(minHeight: 44)
                    }
                    Button("deny") { Task { await answer(.deny) } }
                        .frame(minHeight: 44)
                    Button("report_fraud_not_me", role: .destructive) {
                        Task { await answer(.fraud) }
                    }
                }
                .disabled(busy)
            }
            if let failure = failure {
                Section { Text(failure).foregroundStyle(.red) }
            }
        }
        .navigationTitle(challenge.app)
    }

    /// Seconds left and tries left as the core reports them.
    @ViewBuilder
    private func progressText(_ progress: ChallengeProgress?) -> some View {
        let secondsLeft = progress?.secondsLeft ?? challenge.secondsLeft
        if let progress = progress, progress.status != .pending {
            Text(progress.status.label)
        } else {
            Text(L10n.plural("seconds_left", Int(secondsLeft))).monospacedDigit()
                .accessibilityAddTraits(.updatesFrequently)
                .onAppear { announce(Int(secondsLeft)) }
                .onChange(of: Int(secondsLeft)) { announce($0) }
        }
        if let tries = progress?.triesLeft {
            Text(L10n.plural("tries_left", Int(tries))).foregroundStyle(.secondary)
        }
    }

    /// Tells a VoiceOver user the time left when the request opens and at
    /// 30, 10 and 5 seconds (reading it every second would drown out
    /// everything else).
    private func announce(_ left: Int) {
        guard lastAnnounced == nil || ([30, 10, 5].contains(left) && left != lastAnnounced) else { return }
        lastAnnounced = left
        UIAccessibility.post(notification: .announcement, argument: L10n.plural("seconds_left", left))
    }

    /// Sends the answer; the typed number goes to the core as typed (nil
    /// when it is not a number) and the core decides whether it fits. An
    /// offered answer (privacyIDEA) goes as it is.
    private func answer(_ decision: Decision, option: String? = nil) async {
        guard let push = core.push else { return }
        busy = true
        defer { busy = false }
        do {
            if let option = option {
                answered = try await push.respondWithAnswer(
                    id: challenge.id, decision: decision, answer: option)
            } else {
                answered = try await push.respond(
                    id: challenge.id, decision: decision, number: UInt8(number))
            }
            failure = nil
            Notifications.withdraw(challenge.id)
        } catch {
            failure = L10n.message(for: error)
        }
    }
}
