//! Exports other apps can read: Aegis JSON (plain or encrypted) and a plain
//! `otpauth://` list. (Google Authenticator's QR export is
//! `enrol/vault_export.rs`; Watchword's own backup is `backup/`.)

pub mod aegis;
