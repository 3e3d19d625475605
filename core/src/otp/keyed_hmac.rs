//! HMAC with the key absorbed once: the one place OTP codes are hashed.
//!
//! HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)). The two key blocks are
//! the same for every code of an account, so RFC 2104 section 4 suggests
//! hashing them once and keeping the two intermediate states. A code then
//! costs two compressions instead of four, which is what makes an account
//! list cheaper than recomputing the HMAC from the key each time (what the
//! `hmac` crate and pyotp do).
//!
//! The states are as good as the key for making codes, so they live in
//! zeroizing arrays and are wiped on drop. The hash functions themselves
//! are the RustCrypto `sha1`/`sha2` compression functions (their `compress`
//! feature); this file adds only the HMAC key blocks and the one-block
//! padding of an 8-byte counter, checked against the `hmac` crate in the
//! tests below and against every RFC vector in `tests/`.

use std::fmt;

use sha2::digest::{
    Digest,
    generic_array::{ArrayLength, GenericArray},
    typenum::{U64, U128},
};
use zeroize::{Zeroize, Zeroizing};

use super::Algorithm;

/// Longest tag of the three hashes (SHA-512), in bytes.
const MAX_TAG: usize = 64;

/// One SHA variant as HMAC needs it: its compression function, initial
/// state and sizes.
trait Sha {
    /// The chaining state (an array of words).
    type State: Copy + Zeroize;
    /// The block size as a type (64 or 128 bytes).
    type BlockSize: ArrayLength<u8>;
    /// Block length in bytes.
    const BLOCK: usize;
    /// Digest length in bytes.
    const OUT: usize;
    /// Bytes of the message-length field in the final block (8 or 16).
    const LEN_FIELD: usize;
    /// FIPS 180-4 initial hash value.
    const IV: Self::State;
    /// Absorbs one block into `state`.
    fn compress(state: &mut Self::State, block: &GenericArray<u8, Self::BlockSize>);
    /// Writes the state as the big-endian digest into `out[..Self::OUT]`.
    fn digest_bytes(state: &Self::State, out: &mut [u8]);
    /// Hashes a key longer than a block (HMAC's first step for long keys).
    fn hash_key(key: &[u8]) -> Zeroizing<Vec<u8>>;
}

struct Sha1;
struct Sha256;
struct Sha512;

impl Sha for Sha1 {
    type State = [u32; 5];
    type BlockSize = U64;
    const BLOCK: usize = 64;
    const OUT: usize = 20;
    const LEN_FIELD: usize = 8;
    const IV: [u32; 5] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    fn compress(state: &mut [u32; 5], block: &GenericArray<u8, U64>) {
        sha1::compress(state, std::slice::from_ref(block));
    }
    fn digest_bytes(state: &[u32; 5], out: &mut [u8]) {
        words_be(state, out);
    }
    fn hash_key(key: &[u8]) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(sha1::Sha1::digest(key).to_vec())
    }
}

impl Sha for Sha256 {
    type State = [u32; 8];
    type BlockSize = U64;
    const BLOCK: usize = 64;
    const OUT: usize = 32;
    const LEN_FIELD: usize = 8;
    const IV: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    fn compress(state: &mut [u32; 8], block: &GenericArray<u8, U64>) {
        sha2::compress256(state, std::slice::from_ref(block));
    }
    fn digest_bytes(state: &[u32; 8], out: &mut [u8]) {
        words_be(state, out);
    }
    fn hash_key(key: &[u8]) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(sha2::Sha256::digest(key).to_vec())
    }
}

impl Sha for Sha512 {
    type State = [u64; 8];
    type BlockSize = U128;
    const BLOCK: usize = 128;
    const OUT: usize = 64;
    const LEN_FIELD: usize = 16;
    const IV: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    fn compress(state: &mut [u64; 8], block: &GenericArray<u8, U128>) {
        sha2::compress512(state, std::slice::from_ref(block));
    }
    fn digest_bytes(state: &[u64; 8], out: &mut [u8]) {
        for (chunk, word) in out.chunks_exact_mut(8).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
    }
    fn hash_key(key: &[u8]) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(sha2::Sha512::digest(key).to_vec())
    }
}

fn words_be(state: &[u32], out: &mut [u8]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

/// The inner and outer states of one key, for one hash.
struct Keyed<H: Sha> {
    inner: H::State,
    outer: H::State,
}

impl<H: Sha> Keyed<H> {
    fn new(key: &[u8]) -> Self {
        let hashed;
        let key = if key.len() > H::BLOCK {
            hashed = H::hash_key(key);
            hashed.as_slice()
        } else {
            key
        };
        // The padded key XOR ipad/opad, one block each. Only the first
        // key.len() bytes carry the key (the rest is the constant pad), so
        // only they are wiped afterwards: volatile wiping is per byte and
        // this runs for every cold code.
        let mut block = GenericArray::<u8, H::BlockSize>::default();
        let mut absorb = |pad: u8| {
            block.iter_mut().for_each(|b| *b = pad);
            for (b, k) in block.iter_mut().zip(key) {
                *b ^= k;
            }
            let mut state = H::IV;
            H::compress(&mut state, &block);
            state
        };
        let inner = absorb(0x36);
        let outer = absorb(0x5c);
        block[..key.len()].zeroize();
        Self { inner, outer }
    }

    /// HMAC of a message that fits in one block after the key block.
    fn tag(&self, message: &[u8], out: &mut [u8; MAX_TAG]) {
        // Inner hash: the key block was block 1, this is block 2.
        let mut state = Zeroizing::new(self.inner);
        let mut block = final_block::<H>(message);
        H::compress(&mut state, &block);
        let mut inner_digest = [0u8; MAX_TAG];
        H::digest_bytes(&state, &mut inner_digest[..]);
        // Outer hash over the inner digest.
        *state = self.outer;
        block = final_block::<H>(&inner_digest[..H::OUT]);
        H::compress(&mut state, &block);
        // The inner digest (in both places) is wiped; the rest is padding.
        inner_digest[..H::OUT].zeroize();
        block[..H::OUT].zeroize();
        H::digest_bytes(&state, &mut out[..]);
    }
}

/// The last block of a hash whose first block was a key block: the
/// message, the 0x80 marker, zeros, and the total length in bits.
fn final_block<H: Sha>(message: &[u8]) -> GenericArray<u8, H::BlockSize> {
    debug_assert!(message.len() + 1 + H::LEN_FIELD <= H::BLOCK);
    let mut block = GenericArray::<u8, H::BlockSize>::default();
    block[..message.len()].copy_from_slice(message);
    block[message.len()] = 0x80;
    let bits = ((H::BLOCK + message.len()) as u128 * 8).to_be_bytes();
    block[H::BLOCK - H::LEN_FIELD..].copy_from_slice(&bits[16 - H::LEN_FIELD..]);
    block
}

impl<H: Sha> Drop for Keyed<H> {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

enum States {
    Sha1(Keyed<Sha1>),
    Sha256(Keyed<Sha256>),
    Sha512(Keyed<Sha512>),
}

/// The HMAC of one account's key, ready to tag counters.
///
/// Build it once per account and ask it for as many codes as needed.
/// `Debug` names the hash only.
pub struct KeyedHmac {
    states: States,
}

impl KeyedHmac {
    /// Absorbs `key` (any length, as HMAC allows) for `algorithm`.
    pub fn new(algorithm: Algorithm, key: &[u8]) -> Self {
        let states = match algorithm {
            Algorithm::Sha1 => States::Sha1(Keyed::new(key)),
            Algorithm::Sha256 => States::Sha256(Keyed::new(key)),
            Algorithm::Sha512 => States::Sha512(Keyed::new(key)),
        };
        Self { states }
    }

    /// The hash in use.
    pub fn algorithm(&self) -> Algorithm {
        match self.states {
            States::Sha1(_) => Algorithm::Sha1,
            States::Sha256(_) => Algorithm::Sha256,
            States::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// HMAC over the 8-byte big-endian `counter` (RFC 4226's message),
    /// handed to `f`: callers only need its truncation.
    pub fn with_counter_tag<R>(&self, counter: u64, f: impl FnOnce(&[u8]) -> R) -> R {
        let message = counter.to_be_bytes();
        let mut tag = [0u8; MAX_TAG];
        let len = match &self.states {
            States::Sha1(k) => {
                k.tag(&message, &mut tag);
                Sha1::OUT
            }
            States::Sha256(k) => {
                k.tag(&message, &mut tag);
                Sha256::OUT
            }
            States::Sha512(k) => {
                k.tag(&message, &mut tag);
                Sha512::OUT
            }
        };
        f(&tag[..len])
    }
}

impl fmt::Debug for KeyedHmac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyedHmac({}, [REDACTED])", self.algorithm())
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;

    use super::*;

    /// The `hmac` crate's answer, the reference.
    fn reference(algorithm: Algorithm, key: &[u8], counter: u64) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], counter: u64) -> Vec<u8> {
            let mut mac = <M as Mac>::new_from_slice(key).unwrap();
            mac.update(&counter.to_be_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        match algorithm {
            Algorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, counter),
            Algorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, counter),
            Algorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, counter),
        }
    }

    const ALL: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    #[test]
    fn matches_the_hmac_crate_at_every_key_length_edge() {
        // Empty, short, exactly one block, one over (hashed first), long.
        for algorithm in ALL {
            for len in [0, 1, 20, 32, 63, 64, 65, 127, 128, 129, 300] {
                let key: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
                let keyed = KeyedHmac::new(algorithm, &key);
                for counter in [0, 1, 0x0123_4567_89ab_cdef, u64::MAX] {
                    let ours = keyed.with_counter_tag(counter, <[u8]>::to_vec);
                    assert_eq!(
                        ours,
                        reference(algorithm, &key, counter),
                        "{algorithm} {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn debug_names_the_hash_only() {
        let keyed = KeyedHmac::new(Algorithm::Sha256, b"12345678901234567890");
        assert_eq!(format!("{keyed:?}"), "KeyedHmac(SHA256, [REDACTED])");
    }

    proptest! {
        #[test]
        fn matches_the_hmac_crate(key in proptest::collection::vec(any::<u8>(), 0..200), counter: u64, which in 0usize..3) {
            let algorithm = ALL[which];
            let ours = KeyedHmac::new(algorithm, &key).with_counter_tag(counter, <[u8]>::to_vec);
            prop_assert_eq!(ours, reference(algorithm, &key, counter));
        }
    }
}
