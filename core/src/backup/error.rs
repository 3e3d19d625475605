//! What can go wrong writing, verifying or restoring a backup. No message
//! holds a secret or the password.

/// Why a backup could not be written, verified or restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// The password does not open the backup (or its bytes were altered:
    /// AES-GCM cannot tell the two apart).
    #[error("the password does not open this backup, or the file was altered; nothing was changed")]
    WrongPassword,
    /// Not a Watchword backup, or a damaged one.
    #[error("this is not a readable Watchword backup: {0}")]
    Damaged(String),
    /// Made by a newer Watchword.
    #[error("this backup is format version {0}, newer than this Watchword reads; update the app")]
    TooNew(u32),
    /// Writing the file failed (disk full, no permission, ...): the
    /// previous backup is untouched.
    #[error("the backup could not be written ({0}); the previous backup is unchanged")]
    Write(String),
    /// The file written does not read back as the vault: it was removed,
    /// the previous backup is untouched.
    #[error(
        "the backup did not verify after writing ({0}); it was discarded and the previous backup is unchanged"
    )]
    Verify(String),
    /// The backup password is too short to protect the file.
    #[error("a backup password needs at least {0} characters")]
    WeakPassword(usize),
}
