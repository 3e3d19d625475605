//! `CodeGenerator`: one account's settings with its key already absorbed
//! into the HMAC, for making many codes.
//!
//! `OtpParams` is the stored form of an account; a generator is what makes
//! its codes. Building one costs about one HMAC; each code after that costs
//! about half of one (see `keyed_hmac`). A screen that redraws a list keeps
//! generators; a one-off code (`OtpParams::code_at`) builds one and drops it.

use super::{
    Code, CounterCode, Digits, OtpError, OtpKind, OtpParams, TimedCode, hotp::truncate,
    keyed_hmac::KeyedHmac, params::check_period, steam::steam_code, totp::time_step,
};

/// Makes the codes of one account. `Debug` shows no key material.
#[derive(Debug)]
pub struct CodeGenerator {
    kind: OtpKind,
    hmac: KeyedHmac,
    digits: Digits,
    period: u32,
    counter: u64,
    t0: i64,
}

impl CodeGenerator {
    /// Absorbs the account's key. The period is checked when a timed code
    /// is asked for, so an HOTP account never fails on it.
    pub fn new(params: &OtpParams) -> Self {
        Self {
            kind: params.kind,
            // EXPOSE: the secret keys the HMAC, which keeps it in zeroizing state.
            hmac: KeyedHmac::new(params.algorithm, params.secret.expose()),
            digits: params.digits,
            period: params.period,
            counter: params.counter,
            t0: params.t0,
        }
    }

    /// The code at `unix_ms` (TOTP/Steam, with its validity and the next
    /// code) or for the stored counter (HOTP, not advanced here).
    pub fn code_at(&self, unix_ms: i64) -> Result<Code, OtpError> {
        match self.kind {
            OtpKind::Hotp => Ok(Code::Counter(CounterCode {
                code: self.code_for_counter(self.counter),
                counter: self.counter,
            })),
            OtpKind::Totp | OtpKind::Steam => {
                let period = check_period(self.period)?;
                let step = time_step(unix_ms, period, self.t0)?;
                let remaining_ms = step.remaining_ms;
                Ok(Code::Timed(TimedCode {
                    code: self.code_for_counter(step.counter),
                    next_code: self.code_for_counter(step.counter.saturating_add(1)),
                    valid_for: u32::try_from(remaining_ms.div_ceil(1000)).unwrap_or(period),
                    valid_for_ms: remaining_ms,
                    period,
                }))
            }
        }
    }

    /// Just the code at `unix_ms`: the cheapest call, for lists that redraw
    /// every second.
    pub fn code_string_at(&self, unix_ms: i64) -> Result<String, OtpError> {
        match self.kind {
            OtpKind::Hotp => Ok(self.code_for_counter(self.counter)),
            OtpKind::Totp | OtpKind::Steam => {
                let step = time_step(unix_ms, check_period(self.period)?, self.t0)?;
                Ok(self.code_for_counter(step.counter))
            }
        }
    }

    /// The code for an explicit counter (HOTP counter or TOTP time step).
    pub fn code_for_counter(&self, counter: u64) -> String {
        let value = self.hmac.with_counter_tag(counter, truncate);
        match self.kind {
            OtpKind::Steam => steam_code(value),
            OtpKind::Totp | OtpKind::Hotp => self.digits.format(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Secret};

    /// RFC 6238 appendix B, each key the RFC's seed for its hash; one
    /// generator per account answers every time asked.
    #[test]
    fn rfc6238_appendix_b_from_one_generator() {
        let cases = [
            (
                Algorithm::Sha1,
                &b"12345678901234567890"[..],
                ["94287082", "07081804", "14050471"],
            ),
            (
                Algorithm::Sha256,
                &b"12345678901234567890123456789012"[..],
                ["46119246", "68084774", "67062674"],
            ),
            (
                Algorithm::Sha512,
                &b"1234567890123456789012345678901234567890123456789012345678901234"[..],
                ["90693936", "25091201", "99943326"],
            ),
        ];
        for (algorithm, seed, expected) in cases {
            let mut params = OtpParams::totp(Secret::from_bytes(seed.to_vec()).unwrap());
            params.algorithm = algorithm;
            params.digits = Digits::new(8).unwrap();
            let generator = CodeGenerator::new(&params);
            for (t, want) in [59, 1_111_111_109, 1_111_111_111].into_iter().zip(expected) {
                assert_eq!(
                    generator.code_string_at(t * 1000).unwrap(),
                    want,
                    "{algorithm} {t}"
                );
                assert_eq!(generator.code_at(t * 1000).unwrap().code(), want);
            }
        }
    }

    #[test]
    fn a_bad_period_is_an_error_not_a_panic() {
        let mut params = OtpParams::totp(Secret::from_bytes(vec![1; 10]).unwrap());
        params.period = 0;
        let generator = CodeGenerator::new(&params);
        assert!(matches!(
            generator.code_at(0),
            Err(OtpError::InvalidPeriod(_))
        ));
        assert!(format!("{generator:?}").contains("[REDACTED]"));
    }
}
