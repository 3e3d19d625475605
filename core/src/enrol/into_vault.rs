//! Scanned or pasted text straight into the vault: the one step every shell
//! needs after a scan, so it lives here rather than in each binding.

use super::{Enrolment, classify};
use crate::{
    ApiError,
    account::{Account, Provenance, StoredAccount},
    vault::Vault,
};

/// Classifies `text` and stores every OTP account it carries (one for a
/// link, all of them for a Google export batch). Anything else is a typed
/// error: Microsoft activations give `MicrosoftManaged` with the
/// explanation, push activations and drafts say what to do instead. A
/// batch is added in order; a duplicate stops it there (without `force`).
pub fn add_text_to_vault(
    vault: &Vault,
    text: &str,
    force: bool,
) -> Result<Vec<StoredAccount>, ApiError> {
    let accounts = accounts_in(classify(text)?)?;
    let mut stored = Vec::with_capacity(accounts.len());
    for account in accounts {
        stored.push(vault.add_account(account, force)?);
    }
    Ok(stored)
}

/// The OTP accounts an enrolment carries, or the typed reason it has none.
pub fn accounts_in(enrolment: Enrolment) -> Result<Vec<Account>, ApiError> {
    match enrolment {
        Enrolment::Otp { account, draft } if !draft => {
            Ok(vec![Account::from_uri(&account, Provenance::Qr)])
        }
        Enrolment::Otp { .. } => Err(ApiError::invalid_input(
            "a bare secret needs an issuer and a name: add it with its fields",
        )),
        Enrolment::GoogleMigration(m) => Ok(m
            .accounts
            .iter()
            .map(|u| Account::from_uri(u, Provenance::Import("google-migration".into())))
            .collect()),
        Enrolment::MicrosoftActivation { explanation, .. } => Err(ApiError::MicrosoftManaged {
            message: explanation.text,
        }),
        Enrolment::WatchwordActivation { .. } => Err(ApiError::invalid_input(
            "this is a push activation: activate it instead of adding it",
        )),
        Enrolment::PrivacyIdeaPush(_) => Err(ApiError::Unsupported {
            message: "privacyIDEA push tokens are not supported by this build yet".into(),
        }),
        Enrolment::Unknown { reason } => Err(ApiError::InvalidLink { message: reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitive::Sensitive;
    use crate::vault::{KdfParams, PassphraseKeyProvider};

    #[test]
    fn links_are_stored_and_other_kinds_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = PassphraseKeyProvider::new(
            Sensitive::new("pw".to_owned()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        );
        let vault = Vault::create(&dir.path().join("v.db"), &p).unwrap();
        let link = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";
        let added = add_text_to_vault(&vault, link, false).unwrap();
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].account.name, "alice");
        assert_eq!(
            add_text_to_vault(&vault, link, false).unwrap_err().kind(),
            "duplicate"
        );
        let ms = "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123";
        assert_eq!(
            add_text_to_vault(&vault, ms, false).unwrap_err().kind(),
            "microsoft_managed"
        );
        assert_eq!(
            add_text_to_vault(&vault, "hello there", false)
                .unwrap_err()
                .kind(),
            "invalid_link"
        );
        assert_eq!(vault.list_accounts(None).unwrap().len(), 1);
    }
}
