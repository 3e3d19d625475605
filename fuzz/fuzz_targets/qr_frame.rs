//! A camera frame as the shells hand it over: a luma plane of any size and
//! row stride (the first 6 bytes choose width, height and stride, kept
//! small so the fuzzer runs fast; the rest is the plane).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 6 {
        return;
    }
    let width = u32::from(u16::from_le_bytes([data[0], data[1]]) % 160);
    let height = u32::from(u16::from_le_bytes([data[2], data[3]]) % 160);
    let stride = width + u32::from(data[4] % 8) - u32::from(data[5] % 2);
    let _ = watchword_core::qr::decode_luma(&data[6..], width, height, stride);
});
