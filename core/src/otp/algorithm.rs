//! The HMAC hash an account uses (the HMAC itself is in `keyed_hmac`).

use std::{fmt, str::FromStr};

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
        assert_eq!(
            "SHA384".parse::<Algorithm>(),
            Err(OtpError::UnsupportedAlgorithm("SHA384".into()))
        );
    }
}
