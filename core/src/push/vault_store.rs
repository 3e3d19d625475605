//! Push accounts in the encrypted vault: the vault's generic push-account
//! table holds each account's display fields in the clear-to-the-user
//! columns and everything else (device key, server key, URL, clock offset)
//! as the sealed JSON state blob.

use std::sync::Arc;

use super::{
    PushError,
    store::{PushAccount, PushStore},
};
use crate::{
    sensitive::Sensitive,
    vault::{
        self, Vault,
        push::{PushAccountUpdate, StoredPushAccount},
    },
};

/// A [`PushStore`] over an open vault.
#[derive(Clone)]
pub struct VaultPushStore {
    vault: Arc<Vault>,
}

impl std::fmt::Debug for VaultPushStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultPushStore").finish_non_exhaustive()
    }
}

/// The vault's name for the rows this store owns. Both protocols' accounts
/// live in them: which protocol an account speaks is inside its sealed
/// blob ([`PushAccount::provider`]).
const VAULT_ROW_KIND: &str = "watchword";

impl VaultPushStore {
    /// Push accounts of `vault`.
    pub fn new(vault: Arc<Vault>) -> Self {
        Self { vault }
    }

    fn stored(&self) -> Result<Vec<(StoredPushAccount, PushAccount)>, PushError> {
        let rows = self
            .vault
            .list_push_accounts(Some(VAULT_ROW_KIND))
            .map_err(store_error)?;
        rows.into_iter()
            .map(|row| {
                // EXPOSE: the sealed state is parsed into an account whose key is Sensitive again.
                let account = PushAccount::from_secret_json(row.account.state.expose())?;
                Ok((row, account))
            })
            .collect()
    }
}

fn store_error(e: vault::VaultError) -> PushError {
    PushError::Store(e.to_string())
}

impl PushStore for VaultPushStore {
    fn list(&self) -> Result<Vec<PushAccount>, PushError> {
        Ok(self.stored()?.into_iter().map(|(_, a)| a).collect())
    }

    fn put(&self, account: &PushAccount) -> Result<(), PushError> {
        let state = account.to_secret_json()?;
        let existing = self
            .stored()?
            .into_iter()
            .find(|(_, a)| a.device_id == account.device_id);
        match existing {
            Some((row, _)) => {
                self.vault
                    .update_push_account(
                        row.id,
                        PushAccountUpdate {
                            state: Some(Sensitive::new(state.to_vec())),
                            ..PushAccountUpdate::default()
                        },
                    )
                    .map_err(store_error)?;
            }
            None => {
                self.vault
                    .add_push_account(vault::push::PushAccountRecord::new(
                        VAULT_ROW_KIND,
                        Some(account.organisation.clone()),
                        account.user.clone(),
                        state.to_vec(),
                    ))
                    .map_err(store_error)?;
            }
        }
        Ok(())
    }

    fn remove(&self, device_id: &str) -> Result<bool, PushError> {
        match self
            .stored()?
            .into_iter()
            .find(|(_, a)| a.device_id == device_id)
        {
            Some((row, _)) => {
                self.vault
                    .delete_push_account(row.id)
                    .map_err(store_error)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{push::keys::SigningKey, vault::StaticKeyProvider};

    fn account(device_id: &str, key: &SigningKey, offset: i64) -> PushAccount {
        PushAccount::new(
            device_id.into(),
            "https://mfa.example.org".into(),
            "alice".into(),
            "Example".into(),
            "phone".into(),
            key.public_key_b64(),
            offset,
            key,
        )
    }

    #[test]
    fn accounts_round_trip_through_the_sealed_vault() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let kp = StaticKeyProvider::new([7; 32]);
        let store = VaultPushStore::new(Arc::new(Vault::create(&path, &kp).unwrap()));
        let key = SigningKey::generate().unwrap();
        store.put(&account("d1", &key, 0)).unwrap();
        store.put(&account("d2", &key, 0)).unwrap();
        // Updating keeps one row per device.
        store.put(&account("d1", &key, 42)).unwrap();
        drop(store);

        let vault = Arc::new(Vault::open(&path, &kp).unwrap());
        let rows = vault.list_push_accounts(None).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].account.provider, "watchword");
        assert_eq!(rows[0].account.name, "alice");
        assert_eq!(rows[0].account.issuer.as_deref(), Some("Example"));
        let store = VaultPushStore::new(vault);
        let list = store.list().unwrap();
        let d1 = list.iter().find(|a| a.device_id == "d1").unwrap();
        assert_eq!(d1.clock_offset, 42);
        assert_eq!(
            d1.signing_key().unwrap().public_key_b64(),
            key.public_key_b64()
        );
        assert!(store.remove("d1").unwrap());
        assert!(!store.remove("d1").unwrap());
        assert_eq!(store.list().unwrap().len(), 1);

        // The device key is sealed: neither it nor the state's field names
        // are in the file.
        let bytes = std::fs::read(&path).unwrap();
        for needle in ["device_key", "server_public_key", &key.public_key_b64()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()));
        }
    }
}
