//! A light border around the frame. A code pushed against the frame's edge
//! has lost (part of) its quiet zone: a finder pattern touching the edge is
//! a 1:1:3:1:1 run with no light run before it, which the finder search
//! does not count, and the binariser's blocks at the edge see only code.
//! Framing it in paper-light pixels gives both the light ring they expect.

use super::preprocess;

/// The frame inside a `border`-pixel frame of its own light level (the
/// 98th percentile of a sample: paper, not a specular highlight). Returns
/// the buffer and its new size.
pub(crate) fn pad_light(
    luma: &[u8],
    width: usize,
    height: usize,
    border: usize,
) -> (Vec<u8>, usize, usize) {
    let light = light_level(luma, width, height);
    let (nw, nh) = (width + 2 * border, height + 2 * border);
    let mut out = vec![light; nw * nh];
    for (dst, src) in out
        .chunks_exact_mut(nw)
        .skip(border)
        .zip(luma.chunks_exact(width.max(1)).take(height))
    {
        dst[border..border + width].copy_from_slice(src);
    }
    (out, nw, nh)
}

/// The 98th percentile of every 4th pixel of every 4th row.
fn light_level(luma: &[u8], width: usize, height: usize) -> u8 {
    let (hist, n) = preprocess::sampled_histogram(luma, width, height);
    preprocess::past_cut(&hist, n / 50, (0..256).rev()).unwrap_or(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_sits_inside_a_border_of_its_light_level() {
        // 8x8: mostly 200 (paper), one dark column.
        let mut luma = vec![200u8; 64];
        for y in 0..8 {
            luma[y * 8] = 10;
        }
        let (out, w, h) = pad_light(&luma, 8, 8, 3);
        assert_eq!((w, h), (14, 14));
        assert!(out[..3 * w].iter().all(|&v| v == 200));
        assert_eq!(out[3 * w + 3], 10);
        assert_eq!(out[3 * w + 2], 200);
        assert_eq!(&out[5 * w + 3..5 * w + 11], &luma[16..24]);
    }
}
