//! How vault accounts print: JSON (every field but the secret) and one
//! human line, both from the core's `AccountSummary`.

use serde_json::Value;
use watchword_core::{ApiError, account::AccountSummary};

/// The JSON object of an account.
pub fn json(summary: &AccountSummary) -> Result<Value, ApiError> {
    serde_json::to_value(summary)
        .map_err(|e| ApiError::invalid_input(format!("cannot describe the account: {e}")))
}

/// `#3  ACME (alice@example.com)  totp`.
pub fn line(summary: &AccountSummary) -> String {
    format!(
        "#{}  {}  {}",
        summary.id,
        summary.label,
        summary.kind.as_str()
    )
}
