//! `watchword respond <id> approve --number N | deny | fraud`.

use std::{path::Path, sync::Arc};

use serde_json::json;
use watchword_core::{
    ApiError,
    otp::SystemClock,
    push::{Decision, PushService},
};

use super::{
    push_common::{DecisionArg, runtime},
    push_store,
};
use crate::{output::Output, unlock::UnlockArgs};

/// Arguments of `respond`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sign-in request id (from `pending`).
    id: String,
    /// The answer.
    #[arg(value_enum)]
    decision: DecisionArg,
    /// The number shown on the sign-in screen (approve).
    #[arg(long)]
    number: Option<u8>,
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Answers one sign-in request.
pub fn run(args: &Args, vault: Option<&Path>) -> Result<Output, ApiError> {
    let decision = Decision::from(args.decision);
    if decision != Decision::Approve && args.number.is_some() {
        return Err(ApiError::invalid_input("--number goes with approve only"));
    }
    let service = PushService::new(
        push_store::open(vault, &args.unlock)?,
        Arc::new(SystemClock),
    )?;
    let state = runtime()?.block_on(service.respond(&args.id, decision, args.number))?;
    Ok(Output {
        human: format!("Sign-in request {}: {}.", args.id, state.as_str()),
        json: json!({"id": args.id, "decision": decision.as_str(), "state": state.as_str()}),
    })
}
