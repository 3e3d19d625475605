//! Vault-wide settings, each value sealed and bound to its name.
//!
//! The clock offset in milliseconds added to the system clock (learned
//! from a server's time, or set by hand), whether a presence confirmation
//! is required and whether the app lock is on (`presence.rs`), and the records other modules keep between
//! runs ([`Record`]: opaque bytes to the vault, sealed like the rest).

use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

use super::{Vault, VaultError, VaultResult, crypto::Aad};

const CLOCK_OFFSET: &str = "clock_offset_ms";
const PRESENCE_REQUIRED: &str = "presence_required";
const APP_LOCK: &str = "app_lock";

/// A record another module keeps in the vault between runs; the vault
/// seals it and does not read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// The push module's record of the sign-in requests this device saw.
    PushHistory,
    /// Which QR codes of multi-QR Google exports were scanned.
    MigrationBatches,
    /// Deleted accounts, kept for a while so a delete can be undone (the
    /// vault's own: `trash.rs`).
    Trash,
    /// The last backup attempt (`backup/write.rs`): when, how many
    /// accounts, or why it failed.
    LastBackup,
    /// Automatic backup settings, their password and the digest of the
    /// last automatic backup (`backup/auto.rs`).
    AutoBackup,
    /// This device's Web Push receiver keys (`push/webpush/`): the private
    /// key and auth secret its push servers encrypt notifications to.
    WebPushKeys,
}

impl Record {
    pub(super) fn name(self) -> &'static str {
        match self {
            Record::PushHistory => "push_history",
            Record::MigrationBatches => "migration_batches",
            Record::Trash => "trash",
            Record::LastBackup => "last_backup",
            Record::AutoBackup => "auto_backup",
            Record::WebPushKeys => "web_push_keys",
        }
    }
}

impl Vault {
    fn setting_aad(name: &str) -> Aad<'_> {
        Aad {
            table: "settings",
            column: "value",
            row: name,
        }
    }

    /// The opened value of setting `name`, `None` when never set.
    fn read_setting(&self, name: &str) -> VaultResult<Option<Zeroizing<Vec<u8>>>> {
        self.read_setting_in(&self.conn(), name)
    }

    /// [`Vault::read_setting`] on a connection already held (a transaction).
    pub(super) fn read_setting_in(
        &self,
        conn: &Connection,
        name: &str,
    ) -> VaultResult<Option<Zeroizing<Vec<u8>>>> {
        let sealed: Option<Vec<u8>> = conn
            .query_row("SELECT value FROM settings WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        sealed
            .map(|sealed| self.key.open(Self::setting_aad(name), &sealed))
            .transpose()
    }

    /// Seals `value` as setting `name`, replacing what was there.
    fn write_setting(&self, name: &str, value: &[u8]) -> VaultResult<()> {
        self.write_setting_in(&self.conn(), name, value)
    }

    /// [`Vault::write_setting`] on a connection already held (a transaction).
    pub(super) fn write_setting_in(
        &self,
        conn: &Connection,
        name: &str,
        value: &[u8],
    ) -> VaultResult<()> {
        let sealed = self.key.seal(Self::setting_aad(name), value)?;
        conn.execute(
            "INSERT INTO settings (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![name, sealed],
        )?;
        Ok(())
    }

    /// The stored clock offset in milliseconds (0 when never set).
    pub fn clock_offset_ms(&self) -> VaultResult<i64> {
        let Some(plain) = self.read_setting(CLOCK_OFFSET)? else {
            return Ok(0);
        };
        let bytes: [u8; 8] = plain
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Corrupt("clock offset has the wrong size".into()))?;
        Ok(i64::from_be_bytes(bytes))
    }

    /// Stores the clock offset in milliseconds.
    pub fn set_clock_offset_ms(&self, offset_ms: i64) -> VaultResult<()> {
        self.write_setting(CLOCK_OFFSET, &offset_ms.to_be_bytes())
    }

    /// Whether a presence confirmation is required even when no check is
    /// set (false when never set).
    pub fn presence_required(&self) -> VaultResult<bool> {
        self.read_flag(PRESENCE_REQUIRED)
    }

    /// Whether the app lock is on (false when never set): the shells ask
    /// the presence check before showing anything (`Vault::unlock_app`).
    pub fn app_lock(&self) -> VaultResult<bool> {
        self.read_flag(APP_LOCK)
    }

    /// Stores the app lock; `Vault::set_app_lock` asks first.
    pub(super) fn write_app_lock(&self, on: bool) -> VaultResult<()> {
        self.write_setting(APP_LOCK, &[u8::from(on)])
    }

    /// A yes/no setting, sealed as one byte (false when never set).
    fn read_flag(&self, name: &str) -> VaultResult<bool> {
        match self.read_setting(name)?.as_deref().map(Vec::as_slice) {
            None | Some([0]) => Ok(false),
            Some([1]) => Ok(true),
            Some(_) => Err(VaultError::Corrupt(format!(
                "the setting {name} has the wrong size"
            ))),
        }
    }

    /// Requires a presence confirmation (or not) from now on, also after a
    /// restart. Sealed like every setting, so editing the file cannot turn
    /// it off: a row moved from elsewhere does not open.
    pub fn set_presence_required(&self, required: bool) -> VaultResult<()> {
        self.write_setting(PRESENCE_REQUIRED, &[u8::from(required)])
    }

    /// Record `which` (its module's format), `None` when never written.
    pub fn record(&self, which: Record) -> VaultResult<Option<Zeroizing<Vec<u8>>>> {
        self.read_setting(which.name())
    }

    /// Replaces record `which`.
    pub fn set_record(&self, which: Record, bytes: &[u8]) -> VaultResult<()> {
        self.write_setting(which.name(), bytes)
    }
}
