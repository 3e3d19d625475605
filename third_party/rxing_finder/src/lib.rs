//! rxing's search for QR finder patterns (`FindFinderPatterns` in rxing
//! 0.9.3's `src/qrcode/cpp_port/detector.rs`, itself a port of zxing-cpp's
//! `QRDetector.cpp`), with one change: each scanned row's run lengths are
//! found a machine word at a time instead of a bit at a time. Same
//! patterns, in the same order (tested against rxing's on camera-like
//! frames). See README.md.

use rxing::{
    Point,
    common::{
        BitMatrix, Result,
        cpp_essentials::{
            ConcentricPattern, FindLeftGuardBy, FixedPattern, IsPattern, LocateConcentricPattern,
            PatternRow, PatternType, PatternView,
        },
    },
    point,
    qrcode::cpp_port::detector::FinderPatterns,
};

const LEN: usize = 5;
const SUM: usize = 7;
const PATTERN: FixedPattern<LEN, SUM, false> = FixedPattern::new([1, 1, 3, 1, 1]);
const E2E: bool = true;

/// Unchanged from rxing.
fn FindPattern(view: PatternView<'_>, min_module_size: f32) -> Result<PatternView<'_>> {
    FindLeftGuardBy::<LEN, _>(
        view,
        LEN,
        |view: &PatternView, spaceInPixel: Option<f32>| {
            // perform a fast plausability test for 1:1:3:1:1 pattern
            if (view[2] as i32) < 3
                || view[2] < 2 as PatternType * std::cmp::max(view[0], view[4])
                || view[2] < std::cmp::max(view[1], view[3])
            {
                return false;
            }
            IsPattern::<E2E, 5, 7, false>(view, &PATTERN, spaceInPixel, 0.1, 0.0, min_module_size)
                != 0.0
        },
    )
}

/// Every finder pattern in `image`, as rxing's
/// `qrcode::cpp_port::detector::FindFinderPatterns` finds them (rows
/// `skip - 1, 2 * skip - 1, ...`; every third with `tryHarder`).
pub fn find_finder_patterns(
    image: &BitMatrix,
    tryHarder: bool,
    min_module_size: u32,
) -> FinderPatterns {
    let min_skip = if min_module_size > 1 {
        3 * min_module_size
    } else {
        3
    }; // 1 pixel/module times 3 modules/center
    const MAX_MODULES_FAST: u32 = 20 * 4 + 17; // support up to version 20 for mobile clients

    // Let's assume that the maximum version QR Code we support takes up 1/4 the height of the
    // image, and then account for the center being 3 modules in size. This gives the smallest
    // number of pixels the center could be, so skip this often. When trying harder, look for all
    // QR versions regardless of how dense they are.
    let height = image.height();
    let mut skip = (3 * height) / (4 * MAX_MODULES_FAST);
    if tryHarder {
        skip = 3;
    } else if skip < min_skip {
        skip = min_skip;
    }

    let mut res: Vec<ConcentricPattern> = Vec::new();
    let mut y = skip - 1;

    while y < height {
        // Changed: `pattern_row` in place of `GetPatternRowTP`.
        let row = PatternRow::new(pattern_row(image, y));
        let mut next: PatternView = PatternView::new(&row);

        while {
            if let Ok(up_next) = FindPattern(next, min_module_size as f32) {
                next = up_next;
                next.isValid()
            } else {
                false
            }
        } {
            let p = point(
                next.pixelsInFront() as f32
                    + next[0] as f32
                    + next[1] as f32
                    + next[2] as f32 / 2.0,
                y as f32 + 0.5,
            );

            // make sure p is not 'inside' an already found pattern area
            if !res
                .iter()
                .any(|old| Point::distance(p, old.p) < (old.size as f32) / 2.0)
            {
                let pattern = LocateConcentricPattern::<E2E, 5, 7>(
                    image,
                    &PATTERN.into(),
                    p,
                    next.iter().sum::<u16>() as i32 * 3,
                ); // 3 for very skewed samples
                if let Some(p) = pattern {
                    res.push(p);
                }
            }

            next.skipPair();
            next.skipPair();
            next.extend();
        }

        y += skip;
    }

    res
}

/// Row `y`'s run lengths, light run first (0 when the row starts dark) and
/// a 0 appended when it ends dark: what rxing's `GetPatternRowTP` gives,
/// found with one trailing-zeros count per run instead of a test per pixel
/// (that loop was about a fifth of a decoding pass).
pub fn pattern_row(image: &BitMatrix, y: u32) -> Vec<PatternType> {
    let row = image.getRow(y);
    runs(row.getBitArray(), row.get_size())
}

/// Run lengths of the first `size` bits of `words` (bit i of the row is bit
/// `i % W` of word `i / W`), starting with a light (0) run.
fn runs(words: &[usize], size: usize) -> Vec<PatternType> {
    let mut out = Vec::new();
    if size == 0 {
        return out;
    }
    let (mut pos, mut dark) = (0usize, false);
    loop {
        let next = next_change(words, pos, dark).min(size);
        // Rows are at most rxing's width, far under 2^16.
        out.push((next - pos) as PatternType);
        pos = next;
        if pos >= size {
            break;
        }
        dark = !dark;
    }
    if dark {
        out.push(0);
    }
    out
}

/// The first bit at or after `pos` that is not `dark`, or `usize::MAX`.
fn next_change(words: &[usize], pos: usize, dark: bool) -> usize {
    const W: usize = usize::BITS as usize;
    let flip = if dark { usize::MAX } else { 0 };
    let mut i = pos / W;
    let Some(&first) = words.get(i) else {
        return usize::MAX;
    };
    let mut word = (first ^ flip) & (usize::MAX << (pos % W));
    loop {
        if word != 0 {
            return i * W + word.trailing_zeros() as usize;
        }
        i += 1;
        match words.get(i) {
            Some(&w) => word = w ^ flip,
            None => return usize::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use rxing::{
        common::{BitArray, cpp_essentials::GetPatternRowTP},
        qrcode::cpp_port::detector::FindFinderPatterns,
    };

    use super::*;

    /// The same run lengths as rxing's row scan, for rows starting and
    /// ending light or dark, runs across word boundaries, and odd sizes.
    #[test]
    fn rows_match_rxings_row_scan() {
        for size in [1usize, 2, 63, 64, 65, 127, 128, 200, 1280] {
            for seed in 0..40u64 {
                let mut row = BitArray::with_size(size);
                let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let mut dark = seed % 2 == 1;
                let mut i = 0;
                while i < size {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let run = 1 + (state % [3, 17, 90][seed as usize % 3]) as usize;
                    for x in i..(i + run).min(size) {
                        if dark {
                            row.set(x);
                        }
                    }
                    i += run;
                    dark = !dark;
                }
                let mut matrix = BitMatrix::new(size as u32, 1).unwrap();
                matrix.setRow(0, &row);
                let mut theirs = PatternRow::default();
                GetPatternRowTP(&matrix, 0, &mut theirs, false);
                let theirs: Vec<PatternType> = theirs.into_iter().collect();
                assert_eq!(pattern_row(&matrix, 0), theirs, "size {size}, seed {seed}");
            }
        }
    }

    /// The same finder patterns, in the same order, as rxing's search on
    /// frames with one, two and no codes, quick and thorough.
    #[test]
    fn patterns_match_rxings_search() {
        use watchword_testkit::Scene;
        let a = "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP";
        let b = "otpauth://totp/B:bob?secret=JBSWY3DPEHPK3PXQ";
        for (name, scene) in [
            ("one", Scene::new(1280, 720).code(a, 400, 150, 6)),
            ("small", Scene::new(1280, 720).code(a, 900, 500, 2)),
            (
                "two",
                Scene::new(1920, 1080)
                    .code(a, 100, 100, 5)
                    .code(b, 1100, 400, 5),
            ),
            ("noise", Scene::new(1280, 720).noise(40).seed(5)),
        ] {
            let frame = scene.render();
            let (w, h) = (frame.width, frame.height);
            let luma = frame.packed();
            let mut matrix = BitMatrix::new(w, h).unwrap();
            for y in 0..h {
                for x in 0..w {
                    if luma[(y * w + x) as usize] < 128 {
                        matrix.set(x, y);
                    }
                }
            }
            for harder in [false, true] {
                let ours = find_finder_patterns(&matrix, harder, 0);
                let theirs = FindFinderPatterns(&matrix, harder, 0);
                let key = |v: &FinderPatterns| -> Vec<(f32, f32, i32)> {
                    v.iter().map(|c| (c.p.x, c.p.y, c.size)).collect()
                };
                assert_eq!(key(&ours), key(&theirs), "{name}, harder {harder}");
                if name != "noise" {
                    assert!(ours.len() >= 3, "{name}");
                }
            }
        }
    }
}
