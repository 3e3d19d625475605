//! `watchword approve`: the interactive prompt for every waiting sign-in
//! request: context, live countdown, the number from the sign-in screen.

use std::{path::Path, sync::Arc};

use serde_json::{Value, json};
use watchword_core::{
    ApiError,
    otp::SystemClock,
    push::{ChallengeState, PushError, PushService},
};

use super::{
    prompt::{self, Choice, LineReader},
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
        for c in &list {
            let now = || service.now_for_challenge(&c.id);
            prompt::show(&n, c, now());
            let state = loop {
                match prompt::ask(&n, &mut reader, c, now).await {
                    Choice::Answer(d, num) => match service.respond(&c.id, d, num).await {
                        Ok(s) => break s,
                        Err(e @ PushError::Refused { .. })
                            if service
                                .tracked(&c.id)
                                .is_some_and(|t| t.state == ChallengeState::Pending) =>
                        {
                            n.say(&format!("  {}", ApiError::from(e)));
                        }
                        Err(e) => return Err(ApiError::from(e)),
                    },
                    Choice::Expired => break ChallengeState::Expired,
                    Choice::Skip | Choice::Closed => break ChallengeState::Pending,
                }
            };
            n.say(&format!("  -> {}", state.as_str()));
            results.push(json!({"id": c.id, "state": state.as_str()}));
        }
        Ok(Output {
            human: format!("{} sign-in request(s) handled.", results.len()),
            json: Value::Array(results),
        })
    })
}
