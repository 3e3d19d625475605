//! Aegis vault JSON, plain or encrypted: the export most authenticators
//! import (Aegis, 2FAS, Ente, Bitwarden Authenticator...).
//!
//! Source: beemdevelopment/Aegis `docs/vault.md`; `formats.md` §4 (the
//! reader is `import/formats/aegis.rs`, which reads this back).
//!
//! `{"version": 1, "header": {"slots", "params"}, "db"}` with content
//! version 3 (`groups` by uuid). Encrypted: a random 256-bit master key
//! seals the content with AES-256-GCM; one password slot seals the master
//! key with scrypt(password, 32-byte salt, N = 2^15, r = 8, p = 1); nonces
//! and tags in hex, the content in base64. Plain: `slots` and `params`
//! null and `db` the content object.
//!
//! Secrets never sit in a `serde_json::Value`: the JSON is serialized from
//! borrowed structs straight into a zeroizing buffer sized beforehand, so
//! no reallocation leaves a copy behind.

use std::{collections::BTreeMap, io};

use ring::{
    aead,
    rand::{SecureRandom, SystemRandom},
};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::{ApiError, account::Account, otp::OtpKind};

/// scrypt cost of the password slot (Aegis's own: N = 2^15, r = 8, p = 1).
const SCRYPT_LOG_N: u8 = 15;
/// scrypt block size r.
const SCRYPT_R: u32 = 8;
/// scrypt parallelism p.
const SCRYPT_P: u32 = 1;

/// `accounts` as an Aegis vault export: encrypted with `password` when
/// given, plain JSON when `None`. Accounts marked not exportable (push
/// keys that must stay on this device) are left out; callers list them,
/// as the other exports do.
pub fn aegis_json(
    accounts: &[Account],
    password: Option<&str>,
) -> Result<Zeroizing<String>, ApiError> {
    let rng = SystemRandom::new();
    let accounts: Vec<&Account> = accounts.iter().filter(|a| a.exportable).collect();
    // The base32 secrets, owned here so that the entries can borrow them.
    let secrets: Vec<Zeroizing<String>> =
        accounts.iter().map(|a| a.otp.secret.to_base32()).collect();
    let content = content(&accounts, &secrets, &rng)?;
    match password {
        None => to_json(&Vault {
            version: 1,
            header: Header {
                slots: None,
                params: None,
            },
            db: &content,
        }),
        Some("") => Err(ApiError::InvalidInput {
            message:
                "an empty password would not protect the export: give one, or export unencrypted"
                    .into(),
        }),
        Some(password) => {
            let plain = to_json(&content)?;
            drop(content);
            encrypted(plain.as_bytes(), password, &rng)
        }
    }
}

/// The file's outer object; `D` is the content object or its base64.
#[derive(Serialize)]
struct Vault<'a, D: Serialize> {
    version: u32,
    header: Header<'a>,
    db: D,
}

/// Slots and content parameters: both null in a plain file.
#[derive(Serialize)]
struct Header<'a> {
    slots: Option<Vec<Slot<'a>>>,
    params: Option<KeyParams>,
}

/// A password slot.
#[derive(Serialize)]
struct Slot<'a> {
    #[serde(rename = "type")]
    kind: u8,
    uuid: String,
    key: String,
    key_params: KeyParams,
    n: u32,
    r: u32,
    p: u32,
    salt: &'a str,
    repaired: bool,
    is_backup: bool,
}

/// Nonce and tag of one AES-GCM seal, in hex.
#[derive(Serialize)]
struct KeyParams {
    nonce: String,
    tag: String,
}

/// The content (`db`), version 3.
#[derive(Serialize)]
struct Content<'a> {
    version: u32,
    entries: Vec<Entry<'a>>,
    groups: Vec<Group<'a>>,
}

/// A group: entries name it by uuid.
#[derive(Serialize)]
struct Group<'a> {
    uuid: String,
    name: &'a str,
}

/// One account as Aegis stores it.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'a str,
    favorite: bool,
    icon: Option<()>,
    info: Info<'a>,
    groups: Vec<String>,
}

/// An entry's generator: `period` for TOTP and Steam, `counter` for HOTP.
#[derive(Serialize)]
struct Info<'a> {
    secret: &'a str,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

/// The content object: one entry per account, one group per distinct
/// group name (Aegis links them by uuid).
fn content<'a>(
    accounts: &[&'a Account],
    secrets: &'a [Zeroizing<String>],
    rng: &SystemRandom,
) -> Result<Content<'a>, ApiError> {
    let mut groups: BTreeMap<&'a str, String> = BTreeMap::new();
    for name in accounts.iter().filter_map(|a| a.group.as_deref()) {
        if !groups.contains_key(name) {
            groups.insert(name, uuid(rng)?);
        }
    }
    let mut entries = Vec::with_capacity(accounts.len());
    for (a, secret) in accounts.iter().zip(secrets) {
        let p = &a.otp;
        let (kind, period, counter) = match p.kind {
            OtpKind::Totp => ("totp", Some(p.period), None),
            OtpKind::Hotp => ("hotp", None, Some(p.counter)),
            OtpKind::Steam => ("steam", Some(p.period), None),
        };
        entries.push(Entry {
            kind,
            uuid: uuid(rng)?,
            name: &a.name,
            issuer: a.issuer.as_deref().unwrap_or_default(),
            note: a.notes.as_deref().unwrap_or_default(),
            favorite: false,
            icon: None,
            info: Info {
                secret,
                algo: p.algorithm.as_str(),
                // Aegis stores Steam's 5 characters as its digits.
                digits: if p.kind == OtpKind::Steam {
                    5
                } else {
                    p.digits.get()
                },
                period,
                counter,
            },
            groups: a
                .group
                .as_deref()
                .and_then(|g| groups.get(g))
                .cloned()
                .into_iter()
                .collect(),
        });
    }
    Ok(Content {
        version: 3,
        entries,
        groups: groups
            .iter()
            .map(|(name, uuid)| Group {
                uuid: uuid.clone(),
                name,
            })
            .collect(),
    })
}

/// The encrypted file around `plain` (the content's JSON).
fn encrypted(
    plain: &[u8],
    password: &str,
    rng: &SystemRandom,
) -> Result<Zeroizing<String>, ApiError> {
    let mut master = Zeroizing::new([0u8; 32]);
    fill(rng, &mut *master)?;
    let mut salt = [0u8; 32];
    fill(rng, &mut salt)?;
    let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, 32).map_err(internal)?;
    let mut slot_key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.as_bytes(), &salt, &params, &mut *slot_key).map_err(internal)?;

    // Both buffers hold plaintext until sealed in place.
    let mut sealed_master = Zeroizing::new(master.to_vec());
    let key_params = seal(&*slot_key, &mut sealed_master, rng)?;
    let mut db = Zeroizing::new(plain.to_vec());
    let db_params = seal(&*master, &mut db, rng)?;

    let salt = hex(&salt);
    use base64::Engine as _;
    let file = Vault {
        version: 1,
        header: Header {
            slots: Some(vec![Slot {
                kind: 1,
                uuid: uuid(rng)?,
                key: hex(&sealed_master),
                key_params,
                n: 1 << SCRYPT_LOG_N,
                r: SCRYPT_R,
                p: SCRYPT_P,
                salt: &salt,
                repaired: true,
                is_backup: false,
            }]),
            params: Some(db_params),
        },
        db: base64::engine::general_purpose::STANDARD.encode(&db),
    };
    to_json(&file)
}

/// Seals `buf` in place with AES-256-GCM under `key` and a random nonce;
/// the tag is returned apart, as Aegis stores it.
fn seal(key: &[u8], buf: &mut [u8], rng: &SystemRandom) -> Result<KeyParams, ApiError> {
    let mut nonce = [0u8; 12];
    fill(rng, &mut nonce)?;
    let key =
        aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, key).map_err(internal)?);
    let tag = key
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::empty(),
            buf,
        )
        .map_err(internal)?;
    Ok(KeyParams {
        nonce: hex(&nonce),
        tag: hex(tag.as_ref()),
    })
}

/// `value` as JSON in a zeroizing string: measured first, then written
/// into a buffer of exactly that size, so that growing it never leaves a
/// copy of the secrets in freed memory.
fn to_json<T: Serialize>(value: &T) -> Result<Zeroizing<String>, ApiError> {
    struct Count(usize);
    impl io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_err(internal)?;
    let mut out = Zeroizing::new(Vec::with_capacity(count.0));
    serde_json::to_writer(&mut *out, value).map_err(internal)?;
    let bytes = std::mem::take(&mut *out);
    // serde_json writes UTF-8; the check cannot fail, and it moves the
    // buffer without copying.
    String::from_utf8(bytes).map(Zeroizing::new).map_err(|e| {
        // Wiped as it drops.
        drop(Zeroizing::new(e.into_bytes()));
        internal("the Aegis JSON is not UTF-8")
    })
}

/// Fills `buf` from the system's random generator.
fn fill(rng: &SystemRandom, buf: &mut [u8]) -> Result<(), ApiError> {
    rng.fill(buf)
        .map_err(|_| internal("the system random generator failed"))
}

/// A random (version 4) UUID, as Aegis gives every entry, group and slot.
fn uuid(rng: &SystemRandom) -> Result<String, ApiError> {
    let mut b = [0u8; 16];
    fill(rng, &mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        h.get(..8).unwrap_or_default(),
        h.get(8..12).unwrap_or_default(),
        h.get(12..16).unwrap_or_default(),
        h.get(16..20).unwrap_or_default(),
        h.get(20..).unwrap_or_default()
    ))
}

/// Lower-case hex, as Aegis writes nonces, tags, keys and salts.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// An internal error (randomness, the KDF, serialisation); never a secret.
fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal {
        message: format!("writing the Aegis export failed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        account::{Provenance, strategies},
        import::{ImportFormat, read},
        otp::{Algorithm, Digits, OtpParams, Secret},
    };

    fn accounts() -> Vec<Account> {
        let s = |b: &str| Secret::from_base32(b).unwrap();
        let mut totp = OtpParams::totp(s("4SJHB4GSD43FZBAI7C2HLRJGPQ"));
        totp.algorithm = Algorithm::Sha256;
        totp.digits = Digits::new(7).unwrap();
        totp.period = 20;
        let mut a = Account::new(
            Some("Deno".into()),
            "Mason".into(),
            totp,
            Provenance::Manual,
        );
        a.group = Some("Work".into());
        a.notes = Some("recovery codes: in the safe \"top\" drawer".into());
        let mut hotp = OtpParams::hotp(s("KUVJJOM753IHTNDSZVCNKL7GII"), 50);
        hotp.algorithm = Algorithm::Sha512;
        hotp.digits = Digits::new(8).unwrap();
        let mut b = Account::new(
            Some("Air Canada".into()),
            "Benjamin".into(),
            hotp,
            Provenance::Qr,
        );
        b.group = Some("Work".into());
        let c = Account::new(
            None,
            "Sophia".into(),
            OtpParams::steam(s("JRZCL47CMXVOQMNPZR2F7J4RGI")),
            Provenance::Qr,
        );
        let mut push = Account::new(
            Some("Corp".into()),
            "me".into(),
            OtpParams::totp(s("JBSWY3DPEHPK3PXP")),
            Provenance::Server,
        );
        push.exportable = false;
        vec![a, b, c, push]
    }

    /// What survives the round trip: everything but provenance.
    fn essence(
        a: &Account,
    ) -> (
        Option<String>,
        String,
        OtpParams,
        Option<String>,
        Option<String>,
    ) {
        (
            a.issuer.clone(),
            a.name.clone(),
            a.otp.clone(),
            a.group.clone(),
            a.notes.clone(),
        )
    }

    /// `accounts` exported (encrypted with `password` when given) and read
    /// back by the import: every exportable account, in order, with all
    /// the export holds; nothing else.
    fn round_trip(accounts: &[Account], password: Option<&str>) {
        let json = aegis_json(accounts, password).unwrap();
        let pw = password.map(|p| Zeroizing::new(p.to_owned()));
        let file = read(json.as_bytes(), pw.as_ref()).unwrap();
        assert_eq!(file.format, ImportFormat::Aegis);
        let got: Vec<_> = file.accounts().map(essence).collect();
        let want: Vec<_> = accounts
            .iter()
            .filter(|a| a.exportable)
            .map(essence)
            .collect();
        assert_eq!(got, want);
        assert_eq!(file.not_imported().count(), 0);
    }

    #[test]
    fn plain_export_reads_back_to_the_same_accounts() {
        round_trip(&accounts(), None);
        let json = aegis_json(&accounts(), None).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v["header"]["slots"].is_null() && v["header"]["params"].is_null());
        assert_eq!(v["db"]["version"], 3);
        assert_eq!(v["db"]["groups"].as_array().unwrap().len(), 1);
        assert_eq!(v["db"]["entries"][2]["type"], "steam");
        assert!(
            !json.contains("JBSWY3DPEHPK3PXP"),
            "a non-exportable account leaked"
        );
    }

    #[test]
    fn encrypted_export_reads_back_and_hides_everything() {
        round_trip(&accounts(), Some("correct horse"));
        let json = aegis_json(&accounts(), Some("correct horse")).unwrap();
        for secret in [
            "4SJHB4GSD43FZBAI7C2HLRJGPQ",
            "Mason",
            "Work",
            "correct horse",
        ] {
            assert!(!json.contains(secret), "{secret} is in the clear");
        }
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let slot = &v["header"]["slots"][0];
        assert_eq!(
            (
                slot["type"].as_u64(),
                slot["n"].as_u64(),
                slot["r"].as_u64()
            ),
            (Some(1), Some(32768), Some(8))
        );
        assert_eq!(slot["salt"].as_str().unwrap().len(), 64);
        assert_eq!(v["header"]["params"]["nonce"].as_str().unwrap().len(), 24);
        let wrong = Zeroizing::new("wrong".to_owned());
        assert_eq!(
            read(json.as_bytes(), Some(&wrong)).unwrap_err(),
            crate::import::ImportError::WrongPassword {
                format: ImportFormat::Aegis
            }
        );
        // `.err()`: an Ok would be the export, secrets and all; not printed.
        let e = aegis_json(&accounts(), Some("")).err();
        assert!(matches!(e, Some(ApiError::InvalidInput { .. })), "{e:?}");
    }

    proptest::proptest! {
        /// Any accounts (0 to 8: any issuer, name, group and notes text,
        /// key, type and settings) → plain export → import → the same.
        #[test]
        fn any_accounts_survive_a_plain_export(
            accounts in proptest::collection::vec(strategies::account(), 0..8),
        ) {
            round_trip(&accounts, None);
        }
    }

    proptest::proptest! {
        // Each case runs scrypt (N = 2^15) twice.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8))]

        /// The same through an export encrypted with any password.
        #[test]
        fn any_accounts_survive_an_encrypted_export(
            accounts in proptest::collection::vec(strategies::account(), 0..8),
            password in "(?s).{1,16}",
        ) {
            round_trip(&accounts, Some(&password));
        }
    }

    #[test]
    fn uuids_are_version_4() {
        let u = uuid(&SystemRandom::new()).unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
    }
}
