import SwiftUI
import WatchwordCore

/// The verified sign-in requests waiting for an answer (`PushClient.pending()`),
/// refreshed on appear and by pulling; each opens `ApprovalView`.
struct RequestsView: View {
    @EnvironmentObject private var core: CoreHolder
    @State private var requests: [Challenge] = []
    @State private var failure: String?

    var body: some View {
        NavigationStack {
            List {
                if !requests.isEmpty {
                    Text(L10n.plural("requests_open", requests.count)).font(.footnote).foregroundStyle(.secondary)
                }
                ForEach(requests, id: \.id) { request in
                    NavigationLink {
                        ApprovalView(challenge: request)
                    } label: {
                        VStack(alignment: .leading) {
                            Text(request.app).font(.headline)
                            Text(request.account).font(.subheadline)
                            if !request.location.isEmpty {
                                Text(request.location).font(.caption).foregroundStyle(.secondary)
                            }
                        }
                    }
                }
                if let failure = failure {
                    Text(failure).foregroundStyle(.red)
                }
            }
            .overlay {
                if requests.isEmpty && failure == nil {
                    Text("requests_none").foregroundStyle(.secondary)
                }
            }
            .navigationTitle("tab_signins")
            .refreshable { await load() }
            .task { await load() }
        }
    }

    private func load() async {
        guard let push = core.push else { return }
        do {
            requests = try await push.pending()
            failure = nil
        } catch {
            failure = L10n.message(for: error)
        }
    }
}

/// Finds the request a notification named among the pending ones and shows
/// it; says so when it was answered or ran out meanwhile.
struct RequestLoader: View {
    /// The challenge id from the notification.
    let id: String
    @EnvironmentObject private var core: CoreHolder
    @State private var request: Challenge?
    @State private var message = L10n.text("loading")

    var body: some View {
        Group {
            if let request = request {
                ApprovalView(challenge: request)
            } else {
                Text(message).padding()
            }
        }
        .task {
            guard let push = core.push else { return }
            do {
                request = try await push.pending().first { $0.id == id }
                if request == nil { message = L10n.text("approval_gone") }
            } catch {
                message = L10n.message(for: error)
            }
        }
    }
}
