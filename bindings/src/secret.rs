//! Secrets as they cross the FFI: the core keeps them in `Zeroizing`
//! buffers, wiped when dropped; these custom types lower them to plain
//! strings and bytes for the shell (which cannot wipe a JVM or Swift copy)
//! and lift what a shell sends straight into a `Zeroizing` buffer, so the
//! Rust side never holds an unwiped copy.

use zeroize::Zeroizing;

/// Text that is a secret: an `otpauth://` link with its seed, a typed
/// base32 secret, a Google export link. A `String` in Kotlin and Swift.
pub type SecretText = Zeroizing<String>;

/// Bytes that hold a secret (a QR image of an export link). A byte array
/// in Kotlin, `Data` in Swift.
pub type SecretBytes = Zeroizing<Vec<u8>>;

uniffi::custom_type!(SecretText, String, {
    remote,
    // EXPOSE: the secret leaves for the shell to show or use.
    lower: |s| s.to_string(),
    try_lift: |s| Ok(Zeroizing::new(s)),
});

uniffi::custom_type!(SecretBytes, Vec<u8>, {
    remote,
    // EXPOSE: the image leaves for the shell to show.
    lower: |b| b.to_vec(),
    try_lift: |b| Ok(Zeroizing::new(b)),
});
