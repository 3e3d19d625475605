//! Watchword exports (not yet read: the reader is being written).

use super::Input;
use crate::import::{ImportError, ImportItem};

/// True when the file is a Watchword export.
pub(super) fn detect(_input: &Input<'_>) -> bool {
    false
}

/// Reads a Watchword export.
pub(super) fn read(_input: &Input<'_>, _password: Option<&str>) -> Result<Vec<ImportItem>, ImportError> {
    Err(ImportError::UnknownFormat)
}
