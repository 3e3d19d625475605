//! The encrypted vault and its accounts, as one object a shell keeps open.

use std::{path::Path, sync::Arc};

use crate::{
    http::{ForeignHttp, HttpTransport},
    secret::{SecretBytes, SecretText},
    shell::{BiometricGate, ForeignGate, ForeignKeys, KeyProvider},
};
use watchword_core::{
    ApiError,
    account::{AccountSummary, NewAccount, Provenance},
    clock_sync::{self, ClockSync},
    enrol::vault_export::{self, SkippedAccount, VaultGoogleExport},
    listing::{self, ListedAccount},
    otp::{Algorithm, CounterCode, OtpKind, SystemClock, TimedCode},
    push::{self, Provider, PushAccountSummary, PushRemoval},
    vault::{self, AccountChanges, AccountCode, TrashedAccount},
};

// The records and enums below are the core's own types, exported as they
// are: each declaration names the core type's fields for UniFFI's
// scaffolding, is checked against it when this crate compiles, and converts
// nothing (see `error.rs` for why they are declared here).

/// TOTP, HOTP or Steam Guard.
#[uniffi::remote(Enum)]
pub enum OtpKind {
    Totp,
    Hotp,
    Steam,
}

/// The HMAC hash an account uses.
#[uniffi::remote(Enum)]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

/// Where an account came from.
#[uniffi::remote(Enum)]
pub enum Provenance {
    Qr,
    Manual,
    Import { format: String },
    Server,
}

/// An account as a list shows it: everything but the secret.
#[uniffi::remote(Record)]
pub struct AccountSummary {
    pub id: i64,
    pub kind: OtpKind,
    pub issuer: Option<String>,
    pub name: String,
    pub label: String,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: Option<u32>,
    pub counter: Option<u64>,
    pub icon: Option<String>,
    pub group: Option<String>,
    pub notes: Option<String>,
    pub provenance: Provenance,
    pub exportable: bool,
    pub sort_order: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An account typed into a form (`Debug` leaves out the secret; it is
/// wiped on the Rust side when dropped).
#[uniffi::remote(Record)]
pub struct NewAccount {
    pub secret: SecretText,
    pub issuer: Option<String>,
    pub name: String,
    pub kind: OtpKind,
    #[uniffi(default = None)]
    pub digits: Option<u8>,
    #[uniffi(default = None)]
    pub period: Option<u32>,
    #[uniffi(default = None)]
    pub algorithm: Option<Algorithm>,
    #[uniffi(default = None)]
    pub counter: Option<u64>,
}

/// Changes to an account; `None` keeps a field, an empty string clears an
/// optional one.
#[uniffi::remote(Record)]
pub struct AccountChanges {
    #[uniffi(default = None)]
    pub name: Option<String>,
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    #[uniffi(default = None)]
    pub icon: Option<String>,
    #[uniffi(default = None)]
    pub group: Option<String>,
    #[uniffi(default = None)]
    pub notes: Option<String>,
    #[uniffi(default = None)]
    pub sort_order: Option<i64>,
    #[uniffi(default = None)]
    pub counter: Option<u64>,
}

/// One account's current code (none for HOTP: use `next_hotp`).
#[uniffi::remote(Record)]
pub struct AccountCode {
    pub id: i64,
    pub issuer: Option<String>,
    pub name: String,
    pub label: String,
    pub kind: OtpKind,
    pub code: Option<TimedCode>,
}

/// A push account as a list shows it: no keys.
#[uniffi::remote(Record)]
pub struct PushAccountSummary {
    pub id: i64,
    pub provider: Provider,
    pub issuer: Option<String>,
    pub name: String,
    pub label: String,
    pub server: String,
    pub device_id: String,
    pub sort_order: i64,
    pub created_at: i64,
}

/// One entry of the one account list: a code account or a push account.
#[uniffi::remote(Enum)]
pub enum ListedAccount {
    Otp { account: AccountSummary },
    Push { account: PushAccountSummary },
}

/// What removing a push account did, and what is left to do (`note`).
#[uniffi::remote(Record)]
pub struct PushRemoval {
    pub account: PushAccountSummary,
    pub server_told: bool,
    pub note: String,
}

/// A deleted account that can still be restored (no secret).
#[uniffi::remote(Record)]
pub struct TrashedAccount {
    pub id: i64,
    pub label: String,
    pub kind: OtpKind,
    pub deleted_at: i64,
}

/// An account left out of an export, and why.
#[uniffi::remote(Record)]
pub struct SkippedAccount {
    pub id: i64,
    pub reason: String,
}

/// The vault as Google Authenticator export links. Holds secrets: show
/// it, then drop it.
#[uniffi::remote(Record)]
pub struct VaultGoogleExport {
    pub links: Vec<SecretText>,
    pub pngs: Vec<SecretBytes>,
    pub skipped: Vec<SkippedAccount>,
}

/// A clock correction learned from a server.
#[uniffi::remote(Record)]
pub struct ClockSync {
    pub offset_ms: i64,
    pub uncertainty_ms: i64,
}

/// An open vault: `Vault.create(path, keys)` or `Vault.open(path, keys)`.
/// Thread-safe; close it by dropping it (`use {}` in Kotlin).
#[derive(uniffi::Object)]
pub struct Vault {
    pub(crate) inner: Arc<vault::Vault>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").finish_non_exhaustive()
    }
}

impl Vault {
    /// Holds an opened vault.
    fn wrap(inner: vault::Vault) -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::new(inner),
        })
    }
}

#[uniffi::export]
impl Vault {
    /// Creates a new vault file at `path`; `keys` wraps its data key.
    #[uniffi::constructor]
    pub fn create(path: String, keys: Arc<dyn KeyProvider>) -> Result<Arc<Self>, ApiError> {
        Ok(Self::wrap(vault::Vault::create(
            Path::new(&path),
            &ForeignKeys(keys),
        )?))
    }

    /// Opens the vault at `path`; a key that does not fit gives `WrongKey`.
    #[uniffi::constructor]
    pub fn open(path: String, keys: Arc<dyn KeyProvider>) -> Result<Arc<Self>, ApiError> {
        Ok(Self::wrap(vault::Vault::open(
            Path::new(&path),
            &ForeignKeys(keys),
        )?))
    }

    /// The gate asked before a secret is shown or exported and before a
    /// sign-in is approved (`None` removes it). When and how it is asked
    /// is the core's rule: a no, a throw or no answer within 60 s refuses
    /// with `Cancelled`.
    pub fn set_biometric_gate(&self, gate: Option<Arc<dyn BiometricGate>>) {
        self.inner
            .set_presence_check(gate.map(|g| Arc::new(ForeignGate(g)) as _));
    }

    /// Requires the gate from now on, also after a restart: without one,
    /// showing or exporting secrets and approving sign-ins are refused
    /// (`Cancelled`). The phone shells turn this on.
    pub fn set_presence_required(&self, required: bool) -> Result<(), ApiError> {
        Ok(self.inner.set_presence_required(required)?)
    }

    /// Whether the gate is required (see `set_presence_required`).
    pub fn presence_required(&self) -> Result<bool, ApiError> {
        Ok(self.inner.presence_required()?)
    }

    /// Whether the app lock is on (`unlock_app` asks the gate when it is).
    pub fn app_lock(&self) -> Result<bool, ApiError> {
        Ok(self.inner.app_lock()?)
    }

    /// Every account, in list order; `filter` matches issuer or name.
    pub fn list(&self, filter: Option<String>) -> Result<Vec<AccountSummary>, ApiError> {
        Ok(self.inner.account_summaries(filter.as_deref())?)
    }

    /// Every account, code or push, in one list (code accounts first);
    /// `filter` matches their names.
    pub fn list_all(&self, filter: Option<String>) -> Result<Vec<ListedAccount>, ApiError> {
        listing::list_all(&self.inner, filter.as_deref())
    }

    /// Renames push account `id` (`issuer` "" removes it).
    pub fn rename_push(
        &self,
        id: i64,
        name: Option<String>,
        issuer: Option<String>,
    ) -> Result<PushAccountSummary, ApiError> {
        push::rename_push_account(&self.inner, id, name, issuer)
    }

    /// Removes push account `id` from this device; `note` says who can
    /// remove the device on the server.
    pub fn remove_push(&self, id: i64) -> Result<PushRemoval, ApiError> {
        push::remove_push_account(&self.inner, id)
    }

    /// Adds the account of an `otpauth://` link.
    pub fn add_link(&self, link: String, force: bool) -> Result<AccountSummary, ApiError> {
        self.inner.add_link(&link, force)
    }

    /// Adds an account typed by hand.
    pub fn add_fields(&self, account: NewAccount, force: bool) -> Result<AccountSummary, ApiError> {
        self.inner.add_typed(&account, force)
    }

    /// Changes an account's metadata.
    pub fn update(&self, id: i64, changes: AccountChanges) -> Result<AccountSummary, ApiError> {
        Ok(self.inner.update_account(id, changes.into())?.summary())
    }

    /// The deleted accounts that can still be restored (7 days), newest
    /// first.
    pub fn trash(&self) -> Result<Vec<TrashedAccount>, ApiError> {
        Ok(self.inner.trash()?)
    }

    /// Brings deleted account `id` back (a new id, at the end of the list):
    /// the "Undo" after a delete.
    pub fn restore(&self, id: i64) -> Result<AccountSummary, ApiError> {
        Ok(self.inner.restore_account(id)?)
    }

    /// Deletes every account in the trash for good.
    pub fn empty_trash(&self) -> Result<(), ApiError> {
        Ok(self.inner.empty_trash()?)
    }

    /// Every account's code now (system clock plus the offset), in one
    /// call, with `valid_for`.
    pub fn codes(&self) -> Result<Vec<AccountCode>, ApiError> {
        Ok(self.inner.codes_now(None)?)
    }

    /// The codes now of the accounts whose issuer, name or group contains
    /// `filter` (any case): the search field of a code list.
    pub fn codes_matching(&self, filter: Option<String>) -> Result<Vec<AccountCode>, ApiError> {
        Ok(self.inner.codes_now(filter.as_deref())?)
    }

    /// Every account's code at `unix_ms`.
    pub fn codes_at(&self, unix_ms: i64) -> Result<Vec<AccountCode>, ApiError> {
        Ok(self.inner.codes_at(unix_ms, None)?)
    }

    /// Puts an HOTP account's counter back in step from two consecutive
    /// codes its token shows (searched from 100 behind to 10,000 ahead);
    /// returns the new counter.
    pub fn resync_hotp(&self, id: i64, first: String, second: String) -> Result<u64, ApiError> {
        Ok(self.inner.resync_hotp(id, &first, &second)?)
    }

    /// Hands out the next HOTP code and advances the stored counter.
    pub fn next_hotp(&self, id: i64) -> Result<CounterCode, ApiError> {
        Ok(self.inner.next_hotp_code(id)?)
    }

    /// Sets the correction added to the system clock for codes, ms, and
    /// stores it in the vault (a wrong phone clock stays corrected after a
    /// restart; `watchword clock` reads the same value).
    pub fn set_clock_offset_ms(&self, offset_ms: i64) -> Result<(), ApiError> {
        Ok(self.inner.set_clock_offset_ms(offset_ms)?)
    }

    /// Re-wraps the vault's data key with `keys` (a new Keystore/Keychain
    /// key); the accounts are not re-encrypted. Open it with `keys` after.
    pub fn change_keys(&self, keys: Arc<dyn KeyProvider>) -> Result<(), ApiError> {
        Ok(self.inner.change_key(&ForeignKeys(keys))?)
    }

    /// The current clock correction, ms (stored in the vault).
    pub fn clock_offset_ms(&self) -> Result<i64, ApiError> {
        Ok(self.inner.clock_offset_ms()?)
    }
}

// Network calls and the presence check need UniFFI's tokio runtime (their
// timeouts run on it).
#[uniffi::export(async_runtime = "tokio")]
impl Vault {
    /// The account's `otpauth://` link, secret included: awaits the
    /// biometric gate first; a no is `Cancelled`.
    pub async fn reveal_link(&self, id: i64) -> Result<SecretText, ApiError> {
        // EXPOSE: the core asks for the user's confirmation first; the link
        // leaves for display.
        self.inner.reveal_link(id).await
    }

    /// Call when the app comes to the front, before showing anything:
    /// with the app lock on it awaits the biometric gate (a no, or no gate,
    /// is `Cancelled`); with it off it returns at once.
    pub async fn unlock_app(&self) -> Result<(), ApiError> {
        self.inner.unlock_app().await
    }

    /// Turns the app lock on or off, after the biometric gate (required,
    /// even when `presence_required` is off); a no is `Cancelled` and
    /// changes nothing.
    pub async fn set_app_lock(&self, on: bool) -> Result<(), ApiError> {
        self.inner.set_app_lock(on).await
    }

    /// Deletes an account (to the trash: `restore` undoes it), after the
    /// biometric gate; a no is `Cancelled`.
    pub async fn delete(&self, id: i64) -> Result<(), ApiError> {
        self.inner.delete_in_person(id).await
    }

    /// Every account as Google Authenticator export links (ten accounts a
    /// link), with one PNG QR image per link when `with_png` (what
    /// `watchword export --google --png` writes). Awaits the biometric
    /// gate first; a no is `Cancelled`.
    pub async fn export_google(&self, with_png: bool) -> Result<VaultGoogleExport, ApiError> {
        // EXPOSE: the core asks for the user's confirmation first; the links
        // and images leave to be shown.
        vault_export::export_vault_google_confirmed(&self.inner, with_png).await
    }

    /// Learns the clock correction from `url`'s `Date` header (https, or
    /// http to this device) fetched with `http`, stores it and uses it for
    /// codes from now on.
    pub async fn sync_clock(
        &self,
        url: String,
        http: Arc<dyn HttpTransport>,
    ) -> Result<ClockSync, ApiError> {
        Ok(clock_sync::sync_vault_clock_over(
            ForeignHttp::core(http),
            &self.inner,
            &url,
            &SystemClock,
        )
        .await?)
    }
}
