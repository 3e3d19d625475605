//! Printing a command's result: one JSON document, or human text.

use std::{io::Write, process::ExitCode};

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
        let text = if json {
            self.json.to_string()
        } else {
            self.human
        };
        // `println!` panics when stdout is closed (`watchword list | head`);
        // a closed pipe is not our failure, so the error is only reported
        // through the exit code.
        match writeln!(std::io::stdout().lock(), "{text}") {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        }
    }
}

/// Prints an error: `{"error":{"kind","message"}}` on stdout with `--json`,
/// else `error: message` on stderr. Always a non-zero exit.
pub fn print_error(json: bool, kind: &str, message: &str) -> ExitCode {
    let _ = if json {
        writeln!(
            std::io::stdout().lock(),
            "{}",
            json!({"error": {"kind": kind, "message": message}})
        )
    } else {
        writeln!(std::io::stderr().lock(), "error: {}", message.trim_end())
    };
    ExitCode::FAILURE
}
