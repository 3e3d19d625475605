//! Helpers shared by the integration tests: where the shared test data is,
//! how to run the `watchword` binary, and a loopback push setup ([`push`]).

use std::path::PathBuf;

/// `shared/testdata`, beside the project root (read-only; never copied in).
/// `WATCHWORD_SHARED` overrides the location of `shared/`.
pub fn testdata() -> PathBuf {
    shared().join("testdata")
}

/// The `shared/` folder next to the repository.
pub fn shared() -> PathBuf {
    if let Some(dir) = std::env::var_os("WATCHWORD_SHARED") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

pub mod push;
