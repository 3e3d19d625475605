//! The server's signing key at rest: sealed in the database by a key
//! provider and never stored in clear. `watchword-server` seals it with a
//! passphrase (argon2id, from `WATCHWORD_SERVER_PASSPHRASE`); the in-process
//! demo, the tests and the bench with a key held in memory. A database
//! written before sealing existed has its clear key sealed and wiped on the
//! first open. The activation-code hashes are keyed from the same key.

use ring::{hkdf, hmac};
use watchword_core::{
    push::{ErrorCode, keys::SigningKey},
    vault::{KeyProvider, KeyProviderError},
};
use zeroize::Zeroizing;

use crate::{
    engine::get_meta,
    error::{ServerError, ServerResult},
    params,
    store::Store,
};

/// The `meta` row holding the sealed PKCS#8 key.
const SEALED: &str = "server_key_sealed";
/// The `meta` row where databases before sealing kept the key in clear.
const LEGACY_CLEAR: &str = "server_key";

/// Opens the sealed key with `keys`, or makes (or adopts a legacy clear)
/// key, seals it and stores it.
pub(crate) fn load_or_create(store: &Store, keys: &dyn KeyProvider) -> ServerResult<SigningKey> {
    if let Some(sealed) = get_meta(&store.read()?, SEALED)? {
        return open_sealed(sealed, keys);
    }
    let tx = store.begin()?;
    let key = match get_meta(&tx, LEGACY_CLEAR)? {
        Some(clear) => SigningKey::from_pkcs8(Zeroizing::new(clear))
            .map_err(|e| ServerError::internal("server key", e))?,
        None => SigningKey::generate().map_err(|e| ServerError::internal("server key", e))?,
    };
    // EXPOSE: the signing key goes to the passphrase provider to be sealed,
    // in a zeroizing copy.
    let sealed = keys
        .wrap(Zeroizing::new(key.pkcs8().to_vec()))
        .map_err(key_error)?;
    // secure_delete zeroes the clear key's bytes when its row goes; the
    // checkpoint writes that back and empties the WAL that still held it.
    tx.wipe_deleted()?;
    // Another instance starting on the same PostgreSQL at the same moment
    // may have stored its key first: then that one is the server's key.
    let inserted = tx.execute(
        "INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO NOTHING",
        params![SEALED, sealed],
    )?;
    if inserted == 0 {
        drop(tx);
        let sealed = get_meta(&store.read()?, SEALED)?
            .ok_or_else(|| ServerError::internal("server key", "sealed key vanished"))?;
        return open_sealed(sealed, keys);
    }
    tx.execute("DELETE FROM meta WHERE key = $1", params![LEGACY_CLEAR])?;
    tx.commit()?;
    store.checkpoint()?;
    Ok(key)
}

fn open_sealed(sealed: Vec<u8>, keys: &dyn KeyProvider) -> ServerResult<SigningKey> {
    let pkcs8 = keys.unwrap(sealed).map_err(key_error)?;
    SigningKey::from_pkcs8(pkcs8).map_err(|e| ServerError::internal("server key", e))
}

pub(crate) fn activation_code_key(key: &SigningKey) -> ServerResult<hmac::Key> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"watchword-v1/server").extract(key.pkcs8());
    let okm = prk
        .expand(&[b"activation-code"], hmac::HMAC_SHA256)
        .map_err(|e| ServerError::internal("activation code key", e))?;
    Ok(hmac::Key::from(okm))
}

fn key_error(e: KeyProviderError) -> ServerError {
    match e {
        KeyProviderError::WrongKey => ServerError::new(
            ErrorCode::Internal,
            "the server passphrase does not open this database's signing key",
        ),
        other => ServerError::new(
            ErrorCode::Internal,
            format!("cannot open the server's signing key: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use watchword_core::vault::StaticKeyProvider;

    use super::*;
    use crate::{engine::set_meta, store::DbLocation};

    fn meta(store: &Store, key: &str) -> ServerResult<Option<Vec<u8>>> {
        get_meta(&store.read()?, key)
    }

    fn open_db(path: &std::path::Path) -> Store {
        Store::open(&DbLocation::from(path)).unwrap()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_key_is_sealed_reopens_with_the_same_provider_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let keys = StaticKeyProvider::new([3; 32]);
        let conn = open_db(&path);
        let key = load_or_create(&conn, &keys).unwrap();
        assert_eq!(meta(&conn, LEGACY_CLEAR).unwrap(), None);
        let sealed = meta(&conn, SEALED).unwrap().unwrap();
        assert!(!contains(&sealed, key.pkcs8()));
        drop(conn);
        let file = std::fs::read(&path).unwrap();
        assert!(
            !contains(&file, key.pkcs8()),
            "the clear key is in the file"
        );

        let conn = open_db(&path);
        let again = load_or_create(&conn, &keys).unwrap();
        assert_eq!(again.public_key_b64(), key.public_key_b64());
        let wrong = load_or_create(&conn, &StaticKeyProvider::new([4; 32])).unwrap_err();
        assert!(wrong.message.contains("does not open"), "{}", wrong.message);
        assert_eq!(
            meta(&conn, SEALED).unwrap().unwrap(),
            sealed,
            "a wrong key changes nothing"
        );
    }

    #[test]
    fn a_legacy_clear_key_is_adopted_sealed_and_wiped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let legacy = SigningKey::generate().unwrap();
        {
            let conn = open_db(&path);
            set_meta(&conn, LEGACY_CLEAR, legacy.pkcs8().as_slice()).unwrap();
        }
        assert!(contains(
            &[
                std::fs::read(&path).unwrap(),
                std::fs::read(path.with_extension("db-wal")).unwrap_or_default()
            ]
            .concat(),
            legacy.pkcs8()
        ));
        let keys = StaticKeyProvider::new([5; 32]);
        let conn = open_db(&path);
        let adopted = load_or_create(&conn, &keys).unwrap();
        assert_eq!(adopted.public_key_b64(), legacy.public_key_b64());
        assert_eq!(meta(&conn, LEGACY_CLEAR).unwrap(), None);
        drop(conn);
        let mut on_disk = std::fs::read(&path).unwrap();
        on_disk.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        assert!(
            !contains(&on_disk, legacy.pkcs8()),
            "the clear key is still on disk"
        );
    }
}
