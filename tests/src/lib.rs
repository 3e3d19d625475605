//! Helpers shared by the integration tests (this crate's `tests/`, the
//! CLI's `cli/tests` and the push benchmark): where the third-party corpus
//! and the repository's own test data are, how to run a command-line
//! program and read its JSON ([`cli`]), a loopback push setup ([`push`]),
//! the push services a server sends through played on loopback
//! ([`push_services`]), the independent Python implementations that check
//! what it sends ([`push_peers`]) and the live privacyIDEA server
//! ([`privacyidea`]).

use std::path::PathBuf;

pub use watchword_testkit::{Frame, QUIET_MODULES, Scene, code_modules, corpus, corpus_dir};

/// `shared/testdata` of the third-party corpus for the test group `group`,
/// or `None` when it is absent outside CI ([`corpus`]).
pub fn testdata(group: &str) -> Option<PathBuf> {
    corpus(group).map(|dir| dir.join("testdata"))
}

/// A file kept in the repository's `tests/data` (each one's source is in
/// `tests/data/README.md`).
pub fn repo_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

pub mod cli;
pub mod databases;
pub mod privacyidea;
pub mod push;
pub mod push_peers;
pub mod push_raw;
pub mod push_services;
