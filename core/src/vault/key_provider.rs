//! Who protects the data key: the [`KeyProvider`] trait the platform
//! implements, and the passphrase provider the desktop CLI uses.
//!
//! The vault's 256-bit data key is stored only wrapped. On a phone the
//! shell implements [`KeyProvider`] with the Android Keystore or the iOS
//! Keychain (a UniFFI foreign trait: object-safe, owned byte arguments, one
//! flat error). On the desktop [`PassphraseKeyProvider`] derives a
//! key-encryption key with argon2id; its parameters and salt travel inside
//! the wrapped blob, so they are stored with the vault and a vault made
//! with cheap test parameters opens with any passphrase provider.
//!
//! Whatever a provider returns from `unwrap`, the vault checks it against
//! a canary sealed under the data key, so a provider that hands back the
//! wrong key (a reset Keystore, another device's key) gives `WrongKey`
//! rather than garbage.

use std::fmt;

use argon2::{Algorithm as Argon2Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use super::crypto::{Aad, KEY_LEN, SealingKey, random_bytes};
use crate::sensitive::Sensitive;

/// What a key provider can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProviderError {
    /// The key or passphrase does not unwrap this data key.
    #[error("wrong passphrase or key")]
    WrongKey,
    /// The wrapped key is not in a form this provider understands.
    #[error("the wrapped key is malformed: {message}")]
    Malformed {
        /// What is wrong (never key material).
        message: String,
    },
    /// The platform key store failed or is locked (user not
    /// authenticated, key invalidated by a biometric change, ...).
    #[error("the key store is unavailable: {message}")]
    Unavailable {
        /// What the platform said.
        message: String,
    },
}

/// Wraps and unwraps the vault's data key. Implemented by the platform
/// shell (Keystore/Keychain) or by [`PassphraseKeyProvider`]. The data key
/// crosses this boundary only in zeroizing buffers, both ways: whatever
/// copy an implementation makes is its own to wipe.
pub trait KeyProvider: Send + Sync {
    /// Encrypts `data_key` (32 bytes) for storage in the vault file.
    fn wrap(&self, data_key: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError>;
    /// Gives back the data key that `wrap` produced `wrapped` from.
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError>;
}

/// argon2id cost parameters, stored with each wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// The default: 64 MiB, 3 passes, 1 lane (RFC 9106's second
    /// recommended option, for memory-constrained devices).
    pub const STRONG: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };

    /// Deliberately weak parameters for test vaults only (8 KiB, 1 pass):
    /// they keep hundreds of vault opens in CI fast. Never for real data.
    pub const FAST_INSECURE_FOR_TESTS: KdfParams = KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    /// Upper bounds accepted from a file, so a hostile vault cannot make
    /// an open allocate gigabytes or spin for minutes.
    const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    const MAX_ITERATIONS: u32 = 64;
    const MAX_PARALLELISM: u32 = 16;

    /// Checks the parameters before a vault is made with them: argon2's
    /// own minimums (1 pass, 8 KiB per lane) and this module's maximums.
    pub fn validate(self) -> Result<Self, super::VaultError> {
        self.argon2().map(|_| self).map_err(|_| {
            super::VaultError::Invalid(format!(
                "argon2 parameters out of range: memory {} KiB (8 x lanes to {}), \
                 iterations {} (1 to {}), lanes {} (1 to {})",
                self.memory_kib,
                Self::MAX_MEMORY_KIB,
                self.iterations,
                Self::MAX_ITERATIONS,
                self.parallelism,
                Self::MAX_PARALLELISM
            ))
        })
    }

    fn argon2(self) -> Result<Argon2<'static>, KeyProviderError> {
        if self.memory_kib > Self::MAX_MEMORY_KIB
            || self.iterations > Self::MAX_ITERATIONS
            || self.parallelism > Self::MAX_PARALLELISM
        {
            return Err(KeyProviderError::Malformed {
                message: format!("argon2 parameters out of range: {self:?}"),
            });
        }
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| KeyProviderError::Malformed {
            message: format!("argon2 parameters {self:?}: {e}"),
        })?;
        Ok(Argon2::new(
            Argon2Algorithm::Argon2id,
            Version::V0x13,
            params,
        ))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::STRONG
    }
}

/// Wraps the data key under a key derived from a passphrase with argon2id.
///
/// Wrapped layout: `"WWP1" || memory_kib || iterations || parallelism`
/// (u32 big-endian each) `|| salt (16) || sealed data key`.
pub struct PassphraseKeyProvider {
    passphrase: Sensitive<String>,
    params: KdfParams,
}

const PASSPHRASE_MAGIC: &[u8; 4] = b"WWP1";
const SALT_LEN: usize = 16;
const HEADER_LEN: usize = 4 + 12 + SALT_LEN;
const WRAP_AAD: Aad<'static> = Aad {
    table: "meta",
    column: "wrapped_key",
    row: "passphrase",
};

impl PassphraseKeyProvider {
    /// A provider for `passphrase` that wraps with `params` (unwrapping
    /// uses whatever parameters the wrapped key was made with).
    pub fn new(passphrase: Sensitive<String>, params: KdfParams) -> Self {
        Self { passphrase, params }
    }

    fn derive(
        &self,
        params: KdfParams,
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyProviderError> {
        let mut kek = Zeroizing::new([0u8; KEY_LEN]);
        params
            .argon2()?
            // EXPOSE: the passphrase is the KDF's input.
            .hash_password_into(self.passphrase.expose().as_bytes(), salt, kek.as_mut())
            .map_err(|e| KeyProviderError::Malformed {
                message: format!("argon2 failed: {e}"),
            })?;
        Ok(kek)
    }
}

impl fmt::Debug for PassphraseKeyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassphraseKeyProvider")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl KeyProvider for PassphraseKeyProvider {
    fn wrap(&self, data_key: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError> {
        let salt = random_bytes::<SALT_LEN>().map_err(|e| KeyProviderError::Unavailable {
            message: e.to_string(),
        })?;
        let kek = self.derive(self.params, salt.as_ref())?;
        let sealed = seal_with(kek.as_ref(), WRAP_AAD, &data_key)?;
        let p = self.params;
        let mut out = Vec::with_capacity(HEADER_LEN + sealed.len());
        out.extend_from_slice(PASSPHRASE_MAGIC);
        for n in [p.memory_kib, p.iterations, p.parallelism] {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out.extend_from_slice(salt.as_ref());
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        let malformed = |m: &str| KeyProviderError::Malformed {
            message: m.to_owned(),
        };
        if wrapped.len() < HEADER_LEN || &wrapped[..4] != PASSPHRASE_MAGIC {
            return Err(malformed("not a passphrase-wrapped key"));
        }
        let word = |i: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&wrapped[4 + 4 * i..8 + 4 * i]);
            u32::from_be_bytes(b)
        };
        let params = KdfParams {
            memory_kib: word(0),
            iterations: word(1),
            parallelism: word(2),
        };
        let salt = &wrapped[16..HEADER_LEN];
        let kek = self.derive(params, salt)?;
        let key = SealingKey::new(kek.as_ref()).ok_or_else(|| malformed("bad key length"))?;
        key.open(WRAP_AAD, &wrapped[HEADER_LEN..])
            .ok_or(KeyProviderError::WrongKey)
    }
}

/// A provider with a fixed 32-byte key-encryption key held in memory.
///
/// This is what a platform provider does with a hardware key, minus the
/// hardware: for tests, benchmarks and tools that manage their own key.
pub struct StaticKeyProvider {
    kek: Zeroizing<[u8; KEY_LEN]>,
}

const STATIC_AAD: Aad<'static> = Aad {
    table: "meta",
    column: "wrapped_key",
    row: "static",
};

impl StaticKeyProvider {
    /// A provider with this key-encryption key.
    pub fn new(kek: [u8; KEY_LEN]) -> Self {
        Self {
            kek: Zeroizing::new(kek),
        }
    }

    /// A provider with a fresh random key that exists only in memory: for
    /// stores that must not outlive the process (the CLI's demo server).
    pub fn ephemeral() -> super::VaultResult<Self> {
        Ok(Self {
            kek: super::crypto::random_bytes::<KEY_LEN>()?,
        })
    }
}

impl fmt::Debug for StaticKeyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticKeyProvider([REDACTED])")
    }
}

impl KeyProvider for StaticKeyProvider {
    fn wrap(&self, data_key: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError> {
        seal_with(self.kek.as_ref(), STATIC_AAD, &data_key)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        let key = SealingKey::new(self.kek.as_ref()).ok_or(KeyProviderError::WrongKey)?;
        key.open(STATIC_AAD, &wrapped)
            .ok_or(KeyProviderError::WrongKey)
    }
}

fn seal_with(kek: &[u8], aad: Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, KeyProviderError> {
    let unavailable = |m: String| KeyProviderError::Unavailable { message: m };
    SealingKey::new(kek)
        .ok_or_else(|| unavailable("bad key length".into()))?
        .seal(aad, plaintext)
        .map_err(|e| unavailable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(p: &str) -> PassphraseKeyProvider {
        PassphraseKeyProvider::new(
            Sensitive::new(p.to_owned()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        )
    }

    #[test]
    fn passphrase_wraps_and_unwraps_with_stored_params() {
        let key = Zeroizing::new(vec![42u8; 32]);
        let wrapped = provider("correct horse").wrap(key.clone()).unwrap();
        assert_eq!(&wrapped[..4], b"WWP1");
        assert_eq!(&wrapped[4..8], &8u32.to_be_bytes());
        // Unwrapping reads the parameters from the blob, not from self.
        let strong = PassphraseKeyProvider::new(
            Sensitive::new("correct horse".to_owned()),
            KdfParams::STRONG,
        );
        assert_eq!(strong.unwrap(wrapped.clone()).unwrap(), key);
        assert_eq!(
            provider("wrong horse").unwrap(wrapped.clone()),
            Err(KeyProviderError::WrongKey)
        );
        assert!(matches!(
            provider("x").unwrap(b"WWP0garbage".to_vec()),
            Err(KeyProviderError::Malformed { .. })
        ));
        assert!(format!("{strong:?}").contains("params"));
        assert!(!format!("{strong:?}").contains("horse"));
    }

    #[test]
    fn hostile_parameters_are_refused_before_any_work() {
        let mut wrapped = provider("p").wrap(Zeroizing::new(vec![1u8; 32])).unwrap();
        wrapped[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            provider("p").unwrap(wrapped),
            Err(KeyProviderError::Malformed { .. })
        ));
    }

    #[test]
    fn parameters_are_validated() {
        assert!(KdfParams::STRONG.validate().is_ok());
        assert!(KdfParams::FAST_INSECURE_FOR_TESTS.validate().is_ok());
        for bad in [
            KdfParams {
                memory_kib: 7,
                ..KdfParams::FAST_INSECURE_FOR_TESTS
            },
            KdfParams {
                iterations: 0,
                ..KdfParams::FAST_INSECURE_FOR_TESTS
            },
            KdfParams {
                iterations: 65,
                ..KdfParams::FAST_INSECURE_FOR_TESTS
            },
            KdfParams {
                memory_kib: 2 << 20,
                ..KdfParams::STRONG
            },
        ] {
            let r = bad.validate();
            assert!(
                matches!(&r, Err(crate::vault::VaultError::Invalid(m))
                    if m.starts_with("argon2 parameters out of range")),
                "{bad:?}: {r:?}"
            );
        }
    }

    #[test]
    fn static_provider_detects_another_key() {
        let a = StaticKeyProvider::new([1; 32]);
        let b = StaticKeyProvider::new([2; 32]);
        let wrapped = a.wrap(Zeroizing::new(vec![9; 32])).unwrap();
        assert_eq!(*a.unwrap(wrapped.clone()).unwrap(), vec![9; 32]);
        assert_eq!(b.unwrap(wrapped), Err(KeyProviderError::WrongKey));
    }
}
