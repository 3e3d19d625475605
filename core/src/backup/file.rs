//! The backup file: two lines of text.
//!
//! 1. A header, JSON on one line, that says how to open the file:
//!    `{"format":"watchword-backup","version":1,"kdf":{"algorithm":"argon2id",
//!    "memory_kib":65536,"iterations":3,"parallelism":1,"salt":"<base64, 16 bytes>"},
//!    "cipher":{"algorithm":"aes-256-gcm","nonce":"<base64, 12 bytes>"}}`
//! 2. The contents (`contents.rs`) sealed with AES-256-GCM under
//!    argon2id(password, salt), base64. The header line's exact bytes are
//!    the additional authenticated data: changing a parameter, or swapping
//!    the header of another backup, fails like a wrong password.
//!
//! Text rather than binary so a person can see what a file is and which
//! parameters it uses; `docs/backup-format.md` is the same, for other
//! implementations.

use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use ring::aead;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{BackupContents, BackupError};
use crate::vault::{KdfParams, crypto::random_bytes};

/// The file name extension of a backup.
pub const BACKUP_EXTENSION: &str = "wwbackup";
const FORMAT: &str = "watchword-backup";
const VERSION: u32 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    kdf: Kdf,
    cipher: Cipher,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    algorithm: String,
    nonce: String,
}

/// True when `bytes` start like a Watchword backup (the header's first
/// field), whatever they hold after.
pub fn is_backup(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    let compact: Vec<u8> = head
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    compact.starts_with(br#"{"format":"watchword-backup""#)
}

/// argon2id(password, salt) with `params`: the file key.
fn file_key(
    password: &str,
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    let params = params.validate().map_err(|_| {
        BackupError::Damaged("its key derivation parameters are out of range".into())
    })?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(
            params.memory_kib,
            params.iterations,
            params.parallelism,
            Some(32),
        )
        .map_err(|e| BackupError::Damaged(format!("argon2 parameters: {e}")))?,
    );
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|e| BackupError::Damaged(format!("argon2: {e}")))?;
    Ok(key)
}

fn aead_key(key: &[u8; 32]) -> Result<aead::LessSafeKey, BackupError> {
    aead::UnboundKey::new(&aead::AES_256_GCM, key)
        .map(aead::LessSafeKey::new)
        .map_err(|_| BackupError::Write("AES key".into()))
}

/// Encrypts `contents` with `password` into the bytes of a backup file.
pub(crate) fn encode(
    contents: &BackupContents,
    password: &str,
    params: KdfParams,
) -> Result<Vec<u8>, BackupError> {
    let rand = |e: crate::vault::VaultError| BackupError::Write(format!("no randomness: {e}"));
    let salt = random_bytes::<SALT_LEN>().map_err(rand)?;
    let nonce = random_bytes::<NONCE_LEN>().map_err(rand)?;
    let header = serde_json::to_string(&Header {
        format: FORMAT.into(),
        version: VERSION,
        kdf: Kdf {
            algorithm: "argon2id".into(),
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            parallelism: params.parallelism,
            salt: B64.encode(salt.as_ref()),
        },
        cipher: Cipher {
            algorithm: "aes-256-gcm".into(),
            nonce: B64.encode(nonce.as_ref()),
        },
    })
    .map_err(|e| BackupError::Write(e.to_string()))?;
    let key = file_key(password, salt.as_ref(), params)?;
    let mut sealed = contents.to_bytes()?;
    aead_key(&key)?
        .seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(*nonce),
            aead::Aad::from(header.as_bytes()),
            &mut *sealed,
        )
        .map_err(|_| BackupError::Write("encryption failed".into()))?;
    let mut out = Vec::with_capacity(header.len() + sealed.len() * 4 / 3 + 8);
    out.extend_from_slice(header.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(B64.encode(sealed.as_slice()).as_bytes());
    out.push(b'\n');
    Ok(out)
}

/// Opens the bytes of a backup file with `password`.
pub(crate) fn decode(bytes: &[u8], password: &str) -> Result<BackupContents, BackupError> {
    let damaged = |why: &str| BackupError::Damaged(why.to_owned());
    let text = std::str::from_utf8(bytes).map_err(|_| damaged("it is not text"))?;
    let (header_line, body) = text
        .split_once('\n')
        .ok_or_else(|| damaged("it has no header line"))?;
    let header: Header =
        serde_json::from_str(header_line).map_err(|_| damaged("its header is not readable"))?;
    if header.format != FORMAT {
        return Err(damaged("its header names another format"));
    }
    if header.version > VERSION {
        return Err(BackupError::TooNew(header.version));
    }
    if header.kdf.algorithm != "argon2id" || header.cipher.algorithm != "aes-256-gcm" {
        return Err(damaged("it names an algorithm this version does not use"));
    }
    let salt = B64
        .decode(&header.kdf.salt)
        .map_err(|_| damaged("its salt is not base64"))?;
    let nonce = B64
        .decode(&header.cipher.nonce)
        .ok()
        .and_then(|n| <[u8; NONCE_LEN]>::try_from(n).ok())
        .ok_or_else(|| damaged("its nonce is not 12 bytes of base64"))?;
    let mut sealed = Zeroizing::new(
        B64.decode(body.trim())
            .map_err(|_| damaged("its body is not base64"))?,
    );
    let params = KdfParams {
        memory_kib: header.kdf.memory_kib,
        iterations: header.kdf.iterations,
        parallelism: header.kdf.parallelism,
    };
    let key = file_key(password, &salt, params)?;
    let plain = aead_key(&key)?
        .open_in_place(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(header_line.as_bytes()),
            &mut sealed,
        )
        .map_err(|_| BackupError::WrongPassword)?;
    BackupContents::from_bytes(plain)
}

#[cfg(test)]
mod tests {
    use proptest::{prelude::*, sample::Index};

    use super::*;
    use crate::{account::Account, otp::OtpAuthUri};

    fn contents() -> BackupContents {
        let uri = OtpAuthUri::parse("otpauth://totp/ACME:jo?secret=JBSWY3DPEHPK3PXP").unwrap();
        BackupContents {
            accounts: vec![Account::from_uri(&uri, crate::account::Provenance::Qr)],
            clock_offset_ms: 42,
            reenrol: vec![],
        }
    }

    #[test]
    fn opens_with_the_password_only_and_the_header_is_authenticated() {
        let p = KdfParams::FAST_INSECURE_FOR_TESTS;
        let bytes = encode(&contents(), "correct horse", p).unwrap();
        assert!(is_backup(&bytes));
        assert_eq!(decode(&bytes, "correct horse").unwrap(), contents());
        assert_eq!(
            decode(&bytes, "wrong").unwrap_err(),
            BackupError::WrongPassword
        );
        // A changed parameter in the header is caught by the tag.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let tampered = text.replacen("\"iterations\":1", "\"iterations\":2", 1);
        assert_ne!(tampered, text);
        assert_eq!(
            decode(tampered.as_bytes(), "correct horse").unwrap_err(),
            BackupError::WrongPassword
        );
        let newer = text.replacen("\"version\":1", "\"version\":9", 1);
        assert_eq!(
            decode(newer.as_bytes(), "correct horse").unwrap_err(),
            BackupError::TooNew(9)
        );
        assert!(!text.contains("JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn hostile_headers_are_damage_not_work() {
        let text = String::from_utf8(
            encode(&contents(), "pw", KdfParams::FAST_INSECURE_FOR_TESTS).unwrap(),
        )
        .unwrap();
        let greedy = text.replacen("\"memory_kib\":8", "\"memory_kib\":4000000000", 1);
        assert!(matches!(
            decode(greedy.as_bytes(), "pw"),
            Err(BackupError::Damaged(_))
        ));
        for bad in ["", "{}", "{\"format\":\"watchword-backup\"}\nAAAA", "x\ny"] {
            assert!(
                matches!(decode(bad.as_bytes(), "pw"), Err(BackupError::Damaged(_))),
                "{bad}"
            );
        }
    }

    proptest! {
        // Each case runs argon2id (8 KiB, 1 pass) five times.
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Any contents sealed with any password open with that password to
        /// the same contents. Another password, any one bit flipped or a
        /// cut anywhere is an error (never a panic, never other contents);
        /// only the final newline is outside the seal, and changing it at
        /// most gives back the same contents.
        #[test]
        fn any_backup_opens_with_its_password_only(
            c in crate::backup::contents::arbitrary_contents(),
            password in "(?s).{0,16}",
            other in "(?s).{0,16}",
            flip in any::<Index>(),
            bit in 0..8u8,
            cut in any::<Index>(),
        ) {
            let p = KdfParams::FAST_INSECURE_FOR_TESTS;
            let bytes = encode(&c, &password, p).unwrap();
            prop_assert!(is_backup(&bytes));
            prop_assert_eq!(&decode(&bytes, &password).unwrap(), &c);
            if other != password {
                prop_assert_eq!(decode(&bytes, &other).unwrap_err(), BackupError::WrongPassword);
            }
            let last = bytes.len() - 1;
            let mut flipped = bytes.clone();
            let i = flip.index(bytes.len());
            flipped[i] ^= 1 << bit;
            match decode(&flipped, &password) {
                Err(_) => {}
                Ok(got) => prop_assert!(i == last && got == c, "byte {} flipped opens", i),
            }
            let n = cut.index(bytes.len());
            match decode(&bytes[..n], &password) {
                Err(_) => {}
                Ok(got) => prop_assert!(n == last && got == c, "cut at {} opens", n),
            }
        }
    }
}
