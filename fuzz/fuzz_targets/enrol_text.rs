//! Whatever a user scans, pastes or types: otpauth links, Google migration
//! exports, Watchword and privacyIDEA push links, Microsoft (phonefactor,
//! Entra) activations, pasted lists. Each must classify or be refused with
//! a typed error; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = watchword_core::enrol::classify(text);
        let _ = watchword_core::otp::uri::OtpAuthUri::parse(text);
    }
});
