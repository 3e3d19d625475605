//! The independent implementations that check Watchword's push delivery:
//! `tests/push/peer.py` in the venv `tests/push/peers.sh` makes (http-ece,
//! pywebpush, py-vapid, PyJWT from PyPI).
//!
//! Found through `WATCHWORD_PUSH_PY` (set by `test.sh`), else the venv in
//! `build/venv-push`. Absent: the test says it was skipped and counts it
//! (`WATCHWORD_SKIP_LOG`), except under `CI=true`, where it fails.

// A test helper: failing loudly is what it is for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{path::PathBuf, process::Command};

use serde_json::Value;

/// The peer's Python, or `None` (skipped, counted) outside CI.
///
/// # Panics
/// Under `CI=true` when there is none.
pub fn python() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let found = std::env::var_os("WATCHWORD_PUSH_PY")
        .map(PathBuf::from)
        .or_else(|| Some(repo.join("build/venv-push/bin/python")))
        .filter(|p| p.is_file());
    if found.is_none() {
        let why = "no push peers (run tests/push/peers.sh, or ./test.sh)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "push peers: {why}; under CI=true this is a failure, not a skip"
        );
        watchword_testkit::corpus::report_skip("push: independent Web Push/JWT peers", why);
    }
    found
}

/// Runs `peer.py <command>` with `input` as JSON; its JSON reply, or the
/// peer's reason for refusing.
pub fn run(python: &PathBuf, command: &str, input: &Value) -> Result<Value, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("push/peer.py");
    let out = crate::cli::output_with_stdin(
        Command::new(python).arg(script).arg(command),
        &input.to_string(),
    );
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}
