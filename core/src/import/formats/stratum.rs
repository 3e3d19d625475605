//! Stratum (formerly Authenticator Pro) backup: plain JSON, encrypted,
//! legacy encrypted, and the app's internal database.
//!
//! Source: Aegis `importers/StratumImporter.java`; stratumauth/app
//! `Stratum.Core/Backup/Backup.cs`; `formats.md` §9.
//!
//! - Plain: `{"Authenticators": [{Type, Issuer, Username, Secret (base32),
//!   Algorithm, Digits, Period, Counter, Ranking}], "Categories": [{Id,
//!   Name}], "AuthenticatorCategories": [{CategoryId, AuthenticatorSecret}]}`.
//!   `Type` 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex; `Algorithm` 0 SHA1,
//!   1 SHA256, 2 SHA512.
//! - Encrypted: `AUTHENTICATORPRO` ‖ salt (16) ‖ IV (12) ‖ AES-256-GCM
//!   ciphertext and tag; key Argon2id(password, salt, 3 passes, 64 MiB,
//!   4 lanes).
//! - Legacy encrypted: `AuthenticatorPro` ‖ salt (20) ‖ IV (16) ‖
//!   AES-256-CBC/PKCS#7; key PBKDF2-HMAC-SHA1(password, salt, 64 000).
//! - Internal database (`authenticator.db3`, root only): table
//!   `authenticator` with the same columns, in lower case, and the
//!   `category`/`authenticatorcategory` tables.

use serde_json::{Map, Value};

use super::{
    Input,
    crypto::{self, Prf},
    fields::{self, SecretJson, json_u64},
    sqlite,
};
use crate::{
    account::label,
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
    otp::OtpKind,
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::Stratum;

/// Header of the current encrypted backup.
const HEADER: &[u8; 16] = b"AUTHENTICATORPRO";
/// Header of the legacy (before 1.x) encrypted backup.
const LEGACY_HEADER: &[u8; 16] = b"AuthenticatorPro";

/// The columns of the internal database's `authenticator` table this
/// reader needs.
const COLUMNS: &[&str] = &[
    "type",
    "issuer",
    "username",
    "secret",
    "algorithm",
    "digits",
    "period",
    "counter",
];

/// True for JSON with an `Authenticators` list, a file that is not JSON
/// and starts with one of the two headers, or a SQLite database with the
/// `authenticator` table.
pub(super) fn detect(input: &Input<'_>) -> bool {
    match &input.json {
        Some(json) => json.get("Authenticators").is_some_and(Value::is_array),
        None if input.is_sqlite() => sqlite::has_table(input.bytes, "authenticator", COLUMNS),
        None => input.bytes.starts_with(HEADER) || input.bytes.starts_with(LEGACY_HEADER),
    }
}

/// Reads whichever of the four forms the file is.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    if let Some(json) = &input.json {
        return read_backup(json);
    }
    if input.is_sqlite() {
        return read_database(input.bytes);
    }
    let password = password.ok_or(ImportError::PasswordNeeded { format: FORMAT })?;
    let body = input.bytes.get(HEADER.len()..).unwrap_or_default();
    let backup = if input.bytes.starts_with(HEADER) {
        decrypt(body, password)?
    } else if input.bytes.starts_with(LEGACY_HEADER) {
        decrypt_legacy(body, password)?
    } else {
        return Err(ImportError::UnknownFormat);
    };
    read_backup(&backup.0)
}

/// A damaged-file error.
fn damaged(reason: impl Into<String>) -> ImportError {
    ImportError::damaged(FORMAT, reason)
}

/// The current encrypted form (Argon2id, AES-256-GCM).
fn decrypt(body: &[u8], password: &str) -> Result<SecretJson, ImportError> {
    let (Some(salt), Some(iv), Some(sealed)) = (body.get(..16), body.get(16..28), body.get(28..))
    else {
        return Err(damaged("it is too short for an encrypted backup"));
    };
    let key = crypto::argon2id(password.as_bytes(), salt, 3, 1 << 16, 4, 32).map_err(damaged)?;
    let plain = crypto::aes_gcm_open(&key, iv, sealed, b"")
        .ok_or(ImportError::WrongPassword { format: FORMAT })?;
    SecretJson::parse(&plain).map_err(damaged)
}

/// The legacy encrypted form (PBKDF2-SHA1, AES-256-CBC).
fn decrypt_legacy(body: &[u8], password: &str) -> Result<SecretJson, ImportError> {
    let (Some(salt), Some(iv), Some(ciphertext)) =
        (body.get(..20), body.get(20..36), body.get(36..))
    else {
        return Err(damaged("it is too short for a legacy encrypted backup"));
    };
    if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
        return Err(damaged(
            "its ciphertext is not whole AES blocks: the file is cut",
        ));
    }
    let key = crypto::pbkdf2(Prf::Sha1, password.as_bytes(), salt, 64_000, 32).map_err(damaged)?;
    let wrong = ImportError::WrongPassword { format: FORMAT };
    let plain = crypto::aes256_cbc_decrypt(&key, iv, ciphertext).ok_or_else(|| wrong.clone())?;
    // CBC has no tag: a wrong key passes the padding check one time in
    // 256 and then gives noise, which is a wrong password too.
    SecretJson::parse(&plain).map_err(|_| wrong)
}

/// A backup object's entries.
fn read_backup(json: &Value) -> Result<Vec<ImportItem>, ImportError> {
    let entries = field(json, "Authenticators")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("it has no Authenticators list"))?;
    let categories = field(json, "Categories").and_then(Value::as_array);
    let links = field(json, "AuthenticatorCategories").and_then(Value::as_array);
    // The first category of the entry with this secret (Stratum links
    // categories to entries by secret).
    let category_of = |secret: Option<&str>| -> Option<String> {
        let secret = secret?;
        let id = links?
            .iter()
            .find(|l| str_field(l, "AuthenticatorSecret") == Some(secret))
            .and_then(|l| str_field(l, "CategoryId"))?;
        categories?
            .iter()
            .find(|c| str_field(c, "Id") == Some(id))
            .and_then(|c| str_field(c, "Name"))
            .map(str::to_owned)
    };
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| read_entry(i, e, category_of(str_field(e, "Secret"))))
        .collect()
}

/// A field by its name in any case: the backup writes `Issuer`, the
/// database `issuer`, and versions differ (Aegis #1176).
fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let o = v.as_object()?;
    o.get(key)
        .or_else(|| {
            o.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

/// A string field by its name in any case.
fn str_field<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    field(v, key)?.as_str()
}

/// One entry; `group` is its first category's name.
fn read_entry(index: usize, e: &Value, group: Option<String>) -> Result<ImportItem, ImportError> {
    let issuer = str_field(e, "Issuer").filter(|i| !i.trim().is_empty());
    let name = str_field(e, "Username").unwrap_or_default();
    let shown = label(issuer, name);
    let at = |why: String| ImportError::entry(FORMAT, index, Some(&shown), why);
    let not_imported = |what: &str| {
        Ok(ImportItem::NotImported(NotImported::new(
            shown.clone(),
            NotImportedKind::no_generator(what),
        )))
    };
    let kind = match json_u64(field(e, "Type")) {
        Some(1) => OtpKind::Hotp,
        Some(2) => OtpKind::Totp,
        Some(4) => OtpKind::Steam,
        Some(3) => return not_imported("mOTP"),
        Some(5) => return not_imported("Yandex"),
        Some(t) => return not_imported(&format!("type {t}")),
        None => return Err(at("it has no type".into())),
    };
    let algorithm = match json_u64(field(e, "Algorithm")) {
        None | Some(0) => "SHA1",
        Some(1) => "SHA256",
        Some(2) => "SHA512",
        Some(a) => {
            return Err(at(format!(
                "its algorithm {a} is not 0, 1 or 2 (SHA1, SHA256, SHA512)"
            )));
        }
    };
    let secret = fields::base32_secret(str_field(e, "Secret").unwrap_or_default()).map_err(at)?;
    let params = fields::params(
        kind,
        secret,
        Some(algorithm),
        json_u64(field(e, "Digits")),
        json_u64(field(e, "Period")),
        json_u64(field(e, "Counter")),
    )
    .map_err(at)?;
    let mut account = fields::account(FORMAT, issuer, name, params);
    account.group = group.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
    Ok(ImportItem::Account(account))
}

/// The internal database: each `authenticator` row as the backup's JSON
/// object (wiped when dropped), with its first category.
fn read_database(bytes: &[u8]) -> Result<Vec<ImportItem>, ImportError> {
    let conn = sqlite::open(bytes).map_err(damaged)?;
    let cols = "a.type, a.issuer, a.username, a.secret, a.algorithm, a.digits, a.period, a.counter";
    let with_category = format!(
        "SELECT {cols}, (SELECT c.name FROM authenticatorcategory ac JOIN category c ON c.id = ac.categoryId \
         WHERE ac.authenticatorSecret = a.secret LIMIT 1) FROM authenticator a"
    );
    // Databases without the category tables: no groups.
    let without = format!("SELECT {cols}, NULL FROM authenticator a");
    let mut stmt = conn
        .prepare(&with_category)
        .or_else(|_| conn.prepare(&without))
        .map_err(|e| damaged(format!("its authenticator table cannot be read ({e})")))?;
    let names = [
        "Type",
        "Issuer",
        "Username",
        "Secret",
        "Algorithm",
        "Digits",
        "Period",
        "Counter",
        "Category",
    ];
    let rows = stmt
        .query_map([], |row| {
            let mut o = Map::new();
            for (i, name) in names.iter().enumerate() {
                o.insert((*name).to_owned(), sql_value(row.get_ref(i)?));
            }
            Ok(SecretJson(Value::Object(o)))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| damaged(format!("its authenticator table cannot be read ({e})")))?;
    rows.iter()
        .enumerate()
        .map(|(i, row)| read_entry(i, &row.0, str_field(&row.0, "Category").map(str::to_owned)))
        .collect()
}

/// A SQLite value as JSON (blobs, which no column here holds, as null).
fn sql_value(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"{"Authenticators":[
        {"Type":2,"Issuer":"Deno","Username":"Mason","Secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","Algorithm":1,"Digits":7,"Period":20,"Counter":0},
        {"Type":1,"Issuer":"Issuu","Username":null,"Secret":"YOOMIXWS5GN6RTBPUFFWKTW5M4","Algorithm":0,"Digits":6,"Period":30,"Counter":3},
        {"Type":3,"Issuer":"Bank","Username":"me","Secret":"00112233","Algorithm":0,"Digits":6,"Period":10,"Counter":0}],
        "Categories":[{"Id":"c1","Name":"Work"}],
        "AuthenticatorCategories":[{"CategoryId":"c1","AuthenticatorSecret":"4SJHB4GSD43FZBAI7C2HLRJGPQ"}]}"#;

    #[test]
    fn reads_plain_json_with_categories_and_an_unsupported_type() {
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
        assert_eq!(a.otp.algorithm, crate::otp::Algorithm::Sha256);
        let ImportItem::Account(h) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (h.otp.kind, h.otp.counter, h.name.as_str()),
            (OtpKind::Hotp, 3, "")
        );
        let ImportItem::NotImported(n) = &items[2] else {
            panic!("{items:?}")
        };
        assert!(n.reason.contains("mOTP"));
    }

    #[test]
    fn encrypted_forms_need_a_password_and_cut_files_are_damaged() {
        for header in [HEADER, LEGACY_HEADER] {
            let mut bytes = header.to_vec();
            bytes.extend([0u8; 20]);
            let input = Input::new(&bytes);
            assert!(detect(&input));
            assert_eq!(
                read(&input, None).unwrap_err(),
                ImportError::PasswordNeeded { format: FORMAT }
            );
            assert!(matches!(
                read(&input, Some("pw")),
                Err(ImportError::Damaged { .. })
            ));
        }
    }

    #[test]
    fn reads_the_internal_database_even_in_wal_mode() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE authenticator (type INTEGER, icon TEXT, issuer TEXT, username TEXT,
                 secret TEXT PRIMARY KEY, pin TEXT, algorithm INTEGER, digits INTEGER,
                 period INTEGER, counter INTEGER, ranking INTEGER);
             CREATE TABLE category (id TEXT PRIMARY KEY, name TEXT, ranking INTEGER);
             CREATE TABLE authenticatorcategory (categoryId TEXT, authenticatorSecret TEXT, ranking INTEGER);
             INSERT INTO authenticator VALUES (4, NULL, 'Boeing', 'Sophia', 'JRZCL47CMXVOQMNPZR2F7J4RGI',
                 NULL, 0, 5, 30, 0, 0);
             INSERT INTO category VALUES ('c1', 'Games', 0);
             INSERT INTO authenticatorcategory VALUES ('c1', 'JRZCL47CMXVOQMNPZR2F7J4RGI', 0);",
        )
        .unwrap();
        let mut bytes = conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec();
        bytes[18] = 2;
        bytes[19] = 2;
        let input = Input::new(&bytes);
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let ImportItem::Account(a) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.otp.kind, a.name.as_str(), a.group.as_deref()),
            (OtpKind::Steam, "Sophia", Some("Games"))
        );
    }

    #[test]
    fn bad_values_are_damage_and_detect_refuses_other_shapes() {
        let bad = PLAIN.replacen("\"Algorithm\":1", "\"Algorithm\":7", 1);
        let e = read(&Input::new(bad.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (Deno (Mason))"),
            "{e}"
        );
        for other in [
            &br#"{"services":[],"schemaVersion":2}"#[..],
            b"[]",
            b"AUTHENTICATOR",
        ] {
            assert!(!detect(&Input::new(other)), "{other:?}");
        }
    }
}
