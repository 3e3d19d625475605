//! Image operations the decoding strategies use before handing a frame to an
//! engine: inversion (dark-mode screens), box downscaling (moire, noise,
//! large modules), contrast stretching (low light, faded ink) and local
//! mean thresholding (glare, uneven light). All work on packed 8-bit luma.

/// Light and dark swapped: light-on-dark codes become ordinary ones.
pub(crate) fn invert(luma: &[u8]) -> Vec<u8> {
    luma.iter().map(|&v| 255 - v).collect()
}

/// Averages `f` x `f` blocks. Returns the buffer and its new size.
pub(crate) fn downscale(
    luma: &[u8],
    width: usize,
    height: usize,
    f: usize,
) -> (Vec<u8>, usize, usize) {
    let (nw, nh) = (width / f, height / f);
    if f == 2 {
        return (halve(luma, width, nw, nh), nw, nh);
    }
    let mut out = vec![0u8; nw * nh];
    let area = (f * f) as u32;
    let mut acc = vec![0u32; nw];
    for ny in 0..nh {
        acc.iter_mut().for_each(|a| *a = 0);
        for dy in 0..f {
            let row = &luma[(ny * f + dy) * width..][..nw * f];
            for (nx, a) in acc.iter_mut().enumerate() {
                *a += row[nx * f..nx * f + f]
                    .iter()
                    .map(|&v| u32::from(v))
                    .sum::<u32>();
            }
        }
        for (o, a) in out[ny * nw..(ny + 1) * nw].iter_mut().zip(&acc) {
            *o = (a / area) as u8;
        }
    }
    (out, nw, nh)
}

/// [`downscale`] by 2, the only factor the chain uses: each output pixel
/// from two pixel pairs of two rows, in a loop that vectorises (the general
/// one sums a slice per pixel and took most of the downscaled pass's time).
fn halve(luma: &[u8], width: usize, nw: usize, nh: usize) -> Vec<u8> {
    let mut out = vec![0u8; nw * nh];
    for (ny, dst) in out.chunks_exact_mut(nw.max(1)).take(nh).enumerate() {
        let top = &luma[2 * ny * width..][..2 * nw];
        let bottom = &luma[(2 * ny + 1) * width..][..2 * nw];
        for ((o, a), b) in dst
            .iter_mut()
            .zip(top.chunks_exact(2))
            .zip(bottom.chunks_exact(2))
        {
            let sum = u16::from(a[0]) + u16::from(a[1]) + u16::from(b[0]) + u16::from(b[1]);
            *o = (sum >> 2) as u8;
        }
    }
    out
}

/// Doubles the size by bilinear interpolation: tiny modules (under two
/// pixels) become wide enough for the finder-pattern scan.
pub(crate) fn upscale2(luma: &[u8], width: usize, height: usize) -> (Vec<u8>, usize, usize) {
    let (nw, nh) = (width * 2, height * 2);
    let mut out = vec![0u8; nw * nh];
    for ny in 0..nh {
        let sy = (ny as f32 - 0.5) / 2.0;
        let y0 = sy.floor().max(0.0) as usize;
        let y1 = (y0 + 1).min(height - 1);
        let fy = (sy - y0 as f32).clamp(0.0, 1.0);
        for nx in 0..nw {
            let sx = (nx as f32 - 0.5) / 2.0;
            let x0 = sx.floor().max(0.0) as usize;
            let x1 = (x0 + 1).min(width - 1);
            let fx = (sx - x0 as f32).clamp(0.0, 1.0);
            let p = |x: usize, y: usize| f32::from(luma[y * width + x]);
            let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
            let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
            out[ny * nw + nx] = (top * (1.0 - fy) + bottom * fy).round() as u8;
        }
    }
    (out, nw, nh)
}

/// Stretches the 1st..99th percentile to the full range, so a dim, faded
/// code gets the contrast the engines' flat-area tests expect.
pub(crate) fn stretch_contrast(luma: &[u8]) -> Vec<u8> {
    let hist = histogram(luma);
    let cut = luma.len() / 100;
    // The darkest level is at most 254, the lightest above the darkest.
    let lo = past_cut(&hist, cut, 0..255).unwrap_or(255);
    let hi = past_cut(&hist, cut, (lo + 1..256).rev()).unwrap_or(lo);
    let range = (hi - lo).max(1) as u32;
    // A table of 256 (not a Vec): indexing it by a u8 needs no bounds check.
    let lut: [u8; 256] = std::array::from_fn(|v| {
        ((v as u32).saturating_sub(lo as u32) * 255 / range).min(255) as u8
    });
    luma.iter().map(|&v| lut[usize::from(v)]).collect()
}

/// How many pixels of each grey level. Four partial histograms, so that
/// runs of equal pixels (most of a frame) do not make each increment wait
/// for the one before; half the time of a single table.
fn histogram(luma: &[u8]) -> [usize; 256] {
    let mut parts = [[0usize; 256]; 4];
    let mut quads = luma.chunks_exact(4);
    for q in &mut quads {
        parts[0][q[0] as usize] += 1;
        parts[1][q[1] as usize] += 1;
        parts[2][q[2] as usize] += 1;
        parts[3][q[3] as usize] += 1;
    }
    for &v in quads.remainder() {
        parts[0][v as usize] += 1;
    }
    let mut hist = [0usize; 256];
    for (level, h) in hist.iter_mut().enumerate() {
        *h = parts.iter().map(|p| p[level]).sum();
    }
    hist
}

/// The spread between the 1st and 99th percentile of a sample of the
/// frame (every 4th pixel of every 4th row): how much contrast the frame
/// has at all, cheaply (under 0.1 ms for 1280x720).
pub(crate) fn contrast_range(luma: &[u8], width: usize, height: usize) -> u8 {
    let (hist, n) = sampled_histogram(luma, width, height);
    let cut = n / 100;
    match (
        past_cut(&hist, cut, 0..256),
        past_cut(&hist, cut, (0..256).rev()),
    ) {
        (Some(lo), Some(hi)) => hi.saturating_sub(lo).min(255) as u8,
        _ => 0,
    }
}

/// The histogram of every 4th pixel of every 4th row, and how many
/// pixels that is: a frame's grey levels, cheaply.
pub(crate) fn sampled_histogram(luma: &[u8], width: usize, height: usize) -> ([usize; 256], usize) {
    let mut hist = [0usize; 256];
    let mut n = 0usize;
    for row in luma.chunks_exact(width.max(1)).take(height).step_by(4) {
        for &v in row.iter().step_by(4) {
            hist[v as usize] += 1;
            n += 1;
        }
    }
    (hist, n)
}

/// The first of `levels` (from the dark or the light end) past the `cut`
/// most extreme samples.
pub(crate) fn past_cut(
    hist: &[usize; 256],
    cut: usize,
    mut levels: impl Iterator<Item = usize>,
) -> Option<usize> {
    let mut seen = 0usize;
    levels.find(|&v| {
        seen += hist[v];
        seen > cut
    })
}

/// Binarises against the mean of a `window`-wide square around each pixel:
/// dark below `percent` of it (under 100, so flat light areas stay light).
/// Output: 0 dark, 255 light.
pub(crate) fn threshold_local_mean(
    luma: &[u8],
    width: usize,
    height: usize,
    window: usize,
    percent: u32,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(width * height);
    local_mean_rows(luma, width, height, window, percent, |_, row| {
        out.extend_from_slice(row)
    });
    out
}

/// [`threshold_local_mean`] a row at a time: `emit(y, row)` for each row,
/// top to bottom, so a caller that packs bits needs no frame of bytes.
/// `percent` is capped at 100.
pub(crate) fn local_mean_rows(
    luma: &[u8],
    width: usize,
    height: usize,
    window: usize,
    percent: u32,
    mut emit: impl FnMut(usize, &[u8]),
) {
    let percent = percent.min(100);
    let percent64 = u64::from(percent);
    // Integral image with a zero first row and column, in wrapping u32: a
    // box sum taken from it is exact modulo 2^32, and no box of a frame
    // sums past 2^32 (that would take 16 million pixels of 255), so the
    // sums are right for any frame size at half the memory traffic of u64.
    let iw = width + 1;
    let mut integral = vec![0u32; iw * (height + 1)];
    for y in 0..height {
        let src = &luma[y * width..][..width];
        let (above, below) = integral[y * iw..].split_at_mut(iw);
        let below = &mut below[..iw];
        let mut row_sum = 0u32;
        for x in 0..width {
            row_sum = row_sum.wrapping_add(u32::from(src[x]));
            below[x + 1] = above[x + 1].wrapping_add(row_sum);
        }
    }
    let r = (window / 2).max(1);
    let mut dst = vec![255u8; width];
    for y in 0..height {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(height));
        let top = &integral[y0 * iw..][..iw];
        let bottom = &integral[y1 * iw..][..iw];
        let src = &luma[y * width..][..width];
        let rows = (y1 - y0) as u64;
        let box_sum = |x0: usize, x1: usize| {
            bottom[x1]
                .wrapping_add(top[x0])
                .wrapping_sub(top[x1])
                .wrapping_sub(bottom[x0])
        };
        // Dark when below `percent` of the local mean.
        let level = |dark: bool| if dark { 0 } else { 255 };
        // Windows cut by the left and right edges, then the full-width
        // ones in between (no clamping in the loop the time goes to).
        let inner = whole_windows(width, r);
        for x in (0..inner.start).chain(inner.end..width) {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(width));
            let n = rows * (x1 - x0) as u64;
            let sum = u64::from(box_sum(x0, x1));
            dst[x] = level(u64::from(src[x]) * 100 * n < sum * percent64);
        }
        let n = rows * (2 * r + 1) as u64;
        match u32::try_from(255 * 100 * n) {
            // Both sides of the comparison fit in u32 (any window up to
            // about 400 pixels): a loop that vectorises.
            Ok(_) => {
                let scale = 100 * n as u32;
                for x in inner {
                    let sum = box_sum(x - r, x + r + 1);
                    dst[x] = level(u32::from(src[x]) * scale < sum * percent);
                }
            }
            Err(_) => {
                for x in inner {
                    let sum = u64::from(box_sum(x - r, x + r + 1));
                    dst[x] = level(u64::from(src[x]) * 100 * n < sum * percent64);
                }
            }
        }
        emit(y, &dst);
    }
}

/// The positions `x` of a row of `len` whose window `x - r..=x + r` lies
/// wholly inside it (empty when none does): the box filters' loop with no
/// clamping; the positions before and after it are the cut-off windows.
pub(crate) fn whole_windows(len: usize, r: usize) -> std::ops::Range<usize> {
    let start = r.min(len);
    start..len.saturating_sub(r).max(start)
}

/// The sum of the `(2 * r + 1)`-square around `(x, y)` and how many pixels
/// it holds, cut off at the frame's edges, added up pixel by pixel: what
/// the fast box filters (local mean, unsharp mask) are checked against and
/// what the tests' defocus blur averages.
#[cfg(test)]
pub(crate) fn direct_window_sum(
    luma: &[u8],
    w: usize,
    h: usize,
    (x, y): (usize, usize),
    r: usize,
) -> (u32, u32) {
    let (mut sum, mut n) = (0u32, 0u32);
    for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
        for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
            sum += u32::from(luma[yy * w + xx]);
            n += 1;
        }
    }
    (sum, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let luma = [0, 2, 10, 10, 4, 6, 10, 10];
        let (out, w, h) = downscale(&luma, 4, 2, 2);
        assert_eq!((out, w, h), (vec![3, 10], 2, 1));
    }

    /// The factor-2 path gives each 2x2 block's mean, rounded down, odd
    /// sides dropping their last row and column.
    #[test]
    fn halving_takes_each_two_by_two_mean() {
        for (w, h) in [(7usize, 5usize), (8, 8), (1, 3), (3, 1), (1281, 721)] {
            let luma: Vec<u8> = (0..w * h).map(|i| ((i * 7919) % 251) as u8).collect();
            let (out, nw, nh) = downscale(&luma, w, h, 2);
            assert_eq!((nw, nh, out.len()), (w / 2, h / 2, nw * nh));
            for y in 0..nh {
                for x in 0..nw {
                    let (s, n) = direct_window_sum(&luma[2 * y * w + 2 * x..], w, 2, (0, 0), 1);
                    assert_eq!((n, u32::from(out[y * nw + x])), (4, s / 4), "{w}x{h}");
                }
            }
        }
    }

    #[test]
    fn the_histogram_counts_every_pixel() {
        for len in [0usize, 1, 3, 4, 5, 1001] {
            let luma: Vec<u8> = (0..len).map(|i| (i * 37 % 7) as u8).collect();
            let mut direct = [0usize; 256];
            luma.iter().for_each(|&v| direct[usize::from(v)] += 1);
            assert_eq!(histogram(&luma), direct, "{len}");
        }
    }

    #[test]
    fn stretch_maps_the_used_range_to_full_range() {
        let luma: Vec<u8> = (0..1000).map(|i| 100 + (i % 50) as u8).collect();
        let out = stretch_contrast(&luma);
        assert_eq!(*out.iter().min().unwrap(), 0);
        assert!(*out.iter().max().unwrap() >= 250);
    }

    #[test]
    fn local_mean_marks_a_dark_spot_dark_and_flat_light_light() {
        let mut luma = vec![200u8; 20 * 20];
        luma[10 * 20 + 10] = 20;
        let out = threshold_local_mean(&luma, 20, 20, 7, 98);
        assert_eq!(out[10 * 20 + 10], 0);
        assert_eq!(out.iter().filter(|&&v| v == 0).count(), 1);
    }

    /// The box sums in wrapping u32 give what a plain mean over each
    /// window gives, edges included.
    #[test]
    fn local_mean_matches_a_direct_window_mean() {
        for (w, h, window, percent) in [
            (37usize, 23usize, 9usize, 95u32),
            (5, 4, 15, 95),
            (1, 6, 3, 98),
            (16, 16, 16, 98),
            (37, 23, 9, 98),
        ] {
            let luma: Vec<u8> = (0..w * h)
                .map(|i| ((i * 7919) % 251) as u8 ^ ((i / w) as u8 * 9))
                .collect();
            let out = threshold_local_mean(&luma, w, h, window, percent);
            let r = (window / 2).max(1);
            for y in 0..h {
                for x in 0..w {
                    let (sum, n) = direct_window_sum(&luma, w, h, (x, y), r);
                    let (sum, n) = (u64::from(sum), u64::from(n));
                    let dark = u64::from(luma[y * w + x]) * 100 * n < sum * u64::from(percent);
                    assert_eq!(out[y * w + x] == 0, dark, "{w}x{h}: ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn contrast_range_ignores_the_extreme_percent() {
        // 100x100: a dim ramp 40..=79, plus a few bright specks.
        let mut luma: Vec<u8> = (0..100 * 100).map(|i| 40 + (i % 40) as u8).collect();
        for i in (0..luma.len()).step_by(997) {
            luma[i] = 255;
        }
        let r = contrast_range(&luma, 100, 100);
        assert!((36..=39).contains(&r), "{r}");
        assert_eq!(contrast_range(&[7; 64], 8, 8), 0);
        assert_eq!(contrast_range(&[], 0, 0), 0);
    }

    #[test]
    fn upscale_doubles_and_keeps_flat_areas() {
        let (out, w, h) = upscale2(&[7; 6], 3, 2);
        assert_eq!((w, h), (6, 4));
        assert!(out.iter().all(|&v| v == 7));
    }
}
