//! Arithmetic in GF(2^4) (the BCH code of the format bits) and GF(2^8) (the
//! Reed-Solomon code of the data), for the decoders in `decode.rs`.
//!
//! Upstream rqrr used the `g2p` crate, whose macro expands every field into a
//! full multiplication table: 64 KiB each, 128 KiB of read-only data in a
//! phone library for a few thousand multiplications per decoded symbol. Here
//! a multiplication is two logarithm lookups and one exponential lookup, in
//! tables computed at compile time (768 bytes per field). Same fields, same
//! generator (alpha = x), same results: `tests` checks every product and
//! quotient against shift-and-add multiplication.

use std::ops::{Add, AddAssign, Div, Mul, MulAssign};

/// The operations the Reed-Solomon and BCH decoders need from a field.
pub(crate) trait GaloisField:
    Copy + Eq + Add<Output = Self> + AddAssign + Mul<Output = Self> + MulAssign + Div<Output = Self>
{
    /// The additive identity.
    const ZERO: Self;
    /// The multiplicative identity.
    const ONE: Self;
    /// The primitive element alpha (the polynomial `x`).
    const GENERATOR: Self;
    /// `self` raised to the `n`th power.
    fn pow(self, n: usize) -> Self;
}

/// Exponential and logarithm tables of the field with `order + 1` elements
/// reduced by `modulus`: `exp[i] = alpha^i` for i < 2 * order (doubled so a
/// sum of two logarithms needs no reduction), `log[alpha^i] = i`.
struct Tables {
    exp: [u8; 512],
    log: [u8; 256],
}

const fn tables(bits: u32, modulus: u16) -> Tables {
    let order = (1usize << bits) - 1;
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut value: u16 = 1;
    let mut i = 0;
    while i < order {
        exp[i] = value as u8;
        exp[i + order] = value as u8;
        log[value as usize] = i as u8;
        value <<= 1;
        if value & (1 << bits) != 0 {
            value ^= modulus;
        }
        i += 1;
    }
    Tables { exp, log }
}

macro_rules! field {
    ($(#[$doc:meta])* $name:ident, $bits:expr, $modulus:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) struct $name(pub u8);

        impl $name {
            const TABLES: Tables = tables($bits, $modulus);
            const ORDER: usize = (1 << $bits) - 1;
        }

        impl GaloisField for $name {
            const ZERO: Self = Self(0);
            const ONE: Self = Self(1);
            const GENERATOR: Self = Self(2);

            fn pow(self, n: usize) -> Self {
                if n == 0 {
                    return Self::ONE;
                }
                if self.0 == 0 {
                    return Self::ZERO;
                }
                let log = Self::TABLES.log[usize::from(self.0)] as usize;
                Self(Self::TABLES.exp[(log * (n % Self::ORDER)) % Self::ORDER])
            }
        }

        // Addition in a field of characteristic 2 is exclusive or.
        #[allow(clippy::suspicious_arithmetic_impl)]
        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 ^ rhs.0)
            }
        }

        #[allow(clippy::suspicious_op_assign_impl)]
        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 ^= rhs.0;
            }
        }

        impl Mul for $name {
            type Output = Self;
            fn mul(self, rhs: Self) -> Self {
                if self.0 == 0 || rhs.0 == 0 {
                    return Self::ZERO;
                }
                let t = &Self::TABLES;
                Self(t.exp[t.log[usize::from(self.0)] as usize + t.log[usize::from(rhs.0)] as usize])
            }
        }

        impl MulAssign for $name {
            fn mul_assign(&mut self, rhs: Self) {
                *self = *self * rhs;
            }
        }

        impl Div for $name {
            type Output = Self;
            /// Division by zero has no answer; the decoders never divide
            /// by zero (they test the divisor first), and zero is returned
            /// rather than a panic in a decoder fed hostile images.
            fn div(self, rhs: Self) -> Self {
                debug_assert!(rhs.0 != 0, "division by zero in GF(2^{})", $bits);
                if self.0 == 0 || rhs.0 == 0 {
                    return Self::ZERO;
                }
                let t = &Self::TABLES;
                Self(
                    t.exp[t.log[usize::from(self.0)] as usize + Self::ORDER
                        - t.log[usize::from(rhs.0)] as usize],
                )
            }
        }
    };
}

field!(
    /// GF(2^4) reduced by x^4 + x + 1: the format information's BCH code.
    GF16,
    4,
    0b1_0011
);
field!(
    /// GF(2^8) reduced by x^8 + x^4 + x^3 + x^2 + 1: the data's Reed-Solomon code.
    GF256,
    8,
    0b1_0001_1101
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Shift-and-add multiplication, the definition the tables must match.
    fn slow_mul(mut a: u16, mut b: u16, bits: u32, modulus: u16) -> u8 {
        let mut product = 0u16;
        while b != 0 {
            if b & 1 != 0 {
                product ^= a;
            }
            b >>= 1;
            a <<= 1;
            if a & (1 << bits) != 0 {
                a ^= modulus;
            }
        }
        product as u8
    }

    #[test]
    fn gf256_products_quotients_and_powers_match_the_definition() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let p = GF256(a) * GF256(b);
                assert_eq!(p.0, slow_mul(a.into(), b.into(), 8, 0b1_0001_1101));
                if b != 0 {
                    assert_eq!(p / GF256(b), GF256(a), "{a} * {b} / {b}");
                }
            }
        }
        let mut power = GF256::ONE;
        for n in 0..600 {
            assert_eq!(GF256::GENERATOR.pow(n), power, "alpha^{n}");
            power *= GF256::GENERATOR;
        }
        // alpha generates the whole multiplicative group.
        let mut seen: Vec<u8> = (0..255).map(|n| GF256::GENERATOR.pow(n).0).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 255);
        assert_eq!(GF256(7).pow(0), GF256::ONE);
        assert_eq!(GF256::ZERO.pow(3), GF256::ZERO);
    }

    #[test]
    fn gf16_products_quotients_and_powers_match_the_definition() {
        for a in 0..16u8 {
            for b in 0..16u8 {
                let p = GF16(a) * GF16(b);
                assert_eq!(p.0, slow_mul(a.into(), b.into(), 4, 0b1_0011));
                if b != 0 {
                    assert_eq!(p / GF16(b), GF16(a));
                }
            }
        }
        let mut power = GF16::ONE;
        for n in 0..100 {
            assert_eq!(GF16::GENERATOR.pow(n), power, "alpha^{n}");
            power *= GF16::GENERATOR;
        }
    }
}
