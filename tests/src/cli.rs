//! Running a command-line program the way a script does: its standard input
//! written and closed, its standard output read as the one JSON document
//! that `--json` promises. The program is the caller's `Command` (the
//! `watchword` binary's path is known only to the CLI's own tests).

// Test-only harness: a program that cannot be run must stop the test at once.
#![allow(clippy::expect_used)]

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use serde_json::Value;

/// Runs `command` with `stdin` written to its standard input (then closed)
/// and its standard output and error captured.
pub fn output_with_stdin(command: &mut Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// The one JSON document on `stdout` (surrounding white space allowed).
///
/// # Panics
/// When `stdout` is not exactly one JSON document.
pub fn one_json(stdout: &str) -> Value {
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON document expected, got {stdout:?}: {e}"))
}
