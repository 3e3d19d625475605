//! Shared inputs of the benchmarks, so a benchmark and its peer (pyotp,
//! plain rusqlite, ...) work on exactly the same data, and the push load
//! generator's work ([`load`], binary `push-load`) with the privacyIDEA
//! round trip it shares with the push benchmark ([`privacyidea`]), and a
//! thread's CPU clock for the QR camera-loop figures ([`thread_cpu`]).

pub mod load;
pub mod privacyidea;
pub mod stats;
pub mod thread_cpu;

/// Number of accounts per algorithm in the OTP benchmark.
pub const OTP_ACCOUNTS: usize = 64;

/// The Unix time (seconds) every OTP benchmark code is computed at.
pub const OTP_TIME: i64 = 1_700_000_000;

/// The 20-byte key of benchmark account `i`: byte `j` is `(i * 31 + j * 7) % 256`.
/// `bench/otp/pyotp_loop.py` derives the same keys.
pub fn otp_key(i: usize) -> Vec<u8> {
    (0..20).map(|j| ((i * 31 + j * 7) % 256) as u8).collect()
}
