//! What the push commands share: the async runtime, how a sign-in request
//! looks in `--json`, and where progress text goes.

use std::io::Write;

use serde_json::Value;
use watchword_core::{
    ApiError,
    push::{Challenge, Decision},
};

/// A small tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        // Not storage: a thread or timer the system would not give.
        .map_err(|e| ApiError::Internal {
            message: format!("cannot start the async runtime: {e}"),
        })
}

/// A pending sign-in as `--json` shows it: the core's view of it, with
/// the seconds left.
pub fn challenge_json(c: &Challenge) -> Result<Value, ApiError> {
    serde_json::to_value(c).map_err(|e| ApiError::Internal {
        message: format!("cannot describe the sign-in request: {e}"),
    })
}

/// The answer words on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DecisionArg {
    /// Approve (with --number when the sign-in shows one).
    Approve,
    /// Deny.
    Deny,
    /// Report fraud: "I did not start this sign-in".
    Fraud,
}

impl From<DecisionArg> for Decision {
    fn from(d: DecisionArg) -> Self {
        match d {
            DecisionArg::Approve => Decision::Approve,
            DecisionArg::Deny => Decision::Deny,
            DecisionArg::Fraud => Decision::Fraud,
        }
    }
}

/// Progress text: on stdout for people, on stderr under `--json` (stdout
/// then holds exactly one JSON document).
#[derive(Debug, Clone, Copy)]
pub struct Narrator {
    json: bool,
}

impl Narrator {
    /// A narrator for the output mode.
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints a line of progress.
    pub fn say(&self, line: &str) {
        self.write(&format!("{line}\n"));
    }

    /// Prints text without a newline (a prompt).
    pub fn write(&self, text: &str) {
        // A closed pipe is not worth failing the command over.
        if self.json {
            let mut e = std::io::stderr().lock();
            let _ = e.write_all(text.as_bytes());
            let _ = e.flush();
        } else {
            let mut o = std::io::stdout().lock();
            let _ = o.write_all(text.as_bytes());
            let _ = o.flush();
        }
    }

    /// The width in columns of the terminal the prompt goes to, when it
    /// is one and says.
    pub fn width(&self) -> Option<usize> {
        #[cfg(unix)]
        {
            let size = if self.json {
                rustix::termios::tcgetwinsize(std::io::stderr())
            } else {
                rustix::termios::tcgetwinsize(std::io::stdout())
            };
            size.ok().map(|s| usize::from(s.ws_col)).filter(|&w| w > 0)
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// Whether the prompt goes to a terminal (so a live countdown can
    /// redraw in place).
    pub fn is_terminal(&self) -> bool {
        use std::io::IsTerminal;
        if self.json {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        }
    }
}

/// The prompt writes through the narrator, so it lands where the rest of
/// the progress text goes.
impl Write for Narrator {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.json {
            std::io::stderr().lock().write_all(buf)?;
        } else {
            std::io::stdout().lock().write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.json {
            std::io::stderr().flush()
        } else {
            std::io::stdout().flush()
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for Unix seconds.
pub fn utc(unix: i64) -> String {
    let secs = unix.rem_euclid(86_400);
    let (year, month, day) = watchword_core::calendar::civil_from_days(unix.div_euclid(86_400));
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formatting() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }
}
