//! Aegis vault export (`aegis-export-*.json`), plain or encrypted.
//!
//! Source: beemdevelopment/Aegis `docs/vault.md`,
//! `vault/slots/PasswordSlot.java` and `ui/tasks/PasswordSlotDecryptTask.java`
//! (the legacy password encoding); `formats.md` §4.
//!
//! `{"version": 1, "header": {"slots", "params"}, "db"}`: with `slots` and
//! `params` null, `db` is the content object. Encrypted, `db` is base64 of
//! AES-256-GCM ciphertext under a random master key; each password slot
//! holds that key sealed with scrypt(password, salt) (nonce and tag in hex,
//! stored apart from the ciphertext). The content is
//! `{"version": 1|2|3, "entries": [...], "groups": [{"uuid", "name"}]}`:
//! version 2 names an entry's group in its `group` string, version 3 lists
//! group uuids in `groups`.

use std::collections::HashMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    Input, crypto,
    fields::{self, EntryKind, SecretJson, json_str, json_u64},
};
use crate::{
    account::label,
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::Aegis;

/// The newest content version this reader knows; newer ones are tried.
const KNOWN_CONTENT_VERSION: u64 = 3;

/// True for a JSON object with a `header` object and a `db`: the shape of
/// every Aegis export and of no other app's.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input
        .json
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|o| o.get("header").is_some_and(Value::is_object) && o.contains_key("db"))
}

/// Reads a plain export, or decrypts an encrypted one with `password`.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let file = input.json.as_ref().ok_or(ImportError::UnknownFormat)?;
    let header = file
        .get("header")
        .ok_or_else(|| damaged("it has no header"))?;
    let slots = header.get("slots").filter(|v| !v.is_null());
    let params = header.get("params").filter(|v| !v.is_null());
    match (slots, params, file.get("db")) {
        (None, None, Some(db @ Value::Object(_))) => read_content(db),
        (Some(slots), Some(params), Some(Value::String(db))) => {
            let password = password.ok_or(ImportError::PasswordNeeded { format: FORMAT })?;
            let master = open_slots(slots, password)?;
            let content = open_db(&master, params, db)?;
            read_content(&content.0)
        }
        _ => Err(damaged(
            "its header and db do not match (a plain vault has null slots and params and a db \
             object, an encrypted one has both and a db string)",
        )),
    }
}

/// A damaged-file error.
fn damaged(reason: impl Into<String>) -> ImportError {
    ImportError::damaged(FORMAT, reason)
}

/// One password slot: the master key sealed with scrypt(password, salt).
struct PasswordSlot {
    /// scrypt salt.
    salt: Vec<u8>,
    /// log2 of scrypt's N.
    log_n: u8,
    /// scrypt block size.
    r: u32,
    /// scrypt parallelism.
    p: u32,
    /// GCM nonce of the sealed master key.
    nonce: Vec<u8>,
    /// The encrypted master key followed by its tag, as GCM opens it.
    sealed: Vec<u8>,
    /// False (or absent) when the slot may have been made with the legacy
    /// password encoding (Aegis #95).
    repaired: bool,
}

impl PasswordSlot {
    /// Reads a type-1 slot; the error names the field at fault.
    fn parse(slot: &Value) -> Result<Self, String> {
        let hex = |v: Option<&Value>, what: &str| {
            v.and_then(Value::as_str)
                .and_then(fields::hex)
                .ok_or_else(|| format!("its {what} is missing or not hex"))
        };
        let small = |key: &str| {
            json_u64(slot.get(key))
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| format!("its scrypt {key} is missing or out of range"))
        };
        let n = json_u64(slot.get("n")).ok_or("its scrypt n is missing")?;
        // scrypt's N is a power of two; the KDF takes its logarithm.
        if n < 2 || !n.is_power_of_two() {
            return Err("its scrypt n is not a power of two".into());
        }
        let log_n = u8::try_from(n.trailing_zeros()).map_err(|_| "its scrypt n is too large")?;
        let params = slot.get("key_params");
        let mut sealed = hex(slot.get("key"), "key")?;
        sealed.extend(hex(params.and_then(|p| p.get("tag")), "key tag")?);
        Ok(PasswordSlot {
            salt: hex(slot.get("salt"), "salt")?,
            log_n,
            r: small("r")?,
            p: small("p")?,
            nonce: hex(params.and_then(|p| p.get("nonce")), "key nonce")?,
            sealed,
            repaired: slot
                .get("repaired")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }
}

/// The master key, from the first password slot that `password` opens.
fn open_slots(slots: &Value, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let slots = slots
        .as_array()
        .ok_or_else(|| damaged("its slots are not a list"))?;
    let mut password_slots = 0;
    for (i, slot) in slots.iter().enumerate() {
        // Type 1 is a password slot; raw (0) and biometric (2) slots need a
        // key that only the phone that wrote the file has.
        if json_u64(slot.get("type")) != Some(1) {
            continue;
        }
        password_slots += 1;
        let slot = PasswordSlot::parse(slot).map_err(|why| {
            ImportError::damaged(FORMAT, format!("password slot {}: {why}", i + 1))
        })?;
        for encoding in password_encodings(password, slot.repaired) {
            let key = crypto::scrypt(&encoding, &slot.salt, slot.log_n, slot.r, slot.p).map_err(
                |why| ImportError::damaged(FORMAT, format!("password slot {}: {why}", i + 1)),
            )?;
            if let Some(master) = crypto::aes_gcm_open(&key, &slot.nonce, &slot.sealed, b"") {
                if master.len() != 32 {
                    return Err(damaged("its master key is not 256 bits"));
                }
                return Ok(master);
            }
        }
    }
    if password_slots == 0 {
        return Err(damaged(
            "it has no password slot (only biometric or raw-key slots, which only the phone \
             that wrote it can open): export it again with a password",
        ));
    }
    Err(ImportError::WrongPassword { format: FORMAT })
}

/// The password's bytes as Aegis derives keys from them: UTF-8, then, for
/// a slot not marked `repaired`, the legacy encoding of Aegis before 1.0
/// (#95), which hashed the whole backing array of Java's
/// `Charset.encode` buffer, the UTF-8 bytes followed by zeros.
///
/// HMAC-SHA256 (inside scrypt's PBKDF2) pads keys of up to 64 bytes with
/// zeros, so a legacy buffer of at most 64 bytes gives the same key as the
/// plain bytes: only longer buffers are tried, and only when the plain
/// encoding fails.
fn password_encodings(password: &str, repaired: bool) -> Vec<Zeroizing<Vec<u8>>> {
    let utf8 = password.as_bytes();
    let mut out = vec![Zeroizing::new(utf8.to_vec())];
    if repaired {
        return out;
    }
    // OpenJDK's UTF-8 encoder starts at 1.1 bytes per char, Android's ICU
    // one at 2.0 (the mean of its 1 and 3); either grows by 2n + 1.
    for average in [1.1f64, 2.0] {
        let len = java_encode_buffer_len(password, average);
        if len > 64 && len > utf8.len() && out.iter().all(|e| e.len() != len) {
            let mut legacy = Zeroizing::new(Vec::with_capacity(len));
            legacy.extend_from_slice(utf8);
            legacy.resize(len, 0);
            out.push(legacy);
        }
    }
    out
}

/// The capacity of the buffer Java's `CharsetEncoder.encode(CharBuffer)`
/// returns for `text`: `chars × average`, grown to `2n + 1` until the UTF-8
/// bytes fit.
fn java_encode_buffer_len(text: &str, average: f64) -> usize {
    let chars = text.encode_utf16().count();
    // A password is far below 2^52 chars: the product is exact enough.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let mut n = (chars as f64 * average) as usize;
    while n < text.len() {
        n = n.saturating_mul(2).saturating_add(1);
    }
    n
}

/// Decrypts `db` with the master key; its strings are wiped on drop.
fn open_db(master: &[u8], params: &Value, db: &str) -> Result<SecretJson, ImportError> {
    let hex = |key: &str| {
        params
            .get(key)
            .and_then(Value::as_str)
            .and_then(fields::hex)
            .ok_or_else(|| damaged(format!("its content {key} is missing or not hex")))
    };
    let nonce = hex("nonce")?;
    let mut sealed = fields::base64(db).ok_or_else(|| damaged("its db is not base64"))?;
    sealed.extend(hex("tag")?);
    // The password opened the master key: a failure here is damage.
    let plain = crypto::aes_gcm_open(master, &nonce, &sealed, b"").ok_or_else(|| {
        damaged("its content does not decrypt with the key the password opens: it was altered")
    })?;
    SecretJson::parse(&plain).map_err(damaged)
}

/// The entries of a content object (`db`).
fn read_content(db: &Value) -> Result<Vec<ImportItem>, ImportError> {
    let version = json_u64(db.get("version"));
    let result = read_entries(db);
    match (result, version) {
        // A newer vault may have moved things: say so when it fails.
        (
            Err(ImportError::Damaged {
                format,
                entry,
                reason,
            }),
            Some(v),
        ) if v > KNOWN_CONTENT_VERSION => Err(ImportError::Damaged {
            format,
            entry,
            reason: format!(
                "{reason} (its content version {v} is newer than the {KNOWN_CONTENT_VERSION} \
                     Watchword reads)"
            ),
        }),
        (result, _) => result,
    }
}

/// Every entry of the content, with version 3's group names.
fn read_entries(db: &Value) -> Result<Vec<ImportItem>, ImportError> {
    let entries = db
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("its content has no entries list"))?;
    // Content version 3: group uuid → name.
    let groups: HashMap<&str, &str> = db
        .get("groups")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| Some((json_str(g, "uuid")?, json_str(g, "name")?)))
                .collect()
        })
        .unwrap_or_default();
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| read_entry(i, e, &groups))
        .collect()
}

/// One entry: an account, or a type Watchword cannot generate.
fn read_entry(
    index: usize,
    e: &Value,
    groups: &HashMap<&str, &str>,
) -> Result<ImportItem, ImportError> {
    let issuer = json_str(e, "issuer").filter(|i| !i.trim().is_empty());
    let name = json_str(e, "name").unwrap_or_default();
    let shown = label(issuer, name);
    let at = |why: String| ImportError::entry(FORMAT, index, Some(&shown), why);
    let kind_name = json_str(e, "type").ok_or_else(|| at("it has no type".into()))?;
    let kind = match fields::kind(kind_name) {
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
                NotImportedKind::unknown_type(kind_name),
            )));
        }
    };
    let info = e.get("info").ok_or_else(|| at("it has no info".into()))?;
    let secret = fields::base32_secret(json_str(info, "secret").unwrap_or_default()).map_err(at)?;
    let params = fields::json_params(kind, secret, info, "algo").map_err(at)?;
    let mut account = fields::account(FORMAT, issuer, name, params);
    account.notes = json_str(e, "note")
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned);
    // Version 2 names the group; version 3 lists group uuids (an account
    // here has one group: the first that has a name).
    let group = json_str(e, "group").or_else(|| {
        e.get("groups")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find_map(|uuid| groups.get(uuid).copied())
    });
    account.group = group
        .filter(|g| !g.trim().is_empty())
        .map(|g| g.trim().to_owned());
    Ok(ImportItem::Account(account))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::OtpKind;

    fn read_str(text: &str, password: Option<&str>) -> Result<Vec<ImportItem>, ImportError> {
        let input = Input::new(text.as_bytes());
        assert!(detect(&input), "not detected: {text}");
        read(&input, password)
    }

    const PLAIN_V3: &str = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,
        "entries":[
          {"type":"totp","uuid":"u1","name":"Mason","issuer":"Deno","note":"backup codes in the safe",
           "info":{"secret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","algo":"SHA256","digits":7,"period":20},
           "groups":["g1"]},
          {"type":"hotp","uuid":"u2","name":"James","issuer":"Issuu","note":"",
           "info":{"secret":"YOOMIXWS5GN6RTBPUFFWKTW5M4","algo":"SHA1","digits":6,"counter":4},"groups":[]},
          {"type":"motp","uuid":"u3","name":"Old","issuer":"Bank",
           "info":{"secret":"YOOMIXWS5GN6RTBPUFFWKTW5M4","algo":"MD5","digits":6,"period":10,"pin":"1234"}}
        ],
        "groups":[{"uuid":"g1","name":"Work"}]}}"#;

    #[test]
    fn reads_a_plain_version_3_vault_with_groups_notes_and_an_unsupported_type() {
        let items = read_str(PLAIN_V3, None).unwrap();
        assert_eq!(items.len(), 3);
        let ImportItem::Account(a) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str()),
            (Some("Deno"), "Mason")
        );
        assert_eq!((a.otp.digits.get(), a.otp.period), (7, 20));
        assert_eq!(a.group.as_deref(), Some("Work"));
        assert_eq!(a.notes.as_deref(), Some("backup codes in the safe"));
        assert_eq!(a.provenance.to_string(), "import:aegis");
        let ImportItem::Account(h) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (
                h.otp.kind,
                h.otp.counter,
                h.group.as_ref(),
                h.notes.as_ref()
            ),
            (OtpKind::Hotp, 4, None, None)
        );
        let ImportItem::NotImported(n) = &items[2] else {
            panic!("{items:?}")
        };
        assert_eq!(n.reason, "Watchword has no generator for mOTP codes");
        assert_eq!(n.label, "Bank (Old)");
    }

    #[test]
    fn reads_the_version_2_group_string() {
        let text = r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[
            {"type":"steam","name":"Sophia","issuer":"Boeing","group":"Games",
             "info":{"secret":"JRZCL47CMXVOQMNPZR2F7J4RGI","algo":"SHA1","digits":5,"period":30}}]}}"#;
        let items = read_str(text, None).unwrap();
        let ImportItem::Account(a) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.otp.kind, a.group.as_deref()),
            (OtpKind::Steam, Some("Games"))
        );
    }

    #[test]
    fn damage_is_typed_and_names_the_entry() {
        let bad = PLAIN_V3.replace("4SJHB4GSD43FZBAI7C2HLRJGPQ", "!!");
        let e = read_str(&bad, None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (Deno (Mason))"),
            "{e}"
        );
        let no_entries =
            r#"{"version":1,"header":{"slots":null,"params":null},"db":{"version":9}}"#;
        let e = read_str(no_entries, None).unwrap_err();
        assert!(e.to_string().contains("newer"), "{e}");
        let mixed = r#"{"version":1,"header":{"slots":null,"params":null},"db":"AAAA"}"#;
        assert!(matches!(
            read_str(mixed, None),
            Err(ImportError::Damaged { .. })
        ));
    }

    #[test]
    fn an_encrypted_vault_needs_a_password_and_a_bad_slot_is_damage() {
        let text = r#"{"version":1,"header":{"slots":[{"type":1,"key":"zz","key_params":{"nonce":"00","tag":"00"},
            "n":32768,"r":8,"p":1,"salt":"00"}],"params":{"nonce":"00","tag":"00"}},"db":"AAAA"}"#;
        assert_eq!(
            read_str(text, None).unwrap_err(),
            ImportError::PasswordNeeded { format: FORMAT }
        );
        assert!(matches!(
            read_str(text, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        let huge = text
            .replace("32768", "18446744073709551615")
            .replace("\"zz\"", "\"00\"");
        assert!(matches!(
            read_str(&huge, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        let biometric = text.replace("\"type\":1", "\"type\":2");
        let e = read_str(&biometric, Some("pw")).unwrap_err();
        assert!(e.to_string().contains("no password slot"), "{e}");
    }

    #[test]
    fn legacy_encodings_are_tried_only_where_they_change_the_key() {
        assert_eq!(password_encodings("test", false).len(), 1);
        assert_eq!(java_encode_buffer_len("test", 1.1), 4);
        assert_eq!(java_encode_buffer_len("тест", 1.1), 9);
        let long = "x".repeat(60);
        let encodings = password_encodings(&long, false);
        // 66 bytes (OpenJDK) and 120 (Android) both exceed HMAC's block.
        assert_eq!(
            encodings.iter().map(|e| e.len()).collect::<Vec<_>>(),
            [60, 66, 120]
        );
        assert!(encodings[1][60..].iter().all(|&b| b == 0));
        assert_eq!(password_encodings(&long, true).len(), 1);
    }

    #[test]
    fn detect_refuses_other_shapes() {
        for other in [
            r#"{"services":[],"schemaVersion":4}"#,
            r#"{"version":1,"entries":[]}"#,
            r#"[{"secret":"A","type":"TOTP"}]"#,
            r#"{"header":"x","db":{}}"#,
        ] {
            assert!(!detect(&Input::new(other.as_bytes())), "{other}");
        }
    }
}
