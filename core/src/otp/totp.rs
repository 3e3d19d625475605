//! TOTP, RFC 6238: HOTP over the number of whole periods since T0.
//!
//! Time is in milliseconds so that a countdown can be drawn smoothly and a
//! learned clock offset (also in milliseconds) applies without rounding.

use super::OtpError;

/// Where `unix_ms` falls in a TOTP schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeStep {
    /// The counter fed to HOTP: whole periods since T0.
    pub counter: u64,
    /// Milliseconds until the counter changes (1 ..= period * 1000).
    pub remaining_ms: u64,
}

/// Computes the TOTP counter for a time, period and T0 (all integer, so
/// times beyond 2^32 periods and far-future dates are exact).
pub fn time_step(unix_ms: i64, period_secs: u32, t0_secs: i64) -> Result<TimeStep, OtpError> {
    // i64 milliseconds cover ±292 million years; i128 division would cost
    // as much as the code's formatting on this hot path.
    let period_ms = i64::from(period_secs) * 1000;
    if period_ms == 0 {
        return Err(OtpError::InvalidPeriod("0".to_owned()));
    }
    let since = t0_secs
        .checked_mul(1000)
        .and_then(|t0_ms| unix_ms.checked_sub(t0_ms))
        .ok_or(OtpError::TimeBeforeEpoch)?;
    if since < 0 {
        return Err(OtpError::TimeBeforeEpoch);
    }
    let counter = u64::try_from(since / period_ms).map_err(|_| OtpError::TimeBeforeEpoch)?;
    let remaining_ms =
        u64::try_from(period_ms - since % period_ms).map_err(|_| OtpError::TimeBeforeEpoch)?;
    Ok(TimeStep {
        counter,
        remaining_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_whole_periods() {
        assert_eq!(
            time_step(59_000, 30, 0),
            Ok(TimeStep {
                counter: 1,
                remaining_ms: 1_000
            })
        );
        assert_eq!(
            time_step(60_000, 30, 0),
            Ok(TimeStep {
                counter: 2,
                remaining_ms: 30_000
            })
        );
        assert_eq!(time_step(60_500, 30, 0).unwrap().remaining_ms, 29_500);
        // Counters above 2^32 (RFC 6238's last vector).
        assert_eq!(
            time_step(20_000_000_000_000, 30, 0).unwrap().counter,
            666_666_666
        );
        assert_eq!(
            time_step(i64::MAX, 1, 0).unwrap().counter,
            (i64::MAX / 1000) as u64
        );
    }

    #[test]
    fn honours_t0_and_rejects_times_before_it() {
        assert_eq!(time_step(100_000, 30, 100).unwrap().counter, 0);
        assert_eq!(time_step(99_999, 30, 100), Err(OtpError::TimeBeforeEpoch));
        assert_eq!(time_step(-1, 30, 0), Err(OtpError::TimeBeforeEpoch));
        assert_eq!(time_step(0, 0, 0), Err(OtpError::InvalidPeriod("0".into())));
    }
}
