//! `Sensitive<T>`: a value that must never be printed.
//!
//! Anything that is a secret (an activation code, a passphrase, a private
//! key) is kept in a `Sensitive` so that `Debug` and `Display` print
//! `[REDACTED]` and the memory is wiped on drop. Reading the value needs an
//! explicit [`Sensitive::expose`], which is easy to find in review.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// A secret value: redacted when printed, zeroized when dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T: Zeroize>(Zeroizing<T>);

impl<T: Zeroize> Sensitive<T> {
    /// Wraps a value; the caller gives up its plain copy.
    pub fn new(value: T) -> Self {
        Self(Zeroizing::new(value))
    }

    /// Reads the secret. Every call site should say why it needs to.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Sensitive::new(String::from("hunter2"));
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        assert_eq!(format!("{s}"), "[REDACTED]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([REDACTED])");
        assert_eq!(s.expose(), "hunter2");
    }
}
