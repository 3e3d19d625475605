//! `watchword code <otpauth-uri> [--at UNIX_SECONDS]`.

use serde_json::json;
use watchword_core::{
    ApiError,
    otp::{Clock, Code, SystemClock, code_for_link},
};

use crate::output::Output;

/// Arguments of `code`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The otpauth:// link.
    link: String,
    /// Compute the code at this Unix time (seconds) instead of now.
    #[arg(long, allow_negative_numbers = true)]
    at: Option<i64>,
}

/// Computes the code. HOTP gives the code for the link's counter and does
/// not increment it (a link has nowhere to store the new counter).
pub fn run(args: &Args) -> Result<Output, ApiError> {
    let unix_ms = match args.at {
        Some(s) => s
            .checked_mul(1000)
            .ok_or_else(|| ApiError::invalid_input("--at is out of range"))?,
        None => SystemClock.now_unix_ms(),
    };
    Ok(match code_for_link(&args.link, unix_ms)? {
        Code::Timed(c) => Output {
            human: format!(
                "{}  (valid for {} s, next {})",
                c.code, c.valid_for, c.next_code
            ),
            json: json!({
                "code": c.code,
                "valid_for": c.valid_for,
                "period": c.period,
                "next_code": c.next_code,
            }),
        },
        Code::Counter(c) => Output {
            human: format!("{}  (counter {})", c.code, c.counter),
            json: json!({"code": c.code, "counter": c.counter}),
        },
    })
}
