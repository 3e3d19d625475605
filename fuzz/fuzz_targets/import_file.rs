//! Another app's export or a Watchword backup, as `watchword import` and
//! the phones' import screen read it: detected from its content, parsed,
//! checked. Without a password (the KDFs of the encrypted formats are
//! costly by design and gated on a well-formed header, which the readers'
//! own tests cover).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = watchword_core::import::read(data, None);
});
