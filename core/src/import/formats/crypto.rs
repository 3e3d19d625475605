//! Every cryptographic primitive the import formats use, each from a
//! well-kept crate: AES-GCM and PBKDF2 from ring (already the vault's),
//! AES-CBC from RustCrypto `aes` + `cbc`, scrypt and Argon2id from
//! RustCrypto. Readers call these and never touch a cipher themselves.
//!
//! Key-derivation parameters come from the file, so a hostile file could
//! ask for a year of work or a terabyte of memory: [`check_cost`] refuses
//! anything far beyond what a real export uses before any work is done.
//! Every derived key and plaintext is `Zeroizing`.

use ring::aead;
use zeroize::Zeroizing;

/// A derived key or a decrypted plaintext.
pub(super) type Plain = Zeroizing<Vec<u8>>;

/// The PRF of a PBKDF2 derivation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Prf {
    /// HMAC-SHA1 (andOTP, FreeOTP, Authy, Stratum legacy).
    Sha1,
    /// HMAC-SHA256 (2FAS).
    Sha256,
    /// HMAC-SHA512 (FreeOTP v2 on newer Android).
    Sha512,
}

/// Most PBKDF2 iterations accepted (real exports: 1,000 to 600,000).
const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Largest scrypt log2(N) accepted (Aegis uses 15).
const MAX_SCRYPT_LOG_N: u8 = 22;
/// Most Argon2 memory accepted, in KiB (1 GiB; Stratum uses 64 MiB).
const MAX_ARGON2_KIB: u32 = 1 << 20;
/// Most Argon2 passes accepted.
const MAX_ARGON2_PASSES: u32 = 64;

/// Refuses derivation costs no real export uses; the message is the
/// reason for [`ImportError::Damaged`](crate::import::ImportError).
fn check_cost(ok: bool) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err("its key derivation parameters are far beyond any real export".into())
    }
}

/// PBKDF2 with `prf`, `iterations` rounds, `len` bytes of output.
pub(super) fn pbkdf2(
    prf: Prf,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    len: usize,
) -> Result<Plain, String> {
    check_cost((1..=MAX_PBKDF2_ITERATIONS).contains(&iterations) && (1..=64).contains(&len))?;
    let alg = match prf {
        Prf::Sha1 => ring::pbkdf2::PBKDF2_HMAC_SHA1,
        Prf::Sha256 => ring::pbkdf2::PBKDF2_HMAC_SHA256,
        Prf::Sha512 => ring::pbkdf2::PBKDF2_HMAC_SHA512,
    };
    let mut out = Zeroizing::new(vec![0u8; len]);
    let rounds = std::num::NonZeroU32::new(iterations).ok_or("zero PBKDF2 iterations")?;
    ring::pbkdf2::derive(alg, rounds, salt, password, &mut out);
    Ok(out)
}

/// scrypt with N = 2^`log_n`, `r`, `p`, 32 bytes of output.
pub(super) fn scrypt(
    password: &[u8],
    salt: &[u8],
    log_n: u8,
    r: u32,
    p: u32,
) -> Result<Plain, String> {
    check_cost(log_n <= MAX_SCRYPT_LOG_N && (1..=32).contains(&r) && (1..=16).contains(&p))?;
    let params =
        scrypt::Params::new(log_n, r, p, 32).map_err(|e| format!("bad scrypt parameters: {e}"))?;
    let mut out = Zeroizing::new(vec![0u8; 32]);
    scrypt::scrypt(password, salt, &params, &mut out).map_err(|e| format!("scrypt: {e}"))?;
    Ok(out)
}

/// Argon2id (version 0x13) with `passes`, `memory_kib`, `lanes`, `len`
/// bytes of output.
pub(super) fn argon2id(
    password: &[u8],
    salt: &[u8],
    passes: u32,
    memory_kib: u32,
    lanes: u32,
    len: usize,
) -> Result<Plain, String> {
    check_cost(
        memory_kib <= MAX_ARGON2_KIB
            && (1..=MAX_ARGON2_PASSES).contains(&passes)
            && (1..=64).contains(&lanes),
    )?;
    let params = argon2::Params::new(memory_kib, passes, lanes, Some(len))
        .map_err(|e| format!("bad Argon2 parameters: {e}"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new(vec![0u8; len]);
    argon
        .hash_password_into(password, salt, &mut out)
        .map_err(|e| format!("Argon2: {e}"))?;
    Ok(out)
}

/// SHA-256 of `data` (andOTP's old format and TOTP Authenticator use it as
/// the key).
pub(super) fn sha256(data: &[u8]) -> Plain {
    Zeroizing::new(
        ring::digest::digest(&ring::digest::SHA256, data)
            .as_ref()
            .to_vec(),
    )
}

/// AES-GCM (128- or 256-bit `key`, 96-bit `nonce`, 128-bit tag at the end
/// of `sealed`) with `aad`. `None` when the key is wrong or the data were
/// altered: GCM cannot tell the two apart, and readers report a wrong
/// password.
pub(super) fn aes_gcm_open(key: &[u8], nonce: &[u8], sealed: &[u8], aad: &[u8]) -> Option<Plain> {
    let alg = match key.len() {
        16 => &aead::AES_128_GCM,
        32 => &aead::AES_256_GCM,
        _ => return None,
    };
    let key = aead::LessSafeKey::new(aead::UnboundKey::new(alg, key).ok()?);
    let nonce = aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut buf = Zeroizing::new(sealed.to_vec());
    let len = key
        .open_in_place(nonce, aead::Aad::from(aad), &mut buf)
        .ok()?
        .len();
    buf.truncate(len);
    Some(buf)
}

/// AES-256-CBC with PKCS#7 padding. `None` when the padding is wrong
/// (usually: a wrong password).
pub(super) fn aes256_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Plain> {
    use cbc::cipher::{BlockDecryptMut, KeyIvInit, block_padding::Pkcs7};
    let dec = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    dec.decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_matches_rfc6070() {
        // RFC 6070 test vector 2: "password"/"salt", 2 iterations.
        let k = pbkdf2(Prf::Sha1, b"password", b"salt", 2, 20).unwrap();
        assert_eq!(
            k.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
        );
    }

    #[test]
    fn absurd_costs_are_refused_before_any_work() {
        // Refused by `check_cost`, not by the crate after the fact.
        // `.err()`: an Ok would be a derived key.
        let refused = Some("its key derivation parameters are far beyond any real export".into());
        assert_eq!(pbkdf2(Prf::Sha1, b"p", b"s", u32::MAX, 32).err(), refused);
        assert_eq!(scrypt(b"p", b"s", 40, 8, 1).err(), refused);
        assert_eq!(
            argon2id(b"p", b"saltsalt", 3, u32::MAX, 1, 32).err(),
            refused
        );
    }

    #[test]
    fn gcm_refuses_a_wrong_key_and_cbc_a_wrong_padding() {
        assert!(aes_gcm_open(&[0; 32], &[0; 12], &[0; 20], b"").is_none());
        assert!(aes_gcm_open(&[0; 31], &[0; 12], &[0; 20], b"").is_none());
        assert!(aes256_cbc_decrypt(&[0; 32], &[0; 16], &[0; 16]).is_none());
    }
}
