//! Where the CLI keeps push accounts between runs: the encrypted vault.
//! Push accounts hold a device private key, so they are never written to a
//! plain file; the vault seals each account's state.

use std::{path::Path, sync::Arc};

use watchword_core::{ApiError, push::VaultPushStore};

use crate::unlock::{UnlockArgs, open_vault};

/// Opens the push-account store of the vault at `vault` (asking for the
/// passphrase as every vault command does).
pub fn open(vault: Option<&Path>, unlock: &UnlockArgs) -> Result<VaultPushStore, ApiError> {
    Ok(VaultPushStore::new(Arc::new(open_vault(vault, unlock)?)))
}
