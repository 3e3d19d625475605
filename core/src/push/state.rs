//! One sign-in request as the device sees it, and its state machine:
//! `Pending -> Approved | Denied | Reported | Expired | Failed`.
//!
//! A challenge only becomes a [`PendingChallenge`] after its server
//! signature and expiry were checked, so anything a shell shows has passed
//! those checks.

use serde::{Deserialize, Serialize};

use super::{PushError, protocol::Decision};

/// Where a challenge stands on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeState {
    /// Waiting for the user.
    Pending,
    /// The server took the approval.
    Approved,
    /// The server took the denial.
    Denied,
    /// The server took the fraud report.
    Reported,
    /// Time ran out (on the device's corrected clock, or says the server).
    Expired,
    /// The server refused for good (too many wrong numbers, answered
    /// elsewhere, no longer this device's).
    Failed,
}

impl ChallengeState {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeState::Pending => "pending",
            ChallengeState::Approved => "approved",
            ChallengeState::Denied => "denied",
            ChallengeState::Reported => "reported",
            ChallengeState::Expired => "expired",
            ChallengeState::Failed => "failed",
        }
    }

    /// Whether no further transition is possible.
    pub fn is_final(self) -> bool {
        self != ChallengeState::Pending
    }
}

/// A verified sign-in request, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingChallenge {
    /// Challenge id.
    pub id: String,
    /// The push account (device id) it came through.
    pub account_id: String,
    /// "user @ organisation", for display.
    pub account: String,
    /// Application signed in to.
    pub app: String,
    /// Where the sign-in comes from.
    pub location: String,
    /// IP of the sign-in.
    pub ip: String,
    /// Unix seconds (server time).
    pub created_at: i64,
    /// Unix seconds (server time).
    pub expires_at: i64,
    /// Whether approving needs the number from the sign-in screen.
    pub needs_number: bool,
    /// Which protocol delivered it.
    pub provider: super::Provider,
    /// The options to pick from when approving (privacyIDEA number
    /// matching: the sign-in screen shows one of them). Empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The server's notification text (privacyIDEA's question), if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(skip)]
    pub(crate) nonce: String,
    /// Whether the server's signed capabilities allow a decline reason.
    #[serde(skip)]
    pub(crate) can_give_reason: bool,
}

impl PendingChallenge {
    /// Whole seconds left at `now` (server-corrected Unix seconds), never
    /// negative.
    pub fn seconds_left(&self, now: i64) -> i64 {
        (self.expires_at - now).max(0)
    }
}

/// What happened to a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeEvent {
    /// The server accepted this answer.
    Answered(Decision),
    /// A wrong number; the server says how many tries are left.
    WrongNumber {
        /// Tries left (0 means the challenge failed).
        tries_left: u32,
    },
    /// The expiry passed or the server says it expired.
    TimedOut,
    /// The server refused the challenge for good.
    Refused,
}

/// A challenge and its state on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedChallenge {
    /// The verified content.
    pub challenge: PendingChallenge,
    /// Where it stands.
    pub state: ChallengeState,
    /// Wrong-number tries left, as last told by the server (`None` before
    /// any wrong number).
    pub tries_left: Option<u32>,
    /// The code to type into the sign-in screen, when the server returned
    /// one with the approval (privacyIDEA `code_to_phone`).
    pub display_code: Option<String>,
}

impl TrackedChallenge {
    /// A new pending challenge.
    pub fn new(challenge: PendingChallenge) -> Self {
        Self {
            challenge,
            state: ChallengeState::Pending,
            tries_left: None,
            display_code: None,
        }
    }

    /// Seconds left at `now` (0 once final).
    pub fn seconds_left(&self, now: i64) -> i64 {
        if self.state.is_final() {
            0
        } else {
            self.challenge.seconds_left(now)
        }
    }

    /// Applies `event`. Only a pending challenge moves; a final one refuses
    /// with [`PushError::AlreadyFinal`].
    pub fn apply(&mut self, event: ChallengeEvent) -> Result<ChallengeState, PushError> {
        if self.state.is_final() {
            return Err(PushError::AlreadyFinal(self.state));
        }
        self.state = match event {
            ChallengeEvent::Answered(Decision::Approve) => ChallengeState::Approved,
            ChallengeEvent::Answered(Decision::Deny) => ChallengeState::Denied,
            ChallengeEvent::Answered(Decision::Fraud) => ChallengeState::Reported,
            ChallengeEvent::WrongNumber { tries_left } => {
                self.tries_left = Some(tries_left);
                if tries_left == 0 {
                    ChallengeState::Failed
                } else {
                    ChallengeState::Pending
                }
            }
            ChallengeEvent::TimedOut => ChallengeState::Expired,
            ChallengeEvent::Refused => ChallengeState::Failed,
        };
        Ok(self.state)
    }
}

/// A verified Watchword request `id` for tests: created at 1000, expires at
/// 1060 (server seconds), needs the number.
#[cfg(test)]
pub(crate) fn sample(id: &str) -> PendingChallenge {
    PendingChallenge {
        id: id.into(),
        account_id: "d_1".into(),
        account: "alice @ Example".into(),
        app: "Outlook".into(),
        location: "Utrecht, NL".into(),
        ip: "203.0.113.7".into(),
        created_at: 1000,
        expires_at: 1060,
        needs_number: true,
        provider: crate::push::Provider::Watchword,
        options: Vec::new(),
        message: String::new(),
        nonce: "n".into(),
        can_give_reason: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> PendingChallenge {
        sample("c_1")
    }

    #[test]
    fn seconds_left_counts_down_and_stops_at_zero() {
        let t = TrackedChallenge::new(challenge());
        assert_eq!(t.seconds_left(1000), 60);
        assert_eq!(t.seconds_left(1059), 1);
        assert_eq!(t.seconds_left(1060), 0);
        assert_eq!(t.seconds_left(5000), 0);
    }

    #[test]
    fn transitions() {
        let mut t = TrackedChallenge::new(challenge());
        assert_eq!(
            t.apply(ChallengeEvent::WrongNumber { tries_left: 2 })
                .unwrap(),
            ChallengeState::Pending
        );
        assert_eq!(t.tries_left, Some(2));
        assert_eq!(
            t.apply(ChallengeEvent::Answered(Decision::Approve))
                .unwrap(),
            ChallengeState::Approved
        );
        assert_eq!(t.seconds_left(1000), 0);
        assert_eq!(
            t.apply(ChallengeEvent::Answered(Decision::Deny)),
            Err(PushError::AlreadyFinal(ChallengeState::Approved))
        );

        for (event, end) in [
            (
                ChallengeEvent::Answered(Decision::Deny),
                ChallengeState::Denied,
            ),
            (
                ChallengeEvent::Answered(Decision::Fraud),
                ChallengeState::Reported,
            ),
            (ChallengeEvent::TimedOut, ChallengeState::Expired),
            (ChallengeEvent::Refused, ChallengeState::Failed),
            (
                ChallengeEvent::WrongNumber { tries_left: 0 },
                ChallengeState::Failed,
            ),
        ] {
            let mut t = TrackedChallenge::new(challenge());
            assert_eq!(t.apply(event).unwrap(), end);
            assert!(t.state.is_final());
        }
    }
}
