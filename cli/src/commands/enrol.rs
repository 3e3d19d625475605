//! What `add <text>`, `activate` and `scan --add` share: the text goes to
//! core's one enrolment entry point ([`watchword_core::enrol::intake`]),
//! which decides what it is and does it; this file only prints the
//! outcome.
//!
//! The input is checked before the vault is opened, so bad input asks for
//! no passphrase and changes nothing; the vault is opened before anything
//! is sent, because a privacyIDEA enrolment works once per token.

use std::{path::Path, sync::Arc};

use serde_json::json;
use watchword_core::{
    ApiError,
    account::AccountSummary,
    enrol::{DeviceIdentity, EnrolChoices, EnrolInput, EnrolOutcome, ExportPart, Prepared},
    otp::SystemClock,
    push::{PushService, VaultPushStore},
};

use super::push_common::runtime;
use crate::{account_view, output::Output, unlock};

/// Enrols `input` with `choices`, as device `device_name` when it is a
/// push activation, and prints what happened.
pub fn run(
    input: &EnrolInput,
    choices: &EnrolChoices,
    device_name: &str,
    vault: Option<&Path>,
    unlock_args: &unlock::UnlockArgs,
) -> Result<Output, ApiError> {
    let prepared = Prepared::new(input)?;
    if prepared.missing_details(choices).is_some() {
        return Err(needs_name());
    }
    let vault = Arc::new(unlock::open_vault(vault, unlock_args)?);
    let push = PushService::new(VaultPushStore::new(vault.clone()), Arc::new(SystemClock))?;
    let device = DeviceIdentity::named(device_name, None);
    let outcome = runtime()?.block_on(prepared.apply(choices, &vault, &push, &device))?;
    unlock::after_change(&vault);
    print(outcome)
}

/// "Added <account>" and its JSON: what `add` prints for one account,
/// from a link or from --secret.
pub fn added(account: &AccountSummary) -> Result<Output, ApiError> {
    Ok(Output {
        human: format!("Added {}", account_view::line(account)),
        json: account_view::json(account)?,
    })
}

/// "Added #3 ..." and "Already in the vault: #1" lines.
fn added_lines(added: &[AccountSummary], already_present: &[i64]) -> String {
    let mut human = String::new();
    for account in added {
        human.push_str(&format!("Added {}\n", account_view::line(account)));
    }
    for id in already_present {
        human.push_str(&format!("Already in the vault: #{id}\n"));
    }
    human
}

/// "all 3 scanned." or "2 of 3 scanned; still to scan: QR 3."
fn export_progress(part: &ExportPart) -> String {
    if part.missing.is_empty() {
        return format!("all {} scanned.", part.size);
    }
    let missing: Vec<String> = part
        .missing
        .iter()
        .map(|i| format!("QR {}", i + 1))
        .collect();
    format!(
        "{} of {} scanned; still to scan: {}.",
        part.scanned,
        part.size,
        missing.join(", ")
    )
}

fn needs_name() -> ApiError {
    ApiError::invalid_input("this is a bare secret key: add it with --name (and --issuer)")
}

/// The outcome in both forms; a decision the user must make on the
/// command line (a duplicate, a missing name) is an error saying how.
fn print(outcome: EnrolOutcome) -> Result<Output, ApiError> {
    match outcome {
        EnrolOutcome::Added { account } => added(&account),
        EnrolOutcome::AddedTwoStep {
            account,
            client_part,
        } => {
            let mut json = account_view::json(&account)?;
            json["client_part"] = json!(client_part);
            Ok(Output {
                human: format!(
                    "Added {}\nTo finish this privacyIDEA 2-step enrolment, type this on the enrolment page (or give it to your administrator): {client_part}",
                    account_view::line(&account)
                ),
                json,
            })
        }
        EnrolOutcome::AlreadyPresent { existing } => Err(ApiError::Duplicate {
            message: format!(
                "this account is already in the vault (id {existing}); add it with --force to keep both"
            ),
        }),
        EnrolOutcome::NeedsDetails { .. } => Err(needs_name()),
        EnrolOutcome::AddedList {
            added,
            already_present,
        } => Ok(Output {
            human: added_lines(&added, &already_present).trim_end().to_owned(),
            json: json!({
                "added": added.iter().map(account_view::json).collect::<Result<Vec<_>, _>>()?,
                "already_present": already_present,
            }),
        }),
        EnrolOutcome::Imported {
            added,
            already_present,
            part,
        } => {
            let mut human = added_lines(&added, &already_present);
            if part.size > 1 {
                human.push_str(&format!(
                    "This was QR {} of {} of a Google Authenticator export: {}\n",
                    part.index + 1,
                    part.size,
                    export_progress(&part)
                ));
            }
            Ok(Output {
                human: human.trim_end().to_owned(),
                json: json!({
                    "added": added.iter().map(account_view::json).collect::<Result<Vec<_>, _>>()?,
                    "already_present": already_present,
                    "batch": {
                        "index": part.index,
                        "size": part.size,
                        "id": part.id,
                        "scanned": part.scanned,
                        "missing": part.missing,
                    },
                }),
            })
        }
        EnrolOutcome::Activated { activation: a } => Ok(Output {
            human: a.to_string(),
            json: json!({
                "device_id": a.device_id,
                "account": a.account,
                "server": a.server,
                "provider": a.provider,
                "clock_offset": a.clock_offset,
            }),
        }),
    }
}
