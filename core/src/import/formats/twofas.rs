//! 2FAS backup (`.2fas`), schema 1 to 4, plain or encrypted, and the
//! legacy schema-1 JSON.
//!
//! Source: twofas/2fas-android `BackupContent.kt`, `BackupCipherImpl.kt`,
//! `BackupKeyGeneratorPbkdf.kt`; Aegis `importers/TwoFASImporter.java`;
//! `formats.md` §5.
//!
//! `{"services": [...], "groups": [{"id", "name"}], "schemaVersion", ...}`.
//! Encrypted, `services` is empty and `servicesEncrypted` is
//! `base64(ciphertext ‖ tag):base64(salt):base64(iv)`, AES-GCM under
//! PBKDF2-HMAC-SHA256(password, salt, 10 000); `reference` is a fixed text
//! sealed the same way, which tells a wrong password from damage. Schema 2
//! has no token type (everything is TOTP); 3 and 4 add `tokenType`.
//! Exporters bump the schema without notice (Aegis #892, #1243): a newer
//! one is read as if it were 4 and, if that fails, the error says so.

use std::collections::HashMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    Input,
    crypto::{self, Prf},
    fields::{self, EntryKind, SecretJson, json_str, json_u64},
};
use crate::{
    account::label,
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
    otp::OtpKind,
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::TwoFas;

/// The newest schema this reader knows.
const KNOWN_SCHEMA: u64 = 4;

/// PBKDF2 rounds of every 2FAS backup (`BackupKeyGeneratorPbkdf.kt`).
const PBKDF2_ITERATIONS: u32 = 10_000;

/// True for a JSON object with a `services` list and a `schemaVersion`
/// or `servicesEncrypted`: 2FAS's names, which no other app uses.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input
        .json
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|o| {
            o.get("services").is_some_and(Value::is_array)
                && (o.contains_key("schemaVersion") || o.contains_key("servicesEncrypted"))
        })
}

/// Reads a plain backup, or decrypts an encrypted one with `password`.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let file = input.json.as_ref().ok_or(ImportError::UnknownFormat)?;
    let schema = json_u64(file.get("schemaVersion"));
    let groups: HashMap<&str, &str> = file
        .get("groups")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| Some((json_str(g, "id")?, json_str(g, "name")?)))
                .collect()
        })
        .unwrap_or_default();
    let result = match file.get("servicesEncrypted").and_then(Value::as_str) {
        Some(sealed) => {
            let password = password.ok_or(ImportError::PasswordNeeded { format: FORMAT })?;
            let services = decrypt(sealed, json_str(file, "reference"), password)?;
            read_services(&services.0, &groups)
        }
        None => read_services(file.get("services").unwrap_or(&Value::Null), &groups),
    };
    match (result, schema) {
        (
            Err(ImportError::Damaged {
                format,
                entry,
                reason,
            }),
            Some(v),
        ) if v > KNOWN_SCHEMA => Err(ImportError::Damaged {
            format,
            entry,
            reason: format!(
                "{reason} (it is schema {v}, newer than the 1 to {KNOWN_SCHEMA} Watchword \
                     reads: the app may have changed its format)"
            ),
        }),
        (result, _) => result,
    }
}

/// A damaged-file error.
fn damaged(reason: impl Into<String>) -> ImportError {
    ImportError::damaged(FORMAT, reason)
}

/// Opens one `ciphertext:salt:iv` value; `Ok(None)` when GCM refuses it
/// (wrong password or altered data).
fn open(
    sealed: &str,
    password: &str,
    what: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, ImportError> {
    let mut parts = sealed.trim().split(':');
    let mut part = |name: &str| {
        parts
            .next()
            .and_then(fields::base64)
            .ok_or_else(|| damaged(format!("its {what} has no base64 {name}")))
    };
    let ciphertext = part("ciphertext")?;
    let salt = part("salt")?;
    let iv = part("IV")?;
    if iv.len() != 12 {
        return Err(damaged(format!("its {what} IV is not 96 bits")));
    }
    let key = crypto::pbkdf2(
        Prf::Sha256,
        password.as_bytes(),
        &salt,
        PBKDF2_ITERATIONS,
        32,
    )
    .map_err(damaged)?;
    Ok(crypto::aes_gcm_open(&key, &iv, &ciphertext, b""))
}

/// The decrypted `services` list. The `reference` (when present) is
/// checked first, so a wrong password is told from damage.
fn decrypt(
    sealed: &str,
    reference: Option<&str>,
    password: &str,
) -> Result<SecretJson, ImportError> {
    let wrong = ImportError::WrongPassword { format: FORMAT };
    if let Some(reference) = reference {
        // Its content is a constant: that it opens is the check.
        if open(reference, password, "password check")?.is_none() {
            return Err(wrong);
        }
    }
    match open(sealed, password, "encrypted services")? {
        Some(plain) => SecretJson::parse(&plain).map_err(damaged),
        None if reference.is_some() => Err(damaged(
            "its services do not decrypt although the password is right: they were altered",
        )),
        None => Err(wrong),
    }
}

/// The entries of a `services` list.
fn read_services(
    services: &Value,
    groups: &HashMap<&str, &str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let services = services
        .as_array()
        .ok_or_else(|| damaged("its services are not a list"))?;
    services
        .iter()
        .enumerate()
        .map(|(i, s)| read_service(i, s, groups))
        .collect()
}

/// One service: issuer from `name` (else `otp.issuer`), account from
/// `otp.account` (else the label without its issuer), as Aegis maps them.
fn read_service(
    index: usize,
    s: &Value,
    groups: &HashMap<&str, &str>,
) -> Result<ImportItem, ImportError> {
    let empty = Value::Null;
    let otp = s.get("otp").unwrap_or(&empty);
    let issuer = json_str(s, "name")
        .or_else(|| json_str(otp, "issuer"))
        .filter(|i| !i.trim().is_empty());
    let name = json_str(otp, "account")
        .or_else(|| json_str(otp, "label").map(|l| fields::split_label(l).1))
        .unwrap_or_default();
    let shown = label(issuer, name);
    let at = |why: String| ImportError::entry(FORMAT, index, Some(&shown), why);
    // Schemas 1 and 2 have no token type: every service is TOTP.
    let kind = match json_str(otp, "tokenType").map(|t| (t, fields::kind(t))) {
        None => OtpKind::Totp,
        Some((_, Some(EntryKind::Otp(kind)))) => kind,
        Some((_, Some(EntryKind::Other(what)))) => {
            return Ok(not_imported(
                shown.clone(),
                NotImportedKind::no_generator(what),
            ));
        }
        Some((t, None)) => {
            return Ok(not_imported(
                shown.clone(),
                NotImportedKind::unknown_type(t),
            ));
        }
    };
    let secret = fields::base32_secret(json_str(s, "secret").unwrap_or_default()).map_err(at)?;
    let params = fields::json_params(kind, secret, otp, "algorithm").map_err(at)?;
    let mut account = fields::account(FORMAT, issuer, name, params);
    account.group = json_str(s, "groupId")
        .and_then(|id| groups.get(id))
        .map(|g| g.trim().to_owned())
        .filter(|g| !g.is_empty());
    Ok(ImportItem::Account(account))
}

/// An entry left out, and why.
fn not_imported(label: String, kind: NotImportedKind) -> ImportItem {
    ImportItem::NotImported(NotImported::new(label, kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn read_str(text: &str, password: Option<&str>) -> Result<Vec<ImportItem>, ImportError> {
        let input = Input::new(text.as_bytes());
        assert!(detect(&input), "not detected: {text}");
        read(&input, password)
    }

    const V4: &str = r#"{"services":[
        {"name":"Deno","secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","groupId":"g1",
         "otp":{"account":"Mason","issuer":"Deno","digits":7,"period":20,"algorithm":"SHA256","tokenType":"TOTP"}},
        {"name":"Issuu","secret":"YOOMIXWS5GN6RTBPUFFWKTW5M4",
         "otp":{"label":"Issuu:James","digits":6,"algorithm":"SHA1","counter":9,"tokenType":"HOTP"}}],
        "groups":[{"id":"g1","name":"Work"}],"schemaVersion":4}"#;

    #[test]
    fn reads_a_plain_backup_with_groups_and_hotp() {
        let items = read_str(V4, None).unwrap();
        let ImportItem::Account(a) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str(), a.group.as_deref()),
            (Some("Deno"), "Mason", Some("Work"))
        );
        assert_eq!((a.otp.digits.get(), a.otp.period), (7, 20));
        let ImportItem::Account(h) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (h.name.as_str(), h.otp.kind, h.otp.counter),
            ("James", OtpKind::Hotp, 9)
        );
    }

    #[test]
    fn a_newer_schema_is_tried_and_its_failure_explained() {
        let v9 = V4.replace("\"schemaVersion\":4", "\"schemaVersion\":9");
        assert_eq!(read_str(&v9, None).unwrap().len(), 2);
        let broken = v9.replace(
            "\"secret\":\"4SJHB4GSD43FZBAI7C2HLRJGPQ\"",
            "\"secret\":{\"v\":1}",
        );
        let e = read_str(&broken, None).unwrap_err();
        assert!(e.to_string().contains("schema 9"), "{e}");
    }

    #[test]
    fn encrypted_checks_the_reference_then_the_services() {
        // Sealed here with ring, as 2FAS seals them.
        let seal = |plain: &[u8], password: &str| {
            let salt = [7u8; 256];
            let iv = [9u8; 12];
            let key = crypto::pbkdf2(
                Prf::Sha256,
                password.as_bytes(),
                &salt,
                PBKDF2_ITERATIONS,
                32,
            )
            .unwrap();
            let key = ring::aead::LessSafeKey::new(
                ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &key).unwrap(),
            );
            let mut buf = plain.to_vec();
            key.seal_in_place_append_tag(
                ring::aead::Nonce::assume_unique_for_key(iv),
                ring::aead::Aad::empty(),
                &mut buf,
            )
            .unwrap();
            let b = |x: &[u8]| base64::engine::general_purpose::STANDARD.encode(x);
            format!("{}:{}:{}", b(&buf), b(&salt), b(&iv))
        };
        let services =
            r#"[{"name":"Deno","secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","otp":{"account":"Mason"}}]"#;
        let file = format!(
            r#"{{"services":[],"groups":[],"schemaVersion":4,"servicesEncrypted":"{}","reference":"{}"}}"#,
            seal(services.as_bytes(), "pw"),
            seal(b"reference", "pw")
        );
        assert_eq!(
            read_str(&file, None).unwrap_err(),
            ImportError::PasswordNeeded { format: FORMAT }
        );
        assert_eq!(
            read_str(&file, Some("nope")).unwrap_err(),
            ImportError::WrongPassword { format: FORMAT }
        );
        assert_eq!(read_str(&file, Some("pw")).unwrap().len(), 1);
        // Right password, altered services: damage, not a wrong password.
        let altered = file.replacen("servicesEncrypted\":\"", "servicesEncrypted\":\"AA", 1);
        assert!(matches!(
            read_str(&altered, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        let truncated = r#"{"services":[],"schemaVersion":4,"servicesEncrypted":"AAAA"}"#;
        assert!(matches!(
            read_str(truncated, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
    }

    #[test]
    fn detect_refuses_other_shapes() {
        for other in [
            r#"{"version":1,"header":{},"db":{}}"#,
            r#"{"services":[]}"#,
            r#"{"Authenticators":[]}"#,
        ] {
            assert!(!detect(&Input::new(other.as_bytes())), "{other}");
        }
    }
}
