//! A secret and settings typed by hand (an app's form, the CLI's flags),
//! checked and turned into [`OtpParams`]. One place, so every front end
//! applies the same defaults and gives the same typed errors.

use super::{Algorithm, Digits, OtpError, OtpKind, OtpParams, Secret, params::check_period};

/// The optional settings of a typed account; `None` keeps the kind's
/// default (6 digits, 30 s, SHA1, counter 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedSettings {
    /// Code length (1 to 10).
    pub digits: Option<u8>,
    /// Seconds per code (TOTP/Steam).
    pub period: Option<u32>,
    /// `SHA1`, `SHA256` or `SHA512` (any case).
    pub algorithm: Option<String>,
    /// First HOTP counter.
    pub counter: Option<u64>,
}

impl OtpParams {
    /// The generator for a base32 `secret` of `kind` typed by hand, with
    /// `settings` over the defaults. A bad secret, digit count, period or
    /// algorithm is its own [`OtpError`]; the secret never appears in it.
    pub fn from_typed(
        kind: OtpKind,
        secret_base32: &str,
        settings: &TypedSettings,
    ) -> Result<Self, OtpError> {
        let secret = Secret::from_base32(secret_base32)?;
        let mut otp = match kind {
            OtpKind::Totp => Self::totp(secret),
            OtpKind::Hotp => Self::hotp(secret, settings.counter.unwrap_or(0)),
            OtpKind::Steam => Self::steam(secret),
        };
        if let Some(d) = settings.digits {
            otp.digits = Digits::new(d)?;
        }
        if let Some(p) = settings.period {
            otp.period = check_period(p)?;
        }
        if let Some(a) = &settings.algorithm {
            otp.algorithm = a.parse::<Algorithm>()?;
        }
        Ok(otp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn defaults_and_overrides() {
        let p = OtpParams::from_typed(OtpKind::Totp, RFC, &TypedSettings::default()).unwrap();
        assert_eq!(
            (p.digits.get(), p.period, p.algorithm),
            (6, 30, Algorithm::Sha1)
        );
        let s = TypedSettings {
            digits: Some(8),
            period: Some(60),
            algorithm: Some("sha256".into()),
            counter: Some(7),
        };
        let p = OtpParams::from_typed(OtpKind::Hotp, RFC, &s).unwrap();
        assert_eq!(
            (p.kind, p.digits.get(), p.period, p.algorithm, p.counter),
            (OtpKind::Hotp, 8, 60, Algorithm::Sha256, 7)
        );
        let steam = OtpParams::from_typed(OtpKind::Steam, RFC, &TypedSettings::default()).unwrap();
        assert_eq!(steam.kind, OtpKind::Steam);
    }

    #[test]
    fn each_bad_field_is_its_own_error_without_the_secret() {
        let bad = |s: TypedSettings| OtpParams::from_typed(OtpKind::Totp, RFC, &s).unwrap_err();
        let e = OtpParams::from_typed(OtpKind::Totp, "SUPERSECRET1!", &TypedSettings::default())
            .unwrap_err();
        assert!(matches!(e, OtpError::InvalidSecretCharacter { .. }));
        assert!(!e.to_string().contains("SUPERSECRET"), "{e}");
        assert!(matches!(
            bad(TypedSettings {
                digits: Some(11),
                ..Default::default()
            }),
            OtpError::InvalidDigits(_)
        ));
        assert!(matches!(
            bad(TypedSettings {
                period: Some(0),
                ..Default::default()
            }),
            OtpError::InvalidPeriod(_)
        ));
        assert!(matches!(
            bad(TypedSettings {
                algorithm: Some("MD5".into()),
                ..Default::default()
            }),
            OtpError::UnsupportedAlgorithm(_)
        ));
    }
}
