//! A picked screenshot or image file: PNG or JPEG bytes to QR payloads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = watchword_core::qr::decode_image(data);
});
