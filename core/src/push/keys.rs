//! P-256 ECDSA keys for the push protocol (device and server alike).
//!
//! The private key is kept only as PKCS#8 bytes in zeroizing memory and
//! parsed by ring when a signature is made; `Debug` never shows it.
//! Signatures are ring's fixed 64-byte `r || s` form, base64url without
//! padding on the wire; public keys are the 65-byte uncompressed point.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    rand::{SecureRandom, SystemRandom},
    signature::{
        self, ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    },
};
use zeroize::Zeroizing;

/// What can go wrong with keys and signatures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The system random generator failed.
    #[error("the system random generator failed")]
    Random,
    /// Stored key material is not a P-256 PKCS#8 key.
    #[error("the stored key is not a valid P-256 key")]
    BadPrivateKey,
    /// A public key or signature is not valid base64url.
    #[error("{0} is not valid base64url")]
    BadEncoding(&'static str),
    /// The signature does not verify.
    #[error("the signature does not verify")]
    BadSignature,
}

/// A P-256 signing key (PKCS#8, zeroized on drop, redacted in `Debug`).
#[derive(Clone)]
pub struct SigningKey {
    pkcs8: Zeroizing<Vec<u8>>,
    public_key: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &encode(&self.public_key))
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Creates a new random key.
    pub fn generate() -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| KeyError::Random)?;
        Self::from_pkcs8(Zeroizing::new(doc.as_ref().to_vec()))
    }

    /// Loads a key from PKCS#8 bytes (checked).
    pub fn from_pkcs8(pkcs8: Zeroizing<Vec<u8>>) -> Result<Self, KeyError> {
        let pair = Self::parse(&pkcs8)?;
        let public_key = pair.public_key().as_ref().to_vec();
        Ok(Self { pkcs8, public_key })
    }

    fn parse(pkcs8: &[u8]) -> Result<EcdsaKeyPair, KeyError> {
        EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|_| KeyError::BadPrivateKey)
    }

    /// The PKCS#8 bytes, for storage in an encrypted place only.
    pub fn pkcs8(&self) -> &Zeroizing<Vec<u8>> {
        &self.pkcs8
    }

    /// The public key, base64url of the uncompressed point.
    pub fn public_key_b64(&self) -> String {
        encode(&self.public_key)
    }

    /// Signs `message`; returns the base64url signature.
    pub fn sign(&self, message: &[u8]) -> Result<String, KeyError> {
        let pair = Self::parse(&self.pkcs8)?;
        let sig = pair
            .sign(&SystemRandom::new(), message)
            .map_err(|_| KeyError::Random)?;
        Ok(encode(sig.as_ref()))
    }
}

/// A parsed signer for hot paths (the server signs every challenge it
/// hands out): parses the PKCS#8 once.
pub struct PreparedSigner {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for PreparedSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedSigner").finish_non_exhaustive()
    }
}

impl PreparedSigner {
    /// Parses `key` once.
    pub fn new(key: &SigningKey) -> Result<Self, KeyError> {
        Ok(Self {
            pair: SigningKey::parse(&key.pkcs8)?,
            rng: SystemRandom::new(),
        })
    }

    /// Signs `message`; returns the base64url signature.
    pub fn sign(&self, message: &[u8]) -> Result<String, KeyError> {
        let sig = self
            .pair
            .sign(&self.rng, message)
            .map_err(|_| KeyError::Random)?;
        Ok(encode(sig.as_ref()))
    }
}

/// Verifies a base64url signature over `message` with a base64url public key.
pub fn verify(public_key_b64: &str, message: &[u8], signature_b64: &str) -> Result<(), KeyError> {
    let public_key = decode("public key", public_key_b64)?;
    let sig = decode("signature", signature_b64)?;
    signature::UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &public_key)
        .verify(message, &sig)
        .map_err(|_| KeyError::BadSignature)
}

/// Checks that `public_key_b64` is a P-256 uncompressed point (65 bytes,
/// leading 0x04). ring checks the point itself when verifying.
pub fn check_public_key(public_key_b64: &str) -> Result<(), KeyError> {
    let bytes = decode("public key", public_key_b64)?;
    if bytes.len() == 65 && bytes[0] == 4 {
        Ok(())
    } else {
        Err(KeyError::BadEncoding("public key"))
    }
}

/// `n` random bytes as base64url (nonces).
pub fn random_b64(n: usize) -> Result<String, KeyError> {
    let mut buf = vec![0u8; n];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| KeyError::Random)?;
    Ok(encode(&buf))
}

/// 32 random bytes in zeroizing memory (a throwaway data key, e.g. for
/// the demo's temporary vault).
pub fn random_key() -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let mut key = Zeroizing::new([0u8; 32]);
    SystemRandom::new()
        .fill(key.as_mut())
        .map_err(|_| KeyError::Random)?;
    Ok(key)
}

/// `n` random bytes as lower-case hex (ids).
pub fn random_hex(n: usize) -> Result<String, KeyError> {
    let mut buf = vec![0u8; n];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| KeyError::Random)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A uniform random integer in `0..bound` (rejection sampling, no bias).
pub fn random_below(bound: u32) -> Result<u32, KeyError> {
    let rng = SystemRandom::new();
    let limit = u32::MAX - (u32::MAX % bound.max(1));
    loop {
        let mut b = [0u8; 4];
        rng.fill(&mut b).map_err(|_| KeyError::Random)?;
        let v = u32::from_le_bytes(b);
        if v < limit {
            return Ok(v % bound.max(1));
        }
    }
}

fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn decode(what: &'static str, s: &str) -> Result<Vec<u8>, KeyError> {
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| KeyError::BadEncoding(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_and_tamper() {
        let k = SigningKey::generate().unwrap();
        let sig = k.sign(b"hello").unwrap();
        verify(&k.public_key_b64(), b"hello", &sig).unwrap();
        assert_eq!(
            verify(&k.public_key_b64(), b"hellO", &sig),
            Err(KeyError::BadSignature)
        );
        let other = SigningKey::generate().unwrap();
        assert_eq!(
            verify(&other.public_key_b64(), b"hello", &sig),
            Err(KeyError::BadSignature)
        );
        assert_eq!(
            verify("!!", b"hello", &sig),
            Err(KeyError::BadEncoding("public key"))
        );
        check_public_key(&k.public_key_b64()).unwrap();
        // Valid base64url, but 3 bytes, not a 65-byte point.
        assert_eq!(
            check_public_key("AAAA"),
            Err(KeyError::BadEncoding("public key"))
        );
        let p = PreparedSigner::new(&k).unwrap();
        verify(&k.public_key_b64(), b"x", &p.sign(b"x").unwrap()).unwrap();
    }

    #[test]
    fn reload_from_pkcs8_keeps_the_key_and_debug_hides_it() {
        let k = SigningKey::generate().unwrap();
        let again = SigningKey::from_pkcs8(k.pkcs8().clone()).unwrap();
        assert_eq!(k.public_key_b64(), again.public_key_b64());
        let dbg = format!("{k:?}");
        assert!(!dbg.contains(&URL_SAFE_NO_PAD.encode(k.pkcs8().as_slice())));
        let r = SigningKey::from_pkcs8(Zeroizing::new(vec![1, 2, 3]));
        assert!(matches!(r, Err(KeyError::BadPrivateKey)), "{r:?}");
    }

    #[test]
    fn random_helpers() {
        assert_eq!(random_hex(16).unwrap().len(), 32);
        assert_ne!(random_b64(16).unwrap(), random_b64(16).unwrap());
        for _ in 0..200 {
            assert!(random_below(90).unwrap() < 90);
        }
    }
}
