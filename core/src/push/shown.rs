//! A sign-in request as the person sees it: the verified content plus the
//! seconds left on the server-corrected clock. What the shells draw and
//! `watchword pending --json` prints; built only by
//! [`PushService::shown`](super::PushService::shown) and
//! [`PushService::progress`](super::PushService::progress), so the
//! countdown is decided in one place.

use serde::Serialize;

use super::{ChallengeState, PendingChallenge, Provider};

/// A verified sign-in request, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenge {
    /// Challenge id.
    pub id: String,
    /// "user @ organisation".
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
    /// Seconds left on the server-corrected clock when this was made.
    pub seconds_left: i64,
    /// Approving needs the number shown on the sign-in screen.
    pub needs_number: bool,
    /// The protocol the request came by.
    pub provider: Provider,
    /// privacyIDEA number matching: approve with the option the sign-in
    /// screen shows. Empty otherwise.
    pub options: Vec<String>,
    /// The server's question text (privacyIDEA), or empty.
    pub message: String,
}

impl Challenge {
    /// `c` with `seconds_left` at `now` (server-corrected Unix seconds).
    pub(super) fn at(c: &PendingChallenge, now: i64) -> Self {
        Challenge {
            id: c.id.clone(),
            account: c.account.clone(),
            app: c.app.clone(),
            location: c.location.clone(),
            ip: c.ip.clone(),
            created_at: c.created_at,
            expires_at: c.expires_at,
            seconds_left: c.seconds_left(now),
            needs_number: c.needs_number,
            provider: c.provider,
            options: c.options.clone(),
            message: c.message.clone(),
        }
    }
}

/// Where a request this device has seen stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeProgress {
    /// Its state.
    pub status: ChallengeState,
    /// Seconds left (0 once final).
    pub seconds_left: i64,
    /// Wrong-number tries left, once the server said.
    pub tries_left: Option<u32>,
    /// A code to type into the sign-in screen, when the server returned
    /// one with the approval (privacyIDEA `code_to_phone`).
    pub display_code: Option<String>,
}
