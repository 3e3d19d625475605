//! Reading the HTTP `Date` header in every form a real server sends.
//!
//! Clock sync and privacyIDEA's clock offset take the server's time from
//! this header, so a form we cannot read leaves codes and approvals on a
//! wrong clock. RFC 9110 sec. 5.6.7 says senders use IMF-fixdate
//! (`Sun, 06 Nov 1994 08:49:37 GMT`) and recipients must also accept the
//! obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
//! (`Sun Nov  6 08:49:37 1994`) forms. In practice servers also write the
//! day with one digit (`Sun, 6 Dec 2026 ...`: Java's `RFC_1123_DATE_TIME`
//! and RFC 5322 mail-style stamps), a numeric zone (`+0000`) or `UTC`.
//! The `httpdate` crate reads only the three exact forms, with the right
//! weekday, so this reader is lenient where real servers are and strict
//! where a value would be wrong:
//!
//! - the weekday is optional and not checked (it adds nothing, and a wrong
//!   one says nothing about the rest);
//! - the day may have one or two digits, and whitespace may be doubled;
//! - the zone is `GMT`, `UTC`, `UT`, `Z` or `±hhmm` (applied); none means
//!   GMT (asctime has none);
//! - a two-digit year is read as RFC 9110 says: more than 50 years in the
//!   future means the last century;
//! - every field is range-checked (Feb 30 is refused, not rolled over), and
//!   anything longer than [`MAX_DATE_LEN`] is refused unread.

use crate::calendar::{civil_from_days, days_from_civil};

/// Longer than any real date header; refused before any parsing.
pub const MAX_DATE_LEN: usize = 64;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses an HTTP date into Unix seconds. `current_year` is only used for
/// two-digit years (RFC 850); [`parse_http_date`] passes the system's.
pub fn parse_http_date_in(value: &str, current_year: i64) -> Option<i64> {
    if value.len() > MAX_DATE_LEN || !value.is_ascii() {
        return None;
    }
    // Commas only separate; RFC 850's `06-Nov-94` is one token of three.
    let mut tokens: Vec<&str> = value
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.first().is_some_and(|t| is_weekday(t)) {
        tokens.remove(0);
    }
    let fields = match tokens.as_slice() {
        // asctime: `Nov 6 08:49:37 1994` (no zone).
        [mon, day, time, year] if month(mon).is_some() => Fields {
            day: number(day, 1, 2)?,
            month: month(mon)?,
            year: number(year, 4, 4)?,
            time,
            zone: None,
        },
        // RFC 850: `06-Nov-94 08:49:37 GMT`.
        [dmy, time, rest @ ..] if dmy.contains('-') && rest.len() <= 1 => {
            let mut parts = dmy.split('-');
            let (day, mon, year) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() {
                return None;
            }
            Fields {
                day: number(day, 1, 2)?,
                month: month(mon)?,
                year: full_year(year, current_year)?,
                time,
                zone: rest.first().copied(),
            }
        }
        // IMF-fixdate and its one-digit-day, numeric-zone relatives:
        // `6 Nov 1994 08:49:37 GMT`.
        [day, mon, year, time, rest @ ..] if rest.len() <= 1 => Fields {
            day: number(day, 1, 2)?,
            month: month(mon)?,
            year: full_year(year, current_year)?,
            time,
            zone: rest.first().copied(),
        },
        _ => return None,
    };
    fields.to_unix()
}

/// Parses an HTTP date into Unix seconds, reading two-digit years against
/// this machine's year (off by minutes, never by decades).
pub fn parse_http_date(value: &str) -> Option<i64> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (year, _, _) = civil_from_days(i64::try_from(now / 86_400).unwrap_or(0));
    parse_http_date_in(value, year)
}

/// The pieces of a date before they are checked and combined.
struct Fields<'a> {
    day: i64,
    month: i64,
    year: i64,
    time: &'a str,
    zone: Option<&'a str>,
}

impl Fields<'_> {
    fn to_unix(&self) -> Option<i64> {
        let mut hms = self.time.split(':');
        let hour = number(hms.next()?, 1, 2)?;
        let minute = number(hms.next()?, 2, 2)?;
        let second = number(hms.next()?, 2, 2)?;
        if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        // A leap second is the last second of its minute: close enough for
        // a clock estimate good to half a second anyway.
        let second = second.min(59);
        if !(1970..=9999).contains(&self.year)
            || !(1..=days_in_month(self.year, self.month)).contains(&self.day)
        {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let local = days * 86_400 + hour * 3_600 + minute * 60 + second;
        Some(local - zone_offset_secs(self.zone)?)
    }
}

fn is_weekday(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    WEEKDAYS.iter().any(|w| lower.starts_with(w)) && month(token).is_none()
}

/// `Nov` (any case) as 11.
fn month(token: &str) -> Option<i64> {
    let lower = token.to_ascii_lowercase();
    let index = MONTHS.iter().position(|m| *m == lower)?;
    i64::try_from(index + 1).ok()
}

/// A decimal number of `min..=max` digits (no sign).
fn number(token: &str, min: usize, max: usize) -> Option<i64> {
    if !(min..=max).contains(&token.len()) || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// A four-digit year, or a two-digit one read as RFC 9110 sec. 5.6.7 says.
fn full_year(token: &str, current_year: i64) -> Option<i64> {
    match token.len() {
        4 => number(token, 4, 4),
        2 => {
            let yy = number(token, 2, 2)?;
            let century = current_year - current_year.rem_euclid(100);
            let year = century + yy;
            Some(if year > current_year + 50 {
                year - 100
            } else {
                year
            })
        }
        _ => None,
    }
}

/// Seconds east of GMT for the zone; `None` for one we do not know.
fn zone_offset_secs(zone: Option<&str>) -> Option<i64> {
    let Some(zone) = zone else { return Some(0) };
    if ["gmt", "utc", "ut", "z"].contains(&zone.to_ascii_lowercase().as_str()) {
        return Some(0);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let hhmm = number(digits, 4, 4)?;
    let (hours, minutes) = (hhmm / 100, hhmm % 100);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3_600 + minutes * 60))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use proptest::prelude::*;

    use super::*;

    /// RFC 9110's own example instant, 1994-11-06 08:49:37 GMT.
    const EXAMPLE: i64 = 784_111_777;

    fn parse(s: &str) -> Option<i64> {
        parse_http_date_in(s, 2026)
    }

    #[test]
    fn imf_fixdate() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(EXAMPLE));
    }

    #[test]
    fn one_digit_day_as_java_and_mail_servers_write_it() {
        // The form that broke clock sync on days 1 to 9 of every month.
        assert_eq!(
            parse("Sun, 6 Dec 2026 15:49:09 GMT"),
            Some(1_796_572_149),
            "Java's RFC_1123_DATE_TIME"
        );
        assert_eq!(parse("Sun, 6 Nov 1994 08:49:37 GMT"), Some(EXAMPLE));
    }

    #[test]
    fn rfc850_with_a_two_digit_year() {
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Some(EXAMPLE));
        // RFC 9110: more than 50 years ahead means the last century; not
        // more means this one.
        assert_eq!(
            parse_http_date_in("Sunday, 06-Dec-26 15:49:09 GMT", 2026),
            Some(1_796_572_149)
        );
        assert_eq!(
            parse_http_date_in("Friday, 06-Dec-80 15:49:09 GMT", 2026),
            parse("Fri, 06 Dec 1980 15:49:09 GMT")
        );
        assert_eq!(
            parse_http_date_in("Wednesday, 06-Dec-76 15:49:09 GMT", 2026),
            parse("Sun, 06 Dec 2076 15:49:09 GMT")
        );
    }

    #[test]
    fn asctime() {
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(EXAMPLE));
        assert_eq!(
            parse("Sun Nov 16 08:49:37 1994"),
            Some(EXAMPLE + 10 * 86_400)
        );
    }

    #[test]
    fn zones_other_servers_write() {
        for zone in ["UTC", "UT", "Z", "+0000", "-0000", "gmt"] {
            assert_eq!(
                parse(&format!("Sun, 06 Nov 1994 08:49:37 {zone}")),
                Some(EXAMPLE),
                "{zone}"
            );
        }
        assert_eq!(parse("Sun, 06 Nov 1994 09:49:37 +0100"), Some(EXAMPLE));
        assert_eq!(parse("Sun, 06 Nov 1994 03:19:37 -0530"), Some(EXAMPLE));
        // No weekday at all (RFC 5322 allows leaving it out).
        assert_eq!(parse("6 Nov 1994 08:49:37 GMT"), Some(EXAMPLE));
    }

    #[test]
    fn a_wrong_weekday_does_not_matter_but_a_wrong_date_does() {
        assert_eq!(parse("Mon, 06 Nov 1994 08:49:37 GMT"), Some(EXAMPLE));
        for bad in [
            "",
            "yesterday",
            "Sun, 30 Feb 2026 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 CET",
            "Sun, 06 Nov 1994 08:49:37 +2500",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 19940 08:49:37 GMT",
            "Sun, 006 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "Sunday, 06-Nov-94-1 08:49:37 GMT",
            "Sun, -6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 +8:49:37 GMT",
            "Sün, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse(&"9".repeat(MAX_DATE_LEN + 1)), None);
    }

    #[test]
    fn leap_days_and_leap_seconds() {
        assert_eq!(
            parse("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(days_from_civil(2024, 2, 29) * 86_400)
        );
        assert_eq!(parse("Tue, 29 Feb 2100 00:00:00 GMT"), None);
        assert_eq!(
            parse("Sat, 31 Dec 2016 23:59:60 GMT"),
            parse("Sat, 31 Dec 2016 23:59:59 GMT")
        );
    }

    #[test]
    fn the_system_year_reads_two_digit_years() {
        // Whatever today is, a date of this century's `26` is not 1926.
        assert_eq!(
            parse_http_date("Sunday, 06-Dec-26 15:49:09 GMT"),
            Some(1_796_572_149)
        );
    }

    /// The `httpdate` crate's IMF-fixdate for `secs`, the reference writer.
    fn imf(secs: i64) -> String {
        httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs()))
    }

    /// Every form written from the IMF-fixdate's fields:
    /// (IMF, one-digit day, RFC 850 with a four- or two-digit year, asctime).
    fn forms(secs: i64) -> Vec<String> {
        let fixed = imf(secs);
        let t: Vec<&str> = fixed.split(' ').collect();
        let (wd, day, mon, year, time) = (&t[0][..3], t[1], t[2], t[3], t[4]);
        let long_wd = match wd {
            "Mon" => "Monday",
            "Tue" => "Tuesday",
            "Wed" => "Wednesday",
            "Thu" => "Thursday",
            "Fri" => "Friday",
            "Sat" => "Saturday",
            _ => "Sunday",
        };
        let short_day = day.trim_start_matches('0');
        vec![
            fixed.clone(),
            format!("{wd}, {short_day} {mon} {year} {time} GMT"),
            format!("{long_wd}, {day}-{mon}-{year} {time} GMT"),
            format!("{long_wd}, {day}-{mon}-{} {time} GMT", &year[2..]),
            format!("{wd} {mon} {short_day:>2} {time} {year}"),
        ]
    }

    proptest! {
        #[test]
        fn every_form_reads_back_to_the_same_instant(secs in 0i64..253_402_300_800) {
            let (year, _, _) = civil_from_days(secs / 86_400);
            for (i, form) in forms(secs).iter().enumerate() {
                // A two-digit year means the right instant only within
                // RFC 9110's window around the current year.
                let current = if i == 3 { year } else { 2026 };
                prop_assert_eq!(parse_http_date_in(form, current), Some(secs), "{}", form);
            }
        }

        #[test]
        fn no_input_panics(s in "\\PC{0,80}") {
            let _ = parse_http_date_in(&s, 2026);
        }
    }
}
