//! The decoding chain: cheap strategies first, costlier ones only for frames
//! the cheap ones could not read. Each [`Strategy`] is one engine on one
//! variant of the frame; the chain stops at the first strategy that decodes
//! something (every code it saw comes back), so a clear frame costs one pass.

use super::{QrPayload, engine_rqrr, engine_rxing, frame::LumaFrame, preprocess};

/// One way to look at a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// rxing (zxing-cpp's QR reader) on the frame as is, quick scan.
    Rxing,
    /// rxing scanning every row for finder patterns (small codes).
    RxingHarder,
    /// rxing on the inverted frame (light-on-dark codes).
    RxingInverted,
    /// rxing, then (if nothing was found) the same binarised frame inverted.
    RxingBothPolarities,
    /// rxing on a 2x box-downscaled frame (moire, noise, big modules).
    RxingDownscaled,
    /// rxing on a 2x upscaled frame (modules under two pixels).
    RxingUpscaled,
    /// rxing after a contrast stretch (low light, faded ink).
    RxingStretched,
    /// rxing on a local-mean threshold (glare, strong gradients).
    RxingLocalMean,
    /// rqrr (our fork) with its own thresholding.
    Rqrr,
    /// rqrr on the inverted frame.
    RqrrInverted,
    /// rqrr on a 2x box-downscaled frame.
    RqrrDownscaled,
    /// rqrr on a local-mean threshold (glare, gradients).
    RqrrLocalMean,
}

impl Strategy {
    /// Every strategy, for experiments.
    pub const ALL: [Strategy; 12] = [
        Strategy::Rxing,
        Strategy::RxingBothPolarities,
        Strategy::RxingHarder,
        Strategy::RxingInverted,
        Strategy::RxingDownscaled,
        Strategy::RxingUpscaled,
        Strategy::RxingStretched,
        Strategy::RxingLocalMean,
        Strategy::Rqrr,
        Strategy::RqrrInverted,
        Strategy::RqrrDownscaled,
        Strategy::RqrrLocalMean,
    ];

    /// A short stable name (for benchmarks and logs).
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Rxing => "rxing",
            Strategy::RxingHarder => "rxing_harder",
            Strategy::RxingInverted => "rxing_inverted",
            Strategy::RxingBothPolarities => "rxing_both",
            Strategy::RxingDownscaled => "rxing_down",
            Strategy::RxingUpscaled => "rxing_up",
            Strategy::RxingStretched => "rxing_stretch",
            Strategy::RxingLocalMean => "rxing_localmean",
            Strategy::Rqrr => "rqrr",
            Strategy::RqrrInverted => "rqrr_inverted",
            Strategy::RqrrDownscaled => "rqrr_down",
            Strategy::RqrrLocalMean => "rqrr_localmean",
        }
    }

    /// The strategy called `name`.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Runs this strategy on a packed luma buffer.
    pub(crate) fn run(self, luma: &[u8], w: usize, h: usize) -> Vec<QrPayload> {
        match self {
            Strategy::Rxing => engine_rxing::decode(luma, w, h, false, false),
            Strategy::RxingHarder => engine_rxing::decode(luma, w, h, true, false),
            Strategy::RxingInverted => {
                engine_rxing::decode(&preprocess::invert(luma), w, h, false, false)
            }
            Strategy::RxingBothPolarities => engine_rxing::decode(luma, w, h, false, true),
            Strategy::RxingDownscaled => {
                let (d, dw, dh) = preprocess::downscale(luma, w, h, 2);
                engine_rxing::decode(&d, dw, dh, true, false)
            }
            Strategy::RxingUpscaled => {
                let (u, uw, uh) = preprocess::upscale2(luma, w, h);
                engine_rxing::decode(&u, uw, uh, false, false)
            }
            Strategy::RxingStretched => {
                engine_rxing::decode(&preprocess::stretch_contrast(luma), w, h, true, false)
            }
            Strategy::RxingLocalMean => {
                let bits = preprocess::threshold_local_mean(luma, w, h, local_window(w, h));
                engine_rxing::decode(&bits, w, h, true, false)
            }
            Strategy::Rqrr => engine_rqrr::decode(luma, w, h).payloads,
            Strategy::RqrrInverted => engine_rqrr::decode(&preprocess::invert(luma), w, h).payloads,
            Strategy::RqrrDownscaled => {
                let (d, dw, dh) = preprocess::downscale(luma, w, h, 2);
                engine_rqrr::decode(&d, dw, dh).payloads
            }
            Strategy::RqrrLocalMean => {
                let bits = preprocess::threshold_local_mean(luma, w, h, local_window(w, h));
                engine_rqrr::decode_binary(&bits, w, h).payloads
            }
        }
    }
}

/// The default chain, ordered by (success gained / time spent) on the
/// benchmark set (`qr-decode --each` measures every strategy alone). A frame
/// pays only for the strategies before the first one that reads it.
pub const DEFAULT_CHAIN: &[Strategy] = &[
    // Reads ~86% of the set, dark-mode screens included, in about 1.2 ms
    // for a 1280x720 frame.
    Strategy::RxingBothPolarities,
    // Low light, faded ink and small codes (every row scanned).
    Strategy::RxingStretched,
    // Dark-mode codes the flipped matrix missed: a fresh binarisation of
    // the inverted frame thresholds edges slightly differently.
    Strategy::RxingInverted,
    // Glare and dark clutter next to the code (a larger window than
    // rxing's 40 px blocks).
    Strategy::RxingLocalMean,
    // Screen moire averaged away.
    Strategy::RxingDownscaled,
    // quirc's detector: strongly blurred or cropped codes ZXing's finder
    // scan misses.
    Strategy::Rqrr,
];

/// Runs `chain` over `frame` until a strategy decodes something.
pub fn decode_with(frame: &LumaFrame<'_>, chain: &[Strategy]) -> Vec<QrPayload> {
    let luma = frame.to_packed();
    let (w, h) = (frame.width(), frame.height());
    for strategy in chain {
        // Both engines are third-party pixel code; a panic on some odd
        // frame must not cross into the app (or the FFI). Treat it as
        // "this strategy found nothing" and go on.
        let found = std::panic::catch_unwind(|| strategy.run(&luma, w, h)).unwrap_or_default();
        if !found.is_empty() {
            return dedupe(found);
        }
    }
    Vec::new()
}

/// The local-mean window: about 1/20 of the larger side, so it spans
/// several modules of any code that fills 8-30% of the frame.
fn local_window(w: usize, h: usize) -> usize {
    (w.max(h) / 20).max(15)
}

/// The same code seen twice (two finder triples, two passes) is one payload.
fn dedupe(found: Vec<QrPayload>) -> Vec<QrPayload> {
    let mut out: Vec<QrPayload> = Vec::with_capacity(found.len());
    for p in found {
        if !out.iter().any(|q| q.bytes == p.bytes) {
            out.push(p);
        }
    }
    out
}
