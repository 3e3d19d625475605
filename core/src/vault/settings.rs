//! Vault-wide settings, each value sealed and bound to its name.
//!
//! Today one: the clock offset in milliseconds that the shells add to the
//! system clock (learned from a server's time, or set by hand).

use rusqlite::{OptionalExtension, params};

use super::{Vault, VaultError, VaultResult, crypto::Aad};

const CLOCK_OFFSET: &str = "clock_offset_ms";

impl Vault {
    fn setting_aad(name: &str) -> Aad<'_> {
        Aad {
            table: "settings",
            column: "value",
            row: name,
        }
    }

    /// The stored clock offset in milliseconds (0 when never set).
    pub fn clock_offset_ms(&self) -> VaultResult<i64> {
        let sealed: Option<Vec<u8>> = self
            .conn()
            .query_row(
                "SELECT value FROM settings WHERE name = ?1",
                [CLOCK_OFFSET],
                |r| r.get(0),
            )
            .optional()?;
        let Some(sealed) = sealed else {
            return Ok(0);
        };
        let plain = self.key.open(Self::setting_aad(CLOCK_OFFSET), &sealed)?;
        let bytes: [u8; 8] = plain
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Corrupt("clock offset has the wrong size".into()))?;
        Ok(i64::from_be_bytes(bytes))
    }

    /// Stores the clock offset in milliseconds.
    pub fn set_clock_offset_ms(&self, offset_ms: i64) -> VaultResult<()> {
        let sealed = self
            .key
            .seal(Self::setting_aad(CLOCK_OFFSET), &offset_ms.to_be_bytes())?;
        self.conn().execute(
            "INSERT INTO settings (name, value) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            params![CLOCK_OFFSET, sealed],
        )?;
        Ok(())
    }
}
