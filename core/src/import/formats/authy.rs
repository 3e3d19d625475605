//! Authy's token lists (Android shared preferences, root only), plain or
//! with secrets encrypted under the backup password.
//!
//! Source: Aegis `importers/AuthyImporter.java`, formats.md §11.
//!
//! Authy has no export. `shared_prefs/com.authy.storage.tokens.authenticator.xml`
//! holds third-party TOTP tokens under the `<string>`
//! `com.authy.storage.tokens.authenticator.key`, and
//! `com.authy.storage.tokens.authy.xml` Authy's own tokens under
//! `com.authy.storage.tokens.authy.key`: each a JSON array of entries with
//! `digits`, a secret (`decryptedSecret` base32, or `encryptedSecret` base64
//! with its `salt`, or for Authy's own tokens `secretSeed` hex) and names
//! (`originalIssuer`, `originalName`, `name`, `accountType`). Codes are
//! always SHA1, every 30 s for third-party tokens and every 10 s for
//! Authy's own.

use serde_json::Value;

use super::{
    Input,
    crypto::{self, Prf},
    fields,
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem},
    otp::{OtpKind, Secret},
};

const FORMAT: ImportFormat = ImportFormat::Authy;

/// The preference entries that hold token lists.
const KEYS: [&str; 2] = [
    "com.authy.storage.tokens.authenticator.key",
    "com.authy.storage.tokens.authy.key",
];

/// Authy encrypts each secret with a key of PBKDF2-HMAC-SHA1 of the backup
/// password, 1000 iterations.
const ITERATIONS: u32 = 1000;
/// Authy's AES-CBC IV: all zeros (a fixed IV is what the app does).
const IV: [u8; 16] = [0; 16];
/// Authy's own tokens change every 10 seconds.
const AUTHY_PERIOD: u64 = 10;

/// True for a preferences file with one of Authy's token-list entries.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input
        .prefs
        .as_ref()
        .is_some_and(|p| KEYS.iter().any(|k| p.get(k).is_some()))
}

/// Reads the tokens; encrypted secrets need the backup `password`.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let prefs = input.prefs.as_ref().ok_or(ImportError::UnknownFormat)?;
    let mut entries = Vec::new();
    for key in KEYS {
        if let Some(list) = prefs.get(key) {
            let list: Value = serde_json::from_str(list)
                .map_err(|_| ImportError::damaged(FORMAT, "its token list is not JSON"))?;
            let list = list
                .as_array()
                .ok_or_else(|| ImportError::damaged(FORMAT, "its token list is not a list"))?;
            entries.extend(list.iter().cloned());
        }
    }
    // As Aegis decides: the file is encrypted when an entry carries neither
    // a plain secret nor a seed, and then nothing is read without the
    // password (asking once, for the whole file).
    let encrypted = entries
        .iter()
        .any(|e| e.get("decryptedSecret").is_none() && e.get("secretSeed").is_none());
    if encrypted && password.is_none() {
        return Err(ImportError::PasswordNeeded { format: FORMAT });
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| entry(i, e, password))
        .collect()
}

/// One token list entry.
fn entry(index: usize, e: &Value, password: Option<&str>) -> Result<ImportItem, ImportError> {
    let label = fields::json_str(e, "name");
    let at = |why: String| ImportError::entry(FORMAT, index, label, why);
    if !e.is_object() {
        return Err(at("it is not a JSON object".into()));
    }
    let digits = fields::json_u64(e.get("digits"));
    let (secret, issuer, name, period) = if let Some(seed) = fields::json_str(e, "secretSeed") {
        // Authy's own token: its name is the service.
        let secret = fields::hex_secret(seed).map_err(at)?;
        (
            secret,
            label.map(str::to_owned),
            String::new(),
            AUTHY_PERIOD,
        )
    } else {
        let secret = match fields::json_str(e, "decryptedSecret") {
            Some(s) => fields::base32_secret(s).map_err(at)?,
            None => decrypt_secret(e, password, &at)?,
        };
        let (issuer, name) = names(e);
        (secret, issuer, name, 30)
    };
    let params =
        fields::params(OtpKind::Totp, secret, None, digits, Some(period), None).map_err(at)?;
    Ok(ImportItem::Account(fields::account(
        FORMAT,
        issuer.as_deref(),
        &name,
        params,
    )))
}

/// The secret of an entry with `encryptedSecret` and `salt`: AES-256-CBC
/// (zero IV) under PBKDF2-HMAC-SHA1(password, salt), whose plaintext is the
/// base32 secret. `at` makes an entry's damage report.
fn decrypt_secret(
    e: &Value,
    password: Option<&str>,
    at: &dyn Fn(String) -> ImportError,
) -> Result<Secret, ImportError> {
    let sealed =
        fields::json_str(e, "encryptedSecret").ok_or_else(|| at("it has no secret".into()))?;
    let sealed =
        fields::base64(sealed).ok_or_else(|| at("its encrypted secret is not base64".into()))?;
    let salt =
        fields::json_str(e, "salt").ok_or_else(|| at("its encrypted secret has no salt".into()))?;
    let password = password.ok_or(ImportError::PasswordNeeded { format: FORMAT })?;
    let key = crypto::pbkdf2(
        Prf::Sha1,
        password.as_bytes(),
        salt.as_bytes(),
        ITERATIONS,
        32,
    )
    .map_err(at)?;
    let wrong = ImportError::WrongPassword { format: FORMAT };
    let plain = crypto::aes256_cbc_decrypt(&key, &IV, &sealed).ok_or_else(|| wrong.clone())?;
    // A wrong key passes the padding check once in ~256 tries and then
    // yields noise, not base32: that is a wrong password too.
    let text = std::str::from_utf8(&plain).map_err(|_| wrong.clone())?;
    fields::base32_secret(text).map_err(|_| wrong)
}

/// (issuer, name) of a third-party entry, by Aegis's rules: the issuer is
/// `originalIssuer`, else the part of `originalName` before `:`, else the
/// part of `name` before ` - `, else the capitalised `accountType`; the
/// name is `name` without that issuer prefix (and a leading `: `).
fn names(e: &Value) -> (Option<String>, String) {
    let name = fields::json_str(e, "name").unwrap_or_default();
    let original_name = fields::json_str(e, "originalName");
    let (issuer, separator) = if let Some(i) = fields::json_str(e, "originalIssuer") {
        (Some(i.to_owned()), "")
    } else if let Some((i, _)) = original_name.and_then(|n| n.split_once(':')) {
        (Some(i.to_owned()), ":")
    } else if let Some((i, _)) = name.split_once(" - ") {
        (Some(i.to_owned()), " - ")
    } else {
        let capitalised = fields::json_str(e, "accountType").and_then(|t| {
            let mut chars = t.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
        });
        (capitalised, "")
    };
    let mut rest = name;
    if let Some(i) = issuer.as_deref() {
        rest = rest
            .strip_prefix(&format!("{i}{separator}"))
            .unwrap_or(rest);
    }
    let rest = rest.strip_prefix(": ").unwrap_or(rest);
    (issuer, rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefs(key: &str, list: &str) -> String {
        format!(
            "<?xml version='1.0'?><map><int name=\"key_version\" value=\"121\" /><string name=\"{key}\">{}</string></map>",
            list.replace('"', "&quot;")
        )
    }

    #[test]
    fn reads_plain_and_native_tokens_with_authys_names() {
        let plain = prefs(
            KEYS[0],
            r#"[{"accountType":"authenticator","decryptedSecret":"JBSWY3DPEHPK3PXP","digits":7,"originalIssuer":"Deno","originalName":"Deno:Mason","name":"Deno: Mason"},{"accountType":"github","decryptedSecret":"JBSWY3DPEHPK3PXP","digits":6,"name":"Work - me"},{"accountType":"gitlab","decryptedSecret":"JBSWY3DPEHPK3PXP","digits":6,"name":"me"}]"#,
        );
        let input = Input::new(plain.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let names: Vec<(Option<&str>, &str, u8, u32)> = items
            .iter()
            .map(|i| match i {
                ImportItem::Account(a) => (
                    a.issuer.as_deref(),
                    a.name.as_str(),
                    a.otp.digits.get(),
                    a.otp.period,
                ),
                ImportItem::NotImported(n) => panic!("{n:?}"),
            })
            .collect();
        assert_eq!(
            names,
            [
                (Some("Deno"), "Mason", 7, 30),
                (Some("Work"), "me", 6, 30),
                (Some("Gitlab"), "me", 6, 30)
            ]
        );

        let native = prefs(
            KEYS[1],
            r#"[{"secretSeed":"0123456789abcdef","digits":7,"name":"Twitch"}]"#,
        );
        let items = read(&Input::new(native.as_bytes()), None).unwrap();
        let [ImportItem::Account(a)] = &items[..] else {
            panic!()
        };
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str(), a.otp.period),
            (Some("Twitch"), "", 10)
        );
    }

    #[test]
    fn encrypted_secrets_need_the_password() {
        let enc = prefs(
            KEYS[0],
            r#"[{"digits":6,"encryptedSecret":"AAAAAAAAAAAAAAAAAAAAAA==","salt":"abc","name":"x"}]"#,
        );
        let input = Input::new(enc.as_bytes());
        assert_eq!(
            read(&input, None).unwrap_err(),
            ImportError::PasswordNeeded { format: FORMAT }
        );
        assert_eq!(
            read(&input, Some("nope")).unwrap_err(),
            ImportError::WrongPassword { format: FORMAT }
        );
    }

    #[test]
    fn damage_is_typed_and_other_prefs_are_not_authy() {
        let bad = prefs(KEYS[0], r#"[{"decryptedSecret":"!!","name":"x"}]"#);
        assert!(matches!(
            read(&Input::new(bad.as_bytes()), None).unwrap_err(),
            ImportError::Damaged { .. }
        ));
        let not_a_list = prefs(KEYS[0], r#"{"a":1}"#);
        assert!(matches!(
            read(&Input::new(not_a_list.as_bytes()), None).unwrap_err(),
            ImportError::Damaged { .. }
        ));
        assert!(!detect(&Input::new(prefs("other", "[]").as_bytes())));
    }
}
