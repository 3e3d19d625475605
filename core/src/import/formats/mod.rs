//! The readers, one file per app, and the order they are tried in.
//!
//! Each reader has two functions: `detect(&Input) -> bool` looks at the
//! content only (magic bytes, JSON keys, XML preference names, SQLite
//! tables) and must be cheap and certain; `read(&Input, password)` does the
//! work. The first reader whose `detect` says yes reads the file; when
//! none does, the file is [`ImportError::UnknownFormat`]. Readers share
//! the building blocks beside them: `crypto.rs` (every primitive, from a
//! crate), `fields.rs` (type/algorithm/digits names → an account),
//! `android_prefs.rs` (Android shared-preferences XML), `sqlite.rs`
//! (reading another app's database from bytes).

use super::{ImportError, ImportFile, ImportFormat, ImportItem};

mod android_prefs;
mod crypto;
mod fields;
mod sqlite;

mod aegis;
mod andotp;
mod authenticator_plus;
mod authy;
mod battle_net;
mod bitwarden;
mod duo;
mod freeotp;
mod freeotp_plus;
mod google_authenticator;
mod microsoft_authenticator;
mod otpauth_list;
mod proton;
mod steam;
mod stratum;
mod totp_authenticator;
mod twofas;
mod watchword;

/// The file as the readers see it: its bytes, and the views several
/// readers need, made once.
pub(super) struct Input<'a> {
    /// The whole file.
    pub bytes: &'a [u8],
    /// The file as UTF-8 (a leading byte-order mark removed), if it is.
    pub text: Option<&'a str>,
    /// The file as JSON, if it parses.
    pub json: Option<serde_json::Value>,
    /// The file's `<string>`/`<int>`... entries, if it is an Android
    /// shared-preferences XML file.
    pub prefs: Option<android_prefs::Prefs>,
}

impl<'a> Input<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let text = std::str::from_utf8(bytes)
            .ok()
            .map(|t| t.trim_start_matches('\u{feff}'));
        let json = text.and_then(|t| serde_json::from_str(t).ok());
        let prefs = text.and_then(android_prefs::Prefs::parse);
        Input {
            bytes,
            text,
            json,
            prefs,
        }
    }

    /// True when the file is a SQLite database.
    pub fn is_sqlite(&self) -> bool {
        self.bytes.starts_with(b"SQLite format 3\0")
    }
}

/// The parsed JSON of a plain export holds its secrets: wiped with it.
/// (`text` and `bytes` are the caller's, in its zeroizing buffer.)
impl Drop for Input<'_> {
    fn drop(&mut self) {
        if let Some(json) = &mut self.json {
            fields::wipe_json(json);
        }
    }
}

type Detect = fn(&Input<'_>) -> bool;
type Read = fn(&Input<'_>, Option<&str>) -> Result<Vec<ImportItem>, ImportError>;

/// Every reader, most specific first: a file that two could claim (a JSON
/// object with `entries`) goes to the one that checks more.
const READERS: &[(ImportFormat, Detect, Read)] = &[
    (ImportFormat::Watchword, watchword::detect, watchword::read),
    (ImportFormat::Aegis, aegis::detect, aegis::read),
    (ImportFormat::TwoFas, twofas::detect, twofas::read),
    (ImportFormat::Proton, proton::detect, proton::read),
    (ImportFormat::Bitwarden, bitwarden::detect, bitwarden::read),
    (
        ImportFormat::FreeOtpPlus,
        freeotp_plus::detect,
        freeotp_plus::read,
    ),
    (ImportFormat::FreeOtp, freeotp::detect, freeotp::read),
    (ImportFormat::Steam, steam::detect, steam::read),
    (ImportFormat::Duo, duo::detect, duo::read),
    (ImportFormat::Stratum, stratum::detect, stratum::read),
    (ImportFormat::AndOtp, andotp::detect, andotp::read),
    (ImportFormat::Authy, authy::detect, authy::read),
    (
        ImportFormat::BattleNet,
        battle_net::detect,
        battle_net::read,
    ),
    (
        ImportFormat::TotpAuthenticator,
        totp_authenticator::detect,
        totp_authenticator::read,
    ),
    (
        ImportFormat::AuthenticatorPlus,
        authenticator_plus::detect,
        authenticator_plus::read,
    ),
    (
        ImportFormat::GoogleAuthenticator,
        google_authenticator::detect,
        google_authenticator::read,
    ),
    (
        ImportFormat::MicrosoftAuthenticator,
        microsoft_authenticator::detect,
        microsoft_authenticator::read,
    ),
    (
        ImportFormat::OtpauthList,
        otpauth_list::detect,
        otpauth_list::read,
    ),
];

/// Finds the reader for `bytes` and runs it.
pub(super) fn read(bytes: &[u8], password: Option<&str>) -> Result<ImportFile, ImportError> {
    let input = Input::new(bytes);
    for (format, detect, read) in READERS {
        if detect(&input) {
            let items = read(&input, password)?;
            return Ok(ImportFile {
                format: *format,
                items,
            });
        }
    }
    Err(ImportError::UnknownFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_a_reader_and_every_reader_a_format() {
        for f in ImportFormat::ALL {
            assert!(
                READERS.iter().any(|(r, _, _)| *r == f),
                "{f:?} has no reader"
            );
        }
        assert_eq!(READERS.len(), ImportFormat::ALL.len());
    }

    #[test]
    fn unknown_files_list_what_is_supported() {
        for junk in [
            &b""[..],
            b"hello",
            b"{\"a\":1}",
            b"\x00\x01\x02",
            b"<html></html>",
        ] {
            let e = read(junk, None).unwrap_err();
            assert_eq!(e, ImportError::UnknownFormat, "{junk:?}");
            assert!(e.to_string().contains("2FAS"));
        }
    }
}
