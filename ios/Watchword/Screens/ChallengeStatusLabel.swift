import WatchwordCore

/// The words for a request's status.
extension ChallengeState {
    /// What the user reads.
    var label: String {
        switch self {
        case .pending: return "Waiting for your answer"
        case .approved: return "Approved"
        case .denied: return "Denied"
        case .reported: return "Denied and reported as fraud"
        case .expired: return "This request ran out of time"
        case .failed: return "The server refused this request"
        }
    }
}
