//! AES-256-GCM sealing of vault fields (ring), and the data key.
//!
//! Every ciphertext is `version (1) || nonce (12) || ciphertext || tag (16)`
//! with a fresh random nonce per write: a 96-bit random nonce is safe for
//! far more writes than a phone vault ever makes (NIST's 2^32 limit per
//! key). The associated data names the schema version, table, column and
//! row the value belongs to (see [`Aad`]), so a ciphertext copied to
//! another row or column, or replayed into another schema, fails to open.

use std::fmt;

use ring::{
    aead::{AES_256_GCM, Aad as RingAad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    rand::{SecureRandom, SystemRandom},
};
use zeroize::Zeroizing;

use super::{VaultError, VaultResult, schema::SCHEMA_VERSION};

/// Length of the data key and of key-encryption keys, in bytes.
pub const KEY_LEN: usize = 32;

/// First byte of every sealed value: the layout of the bytes after it.
const SEAL_FORMAT: u8 = 1;

/// Overhead of [`SealingKey::seal`] over the plaintext: format byte, nonce, tag.
pub const SEAL_OVERHEAD: usize = 1 + NONCE_LEN + 16;

/// Where a sealed value lives: bound into its associated data.
#[derive(Debug, Clone, Copy)]
pub struct Aad<'a> {
    /// Table name.
    pub table: &'a str,
    /// Column name.
    pub column: &'a str,
    /// Row key (the id, or the setting's name).
    pub row: &'a str,
}

impl Aad<'_> {
    fn bytes(&self) -> Vec<u8> {
        format!(
            "watchword-vault/v{SCHEMA_VERSION}/{}/{}/{}",
            self.table, self.column, self.row
        )
        .into_bytes()
    }
}

/// Cryptographically secure random bytes, in zeroizing memory.
pub fn random_bytes<const N: usize>() -> VaultResult<Zeroizing<[u8; N]>> {
    let mut out = Zeroizing::new([0u8; N]);
    SystemRandom::new()
        .fill(out.as_mut())
        .map_err(|_| VaultError::Storage("the system random number generator failed".into()))?;
    Ok(out)
}

/// An AES-256-GCM key ready to use.
pub struct SealingKey(LessSafeKey);

impl SealingKey {
    /// A key from 32 bytes; any other length is refused (`None`).
    pub fn new(bytes: &[u8]) -> Option<Self> {
        // ring keeps its own expanded copy of the key schedule, which it
        // does not zeroize on drop; the raw bytes we hold are zeroized.
        UnboundKey::new(&AES_256_GCM, bytes)
            .ok()
            .map(|k| Self(LessSafeKey::new(k)))
    }

    /// Encrypts `plaintext` for the place `aad` names.
    pub fn seal(&self, aad: Aad<'_>, plaintext: &[u8]) -> VaultResult<Vec<u8>> {
        let nonce_bytes = random_bytes::<NONCE_LEN>()?;
        let mut buf = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD);
        buf.push(SEAL_FORMAT);
        buf.extend_from_slice(nonce_bytes.as_ref());
        buf.extend_from_slice(plaintext);
        let nonce = Nonce::assume_unique_for_key(*nonce_bytes);
        let (_, body) = buf.split_at_mut(1 + NONCE_LEN);
        let tag = self
            .0
            .seal_in_place_separate_tag(nonce, RingAad::from(aad.bytes()), body)
            .map_err(|_| VaultError::Storage("encryption failed".into()))?;
        buf.extend_from_slice(tag.as_ref());
        Ok(buf)
    }

    /// Decrypts a value sealed for `aad`. `None` when the key is wrong or
    /// the bytes were altered, moved or truncated: the caller decides
    /// which error that is.
    pub fn open(&self, aad: Aad<'_>, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.open_owned(aad, sealed.to_vec())
    }

    /// [`SealingKey::open`] in place, for a buffer the caller owns (a row
    /// just read): no copy, and the buffer is zeroized when dropped.
    pub fn open_owned(&self, aad: Aad<'_>, sealed: Vec<u8>) -> Option<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(sealed);
        if buf.len() < SEAL_OVERHEAD || buf[0] != SEAL_FORMAT {
            return None;
        }
        let nonce = Nonce::try_assume_unique_for_key(&buf[1..1 + NONCE_LEN]).ok()?;
        let len = self
            .0
            .open_within(nonce, RingAad::from(aad.bytes()), &mut buf, 1 + NONCE_LEN..)
            .ok()?
            .len();
        buf.truncate(len);
        Some(buf)
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey([REDACTED])")
    }
}

/// The vault's data key: 256 random bits that encrypt every row. Only
/// ever on disk wrapped by a [`super::KeyProvider`].
pub struct DataKey {
    raw: Zeroizing<[u8; KEY_LEN]>,
    key: SealingKey,
}

impl DataKey {
    /// A fresh random key.
    pub fn generate() -> VaultResult<Self> {
        let raw = random_bytes::<KEY_LEN>()?;
        Self::from_bytes(raw.as_ref()).ok_or(VaultError::WrongKey)
    }

    /// The key from unwrapped bytes; `None` unless exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let raw: [u8; KEY_LEN] = bytes.try_into().ok()?;
        let raw = Zeroizing::new(raw);
        let key = SealingKey::new(raw.as_ref())?;
        Some(Self { raw, key })
    }

    /// The raw bytes, to hand to a key provider for wrapping.
    pub fn expose(&self) -> &[u8] {
        self.raw.as_ref()
    }

    /// Seals a field value (see [`SealingKey::seal`]).
    pub fn seal(&self, aad: Aad<'_>, plaintext: &[u8]) -> VaultResult<Vec<u8>> {
        self.key.seal(aad, plaintext)
    }

    /// Opens a field value; a failure with the right key (the canary
    /// opened) means the file was damaged or tampered with.
    pub fn open(&self, aad: Aad<'_>, sealed: &[u8]) -> VaultResult<Zeroizing<Vec<u8>>> {
        self.key.open(aad, sealed).ok_or_else(|| corrupt_field(aad))
    }

    /// [`DataKey::open`] of a buffer the caller owns, decrypted in place.
    pub fn open_owned(&self, aad: Aad<'_>, sealed: Vec<u8>) -> VaultResult<Zeroizing<Vec<u8>>> {
        self.key
            .open_owned(aad, sealed)
            .ok_or_else(|| corrupt_field(aad))
    }

    /// Opens without turning failure into an error (the canary check).
    pub fn try_open(&self, aad: Aad<'_>, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        self.key.open(aad, sealed)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey([REDACTED])")
    }
}

/// The error for a field that does not open under the right key.
fn corrupt_field(aad: Aad<'_>) -> VaultError {
    VaultError::Corrupt(format!(
        "{}.{} of row {} does not decrypt: it was altered or moved",
        aad.table, aad.column, aad.row
    ))
}

#[cfg(test)]
mod tests {
    use proptest::{prelude::*, sample::Index};

    use super::*;

    const HERE: Aad<'static> = Aad {
        table: "accounts",
        column: "otp",
        row: "1",
    };

    #[test]
    fn seal_open_and_every_binding() {
        let key = DataKey::generate().unwrap();
        let sealed = key.seal(HERE, b"hello").unwrap();
        assert_eq!(sealed.len(), 5 + SEAL_OVERHEAD);
        assert_eq!(key.open(HERE, &sealed).unwrap().as_slice(), b"hello");
        assert_eq!(
            key.open_owned(HERE, sealed.clone()).unwrap().as_slice(),
            b"hello"
        );
        assert!(matches!(
            key.open_owned(Aad { row: "9", ..HERE }, sealed.clone()),
            Err(VaultError::Corrupt(_))
        ));
        // Fresh nonce per write.
        assert_ne!(key.seal(HERE, b"hello").unwrap(), sealed);
        for other in [
            Aad { row: "2", ..HERE },
            Aad {
                column: "details",
                ..HERE
            },
            Aad {
                table: "push_accounts",
                ..HERE
            },
        ] {
            assert!(matches!(
                key.open(other, &sealed),
                Err(VaultError::Corrupt(_))
            ));
        }
        let other_key = DataKey::generate().unwrap();
        assert!(other_key.try_open(HERE, &sealed).is_none());
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(key.try_open(HERE, &bad).is_none(), "byte {i}");
        }
        for n in 0..sealed.len() {
            assert!(key.try_open(HERE, &sealed[..n]).is_none());
        }
    }

    /// A place for a sealed value. Table and column are identifiers (the
    /// vault's are constants without `/`, which keeps the joined AAD
    /// unambiguous); the row is any text.
    #[derive(Debug, Clone, PartialEq)]
    struct Place {
        table: String,
        column: String,
        row: String,
    }

    impl Place {
        fn aad(&self) -> Aad<'_> {
            Aad {
                table: &self.table,
                column: &self.column,
                row: &self.row,
            }
        }
    }

    fn place() -> impl Strategy<Value = Place> {
        ("[a-z_]{1,12}", "[a-z_]{1,12}", "(?s).{0,12}").prop_map(|(table, column, row)| Place {
            table,
            column,
            row,
        })
    }

    /// `here` with one field changed (which, and how: `s` appended,
    /// prepended, or in its place); `s` is an identifier, as table and
    /// column must be.
    fn moved(here: &Place, field: usize, how: usize, s: &str) -> Place {
        let mut there = here.clone();
        let f = match field {
            0 => &mut there.table,
            1 => &mut there.column,
            _ => &mut there.row,
        };
        *f = match how {
            0 => format!("{f}{s}"),
            1 => format!("{s}{f}"),
            _ => s.to_owned(),
        };
        there
    }

    /// A random key; its `Debug` is redacted, so failures print no key.
    fn key() -> impl Strategy<Value = DataKey> {
        any::<[u8; KEY_LEN]>().prop_map(|b| DataKey::from_bytes(&b).unwrap())
    }

    proptest! {
        /// Any plaintext sealed for any place opens there to the same bytes,
        /// and is refused (never a panic) at another place, under another
        /// key, with any one bit flipped, cut short, or with a byte more.
        #[test]
        fn a_sealed_value_opens_only_where_and_as_it_was_sealed(
            key in key(),
            other_key in key(),
            plain in proptest::collection::vec(any::<u8>(), 0..300),
            here in place(),
            (field, how, s) in (0..3usize, 0..3usize, "[a-z_]{1,3}"),
            flip in any::<Index>(),
            bit in 0..8u8,
            cut in any::<Index>(),
            extra in any::<u8>(),
        ) {
            let k = SealingKey::new(key.expose()).unwrap();
            let sealed = k.seal(here.aad(), &plain).unwrap();
            prop_assert_eq!(sealed.len(), plain.len() + SEAL_OVERHEAD);
            let opened = k.open(here.aad(), &sealed);
            prop_assert!(opened.as_deref() == Some(&plain), "does not open to its plaintext");
            let opened = k.open_owned(here.aad(), sealed.clone());
            prop_assert!(opened.as_deref() == Some(&plain), "does not open in place");
            let opened = key.open(here.aad(), &sealed).ok();
            prop_assert!(opened.as_deref() == Some(&plain), "the data key does not open it");

            let elsewhere = moved(&here, field, how, &s);
            if elsewhere != here {
                prop_assert!(k.open(elsewhere.aad(), &sealed).is_none(), "opens elsewhere");
                prop_assert!(matches!(
                    key.open(elsewhere.aad(), &sealed),
                    Err(VaultError::Corrupt(_))
                ));
            }
            if other_key.expose() != key.expose() {
                let other = SealingKey::new(other_key.expose()).unwrap();
                prop_assert!(other.open(here.aad(), &sealed).is_none(), "opens under another key");
            }
            let mut flipped = sealed.clone();
            flipped[flip.index(sealed.len())] ^= 1 << bit;
            prop_assert!(k.open(here.aad(), &flipped).is_none(), "opens with a bit flipped");
            let short = &sealed[..cut.index(sealed.len())];
            prop_assert!(k.open(here.aad(), short).is_none(), "opens cut short");
            let mut longer = sealed.clone();
            longer.push(extra);
            prop_assert!(k.open(here.aad(), &longer).is_none(), "opens with a byte more");
        }

        /// Bytes that were never sealed (any length, format byte right or
        /// not) are refused, never a panic.
        #[test]
        fn bytes_never_sealed_are_refused(
            key in key(),
            here in place(),
            mut bytes in proptest::collection::vec(any::<u8>(), 0..80),
            well_formed in any::<bool>(),
        ) {
            if well_formed && !bytes.is_empty() {
                bytes[0] = SEAL_FORMAT;
            }
            let k = SealingKey::new(key.expose()).unwrap();
            prop_assert!(k.open(here.aad(), &bytes).is_none());
            prop_assert!(k.open_owned(here.aad(), bytes).is_none());
        }
    }

    #[test]
    fn keys_must_be_32_bytes_and_never_print() {
        assert!(DataKey::from_bytes(&[0; 31]).is_none());
        assert!(DataKey::from_bytes(&[0; 33]).is_none());
        let key = DataKey::from_bytes(&[7; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "DataKey([REDACTED])");
    }
}
