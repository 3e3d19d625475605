//! `watchword inspect <otpauth-uri>`: what a link holds, without the secret.

use watchword_core::{ApiError, otp::OtpAuthUri};

use crate::output::Output;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The link (or other text) to look at.
    text: String,
}

/// Parses the link and describes it.
pub fn run(args: &Args) -> Result<Output, ApiError> {
    let uri = OtpAuthUri::parse(&args.text)?;
    let summary = uri.summary();
    let json = serde_json::to_value(&summary)
        .map_err(|e| ApiError::invalid_input(format!("cannot describe the link: {e}")))?;
    let mut human = format!(
        "{} account \"{}\"{}\n  algorithm {}, {} digits",
        summary.kind.as_str().to_uppercase(),
        summary.name,
        summary
            .issuer
            .map(|i| format!(" from {i}"))
            .unwrap_or_default(),
        summary.algorithm,
        summary.digits,
    );
    if let Some(p) = summary.period {
        human.push_str(&format!(", every {p} s"));
    }
    if let Some(c) = summary.counter {
        human.push_str(&format!(", counter {c}"));
    }
    if summary.issuer_mismatch {
        human.push_str("\n  note: the label and the issuer parameter name different issuers; the parameter is used");
    }
    Ok(Output { json, human })
}
