//! RFC 8291 "Message Encryption for Web Push": the receiver's keys (a P-256
//! key pair and a 16-byte authentication secret, made on the device and
//! sent to the server as `p256dh` and `auth`), and the encryption that only
//! they open: an ephemeral sender key, ECDH, HKDF with the auth secret,
//! then one RFC 8188 record ([`super::ece`]).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use p256::{PublicKey, SecretKey, elliptic_curve::sec1::ToEncodedPoint};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::ece::{self, EceError, SALT_LEN, WEB_PUSH_RECORD_SIZE};

/// Length of the authentication secret.
pub const AUTH_LEN: usize = 16;
/// Length of an uncompressed P-256 point.
const POINT_LEN: usize = 65;
/// The most plaintext one Web Push message carries (4096-byte record, less
/// the header's 86 bytes, the tag and the delimiter).
pub const MAX_PLAINTEXT: usize = 4096 - 86 - 16 - 1;

/// Why a Web Push message cannot be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebPushError {
    /// A key in the subscription is not a P-256 point or 16 bytes.
    #[error("web push: bad subscription key ({0})")]
    BadKey(&'static str),
    /// The message's header does not carry a sender key.
    #[error("web push: the message carries no sender key")]
    NoSenderKey,
    /// The record layer refused.
    #[error(transparent)]
    Ece(#[from] EceError),
    /// Too long for one message.
    #[error("web push: {0} bytes do not fit one message")]
    TooLong(usize),
    /// No randomness.
    #[error("web push: no randomness")]
    Random,
}

/// The public half a receiver hands out (what `PushSubscription.toJSON()`
/// calls `keys`): base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiverPublicKeys {
    /// The receiver's P-256 public key, uncompressed point.
    pub p256dh: String,
    /// The authentication secret. Not a key that decrypts on its own, but
    /// only sender and receiver should know it.
    pub auth: String,
}

/// A receiver's keys: kept sealed on the device, never printed.
pub struct WebPushKeys {
    secret: SecretKey,
    auth: Zeroizing<[u8; AUTH_LEN]>,
}

impl std::fmt::Debug for WebPushKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebPushKeys")
            .field("p256dh", &self.public().p256dh)
            .finish_non_exhaustive()
    }
}

/// How the keys are kept in the vault's sealed record; wiped when dropped.
#[derive(Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
struct Stored {
    private: String,
    auth: String,
}

impl WebPushKeys {
    /// New random keys.
    pub fn generate() -> Result<Self, WebPushError> {
        let rng = SystemRandom::new();
        let secret = random_secret(&rng)?;
        let mut auth = Zeroizing::new([0u8; AUTH_LEN]);
        rng.fill(&mut auth[..]).map_err(|_| WebPushError::Random)?;
        Ok(Self { secret, auth })
    }

    /// Keys from a raw private scalar and auth secret (test vectors).
    pub fn from_raw(private: &[u8], auth: &[u8]) -> Result<Self, WebPushError> {
        let secret = SecretKey::from_slice(private).map_err(|_| WebPushError::BadKey("private"))?;
        let auth: [u8; AUTH_LEN] = auth.try_into().map_err(|_| WebPushError::BadKey("auth"))?;
        Ok(Self {
            secret,
            auth: Zeroizing::new(auth),
        })
    }

    /// What the sender needs.
    pub fn public(&self) -> ReceiverPublicKeys {
        ReceiverPublicKeys {
            p256dh: URL_SAFE_NO_PAD.encode(self.public_point()),
            auth: URL_SAFE_NO_PAD.encode(&self.auth[..]),
        }
    }

    fn public_point(&self) -> Vec<u8> {
        self.secret
            .public_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    /// The keys as JSON for a sealed store (secret).
    pub fn to_secret_json(&self) -> Result<Zeroizing<Vec<u8>>, WebPushError> {
        let stored = Stored {
            private: URL_SAFE_NO_PAD.encode(self.secret.to_bytes()),
            auth: URL_SAFE_NO_PAD.encode(&self.auth[..]),
        };
        serde_json::to_vec(&stored)
            .map(Zeroizing::new)
            .map_err(|_| WebPushError::BadKey("store"))
    }

    /// Reads [`Self::to_secret_json`] back.
    pub fn from_secret_json(bytes: &[u8]) -> Result<Self, WebPushError> {
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|_| WebPushError::BadKey("stored"))?;
        let decode = |s: &String, what| {
            URL_SAFE_NO_PAD
                .decode(s)
                .map(Zeroizing::new)
                .map_err(|_| WebPushError::BadKey(what))
        };
        Self::from_raw(
            &decode(&stored.private, "stored private")?,
            &decode(&stored.auth, "stored auth")?,
        )
    }

    /// Decrypts a Web Push message (`Content-Encoding: aes128gcm`) sent to
    /// these keys.
    pub fn decrypt(&self, body: &[u8]) -> Result<Zeroizing<Vec<u8>>, WebPushError> {
        let (header, _) = ece::Header::read(body)?;
        if header.key_id.len() != POINT_LEN {
            return Err(WebPushError::NoSenderKey);
        }
        let sender =
            PublicKey::from_sec1_bytes(header.key_id).map_err(|_| WebPushError::NoSenderKey)?;
        let shared =
            p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), sender.as_affine());
        let ikm = content_ikm(
            shared.raw_secret_bytes(),
            &self.auth[..],
            &self.public_point(),
            header.key_id,
        )?;
        Ok(ece::open(&ikm[..], body)?)
    }
}

/// RFC 8291 section 3.4: the input key of the content encryption.
fn content_ikm(
    ecdh_secret: &[u8],
    auth: &[u8],
    receiver_public: &[u8],
    sender_public: &[u8],
) -> Result<Zeroizing<[u8; 32]>, WebPushError> {
    let mut info = Vec::with_capacity(14 + 2 * POINT_LEN);
    info.extend_from_slice(b"WebPush: info\0");
    info.extend_from_slice(receiver_public);
    info.extend_from_slice(sender_public);
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, auth).extract(ecdh_secret);
    let mut ikm = Zeroizing::new([0u8; 32]);
    prk.expand(&[&info], ring::hkdf::HKDF_SHA256)
        .and_then(|okm| okm.fill(&mut ikm[..]))
        .map_err(|_| WebPushError::BadKey("hkdf"))?;
    Ok(ikm)
}

fn random_secret(rng: &SystemRandom) -> Result<SecretKey, WebPushError> {
    // A random 32-byte string is a valid scalar but for a chance of about
    // 2^-32; try again then.
    for _ in 0..8 {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rng.fill(&mut bytes[..]).map_err(|_| WebPushError::Random)?;
        if let Ok(k) = SecretKey::from_slice(&bytes[..]) {
            return Ok(k);
        }
    }
    Err(WebPushError::Random)
}

/// Encrypts `plaintext` for a receiver: a fresh sender key and salt each
/// time (RFC 8291 section 3.4).
pub fn encrypt(receiver: &ReceiverPublicKeys, plaintext: &[u8]) -> Result<Vec<u8>, WebPushError> {
    let rng = SystemRandom::new();
    let sender = random_secret(&rng)?;
    let mut salt = [0u8; SALT_LEN];
    rng.fill(&mut salt).map_err(|_| WebPushError::Random)?;
    encrypt_with(receiver, plaintext, &sender.to_bytes(), &salt)
}

/// [`encrypt`] with a given sender private key and salt: for the RFC's
/// worked example only (reusing either breaks the encryption).
pub fn encrypt_with(
    receiver: &ReceiverPublicKeys,
    plaintext: &[u8],
    sender_private: &[u8],
    salt: &[u8; SALT_LEN],
) -> Result<Vec<u8>, WebPushError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(WebPushError::TooLong(plaintext.len()));
    }
    let receiver_point = URL_SAFE_NO_PAD
        .decode(&receiver.p256dh)
        .map_err(|_| WebPushError::BadKey("p256dh"))?;
    let receiver_key =
        PublicKey::from_sec1_bytes(&receiver_point).map_err(|_| WebPushError::BadKey("p256dh"))?;
    if receiver_point.len() != POINT_LEN {
        return Err(WebPushError::BadKey("p256dh"));
    }
    let auth = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(&receiver.auth)
            .map_err(|_| WebPushError::BadKey("auth"))?,
    );
    if auth.len() != AUTH_LEN {
        return Err(WebPushError::BadKey("auth"));
    }
    let sender =
        SecretKey::from_slice(sender_private).map_err(|_| WebPushError::BadKey("sender"))?;
    let sender_point = sender.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(sender.to_nonzero_scalar(), receiver_key.as_affine());
    let ikm = content_ikm(
        shared.raw_secret_bytes(),
        &auth,
        &receiver_point,
        sender_point.as_bytes(),
    )?;
    Ok(ece::seal(
        &ikm[..],
        salt,
        sender_point.as_bytes(),
        WEB_PUSH_RECORD_SIZE,
        plaintext,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(s).unwrap()
    }

    const UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
    const BODY: &str = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";
    const PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";

    fn rfc_receiver() -> WebPushKeys {
        WebPushKeys::from_raw(&b64(UA_PRIVATE), &b64(AUTH)).unwrap()
    }

    /// RFC 8291 section 5 and appendix A, byte for byte both ways.
    #[test]
    fn rfc8291_example_byte_for_byte() {
        let keys = rfc_receiver();
        assert_eq!(keys.public().p256dh, UA_PUBLIC);
        let salt: [u8; 16] = b64(SALT).try_into().unwrap();
        let body = encrypt_with(&keys.public(), PLAINTEXT, &b64(AS_PRIVATE), &salt).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(&body), BODY);
        assert_eq!(&keys.decrypt(&b64(BODY)).unwrap()[..], PLAINTEXT);
    }

    #[test]
    fn fresh_keys_round_trip_and_others_cannot_read() {
        let keys = WebPushKeys::generate().unwrap();
        let body = encrypt(&keys.public(), b"{\"v\":1}").unwrap();
        assert_eq!(&keys.decrypt(&body).unwrap()[..], b"{\"v\":1}");
        let again = encrypt(&keys.public(), b"{\"v\":1}").unwrap();
        assert_ne!(body, again, "a fresh sender key and salt each time");
        let other = WebPushKeys::generate().unwrap();
        assert_eq!(
            other.decrypt(&body).unwrap_err(),
            WebPushError::Ece(EceError::Decrypt)
        );
        let stored = keys.to_secret_json().unwrap();
        let back = WebPushKeys::from_secret_json(&stored).unwrap();
        assert_eq!(&back.decrypt(&body).unwrap()[..], b"{\"v\":1}");
        assert!(!format!("{keys:?}").contains(&keys.public().auth));
    }

    #[test]
    fn bad_subscriptions_and_messages_are_typed_errors() {
        let keys = rfc_receiver();
        let mut public = keys.public();
        public.p256dh = "AAAA".into();
        assert_eq!(
            encrypt(&public, b"x").unwrap_err(),
            WebPushError::BadKey("p256dh")
        );
        let mut public = keys.public();
        public.auth = "AAAA".into();
        assert_eq!(
            encrypt(&public, b"x").unwrap_err(),
            WebPushError::BadKey("auth")
        );
        assert_eq!(
            encrypt(&keys.public(), &[0; MAX_PLAINTEXT + 1]).unwrap_err(),
            WebPushError::TooLong(MAX_PLAINTEXT + 1)
        );
        // A body whose key id is not a point.
        let plain = ece::seal(&[1; 16], &[0; 16], b"a1", 4096, b"x").unwrap();
        assert_eq!(keys.decrypt(&plain).unwrap_err(), WebPushError::NoSenderKey);
        // Every prefix: the header (86 bytes with the sender's key) or the
        // record cut short while it holds no more than a tag, then a
        // record that does not decrypt. `.err()`: no plaintext printed.
        let body = b64(BODY);
        for n in 0..body.len() {
            let want = if n <= ece::HEADER_LEN + POINT_LEN + 16 {
                EceError::Truncated
            } else {
                EceError::Decrypt
            };
            let e = keys.decrypt(&body[..n]).err();
            assert_eq!(e, Some(WebPushError::Ece(want)), "prefix of {n} bytes");
        }
    }
}
