use std::{cmp, num::NonZeroUsize};

use crate::identify::match_capstones::CapStoneGroup;
use crate::identify::Point;
use lru::LruCache;

/// An black-and-white image that can be mutated on search for QR codes
///
/// During search for QR codes, some black zones will be recolored in
/// 'different' shades of black. This is done to speed up the search and
/// mitigate the impact of a huge zones.
pub struct PreparedImage<S> {
    buffer: S,
    cache: LruCache<u8, ColoredRegion>,
}

impl<S> Clone for PreparedImage<S>
where
    S: Clone,
{
    fn clone(&self) -> Self {
        // Watchword fork: least recently used first, so the copy evicts
        // regions in the same order as the original (upstream put them
        // most recent first, reversing it).
        let mut cache = LruCache::new(self.cache.cap());
        for (k, v) in self.cache.iter().rev() {
            cache.put(*k, *v);
        }

        PreparedImage {
            buffer: self.buffer.clone(),
            cache,
        }
    }
}

pub trait ImageBuffer {
    fn width(&self) -> usize;
    fn height(&self) -> usize;

    fn get_pixel(&self, x: usize, y: usize) -> u8;
    fn set_pixel(&mut self, x: usize, y: usize, val: u8);
}

#[cfg(feature = "img")]
impl<
        T: image::GenericImage<Pixel = image::Luma<u8>>
            + image::GenericImageView<Pixel = image::Luma<u8>>,
    > ImageBuffer for T
{
    fn width(&self) -> usize {
        self.width() as usize
    }

    fn height(&self) -> usize {
        self.height() as usize
    }

    fn get_pixel(&self, x: usize, y: usize) -> u8 {
        self.get_pixel(x as u32, y as u32).0[0]
    }

    fn set_pixel(&mut self, x: usize, y: usize, val: u8) {
        let pixel = image::Luma::<u8>::from([val; 1]);

        self.put_pixel(x as u32, y as u32, pixel);
    }
}

#[derive(Clone, Debug)]
pub struct BasicImageBuffer {
    w: usize,
    h: usize,
    pixels: Box<[u8]>,
}

impl ImageBuffer for BasicImageBuffer {
    fn width(&self) -> usize {
        self.w
    }

    fn height(&self) -> usize {
        self.h
    }

    fn get_pixel(&self, x: usize, y: usize) -> u8 {
        let w = self.width();
        self.pixels[(y * w) + x]
    }

    fn set_pixel(&mut self, x: usize, y: usize, val: u8) {
        let w = self.width();
        self.pixels[(y * w) + x] = val
    }
}

#[derive(Debug, Clone, Copy, Eq, PartialEq)]
pub struct Row {
    pub left: usize,
    pub right: usize,
    pub y: usize,
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum PixelColor {
    White,
    Black,
    CapStone,
    Alignment,
    Tmp1,
    Discarded(u8),
}

#[derive(Copy, Clone, Debug, Eq, PartialEq)]
pub enum ColoredRegion {
    Unclaimed {
        color: PixelColor,
        src_x: usize,
        src_y: usize,
        pixel_count: usize,
    },
    CapStone,
    Alignment,
    Tmp1,
}

impl From<u8> for PixelColor {
    fn from(x: u8) -> Self {
        match x {
            0 => PixelColor::White,
            1 => PixelColor::Black,
            2 => PixelColor::CapStone,
            3 => PixelColor::Alignment,
            4 => PixelColor::Tmp1,
            x => PixelColor::Discarded(x - 5),
        }
    }
}

impl From<PixelColor> for u8 {
    fn from(c: PixelColor) -> Self {
        match c {
            PixelColor::White => 0,
            PixelColor::Black => 1,
            PixelColor::CapStone => 2,
            PixelColor::Alignment => 3,
            PixelColor::Tmp1 => 4,
            PixelColor::Discarded(x) => x + 5,
        }
    }
}

impl PartialEq<u8> for PixelColor {
    fn eq(&self, other: &u8) -> bool {
        let rep: u8 = (*self).into();
        rep == *other
    }
}

pub trait AreaFiller {
    fn update(&mut self, row: Row);
}

impl<F> AreaFiller for F
where
    F: FnMut(Row),
{
    fn update(&mut self, row: Row) {
        self(row)
    }
}

struct AreaCounter(usize);

impl AreaFiller for AreaCounter {
    fn update(&mut self, row: Row) {
        self.0 += row.right - row.left + 1;
    }
}

impl<S> PreparedImage<S>
where
    S: ImageBuffer,
{
    pub fn prepare(mut buf: S) -> Self {
        let w = buf.width();
        let h = buf.height();
        let mut threshold = RowThreshold::new(w);
        let mut row = vec![0u8; w];

        for y in 0..h {
            for (x, p) in row.iter_mut().enumerate() {
                *p = buf.get_pixel(x, y);
            }
            threshold.apply(&mut row, y);
            for (x, &p) in row.iter().enumerate() {
                buf.set_pixel(x, y, p);
            }
        }

        PreparedImage {
            buffer: buf,
            cache: LruCache::new(NonZeroUsize::new(251).unwrap()),
        }
    }

    /// Group [CapStones](struct.CapStone.html) into [Grids](struct.Grid.html)
    /// that are likely QR codes
    ///
    /// Return a vector of Grids
    pub fn detect_grids<'a>(
        &'a mut self,
    ) -> Vec<crate::Grid<crate::identify::grid::RefGridImage<'a, S>>>
    where
        S: Clone,
    {
        let mut res = Vec::new();
        let stones = crate::capstones_from_image(self);
        let (groups, first) = self.find_groupings(stones);
        // Watchword fork: the first group's location was already found while
        // confirming it (on a copy of this image, in the state this loop
        // would find it in): take it and the copy instead of fitting it a
        // second time. Later groups are fitted here as before, on the image
        // the earlier fits have painted.
        let mut locations = Vec::with_capacity(groups.len());
        let mut groups = groups.into_iter();
        if let Some((location, painted)) = first {
            groups.next();
            *self = painted;
            locations.push(location);
        }
        locations.extend(groups.filter_map(|v| crate::SkewedGridLocation::from_group(self, v)));
        for grid_location in locations {
            let bounds = [
                grid_location.c.map(0.0, 0.0),
                grid_location
                    .c
                    .map(grid_location.grid_size as f64 + 1.0, 0.0),
                grid_location.c.map(
                    grid_location.grid_size as f64 + 1.0,
                    grid_location.grid_size as f64 + 1.0,
                ),
                grid_location
                    .c
                    .map(0.0, grid_location.grid_size as f64 + 1.0),
            ];
            let grid = grid_location.into_grid_image(self);
            res.push(crate::Grid { grid, bounds });
        }

        res
    }

    /// Find CapStones that form a grid
    ///
    /// By trying to match up the relative perspective of 3
    /// [CapStones](struct.CapStone.html) along with other criteria we can find the
    /// CapStones that corner the same QR code.
    ///
    /// Watchword fork: also returns the first group's location and the copy
    /// of the image it was fitted on (see `detect_grids`).
    #[allow(clippy::type_complexity)]
    fn find_groupings(
        &mut self,
        capstones: Vec<crate::CapStone>,
    ) -> (
        Vec<CapStoneGroup>,
        Option<(crate::SkewedGridLocation, PreparedImage<S>)>,
    )
    where
        S: Clone,
    {
        let mut used_capstones = Vec::new();
        let mut groups = Vec::new();
        let mut first = None;
        for idx in 0..capstones.len() {
            if used_capstones.contains(&idx) {
                continue;
            }
            let pairs = crate::identify::find_and_rank_possible_neighbors(&capstones, idx);
            for pair in pairs {
                if used_capstones.contains(&pair.0) || used_capstones.contains(&pair.1) {
                    continue;
                }
                let group_under_test = CapStoneGroup(
                    capstones[pair.0].clone(),
                    capstones[idx].clone(),
                    capstones[pair.1].clone(),
                );
                // Confirm that this group has the other requirements of a QR code.
                // A copy of the input image is used to not contaminate the
                // original on an incorrect set of CapStones
                let mut image_copy = self.clone();
                let Some(location) = crate::SkewedGridLocation::from_group(
                    &mut image_copy,
                    group_under_test.clone(),
                ) else {
                    continue;
                };
                if groups.is_empty() {
                    first = Some((location, image_copy));
                }
                // This is a viable set, save this grouping
                groups.push(group_under_test);
                used_capstones.push(pair.0);
                used_capstones.push(idx);
                used_capstones.push(pair.1);
            }
        }
        (groups, first)
    }

    pub fn without_preparation(buf: S) -> Self {
        for y in 0..buf.height() {
            for x in 0..buf.width() {
                assert!(buf.get_pixel(x, y) < 2);
            }
        }

        PreparedImage {
            buffer: buf,
            cache: LruCache::new(NonZeroUsize::new(251).unwrap()),
        }
    }

    /// Return the width of the image
    pub fn width(&self) -> usize {
        self.buffer.width()
    }

    /// Return the height of the image
    pub fn height(&self) -> usize {
        self.buffer.height()
    }

    pub(crate) fn get_region(&mut self, (x, y): (usize, usize)) -> ColoredRegion {
        let color: PixelColor = self.buffer.get_pixel(x, y).into();
        match color {
            PixelColor::Discarded(r) => *self.cache.get(&r).unwrap(),
            PixelColor::Black => {
                let cache_fill = self.cache.len();
                let reg_idx = if cache_fill == self.cache.cap().get() {
                    let (c, reg) = self.cache.pop_lru().expect("fill is at capacity (251)");
                    #[allow(clippy::single_match)]
                    match reg {
                        ColoredRegion::Unclaimed {
                            src_x,
                            src_y,
                            color,
                            ..
                        } => {
                            let _ = self.flood_fill(
                                src_x,
                                src_y,
                                color.into(),
                                PixelColor::Black.into(),
                                |_| (),
                            );
                        }
                        _ => (),
                    }
                    c
                } else {
                    cache_fill as u8
                };
                let next_reg_color = PixelColor::Discarded(reg_idx);
                let counter = self.repaint_and_apply((x, y), next_reg_color, AreaCounter(0));
                let new_reg = ColoredRegion::Unclaimed {
                    color: next_reg_color,
                    src_x: x,
                    src_y: y,
                    pixel_count: counter.0,
                };
                self.cache.put(reg_idx, new_reg);
                new_reg
            }
            PixelColor::Tmp1 => ColoredRegion::Tmp1,
            PixelColor::Alignment => ColoredRegion::Alignment,
            PixelColor::CapStone => ColoredRegion::CapStone,
            PixelColor::White => panic!("Tried to color white patch"),
        }
    }

    pub(crate) fn repaint_and_apply<F>(
        &mut self,
        (x, y): (usize, usize),
        target_color: PixelColor,
        fill: F,
    ) -> F
    where
        F: AreaFiller,
    {
        let src = self.buffer.get_pixel(x, y);
        if PixelColor::White == src || target_color == src {
            panic!("Cannot repaint with white or same color");
        }

        self.flood_fill(x, y, src, target_color.into(), fill)
    }

    pub fn get_pixel_at_point(&self, p: Point) -> PixelColor {
        let x = cmp::max(0, cmp::min((self.width() - 1) as i32, p.x));
        let y = cmp::max(0, cmp::min((self.height() - 1) as i32, p.y));
        self.buffer.get_pixel(x as usize, y as usize).into()
    }

    pub fn get_pixel_at(&self, x: usize, y: usize) -> PixelColor {
        self.buffer.get_pixel(x, y).into()
    }

    #[cfg(feature = "img")]
    pub fn write_state_to(&self, p: &str) {
        let mut dyn_img = image::RgbImage::new(self.width() as u32, self.height() as u32);
        const COLORS: [[u8; 3]; 8] = [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [255, 255, 0],
            [255, 0, 255],
            [0, 255, 255],
            [128, 128, 128],
            [128, 0, 128],
        ];
        for y in 0..self.height() {
            for x in 0..self.width() {
                let px = self.buffer.get_pixel(x, y);
                dyn_img.get_pixel_mut(x as u32, y as u32).0 = if px == 0 {
                    [255, 255, 255]
                } else if px == 1 {
                    [0, 0, 0]
                } else {
                    let i = self.buffer.get_pixel(x, y) - 2;
                    COLORS[(i % 8) as usize]
                }
            }
        }
        dyn_img.save(p).unwrap();
    }

    fn flood_fill<F>(&mut self, x: usize, y: usize, from: u8, to: u8, mut fill: F) -> F
    where
        F: AreaFiller,
    {
        assert_ne!(from, to);
        let w = self.width();
        let mut queue = Vec::new();
        queue.push((x, y));

        while let Some((x, y)) = queue.pop() {
            // Bail early in case there is nothing to fill
            if self.buffer.get_pixel(x, y) == to || self.buffer.get_pixel(x, y) != from {
                continue;
            }

            let mut left = x;
            let mut right = x;

            while left > 0 && self.buffer.get_pixel(left - 1, y) == from {
                left -= 1;
            }
            while right < w - 1 && self.buffer.get_pixel(right + 1, y) == from {
                right += 1
            }

            /* Fill the extent */
            for idx in left..=right {
                self.buffer.set_pixel(idx, y, to);
            }

            fill.update(Row { left, right, y });

            /* Seed new flood-fills */
            if y > 0 {
                let mut seeded_previous = false;
                for x in left..=right {
                    let p = self.buffer.get_pixel(x, y - 1);
                    if p == from {
                        if !seeded_previous {
                            queue.push((x, y - 1));
                        }
                        seeded_previous = true;
                    } else {
                        seeded_previous = false;
                    }
                }
            }
            if y < self.height() - 1 {
                let mut seeded_previous = false;
                for x in left..=right {
                    let p = self.buffer.get_pixel(x, y + 1);
                    if p == from {
                        if !seeded_previous {
                            queue.push((x, y + 1));
                        }
                        seeded_previous = true;
                    } else {
                        seeded_previous = false;
                    }
                }
            }
        }
        fill
    }
}

impl PreparedImage<BasicImageBuffer> {
    /// Given a function with binary output, generate a searchable image
    ///
    /// If the given function returns `true` the matching pixel will be 'black'.
    pub fn prepare_from_bitmap<F>(w: usize, h: usize, mut fill: F) -> Self
    where
        F: FnMut(usize, usize) -> bool,
    {
        let capacity = w.checked_mul(h).expect("Image dimensions caused overflow");
        let mut pixels = Vec::with_capacity(capacity);

        for y in 0..h {
            for x in 0..w {
                let col = if fill(x, y) {
                    PixelColor::Black
                } else {
                    PixelColor::White
                };
                pixels.push(col.into())
            }
        }
        let pixels = pixels.into_boxed_slice();
        let buffer = BasicImageBuffer { w, h, pixels };
        PreparedImage::without_preparation(buffer)
    }

    /// Given a byte valued function, generate a searchable image
    ///
    /// The values returned by the function are interpreted as luminance. i.e. a
    /// value of 0 is black, 255 is white.
    pub fn prepare_from_greyscale<F>(w: usize, h: usize, mut fill: F) -> Self
    where
        F: FnMut(usize, usize) -> u8,
    {
        let capacity = w.checked_mul(h).expect("Image dimensions caused overflow");
        let mut data = Vec::with_capacity(capacity);
        for y in 0..h {
            for x in 0..w {
                data.push(fill(x, y));
            }
        }
        Self::prepare_from_luma(w, h, data)
    }

    /// Like [`prepare_from_greyscale`](Self::prepare_from_greyscale), from a
    /// packed `w` x `h` luma buffer the image takes over (no copy, no call per
    /// pixel).
    ///
    /// Watchword fork: added; panics if `luma` is not `w * h` bytes.
    pub fn prepare_from_luma(w: usize, h: usize, mut luma: Vec<u8>) -> Self {
        assert_eq!(
            Some(luma.len()),
            w.checked_mul(h),
            "luma is not w * h bytes"
        );
        // Thresholded in place, row by row (what `prepare` does through
        // `ImageBuffer`, without a call per pixel).
        let mut threshold = RowThreshold::new(w);
        for (y, row) in luma.chunks_exact_mut(w.max(1)).enumerate() {
            threshold.apply(row, y);
        }
        let pixels = luma.into_boxed_slice();
        let buffer = BasicImageBuffer { w, h, pixels };
        PreparedImage {
            buffer,
            cache: LruCache::new(NonZeroUsize::new(251).unwrap()),
        }
    }
}

/// quirc's threshold: each pixel against the average of a running mean over
/// `w / 8` pixels taken in both directions along its row (the means carry
/// over from row to row, and every other row is scanned right to left).
///
/// Watchword fork: the same values as upstream's loop in `prepare`, bit for
/// bit, without its three integer divisions per pixel (two by the running
/// window, one in the comparison), which made thresholding about half of
/// rqrr's time on a 1280x720 frame. The window division is a multiplication
/// by a precomputed reciprocal ([`DivBy`]); the comparison is multiplied out.
struct RowThreshold {
    s: usize,
    div: DivBy,
    avg_v: usize,
    avg_u: usize,
    row_average: Vec<usize>,
}

impl RowThreshold {
    fn new(w: usize) -> Self {
        let s = cmp::max(w / 8, 1);
        RowThreshold {
            s,
            div: DivBy::new(s as u64),
            avg_v: 0,
            avg_u: 0,
            row_average: vec![0; w],
        }
    }

    /// Replaces row `y`'s luma with 1 (black) or 0 (white).
    fn apply(&mut self, row: &mut [u8], y: usize) {
        let w = row.len();
        let (s, div) = (self.s, self.div);
        let (mut avg_v, mut avg_u) = (self.avg_v, self.avg_u);
        let row_average = &mut self.row_average[..w];
        row_average.fill(0);
        for x in 0..w {
            let (v, u) = if y % 2 == 0 {
                (w - 1 - x, x)
            } else {
                (x, w - 1 - x)
            };
            avg_v = div.div(avg_v * (s - 1)) + row[v] as usize;
            avg_u = div.div(avg_u * (s - 1)) + row[u] as usize;
            row_average[v] += avg_v;
            row_average[u] += avg_u;
        }
        (self.avg_v, self.avg_u) = (avg_v, avg_u);
        // Upstream: black when `p < row_average * 95 / (200 * s)`. For an
        // integer p that is `p + 1 <= row_average * 95 / (200 * s)` over
        // the reals, i.e. `(p + 1) * 200 * s <= row_average * 95`.
        for (p, &avg) in row.iter_mut().zip(row_average.iter()) {
            let black = (*p as usize + 1) * 200 * s <= avg * 95;
            *p = if black {
                PixelColor::Black.into()
            } else {
                PixelColor::White.into()
            };
        }
    }
}

/// Exact `n / d` for `n, d < 2^32` by one widening multiplication:
/// `m = ceil(2^64 / d)`, `n / d = (n * m) >> 64` (the error `n * (m - 2^64 / d)
/// / 2^64` stays under `1 / d` while `n * d < 2^64`).
#[derive(Clone, Copy)]
struct DivBy {
    d: u64,
    m: u128,
}

impl DivBy {
    fn new(d: u64) -> Self {
        let d = d.max(1);
        let m = (1u128 << 64).div_ceil(u128::from(d));
        DivBy { d, m }
    }

    fn div(&self, n: usize) -> usize {
        let n = n as u64;
        if n >> 32 != 0 || self.d >> 32 != 0 {
            return (n / self.d) as usize;
        }
        ((u128::from(n) * self.m) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream's thresholding loop, as it was, for comparison.
    fn upstream_prepare(pixels: &mut [u8], w: usize, h: usize) {
        let mut row_average = vec![0; w];
        let mut avg_v = 0;
        let mut avg_u = 0;
        let threshold_s = cmp::max(w / 8, 1);
        for y in 0..h {
            row_average.fill(0);
            for x in 0..w {
                let (v, u) = if y % 2 == 0 {
                    (w - 1 - x, x)
                } else {
                    (x, w - 1 - x)
                };
                avg_v = avg_v * (threshold_s - 1) / threshold_s + pixels[y * w + v] as usize;
                avg_u = avg_u * (threshold_s - 1) / threshold_s + pixels[y * w + u] as usize;
                row_average[v] += avg_v;
                row_average[u] += avg_u;
            }
            for x in 0..w {
                let black =
                    (pixels[y * w + x] as usize) < row_average[x] * (100 - 5) / (200 * threshold_s);
                pixels[y * w + x] = if black { 1 } else { 0 };
            }
        }
    }

    #[test]
    fn threshold_matches_upstream_bit_for_bit() {
        // A small xorshift: noise, gradients and flat runs at many widths
        // (window sizes 1 to 500).
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for &(w, h) in &[
            (1, 3),
            (7, 5),
            (8, 4),
            (17, 9),
            (333, 41),
            (1280, 6),
            (4000, 3),
        ] {
            for kind in 0..3 {
                let img: Vec<u8> = (0..w * h)
                    .map(|i| match kind {
                        0 => next() as u8,
                        1 => ((i % w) * 255 / w.max(1)) as u8 ^ (next() as u8 & 7),
                        _ => {
                            if (i / 13) % 3 == 0 {
                                255
                            } else {
                                next() as u8 / 4
                            }
                        }
                    })
                    .collect();
                let mut expected = img.clone();
                upstream_prepare(&mut expected, w, h);
                let fast = PreparedImage::prepare_from_greyscale(w, h, |x, y| img[y * w + x]);
                let generic = PreparedImage::prepare(BasicImageBuffer {
                    w,
                    h,
                    pixels: img.clone().into_boxed_slice(),
                });
                assert_eq!(&*fast.buffer.pixels, &expected[..], "{w}x{h} kind {kind}");
                assert_eq!(
                    &*generic.buffer.pixels,
                    &expected[..],
                    "{w}x{h} kind {kind}"
                );
            }
        }
    }

    #[test]
    fn a_copy_keeps_the_order_regions_are_evicted_in() {
        // Black pixels on every other column of every other row: one
        // region each.
        let (w, h) = (9, 9);
        let mut img = PreparedImage::prepare_from_bitmap(w, h, |x, y| x % 2 == 0 && y % 2 == 0);
        for (x, y) in [(0, 0), (2, 0), (4, 2), (0, 4), (2, 0), (8, 8)] {
            img.get_region((x, y));
        }
        let order = |i: &PreparedImage<BasicImageBuffer>| -> Vec<u8> {
            i.cache.iter().map(|(k, _)| *k).collect()
        };
        assert_eq!(order(&img.clone()), order(&img));
        assert_eq!(order(&img).len(), 5);
    }

    #[test]
    fn div_by_is_exact() {
        for d in [1u64, 2, 3, 7, 159, 160, 240, 499, 1000, 65_537] {
            let div = DivBy::new(d);
            for n in (0..200_000u64).chain([u32::MAX as u64 - 1, u32::MAX as u64, 1 << 40]) {
                assert_eq!(div.div(n as usize) as u64, n / d, "{n} / {d}");
            }
        }
    }

    fn img_from_array(array: [[u8; 3]; 3]) -> PreparedImage<BasicImageBuffer> {
        let mut pixels = Vec::new();
        for col in array.iter() {
            for item in col.iter() {
                if *item == 0 {
                    pixels.push(0)
                } else {
                    pixels.push(1)
                }
            }
        }
        let buffer = BasicImageBuffer {
            w: 3,
            h: 3,
            pixels: pixels.into_boxed_slice(),
        };

        PreparedImage {
            buffer,
            cache: LruCache::new(NonZeroUsize::new(251).unwrap()),
        }
    }

    #[test]
    fn test_flood_fill_full() {
        let mut test_full = img_from_array([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);

        test_full.flood_fill(0, 0, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                assert_eq!(test_full.get_pixel_at(x, y), 2);
            }
        }
    }

    #[test]
    fn test_flood_fill_single() {
        let mut test_single = img_from_array([[1, 0, 1], [0, 1, 0], [1, 0, 1]]);

        test_single.flood_fill(1, 1, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && y == 1 {
                    assert_eq!(test_single.get_pixel_at(x, y), 2);
                } else {
                    let col = if (x + y) % 2 == 0 { 1 } else { 0 };
                    assert_eq!(test_single.get_pixel_at(x, y), col);
                }
            }
        }
    }

    #[test]
    fn test_flood_fill_ring() {
        let mut test_ring = img_from_array([[1, 1, 1], [1, 0, 1], [1, 1, 1]]);

        test_ring.flood_fill(0, 0, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && y == 1 {
                    assert_eq!(test_ring.get_pixel_at(x, y), 0);
                } else {
                    assert_eq!(test_ring.get_pixel_at(x, y), 2);
                }
            }
        }
    }

    #[test]
    fn test_flood_fill_u() {
        let mut test_u = img_from_array([[1, 0, 1], [1, 0, 1], [1, 1, 1]]);

        test_u.flood_fill(0, 0, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && (y == 0 || y == 1) {
                    assert_eq!(test_u.get_pixel_at(x, y), 0);
                } else {
                    assert_eq!(test_u.get_pixel_at(x, y), 2);
                }
            }
        }
    }

    #[test]
    fn test_flood_fill_empty() {
        let mut test_empty = img_from_array([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);

        test_empty.flood_fill(1, 1, 1, 2, &mut |_| ());

        for x in 0..3 {
            for y in 0..3 {
                assert_eq!(test_empty.get_pixel_at(x, y), 0)
            }
        }
    }

    #[test]
    fn test_get_region() {
        let mut test_u = img_from_array([[1, 0, 1], [1, 0, 1], [1, 1, 1]]);

        let reg = test_u.get_region((0, 0));
        let (color, src_x, src_y, pixel_count) = match reg {
            ColoredRegion::Unclaimed {
                color,
                src_x,
                src_y,
                pixel_count,
            } => (color, src_x, src_y, pixel_count),
            x => panic!("Expected Region::Unclaimed, got {:?}", x),
        };
        assert_eq!(0, src_x);
        assert_eq!(0, src_y);
        assert_eq!(7, pixel_count);
        for x in 0..3 {
            for y in 0..3 {
                if x == 1 && (y == 0 || y == 1) {
                    assert_eq!(PixelColor::White, test_u.get_pixel_at(x, y));
                } else {
                    assert_eq!(color, test_u.get_pixel_at(x, y));
                }
            }
        }
    }
}
