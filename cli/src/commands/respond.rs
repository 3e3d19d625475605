//! `watchword respond <id> approve [--answer X] | deny [--reason cancelled] | fraud`,
//! for sign-in requests of either push protocol.

use std::{path::Path, sync::Arc};

use serde_json::json;
use watchword_core::{
    ApiError,
    otp::SystemClock,
    push::{Answer, Decision, PushService, Shown, privacyidea::DeclineReason},
};

use super::{
    push_common::{DecisionArg, runtime},
    push_store,
};
use crate::{output::Output, unlock::UnlockArgs};

/// Why a sign-in is denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReasonArg {
    /// I started it but changed my mind (privacyIDEA `cancelled`).
    Cancelled,
}

/// Arguments of `respond`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sign-in request id (from `pending`).
    id: String,
    /// The answer.
    #[arg(value_enum)]
    decision: DecisionArg,
    /// The number shown on the sign-in screen (approve).
    #[arg(long, conflicts_with = "answer")]
    number: Option<u8>,
    /// The option shown on the sign-in screen, one of `pending`'s
    /// `options` (approve).
    #[arg(long)]
    answer: Option<String>,
    /// Why (deny).
    #[arg(long, value_enum)]
    reason: Option<ReasonArg>,
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Answers one sign-in request.
pub fn run(args: &Args, vault: Option<&Path>) -> Result<Output, ApiError> {
    let decision = Decision::from(args.decision);
    let answer = match (&args.answer, args.number) {
        (Some(text), _) => Some(Shown::Text(text.clone())),
        (None, number) => number.map(Shown::Number),
    };
    if decision != Decision::Approve && answer.is_some() {
        return Err(ApiError::invalid_input(
            "--number and --answer go with approve only",
        ));
    }
    if decision != Decision::Deny && args.reason.is_some() {
        return Err(ApiError::invalid_input("--reason goes with deny only"));
    }
    let service = PushService::new(
        push_store::open(vault, &args.unlock)?,
        Arc::new(SystemClock),
    )?;
    let reply = Answer::new(
        decision,
        answer,
        args.reason
            .map(|ReasonArg::Cancelled| DeclineReason::Cancelled),
    );
    let state = runtime()?.block_on(service.respond(&args.id, &reply))?;
    let display_code = service.tracked(&args.id).and_then(|t| t.display_code);
    let mut human = format!("Sign-in request {}: {}.", args.id, state.as_str());
    if let Some(code) = &display_code {
        human.push_str(&format!(" Enter {code} on the sign-in screen."));
    }
    Ok(Output {
        human,
        json: json!({
            "id": args.id,
            "decision": decision.as_str(),
            "state": state.as_str(),
            "display_code": display_code,
        }),
    })
}
