//! Proof that no panic crosses the boundary: UniFFI catches a panic in any
//! exported call and the shell gets an exception (`InternalException` in
//! Kotlin) instead of a crashed process. The binding tests call this.
//!
//! Compiled only under `cfg(test)` or the `self-test` feature (which
//! `tests/kotlin/run.sh` enables), so the shipped library and its Swift API
//! snapshot do not have it.

/// Panics with `message`, on purpose, so the shells' tests can check that
/// a panic in the core arrives as an exception. Never call it otherwise.
#[uniffi::export]
#[allow(clippy::panic)]
pub fn self_test_panic(message: String) -> Result<(), crate::ApiError> {
    panic!("self-test panic: {message}")
}

#[cfg(test)]
mod tests {
    use uniffi::{RustCallStatus, RustCallStatusCode};

    use super::*;

    /// Calls the exported C symbol the way a foreign caller does: the panic
    /// is caught and reported in the call status, not unwound out.
    #[test]
    fn a_panic_is_reported_as_an_unexpected_error() {
        let mut status = RustCallStatus::default();
        let arg = <String as uniffi::Lower<crate::UniFfiTag>>::lower("from Rust".to_owned());
        uniffi_watchword_ffi_fn_func_self_test_panic(arg, &mut status);
        assert_eq!(status.code, RustCallStatusCode::UnexpectedError);
        // And the library still answers afterwards.
        assert!(
            crate::code_for_link(
                "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
                0
            )
            .is_ok()
        );
    }
}
