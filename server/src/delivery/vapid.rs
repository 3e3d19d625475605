//! The server's VAPID identity (RFC 8292): a P-256 key that signs the
//! `Authorization: vapid t=<JWT>, k=<public key>` header of every Web Push
//! request, so a push service can tell this server's messages apart and
//! throttle or block a sender that is not us.
//!
//! The key is made on first open and kept in the database sealed under a
//! key derived from the server's signing key (itself sealed by the
//! passphrase): a copy of the database alone does not reveal it.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    hkdf,
    rand::{SecureRandom, SystemRandom},
    signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair},
};
use serde::Serialize;
use watchword_core::push::keys::SigningKey;
use zeroize::Zeroizing;

use super::jwt::JwtKey;
use crate::{
    engine::{get_meta, put_meta, set_meta},
    error::{ServerError, ServerResult},
    params,
    store::Store,
};

/// The `meta` row holding the sealed VAPID key.
const SEALED: &str = "vapid_key_sealed";
/// The `meta` row holding the VAPID subject (a contact URL).
const SUBJECT: &str = "vapid_subject";
/// Used when no subject was configured.
const DEFAULT_SUBJECT: &str = "mailto:webpush@watchword.invalid";
/// VAPID tokens live 12 hours at most (RFC 8292 section 2); ours 1 hour.
const TOKEN_LIFETIME_SECS: i64 = 3600;

/// The server's VAPID key and contact.
pub struct Vapid {
    key: JwtKey,
    public_b64: String,
    subject: std::sync::RwLock<String>,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid")
            .field("public_key", &self.public_b64)
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    exp: i64,
    sub: &'a str,
}

impl Vapid {
    /// Opens the sealed key (making one when there is none, or when
    /// `rotate`), sealed under `server_key`.
    pub(crate) fn load_or_create(
        store: &Store,
        server_key: &SigningKey,
        rotate: bool,
    ) -> ServerResult<Self> {
        let seal = sealing_key(server_key)?;
        let stored = get_meta(&store.read()?, SEALED)?;
        let pkcs8 = match stored {
            Some(sealed) if !rotate => open(&seal, &sealed)?,
            _ => {
                let rng = SystemRandom::new();
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|e| ServerError::internal("vapid key", e))?;
                let pkcs8 = Zeroizing::new(pkcs8.as_ref().to_vec());
                let tx = store.begin()?;
                if rotate {
                    put_meta(&tx, SEALED, &sealed(&seal, &pkcs8)?)?;
                    tx.commit()?;
                    pkcs8
                } else {
                    // Instances starting together: the first key stored wins.
                    let inserted = tx.execute(
                        "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO NOTHING",
                        params![SEALED, sealed(&seal, &pkcs8)?],
                    )?;
                    tx.commit()?;
                    if inserted == 0 {
                        let stored = get_meta(&store.read()?, SEALED)?.ok_or_else(|| {
                            ServerError::internal("vapid key", "sealed key vanished")
                        })?;
                        open(&seal, &stored)?
                    } else {
                        pkcs8
                    }
                }
            }
        };
        let key = JwtKey::es256(&pkcs8, "VAPID key")
            .map_err(|e| ServerError::internal("vapid key", e))?;
        let public_b64 = URL_SAFE_NO_PAD.encode(key.public_point().unwrap_or_default());
        let subject = get_meta(&store.read()?, SUBJECT)?;
        let subject = subject
            .and_then(|s| String::from_utf8(s).ok())
            .unwrap_or_else(|| DEFAULT_SUBJECT.to_owned());
        Ok(Self {
            key,
            public_b64,
            subject: std::sync::RwLock::new(subject),
        })
    }

    /// Stores the contact the push services see (`mailto:` or `https:`)
    /// and uses it from now on.
    pub(crate) fn set_subject(&self, store: &Store, subject: &str) -> ServerResult<()> {
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            return Err(ServerError::bad_request(
                "the VAPID subject is a mailto: or https: contact",
            ));
        }
        set_meta(store, SUBJECT, subject.as_bytes())?;
        if let Ok(mut s) = self.subject.write() {
            *s = subject.to_owned();
        }
        Ok(())
    }

    /// The public key (base64url uncompressed point): what a Web Push
    /// subscription calls `applicationServerKey`.
    pub fn public_key(&self) -> &str {
        &self.public_b64
    }

    /// The contact the push services see.
    pub fn subject(&self) -> String {
        self.subject
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|_| DEFAULT_SUBJECT.to_owned())
    }

    /// The `Authorization` header for a request to `endpoint` at `now`.
    pub fn authorization(&self, endpoint: &str, now: i64) -> Result<String, String> {
        let url = url::Url::parse(endpoint).map_err(|_| "the endpoint is not a URL".to_owned())?;
        let audience = url.origin().ascii_serialization();
        let jwt = self
            .key
            .sign(
                None,
                &Claims {
                    aud: &audience,
                    exp: now + TOKEN_LIFETIME_SECS,
                    sub: &self.subject(),
                },
            )
            .map_err(|e| e.to_string())?;
        // No space after the comma: what py_vapid and pywebpush write, which every
        // push service reads (RFC 7235 allows either).
        Ok(format!("vapid t={jwt},k={}", self.public_b64))
    }
}

fn sealing_key(server_key: &SigningKey) -> ServerResult<LessSafeKey> {
    struct Len;
    impl hkdf::KeyType for Len {
        fn len(&self) -> usize {
            32
        }
    }
    let prk =
        hkdf::Salt::new(hkdf::HKDF_SHA256, b"watchword-v1/server").extract(server_key.pkcs8());
    let mut raw = Zeroizing::new([0u8; 32]);
    prk.expand(&[b"vapid-key-seal"], Len)
        .and_then(|okm| okm.fill(&mut raw[..]))
        .map_err(|e| ServerError::internal("vapid seal", e))?;
    let key = UnboundKey::new(&AES_256_GCM, &raw[..])
        .map_err(|e| ServerError::internal("vapid seal", e))?;
    Ok(LessSafeKey::new(key))
}

fn sealed(seal: &LessSafeKey, pkcs8: &[u8]) -> ServerResult<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|e| ServerError::internal("random", e))?;
    let mut buf = pkcs8.to_vec();
    seal.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(SEALED),
        &mut buf,
    )
    .map_err(|e| ServerError::internal("vapid seal", e))?;
    Ok([&nonce[..], &buf].concat())
}

fn open(seal: &LessSafeKey, sealed: &[u8]) -> ServerResult<Zeroizing<Vec<u8>>> {
    let bad = |_| ServerError::internal("vapid key", "the sealed VAPID key does not open");
    if sealed.len() < NONCE_LEN {
        return Err(bad(()));
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| bad(()))?;
    let mut buf = Zeroizing::new(body.to_vec());
    let plain = seal
        .open_in_place(nonce, Aad::from(SEALED), &mut buf)
        .map_err(|_| bad(()))?;
    Ok(Zeroizing::new(plain.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_sealed_under_the_server_key_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Store::open(&crate::store::DbLocation::from(dir.path().join("s.db"))).unwrap();
        let server_key = SigningKey::generate().unwrap();
        let vapid = Vapid::load_or_create(&conn, &server_key, false).unwrap();
        let again = Vapid::load_or_create(&conn, &server_key, false).unwrap();
        assert_eq!(vapid.public_key(), again.public_key());
        // Another server key does not open it: a copy of the database alone
        // is not enough.
        let other = SigningKey::generate().unwrap();
        // A fault, not a refusal: its cause ("does not open") goes only to
        // the log; the error says `internal`.
        let r = Vapid::load_or_create(&conn, &other, false);
        assert!(
            matches!(&r, Err(e) if e.code == watchword_core::push::ErrorCode::Internal),
            "{r:?}"
        );
        let header = vapid
            .authorization("https://push.example:8443/up/1", 1_000)
            .unwrap();
        let (t, k) = header
            .strip_prefix("vapid t=")
            .and_then(|r| r.split_once(",k="))
            .unwrap();
        assert_eq!(k, vapid.public_key());
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(t.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["aud"], "https://push.example:8443");
        assert_eq!(claims["exp"], 1_000 + TOKEN_LIFETIME_SECS);
        assert_eq!(claims["sub"], DEFAULT_SUBJECT);
        assert!(!format!("{vapid:?}").contains("PRIVATE"));
    }
}
