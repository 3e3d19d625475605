//! Printing a command's result: one JSON document, or human text.

use std::process::ExitCode;

use serde_json::{Value, json};

/// What a command produced, in both forms.
#[derive(Debug)]
pub struct Output {
    /// The `--json` document.
    pub json: Value,
    /// The text for people.
    pub human: String,
}

impl Output {
    /// Prints the form asked for.
    pub fn print(self, json: bool) -> ExitCode {
        if json {
            println!("{}", self.json);
        } else {
            println!("{}", self.human);
        }
        ExitCode::SUCCESS
    }
}

/// Prints an error: `{"error":{"kind","message"}}` on stdout with `--json`,
/// else `error: message` on stderr. Always a non-zero exit.
pub fn print_error(json: bool, kind: &str, message: &str) -> ExitCode {
    if json {
        println!("{}", json!({"error": {"kind": kind, "message": message}}));
    } else {
        eprintln!("error: {}", message.trim_end());
    }
    ExitCode::FAILURE
}
