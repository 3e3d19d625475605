//! Which challenge states a listener has already been told about, so a
//! shell hears about a challenge only when its status or tries-left
//! actually changed, not every time the list is fetched again.

use std::{collections::HashMap, sync::Mutex};

use super::{ChallengeState, TrackedChallenge};

/// The last state reported per challenge id.
#[derive(Debug, Default)]
pub struct StateChanges {
    seen: Mutex<HashMap<String, (ChallengeState, Option<u32>)>>,
}

impl StateChanges {
    /// An empty record: every challenge's first state is a change.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `tracked`'s state and says whether it differs from the last
    /// one recorded for its id (a first sighting is a change).
    pub fn changed(&self, tracked: &TrackedChallenge) -> bool {
        let now = (tracked.state, tracked.tries_left);
        let Ok(mut seen) = self.seen.lock() else {
            // A poisoned lock only loses de-duplication: report the change.
            return true;
        };
        seen.insert(tracked.challenge.id.clone(), now) != Some(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::{
        Decision,
        state::{ChallengeEvent, sample},
    };

    fn tracked(id: &str) -> TrackedChallenge {
        TrackedChallenge::new(sample(id))
    }

    #[test]
    fn only_status_or_tries_left_changes_count() {
        let c = StateChanges::new();
        let mut a = tracked("a");
        assert!(c.changed(&a), "first sighting");
        assert!(!c.changed(&a), "same state again");
        assert!(c.changed(&tracked("b")), "another id");
        a.apply(ChallengeEvent::WrongNumber { tries_left: 2 })
            .unwrap();
        assert!(c.changed(&a), "tries left moved");
        assert!(!c.changed(&a));
        a.apply(ChallengeEvent::Answered(Decision::Approve))
            .unwrap();
        assert!(c.changed(&a), "approved");
        assert!(!c.changed(&a));
    }
}
