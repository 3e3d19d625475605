//! Deleted accounts, kept for [`TRASH_DAYS`] days so a delete can be
//! undone (as Ente and 2FAS do): a phone's "Deleted — Undo", or `watchword
//! restore` after `rm`. The trash is one sealed vault record; its accounts
//! keep their secrets, sealed like everything else, and are wiped from it
//! when restored, purged, or older than the limit.

use rusqlite::{Connection, TransactionBehavior};
use serde::Serialize;
use zeroize::Zeroizing;

use super::{Record, Vault, VaultError, VaultResult, now, record, rows::ACCOUNTS};
use crate::{
    account::{AccountSummary, label},
    otp::OtpKind,
};

/// How long a deleted account can be restored.
pub const TRASH_DAYS: i64 = 7;

/// A deleted account as the trash lists it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrashedAccount {
    /// The id it had (what `restore` takes).
    pub id: i64,
    /// Its one-line name.
    pub label: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// When it was deleted (Unix seconds).
    pub deleted_at: i64,
}

/// One entry: the account's id, when it was deleted, its encoded form.
struct Entry {
    id: i64,
    deleted_at: i64,
    account: Zeroizing<Vec<u8>>,
}

/// The trash as stored: per entry, id and time (8 bytes each, big-endian),
/// the encoded account's length (4) and bytes.
fn encode(entries: &[Entry]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    for e in entries {
        out.extend_from_slice(&e.id.to_be_bytes());
        out.extend_from_slice(&e.deleted_at.to_be_bytes());
        out.extend_from_slice(
            &u32::try_from(e.account.len())
                .unwrap_or(u32::MAX)
                .to_be_bytes(),
        );
        out.extend_from_slice(&e.account);
    }
    out
}

fn corrupt() -> VaultError {
    VaultError::Corrupt("the trash record is damaged".into())
}

/// The next `n` bytes of `bytes`.
fn take<'a>(bytes: &mut &'a [u8], n: usize) -> VaultResult<&'a [u8]> {
    let (head, rest) = bytes.split_at_checked(n).ok_or_else(corrupt)?;
    *bytes = rest;
    Ok(head)
}

fn take_i64(bytes: &mut &[u8]) -> VaultResult<i64> {
    Ok(i64::from_be_bytes(
        take(bytes, 8)?.try_into().map_err(|_| corrupt())?,
    ))
}

fn decode(mut bytes: &[u8]) -> VaultResult<Vec<Entry>> {
    let mut entries = Vec::new();
    while !bytes.is_empty() {
        let id = take_i64(&mut bytes)?;
        let deleted_at = take_i64(&mut bytes)?;
        let len = u32::from_be_bytes(take(&mut bytes, 4)?.try_into().map_err(|_| corrupt())?);
        let account = Zeroizing::new(take(&mut bytes, len as usize)?.to_vec());
        entries.push(Entry {
            id,
            deleted_at,
            account,
        });
    }
    Ok(entries)
}

impl Vault {
    /// The trash's entries, dropping those past [`TRASH_DAYS`].
    fn trash_in(&self, conn: &Connection) -> VaultResult<Vec<Entry>> {
        let stored = self.read_setting_in(conn, Record::Trash.name())?;
        let cutoff = now() - TRASH_DAYS * 86_400;
        Ok(decode(stored.as_deref().map_or(&[][..], Vec::as_slice))?
            .into_iter()
            .filter(|e| e.deleted_at >= cutoff)
            .collect())
    }

    /// Deletes an account: it goes to the trash, from which
    /// [`Vault::restore_account`] brings it back for [`TRASH_DAYS`] days.
    pub fn delete_account(&self, id: i64) -> VaultResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored = self.decrypt_account(ACCOUNTS.one(&tx, id)?)?;
        let mut entries = self.trash_in(&tx)?;
        entries.retain(|e| e.id != id);
        entries.push(Entry {
            id,
            deleted_at: now(),
            account: record::encode_account(&stored.account)?,
        });
        self.write_setting_in(&tx, Record::Trash.name(), &encode(&entries))?;
        ACCOUNTS.delete(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// [`Vault::delete_account`] once the person confirmed
    /// ([`PresenceAction::DeleteAccount`](super::PresenceAction)): what a
    /// phone's delete calls.
    pub async fn delete_in_person(&self, id: i64) -> Result<(), crate::ApiError> {
        self.confirm_presence(super::PresenceAction::DeleteAccount)
            .await?;
        Ok(self.delete_account(id)?)
    }

    /// The deleted accounts that can still be restored, newest first.
    pub fn trash(&self) -> VaultResult<Vec<TrashedAccount>> {
        let mut out = self
            .trash_in(&self.conn())?
            .iter()
            .map(|e| {
                let a = record::decode_account(&e.account)?;
                Ok(TrashedAccount {
                    id: e.id,
                    label: label(a.issuer.as_deref(), &a.name),
                    kind: a.otp.kind,
                    deleted_at: e.deleted_at,
                })
            })
            .collect::<VaultResult<Vec<_>>>()?;
        out.reverse();
        Ok(out)
    }

    /// Brings deleted account `id` back (with a new id, at the end of the
    /// list).
    pub fn restore_account(&self, id: i64) -> VaultResult<AccountSummary> {
        let entries = self.trash_in(&self.conn())?;
        let entry = entries
            .iter()
            .find(|e| e.id == id)
            .ok_or(VaultError::NotFound {
                what: "deleted account",
                id,
            })?;
        let restored = self.add_account(record::decode_account(&entry.account)?, true)?;
        let rest: Vec<Entry> = entries.into_iter().filter(|e| e.id != id).collect();
        self.set_record(Record::Trash, &encode(&rest))?;
        Ok(restored.summary())
    }

    /// Deletes every account in the trash for good.
    pub fn empty_trash(&self) -> VaultResult<()> {
        self.set_record(Record::Trash, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_round_trips_and_refuses_a_cut() {
        let entries = vec![
            Entry {
                id: 3,
                deleted_at: 100,
                account: Zeroizing::new(b"abc".to_vec()),
            },
            Entry {
                id: 9,
                deleted_at: 200,
                account: Zeroizing::new(Vec::new()),
            },
        ];
        let bytes = encode(&entries);
        let back = decode(&bytes).unwrap();
        assert_eq!(
            back.iter()
                .map(|e| (e.id, e.deleted_at, e.account.to_vec()))
                .collect::<Vec<_>>(),
            vec![(3, 100, b"abc".to_vec()), (9, 200, vec![])]
        );
        // `.err()`: the entries (sealed account bytes) have no Debug.
        for (cut, what) in [(bytes.len() - 1, "a cut length"), (5, "a cut id")] {
            let e = decode(&bytes[..cut]).err();
            assert!(
                matches!(&e, Some(VaultError::Corrupt(m)) if m == "the trash record is damaged"),
                "{what}: {e:?}"
            );
        }
        assert!(decode(&[]).unwrap().is_empty());
    }
}
