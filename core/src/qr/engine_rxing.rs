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
        detector::{FinderPatternSet, GenerateFinderPatternSets, SampleQR},
    },
};

use rxing_finder::find_finder_patterns;

use super::{QrPayload, binarizer::black_matrix, lost_finder};

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
/// a triple that decoded uses up its three patterns. When two or more
/// patterns make no plausible triple, a code's third pattern may be the
/// one lost (glare, no quiet zone): the guessed triples of [`lost_finder`]
/// are tried, until one decodes. (Guessing also after triples that read
/// nothing, as a stray pattern can make one, read no more frames of the
/// tuning sets and cost decoy frames more: not done.)
fn read(matrix: &BitMatrix, try_harder: bool) -> RxingOutcome {
    let mut patterns = find_finder_patterns(matrix, try_harder, 0);
    let finders = patterns.len();
    let sets = if finders >= 3 {
        // Sorts the patterns by size (largest first); they are not changed
        // otherwise.
        GenerateFinderPatternSets(&mut patterns)
    } else {
        Vec::new()
    };
    let no_triple = sets.is_empty();
    let mut payloads = Vec::new();
    let mut used = Vec::new();
    for set in sets {
        if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
            continue;
        }
        if let Some(p) = sample_and_decode(matrix, &set) {
            used.extend([set.bl, set.tl, set.tr]);
            payloads.push(p);
        }
    }
    if no_triple && finders >= 2 {
        payloads.extend(lost_finder::read_with_a_guessed_finder(
            matrix,
            &patterns,
            sample_and_decode,
        ));
    }
    RxingOutcome { payloads, finders }
}

/// The code a finder-pattern triple frames, if it samples and decodes.
fn sample_and_decode(matrix: &BitMatrix, set: &FinderPatternSet) -> Option<QrPayload> {
    let sampled = SampleQR(matrix, set).ok()?;
    let decoded = Decode(sampled.getBits()).ok()?;
    decoded.isValid().then(|| {
        payload(&RXingResult::with_decoder_result(
            decoded,
            sampled.getPoints(),
            BarcodeFormat::QR_CODE,
        ))
    })
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
    use watchword_testkit::{QUIET_MODULES, Scene, code_modules};

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
            let theirs = rxings_reader(&luma, w, h);
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

    /// rxing's own reader on a packed frame (hybrid binariser, QR only).
    fn rxings_reader(luma: &[u8], w: usize, h: usize) -> Vec<QrPayload> {
        let source = Luma8LuminanceSource::new(luma.to_vec(), w as u32, h as u32).unwrap();
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let hints = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            ..DecodeHints::default()
        };
        QrReader
            .decode_multiple_with_hints(&mut bitmap, &hints)
            .unwrap_or_default()
            .iter()
            .map(payload)
            .collect()
    }

    /// A code with one finder pattern (and its separator) painted over with
    /// paper, as glare or a dark surround with no quiet zone hides it: the
    /// other two and the code's data are intact. rxing's reader needs all
    /// three; the guessed third reads the code, whichever corner is lost.
    #[test]
    fn a_code_with_a_lost_finder_pattern_is_read() {
        let link = "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP";
        let (x, y, m) = (400usize, 150usize, 6usize);
        let frame = Scene::new(1280, 720)
            .code(link, x as u32, y as u32, m as u32)
            .render();
        let (w, h) = (frame.width as usize, frame.height as usize);
        let modules = code_modules(link);
        let (x0, y0) = (x + QUIET_MODULES * m, y + QUIET_MODULES * m);
        for (corner, (cx, cy)) in [
            ("top-right", (modules - 8, 0)),
            ("bottom-left", (0, modules - 8)),
            ("top-left", (0, 0)),
        ] {
            let mut luma = frame.packed();
            let paper = luma[(y + m) * w + x + m];
            for py in y0 + cy * m..y0 + (cy + 8) * m {
                luma[py * w + x0 + cx * m..][..8 * m].fill(paper);
            }
            assert!(rxings_reader(&luma, w, h).is_empty(), "{corner}");
            let ours = decode(&luma, w, h, false, false);
            assert_eq!(
                ours.payloads,
                vec![QrPayload::from_text(link.to_owned())],
                "{corner}"
            );
            assert_eq!(ours.finders, 2, "{corner}");
        }
    }

    #[test]
    fn tiny_frames_give_nothing() {
        assert_eq!(decode(&[0; 30 * 30], 30, 30, true, true).finders, 0);
        assert_eq!(count_finders(&[0; 30 * 30], 30, 30, true), 0);
    }
}
