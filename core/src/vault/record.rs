//! The plaintext inside an account's ciphertext:
//! `otp length (u16) || otp || details`, where
//!
//! - `otp` is a small binary record, so the secret never passes through a
//!   JSON string and every buffer holding it is zeroized:
//!   `format (1) || kind (1) || algorithm (1) || digits (1) || period
//!   (u32) || counter (u64) || t0 (i64) || secret bytes`, big-endian;
//! - `details` is the metadata (issuer, name, icon, group, notes,
//!   provenance, exportable, link extras) in the length-prefixed layout
//!   described at `encode_details`.

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

const DETAILS_FORMAT: u8 = 1;
/// Length that marks an absent optional string.
const NONE_LEN: u32 = u32::MAX;

/// Serializes a whole account: the plaintext of its one ciphertext.
pub fn encode_account(a: &Account) -> VaultResult<Zeroizing<Vec<u8>>> {
    let otp = encode_otp(&a.otp);
    let otp_len = u16::try_from(otp.len())
        .map_err(|_| VaultError::Invalid("the secret is too long to store".into()))?;
    let mut out = Zeroizing::new(Vec::with_capacity(128 + otp.len()));
    out.extend_from_slice(&otp_len.to_be_bytes());
    out.extend_from_slice(&otp);
    encode_details(a, &mut out)?;
    Ok(out)
}

/// Appends the metadata: `format (1) || flags (1)` (bit 0 exportable,
/// bit 1 steam encoder), then length-prefixed UTF-8 strings (u32,
/// `u32::MAX` for absent) in a fixed order: issuer, name, icon, group,
/// notes, provenance, label issuer, parameter issuer, image, color; then
/// the count (u16) and key/value strings of the extra link parameters.
/// Binary rather than JSON: smaller rows (listing codes reads every row)
/// and no parser between the decrypted bytes and the account; the format
/// byte leaves room to grow.
fn encode_details(a: &Account, out: &mut Vec<u8>) -> VaultResult<()> {
    let x = &a.extras;
    out.push(DETAILS_FORMAT);
    out.push(u8::from(a.exportable) | (u8::from(x.steam_encoder) << 1));
    let provenance = a.provenance.to_string();
    for field in [
        a.issuer.as_deref(),
        Some(a.name.as_str()),
        a.icon.as_deref(),
        a.group.as_deref(),
        a.notes.as_deref(),
        Some(provenance.as_str()),
        x.label_issuer.as_deref(),
        x.param_issuer.as_deref(),
        x.image.as_deref(),
        x.color.as_deref(),
    ] {
        put_str(out, field)?;
    }
    let count = u16::try_from(x.params.len())
        .map_err(|_| VaultError::Invalid("too many link parameters to store".into()))?;
    out.extend_from_slice(&count.to_be_bytes());
    for (k, v) in &x.params {
        put_str(out, Some(k))?;
        put_str(out, Some(v))?;
    }
    Ok(())
}

fn put_str(out: &mut Vec<u8>, s: Option<&str>) -> VaultResult<()> {
    match s {
        None => out.extend_from_slice(&NONE_LEN.to_be_bytes()),
        Some(s) => {
            let len = u32::try_from(s.len())
                .ok()
                .filter(|&n| n != NONE_LEN)
                .ok_or_else(|| VaultError::Invalid("a text field is too long to store".into()))?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
    }
    Ok(())
}

/// Reads fields off the front of a decrypted record.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> VaultResult<&'a [u8]> {
        if self.0.len() < n {
            return Err(VaultError::Corrupt("account record is cut short".into()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> VaultResult<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> VaultResult<u16> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn opt_str(&mut self) -> VaultResult<Option<String>> {
        let b = self.take(4)?;
        let len = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        if len == NONE_LEN {
            return Ok(None);
        }
        let bytes = self.take(usize::try_from(len).unwrap_or(usize::MAX))?;
        String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|_| VaultError::Corrupt("account record holds invalid text".into()))
    }

    fn str(&mut self) -> VaultResult<String> {
        self.opt_str()?
            .ok_or_else(|| VaultError::Corrupt("account record lacks a required field".into()))
    }
}

/// Rebuilds an account from what [`encode_account`] wrote.
pub fn decode_account(plain: &[u8]) -> VaultResult<Account> {
    let mut r = Reader(plain);
    let otp_len = usize::from(r.u16()?);
    let otp = decode_otp(r.take(otp_len)?)?;
    if r.u8()? != DETAILS_FORMAT {
        return Err(VaultError::Corrupt(
            "account details: unknown layout".into(),
        ));
    }
    let flags = r.u8()?;
    let issuer = r.opt_str()?;
    let name = r.str()?;
    let icon = r.opt_str()?;
    let group = r.opt_str()?;
    let notes = r.opt_str()?;
    let provenance: Provenance = r
        .str()?
        .parse()
        .map_err(|e| VaultError::Corrupt(format!("account details: {e}")))?;
    let mut extras = LinkExtras {
        label_issuer: r.opt_str()?,
        param_issuer: r.opt_str()?,
        image: r.opt_str()?,
        color: r.opt_str()?,
        steam_encoder: flags & 2 != 0,
        params: Vec::new(),
    };
    for _ in 0..r.u16()? {
        extras.params.push((r.str()?, r.str()?));
    }
    if !r.0.is_empty() {
        return Err(VaultError::Corrupt(
            "account record has trailing bytes".into(),
        ));
    }
    Ok(Account {
        issuer,
        name,
        otp,
        icon,
        group,
        notes,
        provenance,
        exportable: flags & 1 != 0,
        extras,
    })
}

#[cfg(test)]
mod tests {
    use proptest::{prelude::*, sample::Index};

    use super::*;
    use crate::{
        account::strategies,
        vault::crypto::{Aad, DataKey},
    };

    /// True for the `Corrupt` error with exactly this message.
    fn corrupt<T>(r: &VaultResult<T>, why: &str) -> bool {
        matches!(r, Err(VaultError::Corrupt(m)) if m == why)
    }

    #[test]
    fn account_record_round_trips_and_rejects_garbage() {
        let mut a = Account::new(
            Some("ACME".into()),
            "alice".into(),
            OtpParams::totp(Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap()),
            Provenance::import("aegis"),
        );
        let plain = encode_account(&a).unwrap();
        assert_eq!(decode_account(&plain).unwrap(), a);
        a.notes = Some("n".into());
        a.exportable = false;
        a.extras = LinkExtras {
            label_issuer: Some("L".into()),
            param_issuer: None,
            image: Some("i".into()),
            color: Some("FF0000".into()),
            steam_encoder: true,
            params: vec![("serial".into(), "X1".into()), ("k".into(), String::new())],
        };
        assert_eq!(decode_account(&encode_account(&a).unwrap()).unwrap(), a);
        for cut in 0..plain.len() {
            let r = decode_account(&plain[..cut]);
            assert!(corrupt(&r, "account record is cut short"), "{cut}: {r:?}");
        }
        let mut longer = plain.to_vec();
        longer.push(0);
        let r = decode_account(&longer);
        assert!(corrupt(&r, "account record has trailing bytes"), "{r:?}");
    }

    proptest! {
        /// Any account (every field any value its type allows) → record →
        /// sealed in its row → opened → decoded: the same account. Any cut
        /// of the record is refused as corrupt.
        #[test]
        fn any_account_survives_its_sealed_row(
            a in strategies::any_account(),
            key in any::<[u8; 32]>().prop_map(|b| DataKey::from_bytes(&b).unwrap()),
            id in any::<i64>(),
            cut in any::<Index>(),
        ) {
            let plain = encode_account(&a).unwrap();
            prop_assert_eq!(&decode_account(&plain).unwrap(), &a);
            let row = id.to_string();
            let here = Aad { table: "accounts", column: "sealed", row: &row };
            let sealed = key.seal(here, &plain).unwrap();
            let opened = key.open_owned(here, sealed).unwrap();
            prop_assert_eq!(&decode_account(&opened).unwrap(), &a);
            let r = decode_account(&plain[..cut.index(plain.len())]);
            prop_assert!(
                matches!(&r, Err(VaultError::Corrupt(m)) if m == "account record is cut short"),
                "{:?}",
                r
            );
        }

        /// A record with any byte changed decodes to an account or is
        /// refused as corrupt; it never panics.
        #[test]
        fn a_changed_record_is_an_account_or_corrupt(
            a in strategies::any_account(),
            at in any::<Index>(),
            to in any::<u8>(),
        ) {
            let mut plain = encode_account(&a).unwrap();
            let i = at.index(plain.len());
            plain[i] = to;
            let r = decode_account(&plain);
            prop_assert!(matches!(r, Ok(_) | Err(VaultError::Corrupt(_))), "{:?}", r);
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
        let r = decode_otp(&bytes[..OTP_HEADER]);
        assert!(corrupt(&r, "account settings: unknown layout"), "{r:?}");
        let mut bad = bytes.to_vec();
        bad[1] = 9;
        let r = decode_otp(&bad);
        assert!(corrupt(&r, "account settings: unknown type"), "{r:?}");
        let mut bad = bytes.to_vec();
        bad[3] = 0;
        let r = decode_otp(&bad);
        assert!(corrupt(&r, "account settings: digits"), "{r:?}");
    }
}
