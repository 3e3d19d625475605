//! The plaintext inside an account's two ciphertexts.
//!
//! - `otp`: a small binary record, so the secret never passes through a
//!   JSON string and every buffer holding it is zeroized:
//!   `format (1) || kind (1) || algorithm (1) || digits (1) || period
//!   (u32) || counter (u64) || t0 (i64) || secret bytes`, big-endian.
//! - `details`: JSON of [`Details`] (issuer, name, icon, group, notes,
//!   provenance, exportable, link extras).

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
    issuer: Option<String>,
    name: String,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    provenance: Provenance,
    exportable: bool,
    #[serde(default)]
    extras: LinkExtras,
}

/// Serializes an account's metadata.
pub fn encode_details(a: &Account) -> VaultResult<Vec<u8>> {
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

/// Rebuilds an account from its two decrypted parts.
pub fn decode_account(otp: &[u8], details: &[u8]) -> VaultResult<Account> {
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
