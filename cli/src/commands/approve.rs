//! `watchword approve`: the interactive prompt for every waiting sign-in
//! request: context, live countdown, the number from the sign-in screen.
//!
//! Only an answer (approve, deny, fraud) counts as handled; a skipped
//! request stays open on the server and is counted apart, and so are
//! expired ones and those left when input ended.

use std::{path::Path, sync::Arc};

use serde_json::{Value, json};
use watchword_core::{
    ApiError,
    otp::SystemClock,
    push::{ChallengeState, PushService},
};

use super::{
    prompt::{self, Asked, LineReader, Prompt, Screen},
    push_common::{Narrator, runtime},
    push_store,
};
use crate::{output::Output, unlock::UnlockArgs};

/// Arguments of `approve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Asks about each pending sign-in request in turn.
pub fn run(args: &Args, vault: Option<&Path>, json: bool) -> Result<Output, ApiError> {
    let service = PushService::new(
        push_store::open(vault, &args.unlock)?,
        Arc::new(SystemClock),
    )?;
    runtime()?.block_on(async {
        let n = Narrator::new(json);
        let list = service.pending().await?;
        if list.is_empty() {
            return Ok(Output {
                human: "No sign-in requests waiting.".to_owned(),
                json: Value::Array(vec![]),
            });
        }
        let mut reader = LineReader::start();
        let mut results = Vec::new();
        let mut tally = Tally::default();
        for c in &list {
            prompt::show(&n, c, service.now_for_challenge(&c.id));
            let outcome = match Prompt::new(n, Screen::of(&n), c)
                .answer(&mut reader, &service, &c.id)
                .await?
            {
                Asked::Answered(_, state) => Outcome::Answered(state),
                Asked::Expired => Outcome::Answered(ChallengeState::Expired),
                Asked::Skipped => Outcome::Skipped,
                Asked::Closed => Outcome::Unanswered,
            };
            n.say(&format!("  -> {}", outcome.as_str()));
            tally.add(outcome);
            results.push(json!({"id": c.id, "state": outcome.as_str()}));
        }
        Ok(Output {
            human: tally.summary(),
            json: Value::Array(results),
        })
    })
}

/// What became of one request in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Answered (or expired): its state on the phone.
    Answered(ChallengeState),
    /// Skipped with `s`: still open on the server.
    Skipped,
    /// Input ended before an answer: still open on the server.
    Unanswered,
}

impl Outcome {
    /// The `state` in `--json` and after `->`: the phone's state, or
    /// `skipped` / `pending` for one left open.
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered(s) => s.as_str(),
            Outcome::Skipped => "skipped",
            Outcome::Unanswered => ChallengeState::Pending.as_str(),
        }
    }
}

/// Counts for the summary line.
#[derive(Debug, Default)]
struct Tally {
    handled: usize,
    skipped: usize,
    expired: usize,
    unanswered: usize,
}

impl Tally {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Answered(ChallengeState::Expired) => self.expired += 1,
            Outcome::Answered(_) => self.handled += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Unanswered => self.unanswered += 1,
        }
    }

    /// `Sign-in requests: 1 handled, 1 skipped.`: handled always, the
    /// rest when there are any.
    fn summary(&self) -> String {
        let mut parts = vec![format!("{} handled", self.handled)];
        for (n, what) in [
            (self.skipped, "skipped"),
            (self.expired, "expired"),
            (self.unanswered, "not answered"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        format!("Sign-in requests: {}.", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skipped_request_is_not_counted_as_handled() {
        let mut t = Tally::default();
        t.add(Outcome::Answered(ChallengeState::Denied));
        t.add(Outcome::Skipped);
        assert_eq!(t.summary(), "Sign-in requests: 1 handled, 1 skipped.");
        t.add(Outcome::Answered(ChallengeState::Expired));
        t.add(Outcome::Unanswered);
        assert_eq!(
            t.summary(),
            "Sign-in requests: 1 handled, 1 skipped, 1 expired, 1 not answered."
        );
    }
}
