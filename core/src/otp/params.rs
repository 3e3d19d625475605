//! `OtpParams`: everything needed to make a code, validated once.

use serde::{Deserialize, Serialize};

use super::{Algorithm, Clock, Code, CodeGenerator, OtpError, Secret};

/// Longest accepted period: one day. Anything longer is a typo or an attack
/// on the countdown, not a real account.
pub const MAX_PERIOD_SECS: u32 = 86_400;

/// The default period of TOTP and Steam.
pub const DEFAULT_PERIOD_SECS: u32 = 30;

/// How codes are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OtpKind {
    /// Time-based (RFC 6238).
    Totp,
    /// Counter-based (RFC 4226).
    Hotp,
    /// Steam Guard: TOTP rendered as 5 characters.
    Steam,
}

impl OtpKind {
    /// The name in `otpauth://` links.
    pub fn as_str(self) -> &'static str {
        match self {
            OtpKind::Totp => "totp",
            OtpKind::Hotp => "hotp",
            OtpKind::Steam => "steam",
        }
    }
}

/// Number of decimal digits in a code: 1 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Digits(u8);

impl Digits {
    /// Six digits, the default.
    pub const SIX: Digits = Digits(6);

    /// Validates 1..=10. Ten digits are allowed: the 31-bit HOTP value
    /// always fits, and the modulus is computed in `u64`.
    pub fn new(n: u8) -> Result<Self, OtpError> {
        if (1..=10).contains(&n) {
            Ok(Self(n))
        } else {
            Err(OtpError::InvalidDigits(n.to_string()))
        }
    }

    /// The count.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Renders a truncated HOTP value as this many digits, zero-padded.
    pub fn format(self, value: u32) -> String {
        // 10^10 does not fit in u32; u64 does.
        let mut n = u64::from(value) % 10u64.pow(u32::from(self.0));
        // Digits written by hand: `format!` with a width costs as much as
        // a third of a SHA-256 HMAC, and this runs for every code.
        let mut digits = [b'0'; 10];
        let shown = &mut digits[..usize::from(self.0)];
        for slot in shown.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
        shown.iter().map(|&b| char::from(b)).collect()
    }
}

impl TryFrom<u8> for Digits {
    type Error = OtpError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<Digits> for u8 {
    fn from(d: Digits) -> u8 {
        d.0
    }
}

/// Validates a period in seconds: 1..=86400.
pub fn check_period(period: u32) -> Result<u32, OtpError> {
    if (1..=MAX_PERIOD_SECS).contains(&period) {
        Ok(period)
    } else {
        Err(OtpError::InvalidPeriod(period.to_string()))
    }
}

/// The generator settings of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpParams {
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// The key.
    pub secret: Secret,
    /// The HMAC hash (always SHA1 for Steam).
    pub algorithm: Algorithm,
    /// Code length (Steam codes are always 5 characters; this is ignored).
    pub digits: Digits,
    /// Seconds per code for TOTP and Steam.
    pub period: u32,
    /// The next counter for HOTP (unused otherwise).
    pub counter: u64,
    /// T0 of RFC 6238, in Unix seconds (almost always 0).
    pub t0: i64,
}

impl OtpParams {
    /// A TOTP account with the usual defaults: SHA1, 6 digits, 30 s.
    pub fn totp(secret: Secret) -> Self {
        Self {
            kind: OtpKind::Totp,
            secret,
            algorithm: Algorithm::Sha1,
            digits: Digits::SIX,
            period: DEFAULT_PERIOD_SECS,
            counter: 0,
            t0: 0,
        }
    }

    /// An HOTP account: SHA1, 6 digits, starting at `counter`.
    pub fn hotp(secret: Secret, counter: u64) -> Self {
        Self {
            kind: OtpKind::Hotp,
            counter,
            ..Self::totp(secret)
        }
    }

    /// A Steam Guard account (SHA1, 30 s, 5 characters).
    pub fn steam(secret: Secret) -> Self {
        Self {
            kind: OtpKind::Steam,
            digits: Digits(5),
            ..Self::totp(secret)
        }
    }

    /// Checks the fields that a struct literal could have set wrongly.
    pub fn validate(&self) -> Result<(), OtpError> {
        if self.kind != OtpKind::Hotp {
            check_period(self.period)?;
        }
        Ok(())
    }

    /// The generator of this account's codes: the key absorbed once, for
    /// screens that ask for many codes.
    pub fn generator(&self) -> CodeGenerator {
        CodeGenerator::new(self)
    }

    /// The code at `unix_ms` (TOTP/Steam, with its validity and the next
    /// code) or for the stored counter (HOTP).
    ///
    /// HOTP does not advance the counter here: the vault commits the
    /// increment before it hands a code out, so a crash never reuses one.
    pub fn code_at(&self, unix_ms: i64) -> Result<Code, OtpError> {
        self.generator().code_at(unix_ms)
    }

    /// Just the code at `unix_ms` (no validity, no next code).
    pub fn code_string_at(&self, unix_ms: i64) -> Result<String, OtpError> {
        self.generator().code_string_at(unix_ms)
    }

    /// The code now, by `clock`.
    pub fn code_now(&self, clock: &dyn Clock) -> Result<Code, OtpError> {
        self.code_at(clock.now_unix_ms())
    }

    /// The code for an explicit counter (HOTP counter or TOTP time step).
    pub fn code_for_counter(&self, counter: u64) -> String {
        self.generator().code_for_counter(counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::CounterCode;

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn digits_bounds_and_ten_digits_do_not_overflow() {
        assert_eq!(Digits::new(0), Err(OtpError::InvalidDigits("0".into())));
        assert_eq!(Digits::new(11), Err(OtpError::InvalidDigits("11".into())));
        let ten = Digits::new(10).unwrap();
        assert_eq!(ten.format(u32::MAX >> 1), "2147483647");
        assert_eq!(ten.format(5), "0000000005");
        assert_eq!(Digits::new(1).unwrap().format(1284755224), "4");
        assert_eq!(Digits::new(8).unwrap().format(1284755224), "84755224");
    }

    #[test]
    fn ten_digit_hotp() {
        let mut p = OtpParams::hotp(rfc_secret(), 0);
        p.digits = Digits::new(10).unwrap();
        assert_eq!(p.code_at(0).unwrap().code(), "1284755224");
    }

    #[test]
    fn timed_code_has_validity_and_next() {
        let mut p = OtpParams::totp(rfc_secret());
        p.digits = Digits::new(8).unwrap();
        let Code::Timed(c) = p.code_at(59_000).unwrap() else {
            panic!("timed")
        };
        assert_eq!(c.code, "94287082");
        assert_eq!(c.valid_for, 1);
        assert_eq!(c.period, 30);
        assert_eq!(c.next_code, p.code_for_counter(2));
        let Code::Timed(c) = p.code_at(30_001).unwrap() else {
            panic!("timed")
        };
        assert_eq!(c.valid_for, 30);
        assert_eq!(c.valid_for_ms, 29_999);
    }

    #[test]
    fn hotp_code_reports_its_counter() {
        let p = OtpParams::hotp(rfc_secret(), 3);
        assert_eq!(
            p.code_at(0).unwrap(),
            Code::Counter(CounterCode {
                code: "969429".into(),
                counter: 3
            })
        );
    }

    #[test]
    fn period_limits() {
        let mut p = OtpParams::totp(rfc_secret());
        p.period = 0;
        let zero = OtpError::InvalidPeriod("0".into());
        assert_eq!(p.code_at(0), Err(zero.clone()));
        assert_eq!(p.validate(), Err(zero));
        p.period = MAX_PERIOD_SECS + 1;
        assert_eq!(
            p.validate(),
            Err(OtpError::InvalidPeriod((MAX_PERIOD_SECS + 1).to_string()))
        );
        p.period = 1;
        assert!(p.code_at(1).is_ok());
    }
}
