//! Poll and token-update timestamps: ISO 8601 UTC with milliseconds and a
//! `Z`, as the official app sends (`DateTime.now().toUtc().toIso8601String()`).
//! The server accepts ±60 s (polls) or ±5 min (token updates) around its
//! own clock, so callers pass server-corrected milliseconds.

use std::time::{Duration, UNIX_EPOCH};

/// `2026-11-23T16:20:00.123Z` for Unix milliseconds (clamped at the epoch).
pub fn iso_utc(unix_ms: i64) -> String {
    let ms = u64::try_from(unix_ms).unwrap_or(0);
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso_utc(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso_utc(-5), "1970-01-01T00:00:00.000Z");
    }
}
