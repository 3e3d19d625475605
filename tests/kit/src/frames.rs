//! Camera-like QR frames made on the spot, so QR tests need no fixture.
//!
//! A [`Scene`] places one or more QR codes (rendered by the `qrcode`
//! crate) on a printed page under uneven light, with sensor noise, a
//! slightly soft focus, and a row stride with padding bytes as a phone
//! camera hands over its Y plane. The same scene and seed always give the
//! same bytes. This is not a benchmark set (that is the third-party
//! `shared/qr`, measured by `bench/qr`): it is what behaviour tests need,
//! a frame that decodes to a known text, one that holds no code, and the
//! same frame as PNG, JPEG or a gzipped raw plane.

use std::io::Write;

use image::{GrayImage, ImageFormat, codecs::jpeg::JpegEncoder};
use qrcode::{Color, QrCode};

/// A luma (Y) plane as a camera gives it: `height` rows of `stride` bytes,
/// of which the first `width` are pixels.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    /// `stride * height` bytes; the bytes past `width` in a row are padding.
    pub luma: Vec<u8>,
    /// Pixels in a row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// Bytes from one row to the next (at least `width`).
    pub stride: u32,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Frame {}x{} stride {}",
            self.width, self.height, self.stride
        )
    }
}

/// One QR code on the page.
#[derive(Debug, Clone)]
struct Placed {
    text: String,
    x: u32,
    y: u32,
    module_px: u32,
}

/// Modules of quiet zone the scene draws around each code: the code's first
/// module is this many modules right of and below the point it was placed at.
pub const QUIET_MODULES: usize = 4;

/// The width in modules (quiet zone excluded) of the code the scene draws
/// for `text`, for tests that doctor part of it (a finder pattern, glare).
///
/// # Panics
/// When `text` does not fit in a QR code (a test's own mistake).
pub fn code_modules(text: &str) -> usize {
    encode(text).width()
}

/// The code the scene draws for `text` (the qrcode crate's defaults).
fn encode(text: &str) -> QrCode {
    match QrCode::new(text.as_bytes()) {
        Ok(code) => code,
        Err(e) => panic!("test frame: cannot encode {text:?}: {e}"),
    }
}

/// What the camera looks at: build it, then [`Scene::render`] it.
#[derive(Debug, Clone)]
pub struct Scene {
    width: u32,
    height: u32,
    stride: u32,
    codes: Vec<Placed>,
    noise: u8,
    soft: bool,
    seed: u64,
}

impl Scene {
    /// An empty page (no code) of `width` x `height`, stride = width, mild
    /// noise, soft focus.
    pub fn new(width: u32, height: u32) -> Self {
        Scene {
            width,
            height,
            stride: width,
            codes: Vec::new(),
            noise: 6,
            soft: true,
            seed: 1,
        }
    }

    /// A row stride larger than the width (padding bytes hold noise, as a
    /// real camera buffer holds whatever was there).
    pub fn stride(mut self, stride: u32) -> Self {
        self.stride = stride.max(self.width);
        self
    }

    /// Places a QR code holding `text` with its top-left module at
    /// (`x`, `y`), each module `module_px` pixels wide, with its quiet zone.
    pub fn code(mut self, text: &str, x: u32, y: u32, module_px: u32) -> Self {
        self.codes.push(Placed {
            text: text.to_owned(),
            x,
            y,
            module_px: module_px.max(1),
        });
        self
    }

    /// Sensor noise: each pixel moves by up to `amplitude` either way.
    pub fn noise(mut self, amplitude: u8) -> Self {
        self.noise = amplitude;
        self
    }

    /// Sharp instead of softly focused.
    pub fn sharp(mut self) -> Self {
        self.soft = false;
        self
    }

    /// Another noise pattern.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed.max(1);
        self
    }

    /// The frame the camera hands over.
    ///
    /// # Panics
    /// When a code's text does not fit in a QR code (a test's own mistake).
    pub fn render(&self) -> Frame {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut rng = XorShift(self.seed);
        // The page under light falling in from the left and the top, so
        // no single threshold separates ink from paper everywhere.
        let light = |x: usize, y: usize| {
            0.62 + 0.3 * (x as f32 / w.max(1) as f32) + 0.08 * (1.0 - y as f32 / h.max(1) as f32)
        };
        let mut page: Vec<f32> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                // A desk with some texture around the printed codes.
                let texture = 18.0 * ((x as f32 / 37.0).sin() * (y as f32 / 23.0).cos());
                (150.0 + texture) * light(x, y)
            })
            .collect();
        for placed in &self.codes {
            let code = encode(&placed.text);
            let modules = code.width();
            let colors = code.to_colors();
            let quiet = QUIET_MODULES;
            let side = (modules + 2 * quiet) * placed.module_px as usize;
            for py in 0..side {
                for px in 0..side {
                    let (x, y) = (placed.x as usize + px, placed.y as usize + py);
                    if x >= w || y >= h {
                        continue;
                    }
                    let (mx, my) = (
                        (px / placed.module_px as usize).checked_sub(quiet),
                        (py / placed.module_px as usize).checked_sub(quiet),
                    );
                    let dark = match (mx, my) {
                        (Some(mx), Some(my)) if mx < modules && my < modules => {
                            colors[my * modules + mx] == Color::Dark
                        }
                        _ => false,
                    };
                    page[y * w + x] = if dark { 40.0 } else { 225.0 } * light(x, y);
                }
            }
        }
        if self.soft {
            page = box_blur(&page, w, h);
        }
        let stride = self.stride as usize;
        let mut luma = vec![0u8; stride * h];
        for y in 0..h {
            for x in 0..stride {
                luma[y * stride + x] = if x < w {
                    let n = rng.symmetric(self.noise);
                    (page[y * w + x] + n).clamp(0.0, 255.0) as u8
                } else {
                    rng.byte()
                };
            }
        }
        Frame {
            luma,
            width: self.width,
            height: self.height,
            stride: self.stride,
        }
    }
}

impl Frame {
    /// The pixels without row padding (stride = width).
    pub fn packed(&self) -> Vec<u8> {
        let (w, s) = (self.width as usize, self.stride as usize);
        self.luma
            .chunks(s)
            .flat_map(|row| row[..w].iter().copied())
            .collect()
    }

    fn image(&self) -> GrayImage {
        match GrayImage::from_raw(self.width, self.height, self.packed()) {
            Some(img) => img,
            None => panic!("test frame: {self:?} has the wrong size"),
        }
    }

    /// The frame as a PNG file's bytes (a screenshot).
    pub fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Err(e) = self
            .image()
            .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        {
            panic!("test frame: PNG: {e}");
        }
        out
    }

    /// The frame as a JPEG file's bytes at `quality` (a photo).
    pub fn jpeg(&self, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        if let Err(e) = JpegEncoder::new_with_quality(&mut out, quality).encode_image(&self.image())
        {
            panic!("test frame: JPEG: {e}");
        }
        out
    }

    /// The raw plane, stride and padding included, gzipped (what
    /// `watchword scan --raw frame.y.gz` reads).
    pub fn gzip(&self) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        match gz.write_all(&self.luma).and_then(|()| gz.finish()) {
            Ok(bytes) => bytes,
            Err(e) => panic!("test frame: gzip: {e}"),
        }
    }
}

/// A 3x3 mean: the soft focus of a phone camera close to a screen.
fn box_blur(src: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mut out = vec![0.0; src.len()];
    for y in 0..h {
        for x in 0..w {
            let (mut sum, mut n) = (0.0, 0.0);
            for yy in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for xx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    sum += src[yy * w + xx];
                    n += 1.0;
                }
            }
            out[y * w + x] = sum / n;
        }
    }
    out
}

/// A small deterministic generator (xorshift64): the same seed, the same
/// frame, with no dependency for it.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn byte(&mut self) -> u8 {
        (self.next() >> 56) as u8
    }

    fn symmetric(&mut self, amplitude: u8) -> f32 {
        if amplitude == 0 {
            return 0.0;
        }
        let span = 2 * u64::from(amplitude) + 1;
        (self.next() % span) as f32 - f32::from(amplitude)
    }
}
