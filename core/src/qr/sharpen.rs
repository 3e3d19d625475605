//! Unsharp masking: a frame minus a blurred copy of itself, added back. A
//! defocused code's modules bleed into each other until the binariser's
//! local threshold cannot tell a lone light module between dark ones from
//! its neighbours; boosting the difference to the local mean restores the
//! edges enough for the finder search and the sampler. The blur is a box
//! (running column sums, prefix sums along each row), so the whole
//! operation costs about a millisecond on a 1280x720 frame.

use super::preprocess;

/// `luma + amount * (luma - box_mean)`, clamped to 0..=255, where
/// `box_mean` is the mean of the `(2 * radius + 1)`-square around each pixel
/// (cut off at the frame's edges, so an edge pixel is compared with the
/// pixels that exist, not with padding) and `amount` is `amount_x2 / 2`
/// (halves are resolution enough, and integers keep it cheap).
pub(crate) fn unsharp_box(
    luma: &[u8],
    width: usize,
    height: usize,
    radius: usize,
    amount_x2: i32,
) -> Vec<u8> {
    let mut out = vec![0u8; width * height];
    if width == 0 || height == 0 {
        return out;
    }
    // One pass: a running sum per column over rows y-r..=y+r, then, per
    // row, prefix sums along those column sums, a window's sum being the
    // difference of two. No intermediate frame-sized buffer (that costs
    // more in memory traffic than the sums).
    let mut cols = vec![0u32; width];
    for row in luma.chunks_exact(width).take(radius.min(height)) {
        add_row(&mut cols, row, 1);
    }
    let mut prefix = vec![0u32; width + 1];
    // The window's width at each x (cut off near the left and right edges).
    let hspan: Vec<u32> = (0..width)
        .map(|x| ((x + radius + 1).min(width) - x.saturating_sub(radius)) as u32)
        .collect();
    // Columns whose window is whole: x - radius and x + radius both inside.
    let inner = preprocess::whole_windows(width, radius);
    let (mut inv, mut inv_vspan) = (vec![0u64; width], 0u64);
    for y in 0..height {
        if y + radius < height {
            add_row(&mut cols, &luma[(y + radius) * width..][..width], 1);
        }
        if y > radius {
            add_row(&mut cols, &luma[(y - radius - 1) * width..][..width], -1);
        }
        let vspan = ((y + radius + 1).min(height) - y.saturating_sub(radius)) as u64;
        // 1 / (window area) in 0.32 fixed point, per x: a multiply where a
        // division per pixel would double the cost. The same for every row
        // but the first and last `radius`.
        if vspan != inv_vspan {
            inv_vspan = vspan;
            for (i, &w) in inv.iter_mut().zip(&hspan) {
                *i = (1u64 << 32).div_ceil(u64::from(w) * vspan);
            }
        }
        // The running total in a register: reading back the entry just
        // stored would wait on the store every column.
        let mut total = 0u32;
        for (p, &c) in prefix[1..].iter_mut().zip(&cols) {
            total += c;
            *p = total;
        }
        let src = &luma[y * width..][..width];
        let dst = &mut out[y * width..][..width];
        let sharpen = |v: u8, sum: u32, inv: u64| {
            let mean = ((u64::from(sum) * inv + (1 << 31)) >> 32) as i32;
            let v = i32::from(v);
            (v + amount_x2 * (v - mean) / 2).clamp(0, 255) as u8
        };
        let window =
            |x: usize| prefix[(x + radius + 1).min(width)] - prefix[x.saturating_sub(radius)];
        for x in (0..inner.start).chain(inner.end..width) {
            dst[x] = sharpen(src[x], window(x), inv[x]);
        }
        // The whole windows: one reciprocal, under 2^32 (the window holds
        // at least two pixels), so the loop vectorises (32x32-bit products).
        let n = inner.len();
        let whole = inner
            .clone()
            .next()
            .and_then(|x| u32::try_from(inv[x]).ok());
        match whole {
            Some(inv_whole) => {
                let (hi, lo) = (
                    &prefix[inner.start + radius + 1..][..n],
                    &prefix[inner.start - radius..][..n],
                );
                for (((d, &v), &hi), &lo) in dst[inner.clone()]
                    .iter_mut()
                    .zip(&src[inner.clone()])
                    .zip(hi)
                    .zip(lo)
                {
                    *d = sharpen(v, hi - lo, u64::from(inv_whole));
                }
            }
            None => {
                for x in inner.clone() {
                    dst[x] = sharpen(src[x], window(x), inv[x]);
                }
            }
        }
    }
    out
}

/// Adds (`sign` 1) or takes away (`sign` -1) a row from the column sums.
fn add_row(cols: &mut [u32], row: &[u8], sign: i32) {
    if sign > 0 {
        for (c, &v) in cols.iter_mut().zip(row) {
            *c += u32::from(v);
        }
    } else {
        for (c, &v) in cols.iter_mut().zip(row) {
            *c -= u32::from(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::preprocess::direct_window_sum;

    /// The running sums agree with the unsharp mask computed directly,
    /// edges included.
    #[test]
    fn unsharp_matches_a_direct_computation() {
        let (w, h, r) = (13usize, 9usize, 2usize);
        let luma: Vec<u8> = (0..w * h).map(|i| (i * 37 % 251) as u8).collect();
        let out = unsharp_box(&luma, w, h, r, 3);
        for y in 0..h {
            for x in 0..w {
                let (s, n) = direct_window_sum(&luma, w, h, (x, y), r);
                // The mean rounded either way (fixed-point reciprocal).
                let v = i32::from(luma[y * w + x]);
                let got = i32::from(out[y * w + x]);
                let ok = [s / n, s.div_ceil(n)]
                    .iter()
                    .any(|&mean| got == (v + 3 * (v - mean as i32) / 2).clamp(0, 255));
                assert!(ok, "({x}, {y}): {got}");
            }
        }
    }

    /// Flat areas stay as they are; an edge gets steeper on both sides.
    #[test]
    fn unsharp_keeps_flat_areas_and_steepens_edges() {
        let (w, h) = (20usize, 5usize);
        let luma: Vec<u8> = (0..w * h)
            .map(|i| if i % w < 10 { 60 } else { 180 })
            .collect();
        let out = unsharp_box(&luma, w, h, 2, 3);
        let row = &out[2 * w..3 * w];
        assert_eq!((row[0], row[19]), (60, 180));
        assert!(row[9] < 60 && row[10] > 180, "{row:?}");
        assert!(unsharp_box(&[], 0, 0, 2, 3).is_empty());
    }
}
