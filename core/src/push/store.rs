//! Where a device keeps its push accounts: a small trait, so the encrypted
//! vault (or, in tests, memory) can hold them.
//!
//! A [`PushAccount`] carries the device's private key; it is serialised
//! only into a store's encrypted blob ([`PushAccount::to_secret_json`]),
//! and its `Debug` shows no key.

use std::{collections::BTreeMap, sync::Mutex};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{Provider, PushError, history::History, keys::SigningKey};
use crate::sensitive::Sensitive;

/// One activated push account on this device.
#[derive(Clone, Serialize, Deserialize)]
pub struct PushAccount {
    /// The device id the server gave (unique per account).
    pub device_id: String,
    /// The protocol.
    pub provider: Provider,
    /// The server's base URL.
    pub base_url: String,
    /// The user name.
    pub user: String,
    /// The organisation.
    pub organisation: String,
    /// The name this device gave itself.
    pub device_name: String,
    /// The server's public key (base64url point).
    pub server_public_key: String,
    /// Server time minus device time, seconds, as last learned.
    pub clock_offset: i64,
    /// PKCS#8 of the device key, base64url (secret).
    #[serde(with = "sensitive_serde")]
    device_key: Sensitive<String>,
}

impl std::fmt::Debug for PushAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushAccount")
            .field("device_id", &self.device_id)
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("user", &self.user)
            .field("organisation", &self.organisation)
            .finish_non_exhaustive()
    }
}

impl PushAccount {
    /// A new account holding `key`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        device_id: String,
        base_url: String,
        user: String,
        organisation: String,
        device_name: String,
        server_public_key: String,
        clock_offset: i64,
        key: &SigningKey,
    ) -> Self {
        Self {
            device_id,
            provider: Provider::Watchword,
            base_url,
            user,
            organisation,
            device_name,
            server_public_key,
            clock_offset,
            device_key: Sensitive::new(URL_SAFE_NO_PAD.encode(key.pkcs8().as_slice())),
        }
    }

    /// An account of another protocol (`provider`), holding the device
    /// key as PKCS#8 DER `device_key_der` (privacyIDEA: RSA).
    #[allow(clippy::too_many_arguments)]
    pub fn with_provider_key(
        provider: Provider,
        device_id: String,
        base_url: String,
        user: String,
        organisation: String,
        device_name: String,
        server_public_key: String,
        clock_offset: i64,
        device_key_der: &[u8],
    ) -> Self {
        Self {
            device_id,
            provider,
            base_url,
            user,
            organisation,
            device_name,
            server_public_key,
            clock_offset,
            device_key: Sensitive::new(URL_SAFE_NO_PAD.encode(device_key_der)),
        }
    }

    /// The stored device key's PKCS#8 DER, whatever its algorithm.
    pub fn device_key_der(&self) -> Result<Zeroizing<Vec<u8>>, PushError> {
        URL_SAFE_NO_PAD
            // EXPOSE: decoded into a zeroizing buffer for the signing key.
            .decode(self.device_key.expose())
            .map(Zeroizing::new)
            .map_err(|_| PushError::Store("stored device key is corrupt".into()))
    }

    /// "user @ organisation".
    pub fn label(&self) -> String {
        format!("{} @ {}", self.user, self.organisation)
    }

    /// The device's signing key.
    pub fn signing_key(&self) -> Result<SigningKey, PushError> {
        let bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                // EXPOSE: decoded into a zeroizing buffer for the signing key.
                .decode(self.device_key.expose())
                .map_err(|_| PushError::Store("stored device key is corrupt".into()))?,
        );
        Ok(SigningKey::from_pkcs8(bytes)?)
    }

    /// The whole account, key included, as JSON for an encrypted blob.
    pub fn to_secret_json(&self) -> Result<Zeroizing<Vec<u8>>, PushError> {
        serde_json::to_vec(self)
            .map(Zeroizing::new)
            .map_err(|e| PushError::Store(e.to_string()))
    }

    /// Reads [`Self::to_secret_json`] back.
    pub fn from_secret_json(bytes: &[u8]) -> Result<Self, PushError> {
        serde_json::from_slice(bytes).map_err(|_| PushError::Store("corrupt push account".into()))
    }
}

/// Serde for the key field: the plain value goes only into the blob.
mod sensitive_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::sensitive::Sensitive;

    pub fn serialize<S: Serializer>(v: &Sensitive<String>, s: S) -> Result<S::Ok, S::Error> {
        // EXPOSE: serialised only into the blob the vault seals.
        s.serialize_str(v.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Sensitive<String>, D::Error> {
        String::deserialize(d).map(Sensitive::new)
    }
}

/// Storage of push accounts.
pub trait PushStore: Send + Sync {
    /// Every account.
    fn list(&self) -> Result<Vec<PushAccount>, PushError>;
    /// Adds or replaces the account with this device id.
    fn put(&self, account: &PushAccount) -> Result<(), PushError>;
    /// Removes an account; `false` if there was none.
    fn remove(&self, device_id: &str) -> Result<bool, PushError>;
    /// What the device saw of the requests it fetched ([`History`]).
    fn history(&self) -> Result<History, PushError>;
    /// Replaces that record.
    fn set_history(&self, history: &History) -> Result<(), PushError>;
    /// This device's Web Push receiver keys as sealed JSON
    /// ([`super::webpush::WebPushKeys::to_secret_json`]), if made yet.
    fn web_push_keys(&self) -> Result<Option<Zeroizing<Vec<u8>>>, PushError>;
    /// Keeps them.
    fn set_web_push_keys(&self, keys: &[u8]) -> Result<(), PushError>;
}

/// Accounts in memory (tests, the CLI demo).
#[derive(Debug, Default)]
pub struct MemoryPushStore(
    Mutex<BTreeMap<String, PushAccount>>,
    Mutex<History>,
    Mutex<Option<Zeroizing<Vec<u8>>>>,
);

impl MemoryPushStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, PushAccount>>, PushError> {
        self.0
            .lock()
            .map_err(|_| PushError::Store("store lock poisoned".into()))
    }
}

impl PushStore for MemoryPushStore {
    fn list(&self) -> Result<Vec<PushAccount>, PushError> {
        Ok(self.map()?.values().cloned().collect())
    }

    fn put(&self, account: &PushAccount) -> Result<(), PushError> {
        self.map()?
            .insert(account.device_id.clone(), account.clone());
        Ok(())
    }

    fn remove(&self, device_id: &str) -> Result<bool, PushError> {
        Ok(self.map()?.remove(device_id).is_some())
    }

    fn history(&self) -> Result<History, PushError> {
        Ok(self
            .1
            .lock()
            .map_err(|_| PushError::Store("store lock poisoned".into()))?
            .clone())
    }

    fn set_history(&self, history: &History) -> Result<(), PushError> {
        *self
            .1
            .lock()
            .map_err(|_| PushError::Store("store lock poisoned".into()))? = history.clone();
        Ok(())
    }

    fn web_push_keys(&self) -> Result<Option<Zeroizing<Vec<u8>>>, PushError> {
        Ok(self
            .2
            .lock()
            .map_err(|_| PushError::Store("store lock poisoned".into()))?
            .clone())
    }

    fn set_web_push_keys(&self, keys: &[u8]) -> Result<(), PushError> {
        *self
            .2
            .lock()
            .map_err(|_| PushError::Store("store lock poisoned".into()))? =
            Some(Zeroizing::new(keys.to_vec()));
        Ok(())
    }
}

impl<S: PushStore + ?Sized> PushStore for std::sync::Arc<S> {
    fn list(&self) -> Result<Vec<PushAccount>, PushError> {
        (**self).list()
    }
    fn put(&self, account: &PushAccount) -> Result<(), PushError> {
        (**self).put(account)
    }
    fn remove(&self, device_id: &str) -> Result<bool, PushError> {
        (**self).remove(device_id)
    }
    fn history(&self) -> Result<History, PushError> {
        (**self).history()
    }
    fn set_history(&self, history: &History) -> Result<(), PushError> {
        (**self).set_history(history)
    }
    fn web_push_keys(&self) -> Result<Option<Zeroizing<Vec<u8>>>, PushError> {
        (**self).web_push_keys()
    }
    fn set_web_push_keys(&self, keys: &[u8]) -> Result<(), PushError> {
        (**self).set_web_push_keys(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_and_secret_json() {
        let key = SigningKey::generate().unwrap();
        let a = PushAccount::new(
            "d_1".into(),
            "http://127.0.0.1:1".into(),
            "alice".into(),
            "Example".into(),
            "laptop".into(),
            key.public_key_b64(),
            3,
            &key,
        );
        let dbg = format!("{a:?}");
        assert!(!dbg.contains(&URL_SAFE_NO_PAD.encode(key.pkcs8().as_slice())));
        let s = MemoryPushStore::new();
        s.put(&a).unwrap();
        assert_eq!(s.list().unwrap().len(), 1);
        let back = PushAccount::from_secret_json(&a.to_secret_json().unwrap()).unwrap();
        assert_eq!(
            back.signing_key().unwrap().public_key_b64(),
            key.public_key_b64()
        );
        assert!(s.remove("d_1").unwrap());
        assert!(!s.remove("d_1").unwrap());
        // `.err()`: an Ok would be an account with its key.
        assert_eq!(
            PushAccount::from_secret_json(b"{").err(),
            Some(PushError::Store("corrupt push account".into()))
        );
    }
}
