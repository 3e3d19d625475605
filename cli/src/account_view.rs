//! How vault accounts print: JSON (every field but the secret) and one
//! human line.

use serde_json::Value;
use watchword_core::{ApiError, account::StoredAccount};

/// The JSON object of an account (see `AccountSummary`).
pub fn json(stored: &StoredAccount) -> Result<Value, ApiError> {
    serde_json::to_value(stored.summary())
        .map_err(|e| ApiError::invalid_input(format!("cannot describe the account: {e}")))
}

/// `#3  ACME (alice@example.com)  totp`.
pub fn line(stored: &StoredAccount) -> String {
    let a = &stored.account;
    format!("#{}  {}  {}", stored.id, a.label(), a.otp.kind.as_str())
}
