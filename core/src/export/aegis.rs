//! Aegis vault JSON, plain or encrypted (being written).

use zeroize::Zeroizing;

use crate::{ApiError, account::Account};

/// `accounts` as an Aegis vault export: encrypted with `password` when
/// given, plain JSON when `None`.
pub fn aegis_json(_accounts: &[Account], _password: Option<&str>) -> Result<Zeroizing<String>, ApiError> {
    Err(ApiError::Internal {
        message: "Aegis export is not written yet".into(),
    })
}
