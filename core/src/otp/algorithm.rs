//! The HMAC hash an account uses, and the one place HMAC is computed.

use std::{fmt, str::FromStr};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};

use super::OtpError;

/// HMAC hash function of an OTP account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    /// HMAC-SHA1, the default of RFC 4226/6238 and almost every issuer.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The canonical name used in `otpauth://` links (`SHA1`, `SHA256`, `SHA512`).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Computes HMAC(key, message) and hands the tag to `f`.
    ///
    /// The tag stays on the stack and is dropped right after `f`; callers
    /// only ever need the 31-bit truncation of it.
    pub(crate) fn with_hmac<R>(self, key: &[u8], message: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
        // `new_from_slice` accepts keys of any length for HMAC, so the error
        // branch is unreachable; fall back to an empty tag rather than panic.
        fn run<M: Mac + hmac::digest::KeyInit, R>(
            key: &[u8],
            message: &[u8],
            f: impl FnOnce(&[u8]) -> R,
        ) -> R {
            match <M as Mac>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(message);
                    f(&mac.finalize().into_bytes())
                }
                Err(_) => f(&[]),
            }
        }
        match self {
            Algorithm::Sha1 => run::<Hmac<sha1::Sha1>, R>(key, message, f),
            Algorithm::Sha256 => run::<Hmac<sha2::Sha256>, R>(key, message, f),
            Algorithm::Sha512 => run::<Hmac<sha2::Sha512>, R>(key, message, f),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = OtpError;

    /// Case-insensitive; accepts `SHA1`, `sha-256`, `HmacSHA512` and the like,
    /// because all of them occur in links in the wild.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        let bare = upper.trim_start_matches("HMAC").trim_start_matches('-');
        match bare.replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::UnsupportedAlgorithm(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_in_any_case() {
        for (s, a) in [
            ("SHA1", Algorithm::Sha1),
            ("sha1", Algorithm::Sha1),
            ("Sha256", Algorithm::Sha256),
            ("SHA-512", Algorithm::Sha512),
            ("HmacSHA256", Algorithm::Sha256),
        ] {
            assert_eq!(s.parse::<Algorithm>(), Ok(a), "{s}");
        }
        assert!(matches!(
            "MD5".parse::<Algorithm>(),
            Err(OtpError::UnsupportedAlgorithm(_))
        ));
        assert!("SHA384".parse::<Algorithm>().is_err());
    }

    #[test]
    fn tag_lengths() {
        for (a, n) in [
            (Algorithm::Sha1, 20),
            (Algorithm::Sha256, 32),
            (Algorithm::Sha512, 64),
        ] {
            assert_eq!(a.with_hmac(b"key", b"msg", |t| t.len()), n);
        }
    }
}
