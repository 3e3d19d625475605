//! TOTP Authenticator (`com.authenticator.authservice2`): its encrypted
//! backup and its internal preferences.
//!
//! Source: Aegis `importers/TotpAuthenticatorImporter.java`, formats.md §13.
//!
//! - The backup is base64 text of AES-256-CBC (PKCS#7, all-zero IV) with
//!   key SHA-256(password). Backups made without a password of one's own
//!   use the app's built-in password `TotpAuthenticator`. The plaintext is
//!   a JSON object whose key (not value) is the JSON array of entries, as a
//!   string.
//! - The preferences (`shared_prefs/TOTP_Authenticator_Preferences.xml`,
//!   root only) hold the same array in the string `STATIC_TOTP_CODES_LIST`.
//!
//! An entry has `key` (the secret) in the encoding `base` says (16 hex, 32
//! base32, 64 base64), `issuer`, `name` (the app stores it in lower case),
//! and `digits` and `period` as strings. The app has no algorithm setting:
//! SHA1. Unlike Aegis (which imports 6 digits / 30 s whatever the entry
//! says), the entry's own digits and period are kept: the app generates
//! with them, so ignoring them would give wrong codes.

use serde_json::Value;

use super::{Input, crypto, fields};
use crate::{
    import::{ImportError, ImportFormat, ImportItem},
    otp::{OtpKind, Secret},
};

const FORMAT: ImportFormat = ImportFormat::TotpAuthenticator;

/// The preference entry with the account list.
const PREF_KEY: &str = "STATIC_TOTP_CODES_LIST";
/// The app's password for backups made without one of the user's own.
const BUILT_IN_PASSWORD: &str = "TotpAuthenticator";
/// The backup's AES-CBC IV: all zeros.
const IV: [u8; 16] = [0; 16];

/// True for the preferences (with `STATIC_TOTP_CODES_LIST`), or a text
/// file that is only base64 of whole AES blocks (the backup: no other
/// format this app reads is bare base64).
pub(super) fn detect(input: &Input<'_>) -> bool {
    if let Some(prefs) = &input.prefs {
        return prefs.get(PREF_KEY).is_some();
    }
    input.json.is_none() && input.text.and_then(backup_ciphertext).is_some()
}

/// The ciphertext of a backup: the text as base64, decoding to one or more
/// whole 16-byte blocks.
fn backup_ciphertext(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n' | b'\r'))
    {
        return None;
    }
    let joined: String = text.split_ascii_whitespace().collect();
    fields::base64(&joined).filter(|c| !c.is_empty() && c.len().is_multiple_of(16))
}

/// Reads the preferences, or decrypts the backup with `password` (none
/// given: the built-in password, and if that does not open it, ask).
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    if let Some(prefs) = &input.prefs {
        let list = prefs
            .get(PREF_KEY)
            .ok_or_else(|| ImportError::damaged(FORMAT, "it has no account list"))?;
        let list: Value = serde_json::from_str(list)
            .map_err(|_| ImportError::damaged(FORMAT, "its account list is not JSON"))?;
        return entries(&list);
    }
    let text = input.text.ok_or(ImportError::UnknownFormat)?;
    let ciphertext = backup_ciphertext(text)
        .ok_or_else(|| ImportError::damaged(FORMAT, "it is not base64 of whole AES blocks"))?;
    let list = match password {
        Some(p) => decrypt(&ciphertext, p).ok_or(ImportError::WrongPassword { format: FORMAT })?,
        None => decrypt(&ciphertext, BUILT_IN_PASSWORD)
            .ok_or(ImportError::PasswordNeeded { format: FORMAT })?,
    };
    entries(&list)
}

/// The entry list of the backup, if `password` opens it: the padding is
/// right and the plaintext is a JSON object with an array (as a string)
/// for a key. A wrong key passes the padding check about once in 256 and
/// then gives noise, so anything else is a wrong password too.
fn decrypt(ciphertext: &[u8], password: &str) -> Option<Value> {
    let key = crypto::sha256(password.as_bytes());
    let plain = crypto::aes256_cbc_decrypt(&key, &IV, ciphertext)?;
    let obj: Value = serde_json::from_slice(&plain).ok()?;
    // The app writes one key; with several, the one that is a list.
    obj.as_object()?
        .keys()
        .filter(|k| k.trim_start().starts_with('['))
        .find_map(|k| {
            serde_json::from_str::<Value>(k)
                .ok()
                .filter(Value::is_array)
        })
}

/// Every entry of the JSON array `list`.
fn entries(list: &Value) -> Result<Vec<ImportItem>, ImportError> {
    let list = list
        .as_array()
        .ok_or_else(|| ImportError::damaged(FORMAT, "its account list is not a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, e)| {
            entry(e).map_err(|why| ImportError::entry(FORMAT, i, fields::json_str(e, "name"), why))
        })
        .collect()
}

/// One entry, as TOTP SHA1 with the entry's digits and period.
fn entry(e: &Value) -> Result<ImportItem, String> {
    let key = fields::json_str(e, "key").ok_or("it has no key")?;
    let secret = match fields::json_u64(e.get("base")) {
        Some(16) => fields::hex_secret(key)?,
        Some(32) => fields::base32_secret(key)?,
        Some(64) => {
            let bytes = fields::base64(key).ok_or("its secret is not valid base64")?;
            Secret::from_bytes(bytes).map_err(|_| "its secret is empty".to_owned())?
        }
        Some(b) => return Err(format!("its secret is in base {b}, not 16, 32 or 64")),
        None => return Err("it does not say how its secret is encoded".into()),
    };
    // Blank strings are the app's defaults.
    let number = |field: &str| -> Result<Option<u64>, String> {
        match e.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            v => fields::json_u64(v)
                .map(Some)
                .ok_or(format!("its {field} is not a number")),
        }
    };
    let params = fields::params(
        OtpKind::Totp,
        secret,
        None,
        number("digits")?,
        number("period")?,
        None,
    )?;
    let issuer = fields::json_str(e, "issuer");
    let name = fields::json_str(e, "name").unwrap_or_default();
    Ok(ImportItem::Account(fields::account(
        FORMAT, issuer, name, params,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"[{"base":16,"digits":"7","issuer":"Deno","key":"E49270F0D21F365C","name":"mason","period":"20"},{"base":32,"digits":"","issuer":"","key":"JBSWY3DPEHPK3PXP","name":"x"},{"base":64,"issuer":"B","key":"AQID","name":"y"}]"#;

    #[test]
    fn reads_the_preferences_in_every_base() {
        let xml = format!(
            "<?xml version='1.0'?><map><string name=\"{PREF_KEY}\">{}</string></map>",
            LIST.replace('"', "&quot;")
        );
        let input = Input::new(xml.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let got: Vec<_> = items
            .iter()
            .map(|i| match i {
                ImportItem::Account(a) => (
                    a.issuer.clone(),
                    a.name.clone(),
                    a.otp.digits.get(),
                    a.otp.period,
                ),
                ImportItem::NotImported(n) => panic!("{n:?}"),
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("Deno".into()), "mason".into(), 7, 20),
                (None, "x".into(), 6, 30),
                (Some("B".into()), "y".into(), 6, 30)
            ]
        );
    }

    fn encrypt(plain: &[u8], password: &str) -> String {
        use base64::Engine as _;
        use cbc::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
        let key = crypto::sha256(password.as_bytes());
        let enc = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &IV).unwrap();
        base64::engine::general_purpose::STANDARD.encode(enc.encrypt_padded_vec_mut::<Pkcs7>(plain))
    }

    #[test]
    fn the_backup_opens_with_its_password_or_the_built_in_one() {
        let plain = serde_json::json!({ LIST: "1608293023" }).to_string();
        let own = encrypt(plain.as_bytes(), "pw");
        let input = Input::new(own.as_bytes());
        assert!(detect(&input));
        assert_eq!(read(&input, Some("pw")).unwrap().len(), 3);
        assert_eq!(
            read(&input, None).unwrap_err(),
            ImportError::PasswordNeeded { format: FORMAT }
        );
        assert_eq!(
            read(&input, Some("no")).unwrap_err(),
            ImportError::WrongPassword { format: FORMAT }
        );
        let built_in = encrypt(plain.as_bytes(), BUILT_IN_PASSWORD);
        assert_eq!(
            read(&Input::new(built_in.as_bytes()), None).unwrap().len(),
            3
        );
    }

    #[test]
    fn other_text_is_not_a_backup_and_bad_entries_are_named() {
        assert!(!detect(&Input::new(b"hello world")));
        assert!(!detect(&Input::new(b"AAAA")));
        assert!(!detect(&Input::new(b"<?xml version='1.0'?><map />")));
        let xml = format!(
            "<?xml version='1.0'?><map><string name=\"{PREF_KEY}\">{}</string></map>",
            r#"[{"base":8,"key":"1","name":"z"}]"#.replace('"', "&quot;")
        );
        let e = read(&Input::new(xml.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (z)"),
            "{e}"
        );
    }
}
