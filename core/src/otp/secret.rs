//! `Secret`: the key bytes of an OTP account.
//!
//! The bytes live in a zeroizing buffer, print as `[REDACTED]`, and have no
//! `Serialize` implementation, so they cannot end up in JSON, logs or error
//! text by accident. Reading them takes an explicit [`Secret::expose`].
//!
//! Base32 input is lenient the way people type it (lower case, spaces,
//! dashes, missing or extra `=` padding) and strict about everything else.

use std::fmt;

use zeroize::Zeroizing;

use super::OtpError;

/// Base32 alphabet of RFC 4648, the only one otpauth links use.
const ALPHABET: base32::Alphabet = base32::Alphabet::Rfc4648 { padding: false };

/// The key of an OTP account.
#[derive(Clone)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps raw key bytes. An empty key is refused: it would make every
    /// code predictable.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, OtpError> {
        let bytes = Zeroizing::new(bytes);
        if bytes.is_empty() {
            return Err(OtpError::EmptySecret);
        }
        Ok(Self(bytes))
    }

    /// Parses base32 as users type and apps print it.
    ///
    /// Accepted: lower case, spaces, tabs, dashes, `=` padding at the end
    /// (any amount, including none). Refused with a typed error: an empty
    /// secret, any other character, `=` before the end, and lengths that
    /// cannot encode whole bytes (1, 3 or 6 characters past a multiple of 8).
    pub fn from_base32(input: &str) -> Result<Self, OtpError> {
        let mut clean = Zeroizing::new(String::with_capacity(input.len()));
        let mut padding_seen = false;
        for c in input.chars() {
            match c {
                ' ' | '\t' | '\n' | '\r' | '-' => {}
                '=' => padding_seen = true,
                _ if padding_seen => return Err(OtpError::MisplacedPadding),
                'a'..='z' | 'A'..='Z' | '2'..='7' => clean.push(c.to_ascii_uppercase()),
                _ => {
                    return Err(OtpError::InvalidSecretCharacter {
                        position: clean.chars().count() + 1,
                    });
                }
            }
        }
        if clean.is_empty() {
            return Err(OtpError::EmptySecret);
        }
        if matches!(clean.len() % 8, 1 | 3 | 6) {
            return Err(OtpError::InvalidSecretLength {
                length: clean.len(),
            });
        }
        let bytes = base32::decode(ALPHABET, &clean).ok_or(OtpError::InvalidSecretLength {
            length: clean.len(),
        })?;
        Self::from_bytes(bytes)
    }

    /// The key bytes. Every caller is a place a secret leaves this type:
    /// keep them few.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Canonical base32 (upper case, no padding), as otpauth links carry it.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(base32::encode(ALPHABET, &self.0))
    }

    /// Key length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false: an empty secret cannot be built.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for Secret {
    /// Constant-time in the content, so comparing secrets (duplicate checks)
    /// leaks nothing about where they differ.
    fn eq(&self, other: &Self) -> bool {
        if self.0.len() != other.0.len() {
            return false;
        }
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: &[u8] = b"Hello!\xDE\xAD\xBE\xEF";

    #[test]
    fn decodes_the_wiki_example() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(s.expose(), HELLO);
        assert_eq!(s.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn is_lenient_the_way_people_type() {
        for typed in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            "JBSWY3DPEHPK3PXP=",
            "JBSWY3DPEHPK3PXP========",
            " JBSWY3DPEHPK3PXP\n",
        ] {
            assert_eq!(
                Secret::from_base32(typed).unwrap().expose(),
                HELLO,
                "{typed}"
            );
        }
        // Unpadded lengths that are not a multiple of 8 are fine when they
        // encode whole bytes.
        assert_eq!(Secret::from_base32("MZXW6").unwrap().expose(), b"foo");
        assert_eq!(Secret::from_base32("MZXW6===").unwrap().expose(), b"foo");
    }

    #[test]
    fn is_strict_about_everything_else() {
        assert_eq!(Secret::from_base32(""), Err(OtpError::EmptySecret));
        assert_eq!(Secret::from_base32(" - = "), Err(OtpError::EmptySecret));
        assert_eq!(
            Secret::from_base32("JBSW1Y3DP"),
            Err(OtpError::InvalidSecretCharacter { position: 5 })
        );
        assert!(matches!(
            Secret::from_base32("JBSWY3DPEHPK3PX0"),
            Err(OtpError::InvalidSecretCharacter { .. })
        ));
        assert_eq!(
            Secret::from_base32("JB=SW"),
            Err(OtpError::MisplacedPadding)
        );
        assert_eq!(
            Secret::from_base32("A"),
            Err(OtpError::InvalidSecretLength { length: 1 })
        );
        assert_eq!(
            Secret::from_base32("ÄBC"),
            Err(OtpError::InvalidSecretCharacter { position: 1 })
        );
        assert_eq!(Secret::from_bytes(vec![]), Err(OtpError::EmptySecret));
    }

    #[test]
    fn never_prints_its_bytes() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{s:?} {s} {:?}", Some(&s));
        assert!(!shown.contains("JBSW"), "{shown}");
        assert!(!shown.contains("72, 101"), "{shown}");
        assert!(shown.contains("[REDACTED]"));
    }

    #[test]
    fn equality_is_by_content() {
        let a = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let b = Secret::from_bytes(HELLO.to_vec()).unwrap();
        let c = Secret::from_base32("JBSWY3DPEHPK3PXQ").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, Secret::from_bytes(b"Hello!".to_vec()).unwrap());
    }

    proptest::proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 1..80)) {
            let s = Secret::from_bytes(bytes.clone()).unwrap();
            let again = Secret::from_base32(&s.to_base32()).unwrap();
            proptest::prop_assert_eq!(again.expose(), &bytes[..]);
        }

        #[test]
        fn never_panics_on_any_text(text in ".{0,64}") {
            let _ = Secret::from_base32(&text);
        }
    }
}
