//! privacyIDEA 2-step enrolment: the QR code holds only the server's half
//! of the seed; the phone adds its own random half, derives the seed from
//! both, and shows its half for the person to type back into privacyIDEA,
//! which derives the same seed. Without this, the server's half would be
//! stored as the seed and no code would ever match.
//!
//! The derivation, as privacyIDEA 3.14 does it (`HotpTokenClass.
//! generate_symmetric_key`, `utils.decode_base32check`): seed =
//! PBKDF2-HMAC-SHA1(password = the server half as lower-case hex text,
//! salt = the phone's half, `2step_difficulty` rounds, `2step_output`
//! bytes); the phone's half is shown as base32(SHA1(half)[..4] ‖ half),
//! unpadded ("base32check"). Checked against a live privacyIDEA in
//! `tests/tests/privacyidea_two_step.rs`.

use std::num::NonZeroU32;

use ring::{
    digest::{SHA1_FOR_LEGACY_USE_ONLY, digest},
    pbkdf2,
    rand::{SecureRandom, SystemRandom},
};
use zeroize::Zeroizing;

use super::EnrolError;
use crate::otp::{OtpAuthUri, Secret};

const SALT: &str = "2step_salt";
const OUTPUT: &str = "2step_output";
const DIFFICULTY: &str = "2step_difficulty";

/// Most rounds accepted: privacyIDEA's default is 10,000; a million takes
/// about a second on a phone. More is a hostile link, not a real token.
pub const MAX_DIFFICULTY: u32 = 1_000_000;

/// The 2-step parameters of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Params {
    salt_len: usize,
    output_len: usize,
    rounds: NonZeroU32,
}

/// Whether `uri` is the first step of a privacyIDEA 2-step enrolment.
pub fn is_two_step(uri: &OtpAuthUri) -> bool {
    uri.extra
        .iter()
        .any(|(k, _)| k == SALT || k == OUTPUT || k == DIFFICULTY)
}

fn params(uri: &OtpAuthUri) -> Result<Params, EnrolError> {
    let get = |name: &str, range: std::ops::RangeInclusive<u32>| {
        let value = uri
            .extra
            .iter()
            .find(|(k, _)| k == name)
            .ok_or_else(|| EnrolError::BadTwoStep(format!("{name} is missing")))?
            .1
            .parse::<u32>()
            .map_err(|_| EnrolError::BadTwoStep(format!("{name} is not a number")))?;
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(EnrolError::BadTwoStep(format!(
                "{name} is {value}; expected {} to {}",
                range.start(),
                range.end()
            )))
        }
    };
    let salt_len = get(SALT, 1..=64)?;
    let output_len = get(OUTPUT, 10..=64)?;
    let rounds = get(DIFFICULTY, 1..=MAX_DIFFICULTY)?;
    Ok(Params {
        salt_len: salt_len as usize,
        output_len: output_len as usize,
        rounds: NonZeroU32::new(rounds).unwrap_or(NonZeroU32::MIN),
    })
}

/// Completes a 2-step link, if `uri` is one: replaces its secret by the
/// derived seed, drops the 2-step parameters, and returns the phone's half
/// as the person types it back. `None` for an ordinary link.
pub fn complete(uri: &mut OtpAuthUri) -> Result<Option<String>, EnrolError> {
    if !is_two_step(uri) {
        return Ok(None);
    }
    let p = params(uri)?;
    let mut salt = Zeroizing::new(vec![0u8; p.salt_len]);
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| EnrolError::BadTwoStep("no randomness for the phone's half".into()))?;
    let seed = derive(uri.params.secret.expose(), &salt, p);
    uri.params.secret = Secret::from_bytes(seed.to_vec())?;
    uri.extra
        .retain(|(k, _)| k != SALT && k != OUTPUT && k != DIFFICULTY);
    Ok(Some(client_part(&salt)))
}

/// The seed from the server's half and the phone's.
fn derive(server_half: &[u8], phone_half: &[u8], p: Params) -> Zeroizing<Vec<u8>> {
    // privacyIDEA uses the server half's hex text as the password.
    let password = Zeroizing::new(
        server_half
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    );
    let mut seed = Zeroizing::new(vec![0u8; p.output_len]);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA1,
        p.rounds,
        phone_half,
        password.as_bytes(),
        &mut seed,
    );
    seed
}

/// base32(SHA1(half)[..4] ‖ half), unpadded: privacyIDEA's "base32check".
fn client_part(phone_half: &[u8]) -> String {
    let mut data =
        Zeroizing::new(digest(&SHA1_FOR_LEGACY_USE_ONLY, phone_half).as_ref()[..4].to_vec());
    data.extend_from_slice(phone_half);
    base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "otpauth://hotp/OATH0000230B?secret=R7HIQYV7K3VRHKWGXP4LFGH2YUPTC5XA&counter=1&digits=6&issuer=privacyIDEA&serial=OATH0000230B&2step_salt=8&2step_output=20&2step_difficulty=10000";

    #[test]
    fn the_seed_is_what_privacyidea_derives() {
        // Made with Python's hashlib.pbkdf2_hmac as privacyIDEA calls it.
        let server = base32::decode(
            base32::Alphabet::Rfc4648 { padding: false },
            "R7HIQYV7K3VRHKWGXP4LFGH2YUPTC5XA",
        )
        .unwrap();
        let p = Params {
            salt_len: 8,
            output_len: 20,
            rounds: NonZeroU32::new(10_000).unwrap(),
        };
        let seed = derive(&server, b"\x01\x02\x03\x04\x05\x06\x07\x08", p);
        assert_eq!(
            seed.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "25894edcb0ff4eb913401866b38e048e07f5d235"
        );
        assert_eq!(
            client_part(b"\x01\x02\x03\x04\x05\x06\x07\x08"),
            "3VLYHPABAIBQIBIGA4EA"
        );
    }

    #[test]
    fn a_two_step_link_is_completed_and_an_ordinary_one_left_alone() {
        let mut uri = OtpAuthUri::parse(LINK).unwrap();
        let server = uri.params.secret.expose().to_vec();
        let part = complete(&mut uri).unwrap().unwrap();
        assert_eq!(part.len(), 20, "4 + 8 bytes in base32");
        assert_ne!(uri.params.secret.expose(), &server[..]);
        assert_eq!(uri.params.secret.expose().len(), 20);
        assert!(!is_two_step(&uri));
        assert!(uri.extra.iter().any(|(k, _)| k == "serial"));
        let mut plain =
            OtpAuthUri::parse("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=0").unwrap();
        assert_eq!(complete(&mut plain).unwrap(), None);
        for bad in [
            "2step_difficulty=0",
            "2step_difficulty=99999999",
            "2step_salt=x",
        ] {
            let (k, _) = bad.split_once('=').unwrap();
            let link = LINK
                .split('&')
                .map(|p| {
                    if p.starts_with(&format!("{k}=")) {
                        bad
                    } else {
                        p
                    }
                })
                .collect::<Vec<_>>()
                .join("&");
            let mut uri = OtpAuthUri::parse(&link).unwrap();
            assert!(
                matches!(complete(&mut uri), Err(EnrolError::BadTwoStep(_))),
                "{bad}"
            );
        }
    }
}
