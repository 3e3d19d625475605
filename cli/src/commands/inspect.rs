//! `watchword inspect <text>`: what scanned or pasted text is, without any
//! secret in the output.

use watchword_core::{
    ApiError,
    enrol::{Enrolment, classify},
};

use crate::output::Output;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The link or other text to look at.
    text: String,
}

/// Classifies the text and describes it.
pub fn run(args: &Args) -> Result<Output, ApiError> {
    let enrolment = classify(&args.text)?;
    Ok(Output {
        json: enrolment.describe(),
        human: human(&enrolment),
    })
}

/// `TOTP ACME: alice`.
fn account_line(a: &watchword_core::otp::OtpAuthUri) -> String {
    format!(
        "{} {}{}",
        a.params.kind.as_str().to_uppercase(),
        a.issuer().map(|i| format!("{i}: ")).unwrap_or_default(),
        a.name
    )
}

fn human(e: &Enrolment) -> String {
    match e {
        Enrolment::Otp { account, draft } => {
            let s = account.summary();
            let mut out = format!(
                "{} account \"{}\"{}\n  algorithm {}, {} digits",
                s.kind.as_str().to_uppercase(),
                s.name,
                s.issuer.map(|i| format!(" from {i}")).unwrap_or_default(),
                s.algorithm,
                s.digits,
            );
            if let Some(p) = s.period {
                out.push_str(&format!(", every {p} s"));
            }
            if let Some(c) = s.counter {
                out.push_str(&format!(", counter {c}"));
            }
            if s.issuer_mismatch {
                out.push_str("\n  note: the label and the issuer parameter name different issuers; the parameter is used");
            }
            if *draft {
                out.push_str("\n  a bare secret: add it with --issuer and --name");
            }
            if watchword_core::enrol::two_step::is_two_step(account) {
                out.push_str("\n  privacyIDEA 2-step enrolment: `add` makes this phone's half of the seed and shows what to type back");
            }
            out
        }
        Enrolment::OtpList(links) => {
            let mut out = format!("A list of {} otpauth:// links:", links.len());
            for a in links {
                out.push_str(&format!("\n  {}", account_line(a)));
            }
            out.push_str("\n  add them all with: watchword add \"$(cat FILE)\"");
            out
        }
        Enrolment::GoogleMigration(m) => {
            let mut out = format!(
                "Google Authenticator export, QR {} of {}, {} account(s):",
                m.batch_index + 1,
                m.batch_size,
                m.accounts.len()
            );
            for a in &m.accounts {
                out.push_str(&format!("\n  {}", account_line(a)));
            }
            out
        }
        Enrolment::WatchwordActivation(a) => {
            let url = a.url();
            format!(
                "Watchword push activation at {url}\n  activate with: watchword activate --code <code> --url {url}"
            )
        }
        Enrolment::PrivacyIdeaPush(p) => format!(
            "privacyIDEA push token {} at {}\n  enrol with: watchword add '<link>'",
            p.serial, p.url
        ),
        Enrolment::MicrosoftActivation { explanation, .. } => {
            format!("Microsoft Authenticator activation\n  {}", explanation.text)
        }
        Enrolment::Unknown { reason } => format!("Not an enrolment: {reason}"),
    }
}
