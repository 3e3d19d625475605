//! The encrypted vault and its accounts, as one object a shell keeps open.

use std::{path::Path, sync::Arc};

use watchword_core::{
    ApiError,
    account::{Account, StoredAccount},
    clock_sync,
    enrol::vault_export,
    otp::{OtpKind, SystemClock, TypedSettings},
    vault::{self, AccountCode, AccountUpdate, PresenceAction},
};

use crate::{
    OtpCode,
    http::{ForeignHttp, HttpTransport},
    shell::{BiometricGate, ForeignGate, ForeignKeys, KeyProvider},
};

/// TOTP, HOTP or Steam Guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OtpType {
    /// Time-based (RFC 6238).
    Totp,
    /// Counter-based (RFC 4226).
    Hotp,
    /// Steam Guard (5 characters).
    Steam,
}

impl From<OtpKind> for OtpType {
    fn from(k: OtpKind) -> Self {
        match k {
            OtpKind::Totp => Self::Totp,
            OtpKind::Hotp => Self::Hotp,
            OtpKind::Steam => Self::Steam,
        }
    }
}

/// An account as a list shows it: everything but the secret.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AccountInfo {
    /// Vault id.
    pub id: i64,
    /// TOTP, HOTP or Steam.
    pub kind: OtpType,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// The one-line name to show: `ACME (alice)`, or `alice`.
    pub label: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// Code length.
    pub digits: u8,
    /// Seconds per code (TOTP/Steam).
    pub period: Option<u32>,
    /// Next HOTP counter.
    pub counter: Option<u64>,
    /// Icon name or URL.
    pub icon: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Position in the list.
    pub sort_order: i64,
}

impl From<StoredAccount> for AccountInfo {
    fn from(s: StoredAccount) -> Self {
        let m = s.summary();
        Self {
            id: m.id,
            kind: m.kind.into(),
            label: s.account.label(),
            issuer: m.issuer,
            name: m.name,
            algorithm: m.algorithm.to_string(),
            digits: m.digits,
            period: m.period,
            counter: m.counter,
            icon: m.icon,
            group: m.group,
            notes: m.notes,
            sort_order: m.sort_order,
        }
    }
}

/// An account typed by hand. Debug leaves out the secret.
#[derive(Clone, uniffi::Record)]
pub struct NewAccount {
    /// The base32 secret.
    pub secret: String,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpType,
    /// Code length (default 6).
    pub digits: Option<u8>,
    /// Seconds per code (default 30).
    pub period: Option<u32>,
    /// `SHA1` (default), `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// First HOTP counter (default 0).
    pub counter: Option<u64>,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl From<OtpType> for OtpKind {
    fn from(t: OtpType) -> Self {
        match t {
            OtpType::Totp => Self::Totp,
            OtpType::Hotp => Self::Hotp,
            OtpType::Steam => Self::Steam,
        }
    }
}

impl NewAccount {
    fn settings(&self) -> TypedSettings {
        TypedSettings {
            digits: self.digits,
            period: self.period,
            algorithm: self.algorithm.clone(),
            counter: self.counter,
        }
    }
}

/// Changes to an account; `None` keeps a field, an empty string clears an
/// optional one.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct AccountChanges {
    /// New name.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// New issuer.
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    /// New icon.
    #[uniffi(default = None)]
    pub icon: Option<String>,
    /// New group.
    #[uniffi(default = None)]
    pub group: Option<String>,
    /// New notes.
    #[uniffi(default = None)]
    pub notes: Option<String>,
    /// New position in the list.
    #[uniffi(default = None)]
    pub sort_order: Option<i64>,
}

fn clearable(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| Some(s).filter(|s| !s.is_empty()))
}

impl From<AccountChanges> for AccountUpdate {
    fn from(c: AccountChanges) -> Self {
        Self {
            name: c.name,
            issuer: clearable(c.issuer),
            icon: clearable(c.icon),
            group: clearable(c.group),
            notes: clearable(c.notes),
            sort_order: c.sort_order,
        }
    }
}

/// One account's current code (no code for HOTP: use `next_hotp`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct AccountCodeInfo {
    /// Vault id.
    pub id: i64,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// The one-line name to show: `ACME (alice)`, or `alice`.
    pub label: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpType,
    /// The code with `valid_for`, for time-based accounts.
    pub code: Option<OtpCode>,
}

impl From<AccountCode> for AccountCodeInfo {
    fn from(c: AccountCode) -> Self {
        Self {
            label: c.label(),
            id: c.id,
            issuer: c.issuer,
            name: c.name,
            kind: c.kind.into(),
            code: c.code.map(OtpCode::from),
        }
    }
}

/// An account left out of an export, and why.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SkippedAccount {
    /// Vault id.
    pub id: i64,
    /// Why it was left out.
    pub reason: String,
}

/// The vault as Google Authenticator export links. Holds secrets: show
/// it, then drop it.
#[derive(Clone, uniffi::Record)]
pub struct GoogleExport {
    /// `otpauth-migration://offline?data=...` links.
    pub links: Vec<String>,
    /// One PNG QR image per link (empty unless asked for).
    pub pngs: Vec<Vec<u8>>,
    /// Accounts not exported.
    pub skipped: Vec<SkippedAccount>,
}

impl std::fmt::Debug for GoogleExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleExport")
            .field("links", &self.links.len())
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

impl From<vault_export::VaultGoogleExport> for GoogleExport {
    fn from(e: vault_export::VaultGoogleExport) -> Self {
        Self {
            links: e.links.iter().map(|l| l.to_string()).collect(),
            pngs: e.pngs.iter().map(|p| p.to_vec()).collect(),
            skipped: e
                .skipped
                .into_iter()
                .map(|s| SkippedAccount {
                    id: s.id,
                    reason: s.reason,
                })
                .collect(),
        }
    }
}

fn codes(list: Vec<AccountCode>) -> Vec<AccountCodeInfo> {
    list.into_iter().map(AccountCodeInfo::from).collect()
}

fn infos(list: Vec<StoredAccount>) -> Vec<AccountInfo> {
    list.into_iter().map(AccountInfo::from).collect()
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

    /// Every account, in list order; `filter` matches issuer or name.
    pub fn list(&self, filter: Option<String>) -> Result<Vec<AccountInfo>, ApiError> {
        Ok(infos(self.inner.list_accounts(filter.as_deref())?))
    }

    /// Adds the account of an `otpauth://` link.
    pub fn add_link(&self, link: String, force: bool) -> Result<AccountInfo, ApiError> {
        self.add(Account::from_link(&link)?, force)
    }

    /// Adds an account typed by hand.
    pub fn add_fields(&self, account: NewAccount, force: bool) -> Result<AccountInfo, ApiError> {
        let settings = account.settings();
        self.add(
            Account::from_typed(
                account.issuer,
                account.name,
                account.kind.into(),
                &account.secret,
                &settings,
            )?,
            force,
        )
    }

    /// Changes an account's metadata.
    pub fn update(&self, id: i64, changes: AccountChanges) -> Result<AccountInfo, ApiError> {
        Ok(self.inner.update_account(id, changes.into())?.into())
    }

    /// Deletes an account.
    pub fn delete(&self, id: i64) -> Result<(), ApiError> {
        Ok(self.inner.delete_account(id)?)
    }

    /// Every account's code now (system clock plus the offset), in one
    /// call, with `valid_for`.
    pub fn codes(&self) -> Result<Vec<AccountCodeInfo>, ApiError> {
        Ok(codes(self.inner.codes_now(None)?))
    }

    /// Every account's code at `unix_ms`.
    pub fn codes_at(&self, unix_ms: i64) -> Result<Vec<AccountCodeInfo>, ApiError> {
        Ok(codes(self.inner.codes_at(unix_ms, None)?))
    }

    /// Hands out the next HOTP code and advances the stored counter.
    pub fn next_hotp(&self, id: i64) -> Result<OtpCode, ApiError> {
        Ok(watchword_core::otp::Code::Counter(self.inner.next_hotp_code(id)?).into())
    }

    /// Sets the correction added to the system clock for codes, ms, and
    /// stores it in the vault (a wrong phone clock stays corrected after a
    /// restart; `watchword clock` reads the same value).
    pub fn set_clock_offset_ms(&self, offset_ms: i64) -> Result<(), ApiError> {
        self.inner.set_clock_offset_ms(offset_ms)?;
        Ok(())
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

/// A clock correction learned from a server.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClockSyncInfo {
    /// The correction now stored and used for codes, ms.
    pub offset_ms: i64,
    /// How far off the estimate may be, ms.
    pub uncertainty_ms: i64,
}

impl From<clock_sync::ClockSync> for ClockSyncInfo {
    fn from(s: clock_sync::ClockSync) -> Self {
        Self {
            offset_ms: s.offset_ms,
            uncertainty_ms: s.uncertainty_ms,
        }
    }
}

// Network calls and the presence check need UniFFI's tokio runtime (their
// timeouts run on it).
#[uniffi::export(async_runtime = "tokio")]
impl Vault {
    /// The account's `otpauth://` link, secret included: awaits the
    /// biometric gate first; a no is `Cancelled`.
    pub async fn reveal_link(&self, id: i64) -> Result<String, ApiError> {
        self.inner
            .confirm_presence(PresenceAction::ShowSecret)
            .await?;
        // EXPOSE: the user confirmed; the link leaves for display.
        Ok(self.inner.account_link(id)?.to_string())
    }

    /// Every account as Google Authenticator export links (ten accounts a
    /// link), with one PNG QR image per link when `with_png` (what
    /// `watchword export --google --png` writes). Awaits the biometric
    /// gate first; a no is `Cancelled`.
    pub async fn export_google(&self, with_png: bool) -> Result<GoogleExport, ApiError> {
        self.inner
            .confirm_presence(PresenceAction::ExportSecrets)
            .await?;
        // EXPOSE: the user confirmed; the links and images leave to be shown.
        Ok(vault_export::export_vault_google(&self.inner, with_png)?.into())
    }

    /// Learns the clock correction from `url`'s `Date` header (https, or
    /// http to this device) fetched with `http`, stores it and uses it for
    /// codes from now on.
    pub async fn sync_clock(
        &self,
        url: String,
        http: Arc<dyn HttpTransport>,
    ) -> Result<ClockSyncInfo, ApiError> {
        let sync = clock_sync::sync_vault_clock_over(
            ForeignHttp::core(http),
            &self.inner,
            &url,
            &SystemClock,
        )
        .await?;
        Ok(sync.into())
    }
}

impl Vault {
    fn add(&self, account: Account, force: bool) -> Result<AccountInfo, ApiError> {
        Ok(self.inner.add_account(account, force)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_account_never_prints_its_secret() {
        let n = NewAccount {
            secret: "JBSWY3DPEHPK3PXP".into(),
            issuer: Some("ACME".into()),
            name: "alice".into(),
            kind: OtpType::Totp,
            digits: None,
            period: None,
            algorithm: None,
            counter: None,
        };
        let shown = format!("{n:?}");
        assert!(
            shown.contains("alice") && !shown.contains("JBSWY3DP"),
            "{shown}"
        );
        let settings = n.settings();
        assert!(Account::from_typed(n.issuer, n.name, n.kind.into(), &n.secret, &settings).is_ok());
    }
}
