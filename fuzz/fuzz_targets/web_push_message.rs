//! A Web Push message as a UnifiedPush distributor (or anyone who learned
//! the endpoint) delivers it: the aes128gcm header and records, decrypted
//! with the device's keys (RFC 8291's example receiver here), and the
//! record layer alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchword_core::push::webpush::{WebPushKeys, ece};

fuzz_target!(|data: &[u8]| {
    static KEYS: std::sync::OnceLock<WebPushKeys> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        WebPushKeys::from_raw(
            &[
                0xab, 0x57, 0x57, 0xa7, 0x0d, 0xd4, 0xa5, 0x3e, 0x55, 0x3a, 0x6b, 0xbf, 0x71, 0xff,
                0xef, 0xea, 0x28, 0x74, 0xec, 0x07, 0xa6, 0xb3, 0x79, 0xe3, 0xc4, 0x8f, 0x89, 0x5a,
                0x02, 0xdc, 0x33, 0xde,
            ],
            &[
                0x05, 0x30, 0x59, 0x32, 0xa1, 0xc7, 0xea, 0xbe, 0x13, 0xb6, 0xce, 0xc9, 0xfd, 0xa4,
                0x88, 0x82,
            ],
        )
        .expect("the RFC's receiver key")
    });
    let _ = keys.decrypt(data);
    let _ = ece::open(&[7; 16], data);
});
