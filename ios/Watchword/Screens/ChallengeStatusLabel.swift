import WatchwordCore

/// The words for a request's status.
extension ChallengeState {
    /// What the user reads, in their language.
    var label: String {
        switch self {
        case .pending: return L10n.text("status_pending")
        case .approved: return L10n.text("status_approved")
        case .denied: return L10n.text("status_denied")
        case .reported: return L10n.text("status_reported")
        case .expired: return L10n.text("status_expired")
        case .failed: return L10n.text("status_failed")
        }
    }
}
