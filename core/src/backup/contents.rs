//! What a backup holds, as bytes: the plaintext that `file.rs` encrypts.
//!
//! Layout (all integers big-endian): `"WWBC"`, version (u8, 2), clock
//! offset in ms (i64), account count (u32) then per account its length
//! (u32) and the vault's own account encoding (`vault::record`: every
//! field: secret and generator settings, issuer, name, icon, group, notes,
//! provenance, link extras, exportable; HOTP counters included), in list
//! order; then the count (u32) of accounts to enrol again and per account
//! its label, why as a [`NotImportedKind`] (a tag byte and its text: see
//! [`put_kind`]) and the English reason (strings length-prefixed UTF-8).
//! Version 1 had no kind (label and reason only): read as
//! [`NotImportedKind::Other`]. Push accounts carry no key: a
//! server-provisioned key never leaves the device.

use zeroize::Zeroizing;

use super::BackupError;
use crate::{
    ApiError,
    account::Account,
    import::{NotImported, NotImportedKind},
    push::vault_store::push_account_summaries,
    vault::{
        Vault,
        record::{decode_account, encode_account},
    },
};

const MAGIC: &[u8; 4] = b"WWBC";
const VERSION: u8 = 2;
/// The version before accounts to enrol again had a kind.
const VERSION_WITHOUT_KINDS: u8 = 1;
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
    pub reenrol: Vec<NotImported>,
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
                reenrol.push(NotImported {
                    label: s.account.label(),
                    kind: NotImportedKind::EnrolAgain,
                    reason: "provisioned not to leave this device: enrol it again on the new phone"
                        .to_owned(),
                });
            }
        }
        for p in push_account_summaries(vault, None)? {
            reenrol.push(NotImported {
                label: p.label,
                kind: NotImportedKind::EnrolAgain,
                reason: format!(
                    "a {} push account: its key stays on this phone; enrol it again on the new one",
                    p.provider
                ),
            });
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
        for n in &self.reenrol {
            put_str(&mut out, &n.label)?;
            put_kind(&mut out, &n.kind)?;
            put_str(&mut out, &n.reason)?;
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
        if version != VERSION && version != VERSION_WITHOUT_KINDS {
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
            let kind = if version == VERSION_WITHOUT_KINDS {
                NotImportedKind::Other
            } else {
                r.kind()?
            };
            let reason = r.string()?;
            reenrol.push(NotImported {
                label,
                kind,
                reason,
            });
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

/// A length-prefixed UTF-8 string.
fn put_str(out: &mut Vec<u8>, s: &str) -> Result<(), BackupError> {
    put_len(out, s.len())?;
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// A kind as a tag byte and its text ("" for kinds without one); the tags
/// are the file format: never renumber them.
fn put_kind(out: &mut Vec<u8>, kind: &NotImportedKind) -> Result<(), BackupError> {
    let (tag, text) = match kind {
        NotImportedKind::Other => (0, ""),
        NotImportedKind::NoGenerator { what } => (1, what.as_str()),
        NotImportedKind::UnknownType { name } => (2, name.as_str()),
        NotImportedKind::MoveWithTransferQr => (3, ""),
        NotImportedKind::AddAgainFromService => (4, ""),
        NotImportedKind::MicrosoftPushOnly => (5, ""),
        NotImportedKind::EnrolAgain => (6, ""),
    };
    out.push(tag);
    put_str(out, text)
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

    /// What [`put_kind`] wrote.
    fn kind(&mut self) -> Result<NotImportedKind, BackupError> {
        let tag = self.take(1)?.first().copied().unwrap_or(u8::MAX);
        let text = self.string()?;
        Ok(match tag {
            0 => NotImportedKind::Other,
            1 => NotImportedKind::NoGenerator { what: text },
            2 => NotImportedKind::UnknownType { name: text },
            3 => NotImportedKind::MoveWithTransferQr,
            4 => NotImportedKind::AddAgainFromService,
            5 => NotImportedKind::MicrosoftPushOnly,
            6 => NotImportedKind::EnrolAgain,
            _ => return Err(damaged("an account to enrol again has an unknown kind")),
        })
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
        vec((text(), any_kind(), text()), 0..3),
    )
        .prop_map(|(accounts, clock_offset_ms, reenrol)| BackupContents {
            accounts,
            clock_offset_ms,
            reenrol: reenrol
                .into_iter()
                .map(|(label, kind, reason)| NotImported {
                    label,
                    kind,
                    reason,
                })
                .collect(),
        })
}

/// proptest strategy for every kind of entry to enrol again.
#[cfg(test)]
fn any_kind() -> impl proptest::strategy::Strategy<Value = NotImportedKind> {
    use proptest::prelude::*;

    use crate::account::strategies::text;
    prop_oneof![
        Just(NotImportedKind::Other),
        text().prop_map(|what| NotImportedKind::NoGenerator { what }),
        text().prop_map(|name| NotImportedKind::UnknownType { name }),
        Just(NotImportedKind::MoveWithTransferQr),
        Just(NotImportedKind::AddAgainFromService),
        Just(NotImportedKind::MicrosoftPushOnly),
        Just(NotImportedKind::EnrolAgain),
    ]
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
            reenrol: vec![NotImported {
                label: "Corp (jo)".into(),
                kind: NotImportedKind::EnrolAgain,
                reason: "push".into(),
            }],
        };
        let bytes = c.to_bytes().unwrap();
        assert_eq!(BackupContents::from_bytes(&bytes).unwrap(), c);
        // Version 1 (no kinds): the same entry reads as `Other` with its reason.
        // Drop the reason (4 + 4 bytes), the kind's empty text (4) and tag (1).
        let mut v1 = bytes[..bytes.len() - 13].to_vec();
        v1.extend_from_slice(&4u32.to_be_bytes());
        v1.extend_from_slice(b"push");
        v1[4] = 1;
        let old = BackupContents::from_bytes(&v1).unwrap();
        assert_eq!(old.reenrol[0].kind, NotImportedKind::Other);
        assert_eq!(
            (
                old.reenrol[0].label.as_str(),
                old.reenrol[0].reason.as_str()
            ),
            ("Corp (jo)", "push")
        );
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
