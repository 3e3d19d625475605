//! OTP account operations: add, get, list, update, delete, HOTP next code,
//! and the codes of every account at a given time.
//!
//! Every write is one `BEGIN IMMEDIATE` transaction: the write lock is
//! taken before anything is read, so a duplicate check or counter read
//! cannot be raced by another process, and the transaction is either
//! wholly in the file or not at all.

use rusqlite::{Transaction, TransactionBehavior};

use super::{
    Vault, VaultError, VaultResult, now, record,
    rows::{ACCOUNTS, SealedRow},
};
use crate::{
    ApiError,
    account::{Account, AccountSummary, NewAccount, StoredAccount},
    otp::{Clock, Code, CounterCode, OtpKind, SystemClock, TimedCode},
};

const TABLE: &str = ACCOUNTS.name;

/// Changes to an account's metadata; `None` leaves a field as it is, and
/// `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountUpdate {
    /// New account name.
    pub name: Option<String>,
    /// New issuer.
    pub issuer: Option<Option<String>>,
    /// New icon.
    pub icon: Option<Option<String>>,
    /// New group.
    pub group: Option<Option<String>>,
    /// New notes.
    pub notes: Option<Option<String>>,
    /// New position in the list.
    pub sort_order: Option<i64>,
    /// New HOTP counter (the next code's): refused for a time-based
    /// account. See also [`Vault::resync_hotp`].
    pub counter: Option<u64>,
}

/// How far a resync looks for two typed codes: this many counters behind
/// the stored one (codes handed out but refused) and ahead of it (codes
/// made on another device, or button presses).
pub const RESYNC_BEHIND: u64 = 100;
/// See [`RESYNC_BEHIND`].
pub const RESYNC_AHEAD: u64 = 10_000;

/// Changes to an account as an app's form sends them: `None` keeps a
/// field, an empty string clears an optional one (a text field emptied).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChanges {
    /// New name.
    pub name: Option<String>,
    /// New issuer.
    pub issuer: Option<String>,
    /// New icon.
    pub icon: Option<String>,
    /// New group.
    pub group: Option<String>,
    /// New notes.
    pub notes: Option<String>,
    /// New position in the list.
    pub sort_order: Option<i64>,
    /// New HOTP counter.
    pub counter: Option<u64>,
}

impl From<AccountChanges> for AccountUpdate {
    fn from(c: AccountChanges) -> Self {
        let clearable = |v: Option<String>| v.map(|s| Some(s).filter(|s| !s.is_empty()));
        AccountUpdate {
            name: c.name,
            issuer: clearable(c.issuer),
            icon: clearable(c.icon),
            group: clearable(c.group),
            notes: clearable(c.notes),
            sort_order: c.sort_order,
            counter: c.counter,
        }
    }
}

/// One account's code at a moment: what `codes` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCode {
    /// Vault id.
    pub id: i64,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// The one-line name to show ([`crate::account::label`]).
    pub label: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// The code for time-based accounts; `None` for HOTP, whose codes are
    /// only handed out by [`Vault::next_hotp_code`].
    pub code: Option<TimedCode>,
}

/// One account of [`Vault::store_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchEntry {
    /// A new account, at the end of the list.
    Add(Account),
    /// Written over the stored account `id` (same id, same place).
    Replace {
        /// The stored account's id.
        id: i64,
        /// What it becomes.
        account: Account,
    },
}

/// Refuses a counter operation (next code, set, resync) on account `id`
/// unless it is HOTP.
fn require_counter(id: i64, kind: OtpKind) -> VaultResult<()> {
    if kind == OtpKind::Hotp {
        return Ok(());
    }
    Err(VaultError::Invalid(format!(
        "account {id} is {}, not hotp: its codes come from the clock, it has no counter",
        kind.as_str()
    )))
}

impl Vault {
    pub(super) fn decrypt_account(&self, mut row: SealedRow) -> VaultResult<StoredAccount> {
        let plain = self.open_field(TABLE, "sealed", row.id, row.take(0))?;
        Ok(StoredAccount {
            id: row.id,
            account: record::decode_account(&plain)?,
            sort_order: row.sort_order,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    fn write_account(&self, tx: &Transaction<'_>, id: i64, a: &Account) -> VaultResult<()> {
        let sealed = self.seal(TABLE, "sealed", id, &record::encode_account(a)?)?;
        ACCOUNTS.reseal(tx, id, vec![sealed])
    }

    /// Adds an account at the end of the list. The same secret, issuer and
    /// name as a stored account gives [`VaultError::Duplicate`] unless
    /// `force`.
    pub fn add_account(&self, account: Account, force: bool) -> VaultResult<StoredAccount> {
        account.otp.validate()?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !force {
            for row in ACCOUNTS.all(&tx)? {
                let stored = self.decrypt_account(row)?;
                if stored.account.same_identity(&account) {
                    return Err(VaultError::Duplicate {
                        existing: stored.id,
                    });
                }
            }
        }
        let (id, sort_order, t) = ACCOUNTS.insert_empty(&tx)?;
        self.write_account(&tx, id, &account)?;
        tx.commit()?;
        Ok(StoredAccount {
            id,
            account,
            sort_order,
            created_at: t,
            updated_at: t,
        })
    }

    /// Stores several accounts in one transaction: each [`BatchEntry`] adds
    /// an account at the end of the list or writes over a stored one
    /// (keeping its id and place). Either all are written or, on any error,
    /// none. No duplicate check: the caller decided (import's preview).
    pub fn store_batch(&self, entries: Vec<BatchEntry>) -> VaultResult<Vec<StoredAccount>> {
        self.store_batch_reporting(entries, &mut |_, _| {})
    }

    /// [`Vault::store_batch`], telling `progress(done, total)` after each
    /// account is written (inside the transaction: a failure after that
    /// still stores none).
    pub fn store_batch_reporting(
        &self,
        entries: Vec<BatchEntry>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> VaultResult<Vec<StoredAccount>> {
        let total = entries.len();
        for e in &entries {
            match e {
                BatchEntry::Add(a) | BatchEntry::Replace { account: a, .. } => a.otp.validate()?,
            }
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut written = Vec::with_capacity(entries.len());
        for e in entries {
            match e {
                BatchEntry::Add(account) => {
                    let (id, sort_order, t) = ACCOUNTS.insert_empty(&tx)?;
                    self.write_account(&tx, id, &account)?;
                    written.push(StoredAccount {
                        id,
                        account,
                        sort_order,
                        created_at: t,
                        updated_at: t,
                    });
                }
                BatchEntry::Replace { id, account } => {
                    let old = self.decrypt_account(ACCOUNTS.one(&tx, id)?)?;
                    self.write_account(&tx, id, &account)?;
                    written.push(StoredAccount { account, ..old });
                }
            }
            progress(written.len(), total);
        }
        tx.commit()?;
        Ok(written)
    }

    /// The account with this id.
    pub fn get_account(&self, id: i64) -> VaultResult<StoredAccount> {
        let row = ACCOUNTS.one(&self.conn(), id)?;
        self.decrypt_account(row)
    }

    /// The account's `otpauth://` link, secret included (for showing it to
    /// the user or moving it elsewhere; callers confirm with the user
    /// first).
    pub fn account_link(&self, id: i64) -> VaultResult<zeroize::Zeroizing<String>> {
        Ok(self.get_account(id)?.account.to_uri().format())
    }

    /// What a list shows of every account (no secrets), in list order,
    /// filtered as [`Vault::list_accounts`].
    pub fn account_summaries(&self, filter: Option<&str>) -> VaultResult<Vec<AccountSummary>> {
        Ok(self
            .list_accounts(filter)?
            .iter()
            .map(StoredAccount::summary)
            .collect())
    }

    /// Adds the account of an `otpauth://` link (see [`Vault::add_account`]
    /// for `force`).
    pub fn add_link(&self, link: &str, force: bool) -> Result<AccountSummary, ApiError> {
        Ok(self
            .add_account(Account::from_link(link)?, force)?
            .summary())
    }

    /// Adds an account typed into a form.
    pub fn add_typed(&self, typed: &NewAccount, force: bool) -> Result<AccountSummary, ApiError> {
        Ok(self
            .add_account(Account::from_new(typed)?, force)?
            .summary())
    }

    /// The account's link, secret included, once the person confirmed
    /// ([`PresenceAction::ShowSecret`](super::PresenceAction)).
    pub async fn reveal_link(&self, id: i64) -> Result<zeroize::Zeroizing<String>, ApiError> {
        self.confirm_presence(super::PresenceAction::ShowSecret)
            .await?;
        Ok(self.account_link(id)?)
    }

    /// Every account in list order (sort order, then id), keeping only
    /// those whose issuer, name or group contains `filter` (any case).
    pub fn list_accounts(&self, filter: Option<&str>) -> VaultResult<Vec<StoredAccount>> {
        let rows = { ACCOUNTS.all(&self.conn())? };
        let filter = filter.map(str::trim).filter(|f| !f.is_empty());
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let stored = self.decrypt_account(row)?;
            if filter.is_none_or(|f| stored.account.matches(f)) {
                out.push(stored);
            }
        }
        Ok(out)
    }

    /// Changes an account's metadata (not its secret or settings).
    pub fn update_account(&self, id: i64, update: AccountUpdate) -> VaultResult<StoredAccount> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = self.read_in(&tx, id)?;
        let a = &mut stored.account;
        if let Some(name) = update.name {
            a.name = name;
        }
        if let Some(issuer) = update.issuer {
            a.issuer = issuer.filter(|i| !i.is_empty());
        }
        if let Some(icon) = update.icon {
            a.icon = icon;
        }
        if let Some(group) = update.group {
            a.group = group;
        }
        if let Some(notes) = update.notes {
            a.notes = notes;
        }
        if let Some(counter) = update.counter {
            require_counter(id, a.otp.kind)?;
            a.otp.counter = counter;
        }
        self.write_account(&tx, id, &stored.account)?;
        if let Some(order) = update.sort_order {
            ACCOUNTS.set_sort_order(&tx, id, order)?;
            stored.sort_order = order;
        }
        stored.updated_at = now();
        tx.commit()?;
        Ok(stored)
    }

    /// The next HOTP code. The incremented counter is committed (and
    /// fsynced) before the code is returned, so no crash can hand out the
    /// same counter twice.
    pub fn next_hotp_code(&self, id: i64) -> VaultResult<CounterCode> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = self.read_in(&tx, id)?;
        let otp = &mut stored.account.otp;
        require_counter(id, otp.kind)?;
        let counter = otp.counter;
        otp.counter = counter.checked_add(1).ok_or_else(|| {
            VaultError::Invalid(format!("the counter of account {id} is exhausted"))
        })?;
        self.write_account(&tx, id, &stored.account)?;
        tx.commit()?;
        Ok(CounterCode {
            code: stored.account.otp.code_for_counter(counter),
            counter,
        })
    }

    /// Finds two consecutive codes the person read from the account's
    /// token (or the server accepted) within [`RESYNC_BEHIND`] counters
    /// behind and [`RESYNC_AHEAD`] ahead of the stored one, and sets the
    /// counter just past them: what Aegis and 2FAS call "resync". Returns
    /// the new counter. Two codes, not one, so a chance match (one in a
    /// million for six digits, a hundred times in the window) is not taken.
    pub fn resync_hotp(&self, id: i64, first: &str, second: &str) -> VaultResult<u64> {
        let (first, second) = (first.trim(), second.trim());
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = self.read_in(&tx, id)?;
        let otp = &mut stored.account.otp;
        require_counter(id, otp.kind)?;
        let start = otp.counter.saturating_sub(RESYNC_BEHIND);
        let end = otp.counter.saturating_add(RESYNC_AHEAD);
        let generator = otp.generator();
        let found = (start..end).find(|&c| {
            generator.code_for_counter(c) == first
                && generator.code_for_counter(c.saturating_add(1)) == second
        });
        let Some(at) = found else {
            return Err(VaultError::Invalid(format!(
                "these two codes do not follow each other within {RESYNC_BEHIND} counters behind and {RESYNC_AHEAD} ahead of account {id}'s counter: check them and type two consecutive codes"
            )));
        };
        otp.counter = at.saturating_add(2);
        let counter = otp.counter;
        self.write_account(&tx, id, &stored.account)?;
        tx.commit()?;
        Ok(counter)
    }

    /// Codes of every account now: the system clock corrected by the
    /// stored clock offset ([`Vault::clock_offset_ms`]), in list order. The
    /// one place "now" is decided for codes: the CLI and the phones both
    /// call this rather than adding the offset themselves.
    pub fn codes_now(&self, filter: Option<&str>) -> VaultResult<Vec<AccountCode>> {
        let now = SystemClock
            .now_unix_ms()
            .saturating_add(self.clock_offset_ms()?);
        self.codes_at(now, filter)
    }

    /// Codes of every account at `unix_ms` (a corrected time: see
    /// [`Vault::codes_now`]), in list order.
    pub fn codes_at(&self, unix_ms: i64, filter: Option<&str>) -> VaultResult<Vec<AccountCode>> {
        self.list_accounts(filter)?
            .into_iter()
            .map(|s| {
                let a = s.account;
                let code = match a.otp.code_at(unix_ms)? {
                    Code::Timed(t) => Some(t),
                    Code::Counter(_) => None,
                };
                Ok(AccountCode {
                    id: s.id,
                    label: a.label(),
                    issuer: a.issuer,
                    name: a.name,
                    kind: a.otp.kind,
                    code,
                })
            })
            .collect()
    }

    fn read_in(&self, tx: &Transaction<'_>, id: i64) -> VaultResult<StoredAccount> {
        let row = ACCOUNTS.one(tx, id)?;
        self.decrypt_account(row)
    }
}
