//! A vault file someone else wrote or damaged: the bytes become the file,
//! which is opened with the key and read (accounts, codes). A damaged
//! header, schema or sealed row is a typed error, never a panic or a wrong
//! code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchword_core::vault::{StaticKeyProvider, Vault};

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("vault.db");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(vault) = Vault::open(&path, &StaticKeyProvider::new([3; 32])) {
        let _ = vault.list_accounts(None);
        let _ = vault.codes_now(None);
    }
});
