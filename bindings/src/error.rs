//! The error every exported function throws: the core's one public error,
//! [`ApiError`], exported as it is (`ApiException` in Kotlin, `ApiError` in
//! Swift).
//!
//! UniFFI's remote-type declaration below names the core's variants so the
//! scaffolding can lower them; it is checked against the core's type when
//! this crate compiles (a variant added or renamed in the core and not here
//! is a build error), and it converts nothing: every exported method
//! returns `ApiResult` and `?` does the rest. The records and enums in the
//! other files are declared the same way; why remote declarations rather
//! than derives in the core is in ARCHITECTURE.md, "Types across the FFI". A flat error: each variant
//! arrives as an exception whose `message` is the core's Display text
//! (never a secret: see `core/src/error.rs`).

use watchword_core::ApiError;

#[uniffi::remote(Error)]
#[uniffi(flat_error)]
pub enum ApiError {
    InvalidInput { message: String },
    InvalidSecret { message: String },
    InvalidLink { message: String },
    InvalidImage { message: String },
    InvalidFrame { message: String },
    Unsupported { message: String },
    Network { message: String },
    Refused { message: String },
    Expired { message: String },
    WrongNumber { message: String },
    CoolDown { message: String },
    Untrusted { message: String },
    WrongKey { message: String },
    CorruptVault { message: String },
    VaultMissing { message: String },
    VaultExists { message: String },
    Duplicate { message: String },
    PasswordNeeded { message: String },
    WrongPassword { message: String },
    DamagedFile { message: String },
    NotFound { message: String },
    KeyUnavailable { message: String },
    Storage { message: String },
    MicrosoftManaged { message: String },
    Cancelled { message: String },
    Internal { message: String },
}
