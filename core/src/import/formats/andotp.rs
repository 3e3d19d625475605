//! andOTP backup: plain JSON, encrypted, and the old encrypted form.
//!
//! Source: Aegis `importers/AndOtpImporter.java`; andOTP
//! `Utilities/BackupHelper.java`; `formats.md` §7. (andOTP was archived in
//! 2022; its backups live on.)
//!
//! - Plain: a JSON array of `{secret, issuer, label, digits, type
//!   (TOTP|HOTP|STEAM), algorithm, period | counter, tags}`.
//! - Encrypted: `[4 B big-endian iterations][12 B salt][12 B nonce]
//!   [ciphertext][16 B tag]`, AES-256-GCM under
//!   PBKDF2-HMAC-SHA1(password, salt, iterations).
//! - Old encrypted: `[12 B nonce][ciphertext][16 B tag]` under
//!   SHA-256(password). Its entries have no `issuer`: andOTP stored one
//!   label, `"<issuer> - <label of the link>"`.
//!
//! The encrypted forms carry no magic bytes, so they are recognised by
//! elimination: binary (not UTF-8), long enough, and none of the binary
//! formats read after this one (ZIP, SQLite) nor common file types.

use serde_json::Value;

use super::{
    Input,
    crypto::{self, Prf},
    fields::{self, EntryKind, SecretJson, json_str},
};
use crate::{
    account::label,
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::AndOtp;

/// Nonce and tag of AES-GCM.
const NONCE: usize = 12;
/// Length of the GCM tag.
const TAG: usize = 16;
/// The header of the new encrypted form: iterations and salt.
const NEW_HEADER: usize = 4 + 12;

/// Magic bytes of files that are certainly not andOTP backups.
const OTHER_MAGIC: &[&[u8]] = &[
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"SQLite format 3\0",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x1f\x8b",
    b"AUTHENTICATORPRO",
    b"AuthenticatorPro",
];

/// True for a JSON array of entries with `secret` and `type`, or for a
/// binary file that can be an encrypted backup (see the module doc).
pub(super) fn detect(input: &Input<'_>) -> bool {
    match &input.json {
        Some(json) => json.as_array().and_then(|a| a.first()).is_some_and(|e| {
            e.get("secret").is_some() && e.get("type").is_some() && e.get("otpGenerator").is_none()
        }),
        None => {
            input.text.is_none()
                && input.bytes.len() >= NONCE + TAG + 2
                && !OTHER_MAGIC.iter().any(|m| input.bytes.starts_with(m))
        }
    }
}

/// Reads a plain backup, or decrypts an encrypted one with `password`.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    if let Some(json) = &input.json {
        return read_entries(json, false);
    }
    let password = password.ok_or(ImportError::PasswordNeeded { format: FORMAT })?;
    // The old form first: one SHA-256, where the new one costs ~150 000
    // PBKDF2 rounds.
    if let Some(entries) = open_old(input.bytes, password) {
        return read_entries(&parse(&entries)?.0, true);
    }
    if let Some(entries) = open_new(input.bytes, password)? {
        return read_entries(&parse(&entries)?.0, false);
    }
    Err(ImportError::WrongPassword { format: FORMAT })
}

/// The decrypted entries as JSON, wiped on drop.
fn parse(plain: &[u8]) -> Result<SecretJson, ImportError> {
    SecretJson::parse(plain).map_err(|why| ImportError::damaged(FORMAT, why))
}

/// The old form: key SHA-256(password), nonce first.
fn open_old(bytes: &[u8], password: &str) -> Option<crypto::Plain> {
    let key = crypto::sha256(password.as_bytes());
    crypto::aes_gcm_open(&key, bytes.get(..NONCE)?, bytes.get(NONCE..)?, b"")
}

/// The new form; `Ok(None)` when the password does not open it (or the
/// file is not in this form).
fn open_new(bytes: &[u8], password: &str) -> Result<Option<crypto::Plain>, ImportError> {
    let (Some(iterations), Some(salt), Some(nonce), Some(sealed)) = (
        bytes.get(..4),
        bytes.get(4..NEW_HEADER),
        bytes.get(NEW_HEADER..NEW_HEADER + NONCE),
        bytes.get(NEW_HEADER + NONCE..).filter(|s| s.len() >= TAG),
    ) else {
        return Ok(None);
    };
    let Ok(iterations) = <[u8; 4]>::try_from(iterations).map(u32::from_be_bytes) else {
        return Ok(None);
    };
    // Outside what PBKDF2 here accepts, the header is not iterations: the
    // file is not in the new form (the old one failed already).
    let Ok(key) = crypto::pbkdf2(Prf::Sha1, password.as_bytes(), salt, iterations, 32) else {
        return Ok(None);
    };
    Ok(crypto::aes_gcm_open(&key, nonce, sealed, b""))
}

/// The entries of the backup's JSON array. `old`: the entries have one
/// label, `"<issuer> - <link label>"`.
fn read_entries(json: &Value, old: bool) -> Result<Vec<ImportItem>, ImportError> {
    let entries = json
        .as_array()
        .ok_or_else(|| ImportError::damaged(FORMAT, "it is not a list of entries"))?;
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| read_entry(i, e, old))
        .collect()
}

/// Issuer and name of an old-form label. andOTP built it from a link as
/// `issuer + " - " + label`, and the link's label usually repeats the
/// issuer (`"Deno - Deno:Mason"`): the issuer is the part before " - " and
/// the name what follows, without the repeated `issuer:`. A label without
/// " - " was typed by hand: the whole label is the name.
fn split_old_label(label: &str) -> (Option<&str>, &str) {
    match label.split_once(" - ") {
        Some((issuer, rest)) if !issuer.trim().is_empty() => {
            let issuer = issuer.trim();
            let rest = rest.trim();
            let name = rest
                .strip_prefix(issuer)
                .and_then(|r| r.strip_prefix(':'))
                .map_or(rest, str::trim);
            (Some(issuer), name)
        }
        _ => (None, label.trim()),
    }
}

/// One entry: an account, or a type Watchword cannot generate.
fn read_entry(index: usize, e: &Value, old: bool) -> Result<ImportItem, ImportError> {
    let raw_label = json_str(e, "label").unwrap_or_default();
    let (issuer, name) = match json_str(e, "issuer") {
        Some(issuer) => (Some(issuer).filter(|i| !i.trim().is_empty()), raw_label),
        None if old => split_old_label(raw_label),
        None => (None, raw_label),
    };
    let shown = label(issuer, name);
    let at = |why: String| ImportError::entry(FORMAT, index, Some(&shown), why);
    let type_name = json_str(e, "type").unwrap_or("TOTP");
    let kind = match fields::kind(type_name) {
        Some(EntryKind::Otp(kind)) => kind,
        Some(EntryKind::Other(what)) => {
            return Ok(ImportItem::NotImported(NotImported::new(
                shown.clone(),
                NotImportedKind::no_generator(what),
            )));
        }
        None => {
            return Ok(ImportItem::NotImported(NotImported::new(
                shown.clone(),
                NotImportedKind::unknown_type(type_name),
            )));
        }
    };
    let secret = fields::base32_secret(json_str(e, "secret").unwrap_or_default()).map_err(at)?;
    let params = fields::json_params(kind, secret, e, "algorithm").map_err(at)?;
    let mut account = fields::account(FORMAT, issuer, name, params);
    // andOTP's tags are many; a Watchword account has one group.
    account.group = e
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|t| {
            t.iter()
                .filter_map(Value::as_str)
                .find(|t| !t.trim().is_empty())
        })
        .map(|t| t.trim().to_owned());
    Ok(ImportItem::Account(account))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::OtpKind;

    const PLAIN: &str = r#"[{"secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ======","issuer":"Deno","label":"Mason","digits":6,
        "type":"TOTP","algorithm":"SHA1","period":30,"tags":["Work"]},
        {"secret":"YOOMIXWS5GN6RTBPUFFWKTW5M4","issuer":"Issuu","label":"James","digits":6,"type":"HOTP",
        "algorithm":"SHA1","counter":5,"tags":[]}]"#;

    fn seal(key: &[u8], nonce: [u8; 12], plain: &[u8]) -> Vec<u8> {
        let key = ring::aead::LessSafeKey::new(
            ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, key).unwrap(),
        );
        let mut buf = plain.to_vec();
        key.seal_in_place_append_tag(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::empty(),
            &mut buf,
        )
        .unwrap();
        buf
    }

    #[test]
    fn reads_plain_json_with_tags_as_the_group() {
        let input = Input::new(PLAIN.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let ImportItem::Account(a) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str(), a.group.as_deref()),
            (Some("Deno"), "Mason", Some("Work"))
        );
        let ImportItem::Account(h) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!((h.otp.kind, h.otp.counter), (OtpKind::Hotp, 5));
    }

    #[test]
    fn reads_both_encrypted_forms_and_refuses_a_wrong_password() {
        let old = [
            &[1u8; 12][..],
            &seal(&crypto::sha256(b"pw"), [1; 12], PLAIN.as_bytes()),
        ]
        .concat();
        let salt = [3u8; 12];
        let key = crypto::pbkdf2(Prf::Sha1, b"pw", &salt, 1000, 32).unwrap();
        let new = [
            &1000u32.to_be_bytes()[..],
            &salt,
            &[2; 12],
            &seal(&key, [2; 12], PLAIN.as_bytes()),
        ]
        .concat();
        for bytes in [old, new] {
            let input = Input::new(&bytes);
            assert!(detect(&input));
            assert_eq!(read(&input, Some("pw")).unwrap().len(), 2);
            assert_eq!(
                read(&input, None).unwrap_err(),
                ImportError::PasswordNeeded { format: FORMAT }
            );
            assert_eq!(
                read(&input, Some("nope")).unwrap_err(),
                ImportError::WrongPassword { format: FORMAT }
            );
        }
    }

    #[test]
    fn old_labels_are_split_at_the_dash() {
        assert_eq!(
            split_old_label("Deno - Deno:Mason"),
            (Some("Deno"), "Mason")
        );
        assert_eq!(split_old_label("Deno - Mason"), (Some("Deno"), "Mason"));
        assert_eq!(split_old_label("Deno:Mason"), (None, "Deno:Mason"));
        assert_eq!(split_old_label(" - Mason"), (None, "- Mason"));
    }

    #[test]
    fn damage_is_typed_and_detect_refuses_other_shapes() {
        let bad = PLAIN.replace("\"digits\":6", "\"digits\":99");
        let e = read(&Input::new(bad.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (Deno (Mason))"),
            "{e}"
        );
        for other in [
            &br#"[{"name":"Mason","otpGenerator":{"otpSecret":"A"}}]"#[..],
            br#"{"Authenticators":[]}"#,
            b"[]",
            b"\x00\x01\x02",
            b"PK\x03\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
        ] {
            assert!(!detect(&Input::new(other)), "{other:?}");
        }
    }
}
