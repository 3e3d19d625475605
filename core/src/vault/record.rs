//! The plaintext inside an account's ciphertext:
//! `otp length (u16) || otp || details`, where
//!
//! - `otp` is a small binary record, so the secret never passes through a
//!   JSON string and every buffer holding it is zeroized:
//!   `format (1) || kind (1) || algorithm (1) || digits (1) || period
//!   (u32) || counter (u64) || t0 (i64) || secret bytes`, big-endian;
//! - `details` is JSON of [`Details`] (issuer, name, icon, group, notes,
//!   provenance, exportable, link extras), absent fields left out, so new
//!   fields can be added without a migration.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{VaultError, VaultResult};
use crate::{
    account::{Account, LinkExtras, Provenance},
    otp::{Algorithm, Digits, OtpKind, OtpParams, Secret},
};

const OTP_FORMAT: u8 = 1;
const OTP_HEADER: usize = 4 + 4 + 8 + 8;

/// Serializes the generator settings, secret included.
pub fn encode_otp(p: &OtpParams) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(OTP_HEADER + p.secret.len()));
    out.push(OTP_FORMAT);
    out.push(match p.kind {
        OtpKind::Totp => 0,
        OtpKind::Hotp => 1,
        OtpKind::Steam => 2,
    });
    out.push(match p.algorithm {
        Algorithm::Sha1 => 0,
        Algorithm::Sha256 => 1,
        Algorithm::Sha512 => 2,
    });
    out.push(p.digits.get());
    out.extend_from_slice(&p.period.to_be_bytes());
    out.extend_from_slice(&p.counter.to_be_bytes());
    out.extend_from_slice(&p.t0.to_be_bytes());
    // EXPOSE: the secret goes into the buffer that is sealed right away.
    out.extend_from_slice(p.secret.expose());
    out
}

/// Reads what [`encode_otp`] wrote. Bytes that decrypted but do not parse
/// mean a vault written by something else: corrupt.
pub fn decode_otp(b: &[u8]) -> VaultResult<OtpParams> {
    let bad = |what: &str| VaultError::Corrupt(format!("account settings: {what}"));
    if b.len() <= OTP_HEADER || b[0] != OTP_FORMAT {
        return Err(bad("unknown layout"));
    }
    let kind = match b[1] {
        0 => OtpKind::Totp,
        1 => OtpKind::Hotp,
        2 => OtpKind::Steam,
        _ => return Err(bad("unknown type")),
    };
    let algorithm = match b[2] {
        0 => Algorithm::Sha1,
        1 => Algorithm::Sha256,
        2 => Algorithm::Sha512,
        _ => return Err(bad("unknown algorithm")),
    };
    let digits = Digits::new(b[3]).map_err(|_| bad("digits"))?;
    let mut w4 = [0u8; 4];
    w4.copy_from_slice(&b[4..8]);
    let mut w8 = [0u8; 8];
    w8.copy_from_slice(&b[8..16]);
    let counter = u64::from_be_bytes(w8);
    w8.copy_from_slice(&b[16..24]);
    let t0 = i64::from_be_bytes(w8);
    let secret = Secret::from_bytes(b[OTP_HEADER..].to_vec()).map_err(|_| bad("secret"))?;
    Ok(OtpParams {
        kind,
        secret,
        algorithm,
        digits,
        period: u32::from_be_bytes(w4),
        counter,
        t0,
    })
}

/// The sealed metadata of an OTP account.
#[derive(Debug, Serialize, Deserialize)]
pub struct Details {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    provenance: Provenance,
    exportable: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    extras: LinkExtras,
}

fn is_default(x: &LinkExtras) -> bool {
    *x == LinkExtras::default()
}

/// Serializes a whole account: the plaintext of its one ciphertext.
pub fn encode_account(a: &Account) -> VaultResult<Zeroizing<Vec<u8>>> {
    let otp = encode_otp(&a.otp);
    let details = encode_details(a)?;
    let otp_len = u16::try_from(otp.len())
        .map_err(|_| VaultError::Invalid("the secret is too long to store".into()))?;
    let mut out = Zeroizing::new(Vec::with_capacity(2 + otp.len() + details.len()));
    out.extend_from_slice(&otp_len.to_be_bytes());
    out.extend_from_slice(&otp);
    out.extend_from_slice(&details);
    Ok(out)
}

/// Serializes an account's metadata.
fn encode_details(a: &Account) -> VaultResult<Vec<u8>> {
    let d = Details {
        issuer: a.issuer.clone(),
        name: a.name.clone(),
        icon: a.icon.clone(),
        group: a.group.clone(),
        notes: a.notes.clone(),
        provenance: a.provenance.clone(),
        exportable: a.exportable,
        extras: a.extras.clone(),
    };
    serde_json::to_vec(&d).map_err(|e| VaultError::Storage(format!("cannot encode account: {e}")))
}

/// Rebuilds an account from what [`encode_account`] wrote.
pub fn decode_account(plain: &[u8]) -> VaultResult<Account> {
    let bad = || VaultError::Corrupt("account record: bad layout".into());
    let len_bytes: [u8; 2] = plain
        .get(..2)
        .ok_or_else(bad)?
        .try_into()
        .map_err(|_| bad())?;
    let otp_end = 2 + usize::from(u16::from_be_bytes(len_bytes));
    let otp = plain.get(2..otp_end).ok_or_else(bad)?;
    let details = &plain[otp_end..];
    let d: Details = serde_json::from_slice(details)
        .map_err(|e| VaultError::Corrupt(format!("account details: {e}")))?;
    Ok(Account {
        issuer: d.issuer,
        name: d.name,
        otp: decode_otp(otp)?,
        icon: d.icon,
        group: d.group,
        notes: d.notes,
        provenance: d.provenance,
        exportable: d.exportable,
        extras: d.extras,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_record_round_trips_and_rejects_garbage() {
        let mut a = Account::new(
            Some("ACME".into()),
            "alice".into(),
            OtpParams::totp(Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()),
            Provenance::Import("aegis".into()),
        );
        let plain = encode_account(&a).unwrap();
        assert_eq!(decode_account(&plain).unwrap(), a);
        // Absent fields are left out of the JSON part.
        assert!(!String::from_utf8_lossy(&plain).contains("null"));
        a.notes = Some("n".into());
        a.extras.image = Some("i".into());
        assert_eq!(decode_account(&encode_account(&a).unwrap()).unwrap(), a);
        for cut in [0, 1, 2, 10, plain.len() - 1] {
            assert!(decode_account(&plain[..cut]).is_err(), "{cut}");
        }
    }

    #[test]
    fn otp_record_round_trips_and_rejects_garbage() {
        let mut p = OtpParams::hotp(Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(), 41);
        p.algorithm = Algorithm::Sha512;
        p.digits = Digits::new(8).unwrap();
        p.t0 = -5;
        let bytes = encode_otp(&p);
        assert_eq!(decode_otp(&bytes).unwrap(), p);
        assert!(decode_otp(&bytes[..OTP_HEADER]).is_err());
        let mut bad = bytes.to_vec();
        bad[1] = 9;
        assert!(decode_otp(&bad).is_err());
        let mut bad = bytes.to_vec();
        bad[3] = 0;
        assert!(decode_otp(&bad).is_err());
    }
}
