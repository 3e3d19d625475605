//! The HTTP `Date` header every server reply carries, which corrects the
//! device clock: any text, any year.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = watchword_core::http::date::parse_http_date(text);
        let _ = watchword_core::http::date::parse_http_date_in(text, 2026);
    }
});
