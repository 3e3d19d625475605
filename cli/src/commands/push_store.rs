//! Where the CLI keeps push accounts between runs: the encrypted vault.
//!
//! Push accounts hold a device private key, so they are never written to a
//! plain file. Until the vault (issue 4) is merged into this branch, the
//! commands that need a lasting account say so; `watchword demo` works
//! without it (its device store lives in memory for the run).

use std::{path::Path, sync::Arc};

use watchword_core::{ApiError, push::PushStore};

/// Opens the push-account store of the vault at `vault`.
pub fn open(_vault: Option<&Path>) -> Result<Arc<dyn PushStore>, ApiError> {
    Err(ApiError::Unsupported {
        message: "push accounts are kept in the encrypted vault, which this build does not have \
                  yet; `watchword demo` shows the whole flow without it"
            .to_owned(),
    })
}
