//! What this device saw of each sign-in request, kept after the server
//! stops listing it, so that answering it later says what happened ("this
//! request expired", "already approved") instead of "not found". The CLI
//! answers in a new process each time; a phone's app is restarted: the
//! record lives in the store (sealed in the vault), bounded in size.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ChallengeState, PushError};

/// Requests kept at most; the oldest-expiring go first.
pub const HISTORY_LIMIT: usize = 200;

/// What the device knows of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// Where it stood when last seen or answered.
    pub state: ChallengeState,
    /// Its expiry, server time (Unix seconds).
    pub expires_at: i64,
}

/// The record of every request seen, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History(BTreeMap<String, Seen>);

impl History {
    /// Reads a stored record; an unreadable one is an empty record (it is
    /// a convenience: losing it only loses better error messages).
    pub fn from_bytes(bytes: Option<&[u8]>) -> Self {
        bytes
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default()
    }

    /// The record as stored.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PushError> {
        serde_json::to_vec(self).map_err(|e| PushError::Store(e.to_string()))
    }

    /// What was seen of `id`.
    pub fn get(&self, id: &str) -> Option<Seen> {
        self.0.get(id).copied()
    }

    /// Records `seen` for `id`; says whether anything changed. Keeps at
    /// most [`HISTORY_LIMIT`] requests, dropping those that expired first.
    pub fn record(&mut self, id: &str, seen: Seen) -> bool {
        if self.0.get(id) == Some(&seen) {
            return false;
        }
        self.0.insert(id.to_owned(), seen);
        while self.0.len() > HISTORY_LIMIT {
            let oldest = self
                .0
                .iter()
                .min_by_key(|(_, s)| s.expires_at)
                .map(|(id, _)| id.clone());
            match oldest {
                Some(id) => self.0.remove(&id),
                None => break,
            };
        }
        true
    }
}

/// Why a request the server no longer lists cannot be answered, from what
/// the device saw of it (`now`: the account's server-corrected time).
pub fn gone(id: &str, seen: Option<Seen>, now: i64) -> PushError {
    match seen {
        Some(s) if s.state.is_final() => PushError::AlreadyFinal(s.state),
        Some(s) if s.expires_at <= now => PushError::Expired(id.to_owned()),
        Some(_) => PushError::NotFound(format!(
            "sign-in request {id} (no longer waiting on the server: answered elsewhere or withdrawn)"
        )),
        None => PushError::NotFound(format!("challenge {id}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gone_request_says_what_became_of_it() {
        let pending = Seen {
            state: ChallengeState::Pending,
            expires_at: 100,
        };
        assert_eq!(
            gone("c", Some(pending), 100),
            PushError::Expired("c".into())
        );
        assert!(
            matches!(gone("c", Some(pending), 99), PushError::NotFound(m) if m.contains("answered elsewhere"))
        );
        let approved = Seen {
            state: ChallengeState::Approved,
            ..pending
        };
        assert_eq!(
            gone("c", Some(approved), 0),
            PushError::AlreadyFinal(ChallengeState::Approved)
        );
        assert_eq!(
            gone("c", None, 0),
            PushError::NotFound("challenge c".into())
        );
    }

    #[test]
    fn the_record_is_bounded_and_survives_a_round_trip() {
        let mut h = History::default();
        for i in 0..(HISTORY_LIMIT as i64 + 5) {
            assert!(h.record(
                &format!("c{i}"),
                Seen {
                    state: ChallengeState::Pending,
                    expires_at: i,
                }
            ));
        }
        assert_eq!(h.0.len(), HISTORY_LIMIT);
        assert_eq!(h.get("c0"), None, "the first to expire went first");
        let again = History::from_bytes(Some(&h.to_bytes().unwrap()));
        assert_eq!(again, h);
        assert_eq!(History::from_bytes(Some(b"garbage")), History::default());
        let last = h.get("c204").unwrap();
        assert!(!h.record("c204", last), "same state: nothing to write");
    }
}
