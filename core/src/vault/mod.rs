//! The encrypted vault: every account (OTP and push) in one SQLite file.
//!
//! A random 256-bit data key seals every field but ids, timestamps and
//! sort order with AES-256-GCM; the key itself is stored only wrapped by a
//! [`KeyProvider`] (platform key store, or a passphrase through argon2id).
//!
//! - [`schema`]: tables, connection settings, migrations.
//! - [`crypto`]: sealing, associated data, the data key.
//! - [`key_provider`]: the provider trait, passphrase and static providers.
//! - [`record`]: the plaintext layout of an account.
//! - [`accounts`]: OTP account operations (add, list, HOTP next, ...).
//! - [`push`]: push-approval accounts with an opaque provider state.
//! - `rows`: the row bookkeeping both sealed tables share.
//! - [`settings`]: vault-wide settings (clock offset).
//! - [`error`]: what can go wrong ([`VaultError`]).
//!
//! Safety properties, each tested: a wrong key gives [`VaultError::WrongKey`]
//! and leaves the file byte-identical; a damaged or foreign file gives
//! [`VaultError::Corrupt`] and is never written; every write is one
//! SQLite transaction (`BEGIN IMMEDIATE`, WAL, `synchronous=FULL`), so a
//! crash keeps every returned write and processes sharing a file wait
//! for each other rather than corrupt it.

pub mod accounts;
pub mod crypto;
pub mod error;
pub mod key_provider;
pub mod presence;
pub mod push;
pub mod record;
mod rows;
pub mod schema;
pub mod settings;
mod trash;

use std::{
    fs::File,
    io::Read,
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
    time::{SystemTime, UNIX_EPOCH},
};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use zeroize::Zeroizing;

pub use accounts::{AccountChanges, AccountCode, AccountUpdate, BatchEntry};
pub use crypto::DataKey;
pub use error::{VaultError, VaultResult};
pub use key_provider::{
    KdfParams, KeyProvider, KeyProviderError, PassphraseKeyProvider, StaticKeyProvider,
};
pub use presence::{PRESENCE_TIMEOUT, PresenceAction, PresenceCheck};
pub use push::{PushAccountRecord, PushAccountUpdate, StoredPushAccount};
pub use settings::Record;
pub use trash::{TRASH_DAYS, TrashedAccount};

use crypto::Aad;

/// What the canary holds; opening it proves the data key is right.
const CANARY_TEXT: &[u8] = b"watchword vault canary";
const CANARY_AAD: Aad<'static> = Aad {
    table: "meta",
    column: "canary",
    row: "1",
};

/// First 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// An open, unlocked vault. `Send + Sync`: one connection behind a mutex,
/// as SQLite wants one writer per process.
pub struct Vault {
    conn: Mutex<Connection>,
    key: DataKey,
    path: PathBuf,
    /// The platform check a shell set (phones); none in the CLI.
    presence: presence::PresenceGate,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Creates a new vault at `path` with a fresh data key wrapped by
    /// `provider`. Refuses to touch an existing file. The file appears at
    /// `path` only once complete (built beside it, then linked in).
    pub fn create(path: &Path, provider: &dyn KeyProvider) -> VaultResult<Vault> {
        if path.exists() {
            return Err(VaultError::AlreadyExists(path.to_owned()));
        }
        let key = DataKey::generate()?;
        // EXPOSE: the data key goes to the provider to be wrapped, in a
        // zeroizing copy.
        let wrapped = provider.wrap(Zeroizing::new(key.expose().to_vec()))?;
        let canary = key.seal(CANARY_AAD, CANARY_TEXT)?;

        let nonce = crypto::random_bytes::<8>()?;
        let tmp = path.with_file_name(format!(
            ".{}.{}.creating",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            nonce.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ));
        let built = (|| -> VaultResult<()> {
            let mut conn = Connection::open_with_flags(
                &tmp,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            )?;
            schema::configure(&conn)?;
            schema::create(&mut conn)?;
            conn.execute(
                "INSERT INTO meta (id, magic, wrapped_key, canary, created_at)
                 VALUES (1, ?1, ?2, ?3, ?4)",
                rusqlite::params![schema::MAGIC, wrapped, canary, now()],
            )?;
            // Closing checkpoints the WAL into the file, so the one file
            // linked into place below is complete on its own.
            conn.close().map_err(|(_, e)| VaultError::from(e))?;
            Ok(())
        })();
        let linked = built.and_then(|()| match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(VaultError::AlreadyExists(path.to_owned()))
            }
            // File systems without hard links: rename (not atomic against
            // a racing create, which the exists() check above narrows).
            Err(_) => std::fs::rename(&tmp, path).map_err(VaultError::from),
        });
        for suffix in ["", "-wal", "-shm"] {
            let mut p = tmp.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        linked?;
        Self::open(path, provider)
    }

    /// Opens and unlocks the vault at `path`.
    ///
    /// Nothing is written unless the key is right and the file is a
    /// healthy Watchword vault: a foreign, empty or truncated file gives
    /// [`VaultError::Corrupt`], a wrong key [`VaultError::WrongKey`], and
    /// in both cases the file stays byte-identical.
    pub fn open(path: &Path, provider: &dyn KeyProvider) -> VaultResult<Vault> {
        check_header(path)?;
        // No CREATE flag: a file removed since the check is not recreated.
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::configure(&conn)?;
        let schema::Meta {
            version,
            wrapped_key,
            canary,
        } = schema::check(&conn)?;
        let raw = provider.unwrap(wrapped_key)?;
        let key = DataKey::from_bytes(&raw).ok_or(VaultError::WrongKey)?;
        match key.try_open(CANARY_AAD, &canary) {
            Some(text) if text.as_slice() == CANARY_TEXT => {}
            _ => return Err(VaultError::WrongKey),
        }
        if version != schema::SCHEMA_VERSION {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::migrate(&tx, version)?;
            tx.pragma_update(None, "user_version", schema::SCHEMA_VERSION)?;
            tx.commit()?;
        }
        Ok(Vault {
            conn: Mutex::new(conn),
            key,
            path: path.to_owned(),
            presence: presence::PresenceGate::default(),
        })
    }

    /// Re-wraps the data key with another provider (a new passphrase, a
    /// new platform key). Rows are not touched: the data key stays.
    pub fn change_key(&self, provider: &dyn KeyProvider) -> VaultResult<()> {
        // EXPOSE: the data key goes to the new provider to be wrapped, in a
        // zeroizing copy.
        let wrapped = provider.wrap(Zeroizing::new(self.key.expose().to_vec()))?;
        self.conn()
            .execute("UPDATE meta SET wrapped_key = ?1 WHERE id = 1", [wrapped])?;
        Ok(())
    }

    /// Where the vault file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection. A panic in another thread while it held the lock
    /// leaves no half-done write (its transaction rolled back on unwind),
    /// so a poisoned lock is safe to take over.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn seal(&self, table: &str, column: &str, row: i64, plain: &[u8]) -> VaultResult<Vec<u8>> {
        let row = row.to_string();
        self.key.seal(
            Aad {
                table,
                column,
                row: &row,
            },
            plain,
        )
    }

    /// Opens a field just read from its row (decrypted in place).
    fn open_field(
        &self,
        table: &str,
        column: &str,
        row: i64,
        sealed: Vec<u8>,
    ) -> VaultResult<zeroize::Zeroizing<Vec<u8>>> {
        let row = row.to_string();
        self.key.open_owned(
            Aad {
                table,
                column,
                row: &row,
            },
            sealed,
        )
    }
}

/// Refuses anything that is not a whole SQLite file before SQLite sees
/// it: an empty file would be taken as a new database and written to, and
/// a truncated one reads as if zero-padded, then gets extended by the next
/// write.
fn check_header(path: &Path) -> VaultResult<()> {
    let corrupt = |what: &str| Err(VaultError::Corrupt(what.to_owned()));
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VaultError::Missing(path.to_owned()));
        }
        Err(e) => return Err(e.into()),
    };
    let mut header = [0u8; 100];
    if file.read_exact(&mut header).is_err() || &header[..16] != SQLITE_HEADER {
        return corrupt("the file is not an SQLite database");
    }
    let len = file.metadata()?.len();
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    // The page count in the header is only meaningful when the "valid
    // for" counter matches the change counter (SQLite's own rule).
    let pages = (word(92) == word(24)).then(|| u64::from(word(28)));
    // With a non-empty WAL (after a crash) the file may legitimately lag
    // behind the header until SQLite replays the WAL; check only without.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_pending = std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0);
    if !wal_pending
        && (page_size < 512
            || len % page_size != 0
            || pages.is_some_and(|p| len < p.saturating_mul(page_size)))
    {
        return corrupt("the file is truncated");
    }
    Ok(())
}

/// Unix seconds now (0 for a clock before 1970).
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
