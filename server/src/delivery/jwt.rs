//! Compact JSON Web Tokens as the push services want them: ES256 (APNs
//! provider tokens, VAPID) and RS256 (the FCM service account's OAuth2
//! assertion), signed with ring. Only what the senders need: no parsing,
//! no verification (the tests verify with PyJWT, an independent library).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    rand::SystemRandom,
    signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256, RsaKeyPair},
};
use serde::Serialize;
use zeroize::Zeroizing;

/// Why a key cannot be used for signing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// The key file is not what was expected (never says more: it is a
    /// secret).
    #[error("{0}: not a usable key")]
    BadKey(&'static str),
    /// Signing failed.
    #[error("signing failed")]
    Sign,
}

/// A signing key: P-256 for ES256 or RSA for RS256.
pub enum JwtKey {
    /// ES256.
    Es256(EcdsaKeyPair),
    /// RS256.
    Rs256(RsaKeyPair),
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JwtKey::Es256(_) => "JwtKey::Es256([REDACTED])",
            JwtKey::Rs256(_) => "JwtKey::Rs256([REDACTED])",
        })
    }
}

/// The DER inside a PEM block (`-----BEGIN PRIVATE KEY-----`), or the
/// input itself when it is not PEM.
pub fn pem_to_der(text: &[u8], what: &'static str) -> Result<Zeroizing<Vec<u8>>, JwtError> {
    let Ok(s) = std::str::from_utf8(text) else {
        return Ok(Zeroizing::new(text.to_vec()));
    };
    if !s.contains("-----BEGIN") {
        return Ok(Zeroizing::new(text.to_vec()));
    }
    let body: Zeroizing<String> = Zeroizing::new(
        s.lines()
            .filter(|l| !l.starts_with("-----"))
            .flat_map(|l| l.trim().chars())
            .collect(),
    );
    base64::engine::general_purpose::STANDARD
        .decode(body.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| JwtError::BadKey(what))
}

impl JwtKey {
    /// An ES256 key from PKCS#8 (PEM or DER): an APNs `.p8` file.
    pub fn es256(pkcs8: &[u8], what: &'static str) -> Result<Self, JwtError> {
        let der = pem_to_der(pkcs8, what)?;
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &SystemRandom::new())
            .map(JwtKey::Es256)
            .map_err(|_| JwtError::BadKey(what))
    }

    /// An RS256 key from PKCS#8 (PEM or DER): a service account's key.
    pub fn rs256(pkcs8: &[u8], what: &'static str) -> Result<Self, JwtError> {
        let der = pem_to_der(pkcs8, what)?;
        RsaKeyPair::from_pkcs8(&der)
            .map(JwtKey::Rs256)
            .map_err(|_| JwtError::BadKey(what))
    }

    fn alg(&self) -> &'static str {
        match self {
            JwtKey::Es256(_) => "ES256",
            JwtKey::Rs256(_) => "RS256",
        }
    }

    /// The ES256 key's public point (uncompressed), for VAPID's `k=`.
    pub fn public_point(&self) -> Option<&[u8]> {
        use ring::signature::KeyPair;
        match self {
            JwtKey::Es256(k) => Some(k.public_key().as_ref()),
            JwtKey::Rs256(_) => None,
        }
    }

    /// `header.claims.signature`, with `kid` in the header when given.
    pub fn sign(&self, kid: Option<&str>, claims: &impl Serialize) -> Result<String, JwtError> {
        #[derive(Serialize)]
        struct Header<'a> {
            alg: &'a str,
            typ: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            kid: Option<&'a str>,
        }
        let header = serde_json::to_vec(&Header {
            alg: self.alg(),
            typ: "JWT",
            kid,
        })
        .map_err(|_| JwtError::Sign)?;
        let claims = serde_json::to_vec(claims).map_err(|_| JwtError::Sign)?;
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let rng = SystemRandom::new();
        let signature = match self {
            JwtKey::Es256(k) => k
                .sign(&rng, input.as_bytes())
                .map_err(|_| JwtError::Sign)?
                .as_ref()
                .to_vec(),
            JwtKey::Rs256(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut sig)
                    .map_err(|_| JwtError::Sign)?;
                sig
            }
        };
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

#[cfg(test)]
mod tests {
    use ring::signature::{ECDSA_P256_SHA256_FIXED, KeyPair, UnparsedPublicKey};

    use super::*;

    #[test]
    fn es256_tokens_verify_with_the_public_key() {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref())
        );
        let key = JwtKey::es256(pem.as_bytes(), "test key").unwrap();
        let jwt = key
            .sign(
                Some("KEY123"),
                &serde_json::json!({"iss": "TEAM", "iat": 1}),
            )
            .unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], "KEY123");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, pair.public_key().as_ref())
            .verify(
                format!("{}.{}", parts[0], parts[1]).as_bytes(),
                &URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            )
            .unwrap();
        assert_eq!(
            JwtKey::es256(b"garbage", "APNs key")
                .unwrap_err()
                .to_string(),
            "APNs key: not a usable key"
        );
        assert!(!format!("{key:?}").contains(&pem[30..60]));
    }
}
