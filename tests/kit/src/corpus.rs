//! The third-party test corpus: one place that finds it, and one rule for
//! when it is missing.
//!
//! Other apps' exports, real camera frames and the shared QR benchmark set
//! are not ours to keep in the repository; they live in a `shared/` folder
//! beside it (`WATCHWORD_SHARED` names another place). Everything the
//! project can make itself (QR frames, migration payloads, images, RFC
//! vectors) its tests make or keep in the repo, so a clone of the project
//! alone passes. A test group that needs the corpus asks [`corpus`]:
//!
//! - present: the folder;
//! - absent under `CI=true`: a failure naming the folder (CI never skips);
//! - absent otherwise: `None`, after one line on stderr saying which group
//!   was skipped and why, and a line in the file `WATCHWORD_SKIP_LOG` names
//!   (set by `test.sh`, which ends with the count of skipped groups).

use std::{
    collections::HashSet,
    io::Write,
    path::PathBuf,
    sync::{Mutex, PoisonError},
};

/// Where the corpus is expected: `WATCHWORD_SHARED`, else `shared/` beside
/// the repository (present or not).
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("WATCHWORD_SHARED") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// The corpus folder for the test group `group` (a short description of
/// what needs it, e.g. "qr: accuracy on the shared frame set"), or `None`
/// when it is absent and this is not CI (see the module doc).
///
/// # Panics
/// Under `CI=true` when the corpus is absent: a missing corpus there is a
/// failure, not a skip.
pub fn corpus(group: &str) -> Option<PathBuf> {
    let dir = corpus_dir();
    // The folder and one file every group relies on: an empty or partial
    // mount is as absent as none.
    if dir.join("testdata").is_dir() && dir.join("qr/manifest.json").is_file() {
        return Some(dir);
    }
    let why = format!(
        "no third-party test corpus at {} (set WATCHWORD_SHARED to its folder; README: \"The test corpus\")",
        dir.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{group}: {why}; under CI=true this is a failure, not a skip");
    }
    report_skip(group, &why);
    None
}

/// Says once per process that `group` was skipped, on the real stderr
/// (libtest captures `eprintln!`, not direct writes), and records it for
/// `test.sh`'s count.
pub fn report_skip(group: &str, why: &str) {
    static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut said = SAID.lock().unwrap_or_else(PoisonError::into_inner);
    if !said
        .get_or_insert_with(HashSet::new)
        .insert(group.to_owned())
    {
        return;
    }
    let line = format!("skipped: {group}: {why}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Some(log) = std::env::var_os("WATCHWORD_SKIP_LOG")
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
    {
        let _ = f.write_all(format!("{group}\n").as_bytes());
    }
}
