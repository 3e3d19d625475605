//! What a backup holds, as bytes: the plaintext that `file.rs` encrypts.
//!
//! Layout (all integers big-endian): `"WWBC"`, version (u8, 1), clock
//! offset in ms (i64), account count (u32) then per account its length
//! (u32) and the vault's own account encoding (`vault::record`: every
//! field: secret and generator settings, issuer, name, icon, group, notes,
//! provenance, link extras, exportable; HOTP counters included), in list
//! order; then the count (u32) of push accounts to enrol again and per
//! account its label and provider (length-prefixed UTF-8). Push accounts
//! carry no key: a server-provisioned key never leaves the device.

use zeroize::Zeroizing;

use super::BackupError;
use crate::{
    ApiError,
    account::Account,
    push::vault_store::push_account_summaries,
    vault::{
        Vault,
        record::{decode_account, encode_account},
    },
};

const MAGIC: &[u8; 4] = b"WWBC";
const VERSION: u8 = 1;
/// More accounts than any person has: a bound for hostile files.
const MAX_ACCOUNTS: u32 = 100_000;

/// Everything a backup restores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackupContents {
    /// Every OTP account, in list order. Accounts marked not exportable
    /// (provisioned by an organisation) are left out and listed in
    /// `reenrol` instead.
    pub accounts: Vec<Account>,
    /// The clock correction learned from servers, in ms.
    pub clock_offset_ms: i64,
    /// Accounts that must be enrolled again on the new phone (push
    /// accounts; accounts whose issuer forbids export): their labels and
    /// why.
    pub reenrol: Vec<(String, String)>,
}

impl BackupContents {
    /// What `vault` holds now.
    pub fn of_vault(vault: &Vault) -> Result<Self, ApiError> {
        let mut accounts = Vec::new();
        let mut reenrol = Vec::new();
        for s in vault.list_accounts(None)? {
            if s.account.exportable {
                accounts.push(s.account);
            } else {
                reenrol.push((
                    s.account.label(),
                    "provisioned not to leave this device: enrol it again on the new phone"
                        .to_owned(),
                ));
            }
        }
        for p in push_account_summaries(vault, None)? {
            reenrol.push((
                p.label,
                format!(
                    "a {} push account: its key stays on this phone; enrol it again on the new one",
                    p.provider
                ),
            ));
        }
        Ok(BackupContents {
            accounts,
            clock_offset_ms: vault.clock_offset_ms()?,
            reenrol,
        })
    }

    /// The plaintext bytes.
    pub(super) fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, BackupError> {
        let mut out = Zeroizing::new(Vec::with_capacity(64 + 160 * self.accounts.len()));
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.clock_offset_ms.to_be_bytes());
        put_len(&mut out, self.accounts.len())?;
        for a in &self.accounts {
            let encoded = encode_account(a).map_err(|e| BackupError::Write(e.to_string()))?;
            put_len(&mut out, encoded.len())?;
            out.extend_from_slice(&encoded);
        }
        put_len(&mut out, self.reenrol.len())?;
        for (label, why) in &self.reenrol {
            for s in [label, why] {
                put_len(&mut out, s.len())?;
                out.extend_from_slice(s.as_bytes());
            }
        }
        Ok(out)
    }

    /// Reads what [`Self::to_bytes`] wrote.
    pub(super) fn from_bytes(bytes: &[u8]) -> Result<Self, BackupError> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(damaged("its contents are not a Watchword backup's"));
        }
        let version = r.take(1)?.first().copied().unwrap_or(0);
        if version != VERSION {
            return Err(BackupError::TooNew(u32::from(version)));
        }
        let clock_offset_ms = i64::from_be_bytes(array(r.take(8)?)?);
        let n = r.count()?;
        let mut accounts = Vec::with_capacity(n.min(1024));
        for i in 0..n {
            let len = r.len()?;
            let account = decode_account(r.take(len)?)
                .map_err(|e| damaged(&format!("account {}: {e}", i + 1)))?;
            accounts.push(account);
        }
        let n = r.count()?;
        let mut reenrol = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let label = r.string()?;
            let why = r.string()?;
            reenrol.push((label, why));
        }
        if !r.0.is_empty() {
            return Err(damaged("bytes after the end of the contents"));
        }
        Ok(BackupContents {
            accounts,
            clock_offset_ms,
            reenrol,
        })
    }
}

fn damaged(why: &str) -> BackupError {
    BackupError::Damaged(why.to_owned())
}

fn put_len(out: &mut Vec<u8>, len: usize) -> Result<(), BackupError> {
    let len = u32::try_from(len).map_err(|_| BackupError::Write("a field is too long".into()))?;
    out.extend_from_slice(&len.to_be_bytes());
    Ok(())
}

fn array<const N: usize>(b: &[u8]) -> Result<[u8; N], BackupError> {
    b.try_into().map_err(|_| damaged("truncated"))
}

/// A cursor that never reads past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BackupError> {
        if n > self.0.len() {
            return Err(damaged("the contents end too early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn len(&mut self) -> Result<usize, BackupError> {
        let n = u32::from_be_bytes(array(self.take(4)?)?);
        usize::try_from(n).map_err(|_| damaged("a length does not fit"))
    }

    fn count(&mut self) -> Result<usize, BackupError> {
        let n = self.len()?;
        if n > MAX_ACCOUNTS as usize {
            return Err(damaged("more entries than any backup holds"));
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, BackupError> {
        let len = self.len()?;
        String::from_utf8(self.take(len)?.to_vec()).map_err(|_| damaged("a name is not UTF-8"))
    }
}

/// proptest strategy for backup contents, shared with `file.rs`.
#[cfg(test)]
pub(super) fn arbitrary_contents() -> impl proptest::strategy::Strategy<Value = BackupContents> {
    use proptest::{collection::vec, prelude::*};

    use crate::account::strategies::{any_account, text};
    (
        vec(any_account(), 0..8),
        any::<i64>(),
        vec((text(), text()), 0..3),
    )
        .prop_map(|(accounts, clock_offset_ms, reenrol)| BackupContents {
            accounts,
            clock_offset_ms,
            reenrol,
        })
}

#[cfg(test)]
mod tests {
    use proptest::{prelude::*, sample::Index};

    use super::*;
    use crate::otp::OtpAuthUri;

    #[test]
    fn contents_round_trip_and_truncations_are_damage() {
        let uri =
            OtpAuthUri::parse("otpauth://hotp/ACME:jo?secret=JBSWY3DPEHPK3PXP&counter=7").unwrap();
        let mut a = Account::from_uri(&uri, crate::account::Provenance::Qr);
        a.group = Some("Work".into());
        a.notes = Some("desk drawer".into());
        let c = BackupContents {
            accounts: vec![a],
            clock_offset_ms: -1234,
            reenrol: vec![("Corp (jo)".into(), "push".into())],
        };
        let bytes = c.to_bytes().unwrap();
        assert_eq!(BackupContents::from_bytes(&bytes).unwrap(), c);
        for cut in 0..bytes.len() {
            assert!(matches!(
                BackupContents::from_bytes(&bytes[..cut]),
                Err(BackupError::Damaged(_) | BackupError::TooNew(_))
            ));
        }
    }

    proptest! {
        /// Any contents (0 to 8 accounts with every field any value, any
        /// clock offset, any accounts to enrol again) → bytes → the same
        /// contents; any cut of the bytes is damage, never a panic.
        #[test]
        fn any_contents_round_trip(c in arbitrary_contents(), cut in any::<Index>()) {
            let bytes = c.to_bytes().unwrap();
            prop_assert_eq!(&BackupContents::from_bytes(&bytes).unwrap(), &c);
            let r = BackupContents::from_bytes(&bytes[..cut.index(bytes.len())]);
            prop_assert!(matches!(r, Err(BackupError::Damaged(_))), "{:?}", r);
        }
    }
}
