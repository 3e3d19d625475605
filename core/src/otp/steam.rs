//! Steam Guard codes: TOTP/SHA1/30 s rendered as 5 characters.

/// The 26 characters Steam uses; no vowels or look-alikes.
const ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// Number of characters in a Steam Guard code.
pub const STEAM_CHARS: usize = 5;

/// Renders a truncated HOTP value as a Steam code: value mod 26 picks a
/// character, then divide by 26, least significant first.
pub fn steam_code(mut value: u32) -> String {
    let mut out = String::with_capacity(STEAM_CHARS);
    for _ in 0..STEAM_CHARS {
        // `value % 26` is always < 26, so the index is in range.
        let idx = (value % 26) as usize;
        out.push(char::from(ALPHABET[idx]));
        value /= 26;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_five_characters_of_the_alphabet() {
        assert_eq!(steam_code(0), "22222");
        assert_eq!(steam_code(25), "Y2222");
        assert_eq!(steam_code(26), "23222");
        let c = steam_code(u32::MAX >> 1);
        assert_eq!(c.len(), 5);
        assert!(c.bytes().all(|b| ALPHABET.contains(&b)));
    }
}
