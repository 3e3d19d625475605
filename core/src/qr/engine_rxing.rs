//! The rxing engine: rxing's port of zxing-cpp's QR reader, on ZXing's
//! hybrid (local block) binarisation (our faster equivalent, see
//! `binarizer.rs`). It samples large symbols through all their alignment
//! patterns, which makes it strong on dense and moire codes.
//!
//! We drive the reader's steps ourselves (finder search, finder triples,
//! sampling, decoding: what `QrReader::decode_multiple` does for QR codes)
//! so that a pass also says how many finder patterns it saw: the pipeline
//! uses that to give up early on frames that hold none. The finder search
//! is rxing's with a faster row scan (`third_party/rxing_finder`).

use rxing::{
    BarcodeFormat, RXingResult, RXingResultMetadataType, RXingResultMetadataValue,
    common::{BitMatrix, DetectorRXingResult},
    qrcode::cpp_port::{
        decoder::Decode,
        detector::{GenerateFinderPatternSets, SampleQR},
    },
};

use rxing_finder::find_finder_patterns;

use super::{QrPayload, binarizer::black_matrix};

/// What one rxing pass found.
#[derive(Debug, Default)]
pub(crate) struct RxingOutcome {
    /// Decoded codes.
    pub payloads: Vec<QrPayload>,
    /// Finder patterns (1:1:3:1:1 squares confirmed across and down) the
    /// searches saw, both polarities counted when both were searched.
    pub finders: usize,
}

/// Every QR code rxing finds in a packed `width` x `height` luma buffer.
/// With `also_inverted`, a frame with no dark-on-light code is tried again
/// as light-on-dark by flipping the binarised matrix (no second
/// binarisation, so the dark-mode pass costs only the finder search).
pub(crate) fn decode(
    luma: &[u8],
    width: usize,
    height: usize,
    try_harder: bool,
    also_inverted: bool,
) -> RxingOutcome {
    // ZXing's hybrid binariser, bit for bit, three times faster than
    // rxing's own (see binarizer.rs). None under 40 pixels a side.
    match black_matrix(luma, width, height) {
        Some(matrix) => decode_matrix(matrix, try_harder, also_inverted),
        None => RxingOutcome::default(),
    }
}

/// [`decode`] on a frame already binarised.
pub(crate) fn decode_matrix(
    mut matrix: BitMatrix,
    try_harder: bool,
    also_inverted: bool,
) -> RxingOutcome {
    let mut outcome = read(&matrix, try_harder);
    if outcome.payloads.is_empty() && also_inverted {
        matrix.flip_self();
        let inverted = read(&matrix, try_harder);
        outcome = RxingOutcome {
            payloads: inverted.payloads,
            finders: outcome.finders + inverted.finders,
        };
    }
    outcome
}

/// zxing-cpp's QR reading over one binarised frame: every finder pattern,
/// the plausible triples (most plausible first), each sampled and decoded;
/// a triple that decoded uses up its three patterns.
fn read(matrix: &BitMatrix, try_harder: bool) -> RxingOutcome {
    let mut patterns = find_finder_patterns(matrix, try_harder, 0);
    let finders = patterns.len();
    let mut used = Vec::new();
    let mut payloads = Vec::new();
    if finders >= 3 {
        for set in GenerateFinderPatternSets(&mut patterns) {
            if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
                continue;
            }
            let Ok(sampled) = SampleQR(matrix, &set) else {
                continue;
            };
            let Ok(decoded) = Decode(sampled.getBits()) else {
                continue;
            };
            if decoded.isValid() {
                used.extend([set.bl, set.tl, set.tr]);
                let result = RXingResult::with_decoder_result(
                    decoded,
                    sampled.getPoints(),
                    BarcodeFormat::QR_CODE,
                );
                payloads.push(payload(&result));
            }
        }
    }
    RxingOutcome { payloads, finders }
}

/// Byte segments keep the exact bytes; otherwise the text is all there is
/// (numeric, alphanumeric, kanji modes).
fn payload(r: &RXingResult) -> QrPayload {
    let segments = match r
        .getRXingResultMetadata()
        .get(&RXingResultMetadataType::BYTE_SEGMENTS)
    {
        Some(RXingResultMetadataValue::ByteSegments(s)) => Some(s.concat()),
        _ => None,
    };
    match segments {
        Some(bytes) if String::from_utf8_lossy(&bytes) == r.getText() => QrPayload {
            text: r.getText().to_owned(),
            bytes,
        },
        _ => QrPayload::from_text(r.getText().to_owned()),
    }
}

/// Finder patterns the search sees in `luma`'s hybrid binarisation, dark
/// on light plus light on dark, scanning every third row when `try_harder`
/// (the pipeline's evidence probe and the benchmark's `--trace`).
pub(crate) fn count_finders(luma: &[u8], width: usize, height: usize, try_harder: bool) -> usize {
    let Some(mut matrix) = black_matrix(luma, width, height) else {
        return 0;
    };
    let dark = find_finder_patterns(&matrix, try_harder, 0).len();
    matrix.flip_self();
    dark + find_finder_patterns(&matrix, try_harder, 0).len()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rxing::{
        BinaryBitmap, DecodeHints, Luma8LuminanceSource, common::HybridBinarizer,
        multi::MultipleBarcodeReader, qrcode::cpp_port::QrReader,
    };
    use watchword_testkit::Scene;

    use super::*;

    /// Driving the reader's steps ourselves reads what rxing's own
    /// `QrReader` reads (same texts, same bytes, same order), on one code,
    /// two codes, a dense code and no code; each code read brings its
    /// three finder patterns.
    #[test]
    fn reads_what_rxings_reader_reads() {
        let dense = "otpauth://totp/Example%20Corporation:alice.longname@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example%20Corporation&algorithm=SHA512&digits=8&period=60";
        let a = "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP";
        let b = "otpauth://totp/B:bob?secret=JBSWY3DPEHPK3PXQ";
        for (name, scene, codes) in [
            ("one", Scene::new(1280, 720).code(a, 400, 150, 6), 1),
            (
                "two",
                Scene::new(1920, 1080)
                    .code(a, 100, 100, 5)
                    .code(b, 1100, 400, 5),
                2,
            ),
            ("dense", Scene::new(1280, 720).code(dense, 300, 100, 3), 1),
            ("none", Scene::new(1280, 720).noise(20).seed(3), 0),
        ] {
            let frame = scene.render();
            let (w, h) = (frame.width as usize, frame.height as usize);
            let luma = frame.packed();
            let ours = decode(&luma, w, h, false, false);
            let source = Luma8LuminanceSource::new(luma.clone(), w as u32, h as u32).unwrap();
            let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
            let hints = DecodeHints {
                PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
                ..DecodeHints::default()
            };
            let theirs: Vec<QrPayload> = QrReader
                .decode_multiple_with_hints(&mut bitmap, &hints)
                .unwrap_or_default()
                .iter()
                .map(payload)
                .collect();
            assert_eq!(ours.payloads, theirs, "{name}");
            if name != "dense" {
                assert_eq!(ours.payloads.len(), codes, "{name}");
            }
            let read = ours.payloads.len();
            assert!(ours.finders >= 3 * read, "{name}: {} finders", ours.finders);
            assert!(count_finders(&luma, w, h, true) >= 3 * read, "{name}");
        }
    }

    /// A light-on-dark code is read by the flipped pass only, and the
    /// finders of both searches are counted.
    #[test]
    fn the_inverted_pass_reads_dark_mode_codes() {
        let frame = Scene::new(800, 600)
            .code(
                "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP",
                250,
                150,
                6,
            )
            .render();
        let luma: Vec<u8> = frame.packed().iter().map(|&v| 255 - v).collect();
        assert!(decode(&luma, 800, 600, false, false).payloads.is_empty());
        let both = decode(&luma, 800, 600, false, true);
        assert_eq!(both.payloads.len(), 1);
        assert!(both.finders >= 3);
    }

    #[test]
    fn tiny_frames_give_nothing() {
        assert_eq!(decode(&[0; 30 * 30], 30, 30, true, true).finders, 0);
        assert_eq!(count_finders(&[0; 30 * 30], 30, 30, true), 0);
    }
}
