//! Reading a code one of whose three finder patterns the search cannot see:
//! a highlight washed it out, or the code was printed or cut with no quiet
//! zone so that its corner runs into a dark surround. zxing-cpp's reader
//! (and rxing's port) needs all three; two are enough to place the third.
//! A lost top-right or bottom-left pattern lies a quarter turn from the
//! top-left one, at the same distance as the other; a lost top-left one
//! lies across the diagonal the other two make. Each such guess is sampled
//! and decoded as a found triple would be; the decoder's Reed-Solomon check
//! decides, so a wrong guess reads nothing.

use rxing::{
    Point,
    common::{BitMatrix, cpp_essentials::ConcentricPattern},
    point,
    qrcode::cpp_port::detector::FinderPatternSet,
};

/// At most this many patterns (the largest: a stray pattern in text or
/// texture is mostly smaller than a code's) are paired: six guesses per
/// pair, so at most 90 sampling attempts on a frame.
const MAX_PATTERNS: usize = 6;

/// Two patterns of one code are about the same size (a strongly tilted
/// code's nearer pattern is larger, by less than this factor).
const MAX_SIZE_RATIO: f32 = 1.5;

/// The first code `decode` reads from a finder-pattern triple with one
/// pattern guessed, from `patterns` of the finder search.
/// Pairs of patterns too unlike in size or too close to be two corners of
/// one code are skipped, and so is a guess outside the frame.
///
/// Each pair is first taken as two sides' corners (a lost top-right or
/// bottom-left pattern: the guessed one a quarter turn from the corner
/// one), then as the diagonal (a lost top-left pattern). rxing's sampler
/// measures the code from its top-left pattern, so that one is drawn into
/// a copy of the frame where it was guessed.
pub(crate) fn read_with_a_guessed_finder<T>(
    matrix: &BitMatrix,
    patterns: &[ConcentricPattern],
    decode: impl Fn(&BitMatrix, &FinderPatternSet) -> Option<T>,
) -> Option<T> {
    let pairs = pairs(patterns);
    let inside = |p: Point| {
        (0.0..matrix.width() as f32).contains(&p.x) && (0.0..matrix.height() as f32).contains(&p.y)
    };
    for &(a, b) in &pairs {
        for (corner, other) in [(a, b), (b, a)] {
            for turn in [1.0, -1.0] {
                let p = corner.p + quarter_turn(other.p - corner.p, turn);
                if inside(p) {
                    let set = oriented(corner, other, like(p, a, b));
                    if let Some(found) = decode(matrix, &set) {
                        return Some(found);
                    }
                }
            }
        }
    }
    for &(a, b) in &pairs {
        let middle = (a.p + b.p) / 2.0;
        for turn in [1.0, -1.0] {
            let p = middle + quarter_turn((b.p - a.p) / 2.0, turn);
            if inside(p) {
                let set = oriented(like(p, a, b), a, b);
                let mut drawn = matrix.clone();
                draw_finder(&mut drawn, &set);
                if let Some(found) = decode(&drawn, &set) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// The pairs of `patterns` (the [`MAX_PATTERNS`] largest) that could be two
/// finder patterns of one code.
fn pairs(patterns: &[ConcentricPattern]) -> Vec<(ConcentricPattern, ConcentricPattern)> {
    let mut patterns = patterns.to_vec();
    patterns.sort_by_key(|p| std::cmp::Reverse(p.size));
    patterns.truncate(MAX_PATTERNS);
    let mut pairs = Vec::new();
    for (i, &a) in patterns.iter().enumerate() {
        for &b in &patterns[i + 1..] {
            let (sa, sb) = (a.size as f32, b.size as f32);
            // Two finder patterns of one code are at least 14 modules
            // apart centre to centre (version 1), two patterns' widths.
            if sa <= MAX_SIZE_RATIO * sb
                && sb <= MAX_SIZE_RATIO * sa
                && ConcentricPattern::distance(a, b) >= sa + sb
            {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

/// `v` turned a quarter turn (`turn` 1 or -1 for either way).
fn quarter_turn(v: Point, turn: f32) -> Point {
    point(-v.y * turn, v.x * turn)
}

/// A guessed pattern at `p`, the mean size of the two seen.
fn like(p: Point, a: ConcentricPattern, b: ConcentricPattern) -> ConcentricPattern {
    ConcentricPattern {
        p,
        size: (a.size + b.size) / 2,
    }
}

/// Draws a finder pattern and its light separator (9 x 9 modules) around
/// `set.tl`, its modules along the directions to the other two patterns,
/// each a seventh of the pattern's size.
fn draw_finder(matrix: &mut BitMatrix, set: &FinderPatternSet) {
    let module = set.tl.size as f32 / 7.0;
    let unit = |v: Point| v / (v.x * v.x + v.y * v.y).sqrt().max(1.0) * module;
    let (e1, e2) = (unit(set.tr.p - set.tl.p), unit(set.bl.p - set.tl.p));
    let det = e1.x * e2.y - e1.y * e2.x;
    if det.abs() < 1e-3 {
        return;
    }
    let reach = 4.5 * (e1.x.abs() + e2.x.abs()).max(e1.y.abs() + e2.y.abs());
    let (w, h) = (matrix.width() as f32, matrix.height() as f32);
    let (x0, x1) = (
        (set.tl.p.x - reach).max(0.0),
        (set.tl.p.x + reach).min(w - 1.0),
    );
    let (y0, y1) = (
        (set.tl.p.y - reach).max(0.0),
        (set.tl.p.y + reach).min(h - 1.0),
    );
    for y in y0 as u32..=y1 as u32 {
        for x in x0 as u32..=x1 as u32 {
            let d = point(x as f32 + 0.5, y as f32 + 0.5) - set.tl.p;
            // Module coordinates from the pattern's centre.
            let u = (d.x * e2.y - d.y * e2.x) / det;
            let v = (e1.x * d.y - e1.y * d.x) / det;
            let ring = u.abs().max(v.abs());
            if ring < 4.5 {
                if ring < 1.5 || (2.5..3.5).contains(&ring) {
                    matrix.set(x, y);
                } else {
                    matrix.unset(x, y);
                }
            }
        }
    }
}

/// The triple with `tl` as its top-left pattern and the other two placed
/// as rxing expects (seen from the camera, top-right then bottom-left
/// clockwise), whichever of them was guessed.
fn oriented(tl: ConcentricPattern, a: ConcentricPattern, b: ConcentricPattern) -> FinderPatternSet {
    // Image y grows downwards: from the top-left pattern the top-right one
    // is a quarter turn anticlockwise of the bottom-left one.
    if ConcentricPattern::cross(a - tl, b - tl) >= 0.0 {
        FinderPatternSet { bl: b, tl, tr: a }
    } else {
        FinderPatternSet { bl: a, tl, tr: b }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    fn at(x: f32, y: f32, size: i32) -> ConcentricPattern {
        ConcentricPattern {
            p: point(x, y),
            size,
        }
    }

    /// Every triple tried (nothing decodes) and the frame each was tried on.
    fn tried(patterns: &[ConcentricPattern]) -> Vec<(FinderPatternSet, BitMatrix)> {
        let matrix = BitMatrix::new(400, 400).unwrap();
        let seen = RefCell::new(Vec::new());
        let found: Option<()> = read_with_a_guessed_finder(&matrix, patterns, |m, set| {
            seen.borrow_mut().push((*set, m.clone()));
            None
        });
        assert!(found.is_none());
        seen.into_inner()
    }

    /// Top-left and top-right seen: the lost bottom-left pattern is guessed
    /// below the top-left one, the triple oriented as rxing's own
    /// (`GenerateFinderPatternSets`); guesses outside the frame are not made.
    #[test]
    fn a_lost_side_pattern_is_guessed_a_quarter_turn_from_the_corner() {
        let (tl, tr) = (at(100.0, 100.0, 21), at(300.0, 100.0, 21));
        let sets = tried(&[tl, tr]);
        let (first, frame) = &sets[0];
        assert_eq!((first.tl, first.tr), (tl, tr));
        assert_eq!(
            (first.bl.p.x, first.bl.p.y, first.bl.size),
            (100.0, 300.0, 21)
        );
        // Sides first, on the frame as it is.
        assert_eq!(*frame, BitMatrix::new(400, 400).unwrap());
        assert!(sets.iter().all(|(s, _)| {
            [s.tl, s.tr, s.bl]
                .iter()
                .all(|p| (0.0..400.0).contains(&p.p.x) && (0.0..400.0).contains(&p.p.y))
        }));
    }

    /// Top-right and bottom-left seen (a diagonal): the lost top-left
    /// pattern is guessed across the diagonal, and drawn into the frame the
    /// triple is sampled from: dark centre, light ring, dark ring, light
    /// separator.
    #[test]
    fn a_lost_top_left_pattern_is_guessed_across_the_diagonal_and_drawn() {
        let (tr, bl) = (at(300.0, 100.0, 21), at(100.0, 300.0, 21));
        let sets = tried(&[tr, bl]);
        let (set, frame) = sets
            .iter()
            .find(|(s, _)| s.tr == tr && s.bl == bl)
            .expect("the top-left guess");
        assert_eq!((set.tl.p.x, set.tl.p.y), (100.0, 100.0));
        // Modules of 3 px along x and y from (100, 100).
        for (dx, dark) in [(0, true), (6, false), (9, true), (12, false)] {
            assert_eq!(frame.get(100 + dx, 100), dark, "{dx}");
            assert_eq!(frame.get(100, 100 - dx), dark, "{dx}");
        }
    }

    /// Patterns of very different sizes, or too close to be two corners of
    /// one code, are not paired.
    #[test]
    fn unlike_or_close_patterns_are_not_paired() {
        assert!(tried(&[at(100.0, 100.0, 21), at(300.0, 100.0, 42)]).is_empty());
        assert!(tried(&[at(100.0, 100.0, 21), at(130.0, 100.0, 21)]).is_empty());
    }
}
