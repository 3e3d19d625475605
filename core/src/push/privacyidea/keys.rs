//! RSA keys for privacyIDEA push: the device's own key pair and the
//! server's per-token public key. Both directions sign with
//! RSASSA-PKCS1-v1_5 over SHA-256, and signatures travel as upper-case
//! base32 with `=` padding.
//!
//! Signing uses ring's `RsaKeyPair` (constant-time private-key operations).
//! The `rsa` crate only generates the key pair, which ring cannot, and
//! encodes public keys: its private-key operations are not constant time
//! (RUSTSEC-2023-0071, "Marvin"), so none of them runs on a stored key.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::STANDARD};
use ring::{
    rand::SystemRandom,
    signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair},
};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs1::DecodeRsaPublicKey,
    pkcs1v15::{Signature, VerifyingKey},
    pkcs8::{EncodePrivateKey, EncodePublicKey},
    sha2::Sha256,
    signature::Verifier,
};
use zeroize::Zeroizing;

/// Key size of the official privacyIDEA Authenticator app, and our default.
pub const DEFAULT_KEY_BITS: usize = 4096;

/// Smallest key size accepted (the server accepts any; we do not go lower).
pub const MIN_KEY_BITS: usize = 2048;

/// What can go wrong with privacyIDEA keys and signatures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PiKeyError {
    /// Key generation failed or the size is out of range.
    #[error("cannot generate an RSA key: {0}")]
    Generate(String),
    /// A stored or received key cannot be read.
    #[error("unreadable RSA key: {0}")]
    BadKey(&'static str),
    /// A signature is not base32 or does not verify.
    #[error("signature does not verify")]
    BadSignature,
}

/// The device's RSA key pair. `Debug` shows no key material.
#[derive(Clone)]
pub struct DeviceKey {
    /// ring's key pair: what signs.
    signing: Arc<RsaKeyPair>,
    /// The same key as PKCS#8 DER, for the vault.
    pkcs8: Zeroizing<Vec<u8>>,
    /// The public key, for the server (SPKI) and the key size.
    public: RsaPublicKey,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey([REDACTED])")
    }
}

impl DeviceKey {
    /// Generates a key of `bits` (2048 to 4096). Slow (seconds for 4096):
    /// call it off the UI and async threads, see [`Self::generate_blocking`].
    pub fn generate(bits: usize) -> Result<Self, PiKeyError> {
        if !(MIN_KEY_BITS..=DEFAULT_KEY_BITS).contains(&bits) {
            return Err(PiKeyError::Generate(format!(
                "{bits} bits is outside {MIN_KEY_BITS}..={DEFAULT_KEY_BITS}"
            )));
        }
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
            .map_err(|e| PiKeyError::Generate(e.to_string()))?;
        let der = private
            .to_pkcs8_der()
            .map_err(|_| PiKeyError::Generate("cannot encode the new key".into()))?;
        Self::from_pkcs8(der.as_bytes())
    }

    /// [`Self::generate`] on tokio's blocking pool, so neither the async
    /// runtime's workers nor a UI thread wait for the prime search.
    pub async fn generate_blocking(bits: usize) -> Result<Self, PiKeyError> {
        tokio::task::spawn_blocking(move || Self::generate(bits))
            .await
            .map_err(|e| PiKeyError::Generate(e.to_string()))?
    }

    /// Reads a key from PKCS#8 DER (2048 to 4096 bits, what ring signs
    /// with).
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, PiKeyError> {
        let signing = RsaKeyPair::from_pkcs8(der)
            .map_err(|_| PiKeyError::BadKey("device key is not PKCS#8 RSA"))?;
        // The public half, as PKCS#1 (what ring gives), for encoding.
        let public = RsaPublicKey::from_pkcs1_der(signing.public_key().as_ref())
            .map_err(|_| PiKeyError::BadKey("device key has an unreadable public half"))?;
        Ok(Self {
            signing: Arc::new(signing),
            pkcs8: Zeroizing::new(der.to_vec()),
            public,
        })
    }

    /// The private key as PKCS#8 DER, in zeroizing memory.
    pub fn pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, PiKeyError> {
        Ok(self.pkcs8.clone())
    }

    /// The public key as the server wants it in enrolment step 2: base64
    /// of the DER SubjectPublicKeyInfo (rsaEncryption OID + NULL), no PEM
    /// header. Never PKCS#1: the server would accept it and then fail
    /// every poll.
    pub fn spki_b64(&self) -> Result<String, PiKeyError> {
        let der = self
            .public
            .to_public_key_der()
            .map_err(|_| PiKeyError::BadKey("cannot encode the public key"))?;
        Ok(STANDARD.encode(der.as_bytes()))
    }

    /// Key size in bits.
    pub fn bits(&self) -> usize {
        rsa::traits::PublicKeyParts::size(&self.public) * 8
    }

    /// Signs UTF-8 `message`: base32 (upper case, `=` padded) of the
    /// PKCS#1 v1.5 SHA-256 signature, made by ring.
    pub fn sign(&self, message: &str) -> Result<String, PiKeyError> {
        let mut sig = vec![0u8; self.signing.public().modulus_len()];
        self.signing
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message.as_bytes(),
                &mut sig,
            )
            .map_err(|_| PiKeyError::Generate("signing failed".into()))?;
        Ok(b32(&sig))
    }
}

/// The server's per-token public key.
#[derive(Debug, Clone)]
pub struct ServerKey(VerifyingKey<Sha256>);

impl ServerKey {
    /// Reads the `public_key` of enrolment step 2's reply: base64 of a
    /// PKCS#1 `RSAPublicKey` with the PEM lines stripped (newlines and
    /// other whitespace are ignored).
    pub fn from_pkcs1_b64(text: &str) -> Result<Self, PiKeyError> {
        let der = pkcs1_der(text)?;
        RsaPublicKey::from_pkcs1_der(&der)
            .map(|k| Self(VerifyingKey::new(k)))
            .map_err(|_| PiKeyError::BadKey("server key is not a PKCS#1 RSA public key"))
    }

    /// Checks a base32 PKCS#1 v1.5 SHA-256 signature over UTF-8 `message`.
    pub fn verify(&self, message: &str, signature_b32: &str) -> Result<(), PiKeyError> {
        let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: true }, signature_b32)
            .ok_or(PiKeyError::BadSignature)?;
        let sig = Signature::try_from(bytes.as_slice()).map_err(|_| PiKeyError::BadSignature)?;
        self.0
            .verify(message.as_bytes(), &sig)
            .map_err(|_| PiKeyError::BadSignature)
    }
}

/// The server key's DER after removing whitespace and decoding base64.
pub fn pkcs1_der(text: &str) -> Result<Vec<u8>, PiKeyError> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD
        .decode(compact)
        .map_err(|_| PiKeyError::BadKey("server key is not base64"))
}

/// Upper-case RFC 4648 base32 with `=` padding (the server decodes with
/// Python's `b32decode`, which repairs neither case nor padding).
pub fn b32(bytes: &[u8]) -> String {
    base32::encode(base32::Alphabet::Rfc4648 { padding: true }, bytes)
}

#[cfg(test)]
mod tests {
    use rsa::pkcs1::EncodeRsaPublicKey;

    use super::*;

    fn key() -> DeviceKey {
        DeviceKey::generate(2048).unwrap()
    }

    #[test]
    fn spki_is_what_the_server_wraps_in_begin_public_key() {
        let k = key();
        let der = STANDARD.decode(k.spki_b64().unwrap()).unwrap();
        // SPKI parses as SPKI, and is not a bare PKCS#1 key.
        assert!(
            rsa::pkcs8::DecodePublicKey::from_public_key_der(&der)
                .map(|p: RsaPublicKey| p == k.public)
                .unwrap()
        );
        // Read as PKCS#1, the SPKI's first element is its algorithm
        // SEQUENCE where the modulus INTEGER would be.
        use rsa::pkcs8::{
            der::{ErrorKind, Tag},
            spki,
        };
        let r = RsaPublicKey::from_pkcs1_der(&der);
        assert!(
            matches!(&r, Err(rsa::pkcs1::Error::Pkcs8(rsa::pkcs8::Error::PublicKey(spki::Error::Asn1(e))))
                if e.kind() == ErrorKind::TagUnexpected { expected: Some(Tag::Integer), actual: Tag::Sequence }),
            "{r:?}"
        );
        // rsaEncryption OID 1.2.840.113549.1.1.1 is inside.
        let oid = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
        assert!(der.windows(oid.len()).any(|w| w == oid));
    }

    #[test]
    fn sign_verify_round_trip_and_tamper() {
        let k = key();
        let pkcs1 = k.public.to_pkcs1_der().unwrap();
        let server = ServerKey::from_pkcs1_b64(&STANDARD.encode(pkcs1.as_bytes())).unwrap();
        let sig = k.sign("nonce|serial").unwrap();
        // 256 bytes: 51 full 5-byte groups and one byte (2 chars + 6 pad).
        assert_eq!(sig.len(), 416);
        assert!(sig.ends_with("======"));
        assert_eq!(sig, sig.to_uppercase());
        server.verify("nonce|serial", &sig).unwrap();
        assert_eq!(
            server.verify("nonce|serial2", &sig),
            Err(PiKeyError::BadSignature)
        );
        assert_eq!(
            server.verify("nonce|serial", &sig.to_lowercase()),
            Err(PiKeyError::BadSignature)
        );
        assert_eq!(
            server.verify("nonce|serial", "not base32!"),
            Err(PiKeyError::BadSignature)
        );
    }

    /// PKCS#1 v1.5 is deterministic: ring's signature (what the device
    /// sends) is byte for byte the one the `rsa` crate's reference
    /// implementation makes from the same key, and verifies with it.
    #[test]
    fn ring_signs_exactly_as_the_reference_implementation() {
        use rsa::{
            pkcs1v15::SigningKey,
            pkcs8::DecodePrivateKey,
            signature::{SignatureEncoding, Signer},
        };
        let k = key();
        let reference =
            SigningKey::<Sha256>::new(RsaPrivateKey::from_pkcs8_der(&k.pkcs8().unwrap()).unwrap());
        for message in [
            "nonce|serial",
            "",
            "2026-12-06T21:00:00+00:00|PIPU0001|\u{e9}",
        ] {
            let expected: Signature = reference.sign(message.as_bytes());
            assert_eq!(
                k.sign(message).unwrap(),
                b32(&expected.to_bytes()),
                "{message:?}"
            );
        }
    }

    #[test]
    fn pkcs8_round_trip_and_bad_input() {
        let k = key();
        assert_eq!(k.bits(), 2048);
        let back = DeviceKey::from_pkcs8(&k.pkcs8().unwrap()).unwrap();
        assert_eq!(back.spki_b64().unwrap(), k.spki_b64().unwrap());
        // DeviceKey's Debug is redacted, ServerKey's is a public key.
        let r = DeviceKey::from_pkcs8(b"junk");
        assert!(
            matches!(r, Err(PiKeyError::BadKey("device key is not PKCS#8 RSA"))),
            "{r:?}"
        );
        assert!(format!("{k:?}").contains("REDACTED"));
        let r = ServerKey::from_pkcs1_b64("!!!");
        assert!(
            matches!(r, Err(PiKeyError::BadKey("server key is not base64"))),
            "{r:?}"
        );
        // Base64 of an SPKI: decodes, but is not the PKCS#1 key asked for.
        let r = ServerKey::from_pkcs1_b64(&k.spki_b64().unwrap());
        assert!(
            matches!(
                r,
                Err(PiKeyError::BadKey(
                    "server key is not a PKCS#1 RSA public key"
                ))
            ),
            "{r:?}"
        );
        for bits in [1024, 8192] {
            let r = DeviceKey::generate(bits);
            assert_eq!(
                r.as_ref().err(),
                Some(&PiKeyError::Generate(format!(
                    "{bits} bits is outside 2048..=4096"
                ))),
                "{r:?}"
            );
        }
    }

    #[test]
    fn server_key_with_newlines_as_privacyidea_sends_it() {
        let k = key();
        let b64 = STANDARD.encode(k.public.to_pkcs1_der().unwrap().as_bytes());
        let wrapped: String = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        ServerKey::from_pkcs1_b64(&wrapped)
            .unwrap()
            .verify("x", &k.sign("x").unwrap())
            .unwrap();
    }
}
