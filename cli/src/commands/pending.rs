//! `watchword pending`: the sign-in requests waiting on every push
//! account, verified (server signature, expiry) before they are listed.

use std::{path::Path, sync::Arc};

use serde_json::Value;
use watchword_core::{ApiError, otp::SystemClock, push::PushService};

use super::{
    push_common::{challenge_json, runtime, utc},
    push_store,
};
use crate::{output::Output, unlock::UnlockArgs};

/// Arguments of `pending`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Lists pending sign-in requests.
pub fn run(args: &Args, vault: Option<&Path>) -> Result<Output, ApiError> {
    let service = PushService::new(
        push_store::open(vault, &args.unlock)?,
        Arc::new(SystemClock),
    )?;
    let list = runtime()?.block_on(service.pending())?;
    let mut human = Vec::new();
    let mut json = Vec::new();
    for c in &list {
        let shown = service.shown(c);
        json.push(challenge_json(&shown)?);
        human.push(format!(
            "{}  {}  {}{}  {}  {} s left{}",
            c.id,
            c.account,
            c.app,
            if c.location.is_empty() {
                String::new()
            } else {
                format!(" from {}", c.location)
            },
            utc(c.created_at),
            shown.seconds_left,
            if !c.options.is_empty() {
                format!(
                    "  (pick the one on the sign-in screen: {})",
                    c.options.join(", ")
                )
            } else if c.needs_number {
                "  (needs the number)".to_owned()
            } else {
                String::new()
            }
        ));
    }
    if human.is_empty() {
        human.push("No sign-in requests waiting.".to_owned());
    }
    Ok(Output {
        human: human.join("\n"),
        json: Value::Array(json),
    })
}
