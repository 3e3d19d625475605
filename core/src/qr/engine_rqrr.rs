//! The rqrr engine (our fork in `third_party/rqrr`): quirc's capstone search
//! and flood-fill detector, which finds codes ZXing's scanline search misses
//! (strong tilt, low contrast after our own binarisation).

use super::QrPayload;

/// What one rqrr pass found.
#[derive(Debug, Default)]
pub(crate) struct RqrrOutcome {
    /// Decoded codes.
    pub payloads: Vec<QrPayload>,
    /// Grids that were detected but did not decode: a sign that another
    /// strategy may still read them.
    pub failed_grids: usize,
}

/// Runs rqrr's own thresholding and detection over a packed luma buffer.
pub(crate) fn decode(luma: &[u8], width: usize, height: usize) -> RqrrOutcome {
    let Some(luma) = luma.get(..width * height) else {
        return RqrrOutcome::default();
    };
    let mut img = rqrr::PreparedImage::prepare_from_luma(width, height, luma.to_vec());
    collect(&mut img)
}

/// Runs rqrr's detection over an already binary buffer (0 = dark).
pub(crate) fn decode_binary(bits: &[u8], width: usize, height: usize) -> RqrrOutcome {
    let mut img =
        rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| bits[y * width + x] == 0);
    collect(&mut img)
}

fn collect<S: rqrr::ImageBuffer + Clone>(img: &mut rqrr::PreparedImage<S>) -> RqrrOutcome {
    let mut out = RqrrOutcome::default();
    for grid in img.detect_grids() {
        let mut bytes = Vec::new();
        match grid.decode_to(&mut bytes) {
            Ok(_) => out.payloads.push(QrPayload::from_bytes(bytes)),
            Err(_) => out.failed_grids += 1,
        }
    }
    out
}
