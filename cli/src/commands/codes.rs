//! `watchword codes [FILTER] [--at UNIX]`: the current code of every
//! time-based account in the vault.

use serde_json::{Value, json};
use watchword_core::ApiError;

use crate::{output::Output, unlock};

/// Arguments of `codes`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only accounts whose issuer, name or group contains this (any case).
    filter: Option<String>,
    /// Codes at this Unix time (seconds) instead of now. Without it, the
    /// vault's stored clock offset corrects the system clock.
    #[arg(long, allow_negative_numbers = true)]
    at: Option<i64>,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Computes the codes. HOTP accounts are listed with `code: null`: their
/// codes are handed out by `watchword next <id>`, which steps the counter.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let codes = match args.at {
        Some(s) => v.codes_at(
            s.checked_mul(1000)
                .ok_or_else(|| ApiError::invalid_input("--at is out of range"))?,
            args.filter.as_deref(),
        )?,
        // Now, as the core corrects it with the stored clock offset.
        None => v.codes_now(args.filter.as_deref())?,
    };
    let mut json_rows = Vec::with_capacity(codes.len());
    let mut lines = Vec::with_capacity(codes.len());
    for c in &codes {
        let label = &c.label;
        let (code, valid_for, next_code, period) = match &c.code {
            Some(t) => (
                Value::from(t.code.as_str()),
                Value::from(t.valid_for),
                Value::from(t.next_code.as_str()),
                Value::from(t.period),
            ),
            None => (Value::Null, Value::Null, Value::Null, Value::Null),
        };
        lines.push(match &c.code {
            Some(t) => format!("#{}  {}  {label}  ({} s)", c.id, t.code, t.valid_for),
            None => format!(
                "#{}  ------  {label}  (hotp: watchword next {})",
                c.id, c.id
            ),
        });
        json_rows.push(json!({
            "id": c.id,
            "issuer": c.issuer,
            "name": c.name,
            "type": c.kind,
            "code": code,
            "valid_for": valid_for,
            "period": period,
            "next_code": next_code,
        }));
    }
    Ok(Output {
        json: Value::Array(json_rows),
        human: if lines.is_empty() {
            "No accounts.".to_owned()
        } else {
            lines.join("\n")
        },
    })
}
