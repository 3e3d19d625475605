//! The decoding chain: cheap strategies first, costlier ones only for frames
//! the cheap ones could not read. Each [`Strategy`] is one engine on one
//! variant of the frame; the chain stops at the first strategy that decodes
//! something (every code it saw comes back), so a clear frame costs one pass.

use std::time::{Duration, Instant};

use super::{
    QrPayload, binarizer, engine_rqrr, engine_rxing, frame::LumaFrame, pad, preprocess, sharpen,
};

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
    /// rxing on an unsharp-masked frame (defocus, screen moire).
    RxingSharpened,
    /// rxing on the frame inside a light border (a code against the
    /// frame's edge, its quiet zone outside the picture).
    RxingPadded,
}

impl Strategy {
    /// Every strategy, for experiments.
    pub const ALL: [Strategy; 14] = [
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
        Strategy::RxingSharpened,
        Strategy::RxingPadded,
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
            Strategy::RxingSharpened => "rxing_sharp",
            Strategy::RxingPadded => "rxing_pad",
        }
    }

    /// The strategy called `name`.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Runs this strategy on a packed luma buffer.
    pub(crate) fn run(self, luma: &[u8], w: usize, h: usize) -> Pass {
        let rxing = |o: engine_rxing::RxingOutcome| Pass {
            payloads: o.payloads,
            finders: Some(o.finders),
        };
        let rqrr = |o: engine_rqrr::RqrrOutcome| Pass {
            payloads: o.payloads,
            finders: None,
        };
        match self {
            Strategy::Rxing => rxing(engine_rxing::decode(luma, w, h, false, false)),
            Strategy::RxingHarder => rxing(engine_rxing::decode(luma, w, h, true, false)),
            Strategy::RxingInverted => rxing(engine_rxing::decode(
                &preprocess::invert(luma),
                w,
                h,
                false,
                false,
            )),
            Strategy::RxingBothPolarities => rxing(engine_rxing::decode(luma, w, h, false, true)),
            Strategy::RxingDownscaled => {
                let (d, dw, dh) = preprocess::downscale(luma, w, h, 2);
                rxing(engine_rxing::decode(&d, dw, dh, true, false))
            }
            Strategy::RxingUpscaled => {
                let (u, uw, uh) = preprocess::upscale2(luma, w, h);
                rxing(engine_rxing::decode(&u, uw, uh, false, false))
            }
            Strategy::RxingStretched => rxing(engine_rxing::decode(
                &preprocess::stretch_contrast(luma),
                w,
                h,
                true,
                false,
            )),
            Strategy::RxingLocalMean => rxing(
                binarizer::local_mean_matrix(luma, w, h, local_window(w, h), LOCAL_MEAN_PERCENT)
                    .map(|m| engine_rxing::decode_matrix(m, true, false))
                    .unwrap_or_default(),
            ),
            Strategy::Rqrr => rqrr(engine_rqrr::decode(luma, w, h)),
            Strategy::RqrrInverted => rqrr(engine_rqrr::decode(&preprocess::invert(luma), w, h)),
            Strategy::RqrrDownscaled => {
                let (d, dw, dh) = preprocess::downscale(luma, w, h, 2);
                rqrr(engine_rqrr::decode(&d, dw, dh))
            }
            Strategy::RqrrLocalMean => {
                let bits = preprocess::threshold_local_mean(
                    luma,
                    w,
                    h,
                    local_window(w, h),
                    LOCAL_MEAN_PERCENT,
                );
                rqrr(engine_rqrr::decode_binary(&bits, w, h))
            }
            Strategy::RxingSharpened => {
                let sharp = sharpen::unsharp_box(luma, w, h, sharpen_radius(w, h), SHARPEN_X2);
                rxing(engine_rxing::decode(&sharp, w, h, false, false))
            }
            Strategy::RxingPadded => {
                let (p, pw, ph) = pad::pad_light(luma, w, h, PAD_PX);
                rxing(engine_rxing::decode(&p, pw, ph, true, false))
            }
        }
    }
}

/// What one strategy saw in a frame.
#[derive(Debug, Default)]
pub(crate) struct Pass {
    /// Codes it decoded.
    pub payloads: Vec<QrPayload>,
    /// Finder patterns its search saw (rxing strategies; rqrr does not say).
    pub finders: Option<usize>,
}

/// The default chain: the first pass, the contrast stretch (second for
/// early rejection's sake, see [`Limits`]), then the fallbacks by frames
/// read alone per millisecond on the tuning sets (`qr-decode --each` and
/// `--trace`; seeds 2211 and 3211). A frame pays only for the strategies
/// before the first one that reads it. Times are medians for a 1280x720
/// frame.
pub const DEFAULT_CHAIN: &[Strategy] = &[
    // Reads ~86% of the set, dark-mode screens included, in about 0.7 ms.
    Strategy::RxingBothPolarities,
    // Low light, faded ink and small codes (every row scanned). 1.6 ms.
    Strategy::RxingStretched,
    // Screen moire averaged away. 0.5 ms.
    Strategy::RxingDownscaled,
    // Dark-mode codes the flipped matrix missed: a fresh binarisation of
    // the inverted frame thresholds edges slightly differently. 0.5 ms.
    Strategy::RxingInverted,
    // Defocus (and some moire): modules blurred into their neighbours,
    // edges restored. 2.1 ms.
    Strategy::RxingSharpened,
    // A code against the frame's edge: the light ring its finder patterns
    // and the binariser need, added around the frame. 0.9 ms.
    Strategy::RxingPadded,
    // Glare and dark clutter next to the code (a larger window than
    // rxing's 40 px blocks). 1.9 ms.
    Strategy::RxingLocalMean,
    // Not rqrr (quirc's detector), though it was last here until
    // 2026-12-07: about 8 ms a frame, as much as all the passes above
    // together, and on the 1,200 tuning frames it read 4 that nothing
    // above reads (strong perspective). Every frame that runs the whole
    // chain (codes nothing reads, decoys: over 5% of frames) paid for it,
    // which put the p95 past 3x zxing-cpp's (bench/RESULTS.md).
    // `Strategy::Rqrr` stays for experiments.
];

/// When the chain gives up on a frame before trying every strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Early rejection: when the chain's first strategy decoded nothing and
    /// its finder search saw fewer than this many finder patterns (both
    /// polarities together), the frame clearly holds no code and the
    /// fallbacks are not run; in a dim frame (contrast spread under
    /// [`DIM_RANGE`]) the first two strategies' finders count. 0 turns it
    /// off.
    pub min_finders: usize,
    /// No further strategy is started once this much time has gone since
    /// the decode began (a running one is not cut). `None`: no budget.
    pub budget: Option<Duration>,
}

impl Limits {
    /// Every strategy of the chain until one reads the frame (experiments).
    pub const NONE: Limits = Limits {
        min_finders: 0,
        budget: None,
    };

    /// [`crate::qr::decode_luma`] and image files: early rejection, no time
    /// budget (a file has no next frame to wait for).
    pub const DEFAULT: Limits = Limits {
        min_finders: MIN_FINDERS,
        budget: None,
    };

    /// A live camera ([`crate::qr::ScannerSession`]): early rejection, and
    /// no fallback started after [`LIVE_BUDGET`], so a hard frame does not
    /// hold up the next one for long (a camera sends one every 33 ms).
    pub const LIVE: Limits = Limits {
        min_finders: MIN_FINDERS,
        budget: Some(LIVE_BUDGET),
    };
}

/// The early-rejection threshold of [`Limits::DEFAULT`]: the fewest finder
/// patterns the first pass must see for the fallbacks to run. Chosen on the
/// tuning set (bench/qr: `gen_sets.py`, seed named in bench/RESULTS.md),
/// checked on the untuned ones.
pub const MIN_FINDERS: usize = 1;

/// A frame whose 1st..99th percentile spread is under this many grey levels
/// is dim: early rejection waits for the second pass (see [`Limits`]).
pub const DIM_RANGE: u8 = 100;

/// The time budget of [`Limits::LIVE`].
pub const LIVE_BUDGET: Duration = Duration::from_millis(30);

/// One strategy as it ran on a frame (for benchmarks: `qr-decode --trace`).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The strategy.
    pub strategy: Strategy,
    /// Time it took, in milliseconds.
    pub ms: f64,
    /// Finder patterns its search saw (`None` for rqrr).
    pub finders: Option<usize>,
    /// What it decoded.
    pub payloads: Vec<QrPayload>,
}

/// Runs `chain` over `frame` until a strategy decodes something, within
/// [`Limits::DEFAULT`].
pub fn decode_with(frame: &LumaFrame<'_>, chain: &[Strategy]) -> Vec<QrPayload> {
    decode_limited(frame, chain, Limits::DEFAULT)
}

/// Runs `chain` over `frame` until a strategy decodes something or
/// `limits` say to give up.
pub fn decode_limited(frame: &LumaFrame<'_>, chain: &[Strategy], limits: Limits) -> Vec<QrPayload> {
    run_chain(frame, chain, limits, false).0
}

/// Like [`decode_limited`], also returning each strategy that ran; with
/// `all`, every strategy runs (successes do not stop the chain; the result
/// is the first success), for measuring what each would have added.
pub fn decode_traced(
    frame: &LumaFrame<'_>,
    chain: &[Strategy],
    limits: Limits,
    all: bool,
) -> (Vec<QrPayload>, Vec<Step>) {
    run_chain(frame, chain, limits, all)
}

fn run_chain(
    frame: &LumaFrame<'_>,
    chain: &[Strategy],
    limits: Limits,
    all: bool,
) -> (Vec<QrPayload>, Vec<Step>) {
    let start = Instant::now();
    let luma = frame.packed();
    let (w, h) = (frame.width(), frame.height());
    let mut steps = Vec::new();
    let mut result = Vec::new();
    // Finder patterns seen so far, and whether the frame is too dim for the
    // first pass alone to judge it.
    let mut seen = 0usize;
    let mut dim = false;
    for (i, strategy) in chain.iter().enumerate() {
        if i > 0 && limits.budget.is_some_and(|b| start.elapsed() >= b) {
            break;
        }
        let t = Instant::now();
        // Both engines are third-party pixel code; a panic on some odd
        // frame must not cross into the app (or the FFI). Treat it as
        // "this strategy found nothing" and go on.
        let pass = std::panic::catch_unwind(|| strategy.run(&luma, w, h)).unwrap_or_default();
        steps.push(Step {
            strategy: *strategy,
            ms: t.elapsed().as_secs_f64() * 1000.0,
            finders: pass.finders,
            payloads: pass.payloads.clone(),
        });
        if !pass.payloads.is_empty() {
            if result.is_empty() {
                result = dedupe(pass.payloads);
            }
            if !all {
                break;
            }
        } else if result.is_empty() && limits.min_finders > 0 {
            // Early rejection: no finder pattern seen, not worth the
            // fallbacks. In a dim frame (faded ink, low light) the
            // binariser flattens a code's blocks, so the first pass cannot
            // see its finders: there the second pass (contrast stretched,
            // in the default chain) gets to look too.
            let Some(found) = pass.finders else { continue };
            seen += found;
            let rejected = seen < limits.min_finders;
            if i == 0 && rejected {
                dim = preprocess::contrast_range(&luma, w, h) < DIM_RANGE;
                if !dim {
                    break;
                }
            } else if i == 1 && dim && rejected {
                break;
            }
        }
    }
    (result, steps)
}

/// Finder patterns in `frame`'s hybrid binarisation (both polarities,
/// every third row when `try_harder`): the evidence early rejection reads,
/// measured on its own (benchmarks).
pub fn finder_evidence(frame: &LumaFrame<'_>, try_harder: bool) -> usize {
    let luma = frame.packed();
    std::panic::catch_unwind(|| {
        engine_rxing::count_finders(&luma, frame.width(), frame.height(), try_harder)
    })
    .unwrap_or(0)
}

/// The local-mean window: about 1/20 of the larger side, so it spans
/// several modules of any code that fills 8-30% of the frame.
fn local_window(w: usize, h: usize) -> usize {
    (w.max(h) / 20).max(15)
}

/// The local-mean threshold: dark below 98% of the mean. Under glare a
/// dark module can be 240 against white clipped at 255, which 95% (what it
/// was until 2026-12-07) called light. Chosen on the tuning sets: 98% read
/// every frame 95% read and three more (two glare, one low light); 97-99.5%
/// read the same glare frames. Flat areas stay light below 100%.
const LOCAL_MEAN_PERCENT: u32 = 98;

/// The unsharp mask's box radius: about a defocused module's blur on a
/// frame whose codes fill 15-30% of its width (4 px at 1280x720). Chosen
/// on the tuning sets (radius 3-5 and amounts 1-3 tried).
fn sharpen_radius(w: usize, h: usize) -> usize {
    (w.max(h) / 320).max(2)
}

/// The unsharp mask's amount, doubled (1.5: edges boosted by half again
/// their contrast to the local mean).
const SHARPEN_X2: i32 = 3;

/// The light border's width in pixels: wider than a finder pattern's
/// outer run and than a binariser block (8 px).
const PAD_PX: usize = 16;

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

#[cfg(test)]
pub(crate) mod tests {
    use watchword_testkit::{QUIET_MODULES, Scene, code_modules};

    use super::*;

    const LINK: &str = "otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP";

    /// (packed luma, width, height) of a scene.
    fn render(scene: Scene) -> (Vec<u8>, u32, u32) {
        let f = scene.render();
        (f.packed(), f.width, f.height)
    }

    fn steps(luma: &[u8], w: u32, h: u32, limits: Limits) -> (Vec<QrPayload>, Vec<Step>) {
        let frame = LumaFrame::new(luma, w, h, w).unwrap();
        decode_traced(&frame, DEFAULT_CHAIN, limits, false)
    }

    /// A page under uneven light with a large dark block on it (contrast
    /// enough not to be dim). Strong sensor noise can fake a finder
    /// pattern now and then: such a frame pays for the fallbacks.
    #[test]
    fn a_frame_without_finder_patterns_stops_after_the_first_pass() {
        let (mut luma, w, h) = render(Scene::new(1280, 720).noise(0).seed(5));
        for row in luma.chunks_exact_mut(w as usize).skip(200).take(300) {
            row[300..700].fill(10);
        }
        assert!(preprocess::contrast_range(&luma, w as usize, h as usize) >= DIM_RANGE);
        let (found, ran) = steps(&luma, w, h, Limits::DEFAULT);
        assert!(found.is_empty());
        assert_eq!(ran.len(), 1, "{ran:?}");
        assert_eq!(ran[0].finders, Some(0));
        // Without early rejection the whole chain runs, for nothing.
        let (found, ran) = steps(&luma, w, h, Limits::NONE);
        assert!(found.is_empty());
        assert_eq!(ran.len(), DEFAULT_CHAIN.len());
    }

    /// A `width` x `height` frame (packed) holding the three finder
    /// patterns of a code whose every other module is wiped to paper: the
    /// finder search sees them, nothing can be decoded.
    pub(crate) fn wiped_code(width: u32, height: u32) -> Vec<u8> {
        let (x, y, m) = (width as usize / 4, height as usize / 5, 6usize);
        let (mut luma, w, _) =
            render(Scene::new(width, height).code(LINK, x as u32, y as u32, m as u32));
        let w = w as usize;
        let modules = code_modules(LINK);
        let paper = luma[(y + m) * w + x + m];
        let (x0, y0) = (x + QUIET_MODULES * m, y + QUIET_MODULES * m);
        for my in 0..modules {
            for mx in 0..modules {
                let near = |v: usize| v < 8 || v >= modules - 8;
                if my < 8 && near(mx) || mx < 8 && near(my) {
                    continue;
                }
                for py in 0..m {
                    let row = (y0 + my * m + py) * w;
                    luma[row + x0 + mx * m..row + x0 + mx * m + m].fill(paper);
                }
            }
        }
        luma
    }

    /// Glare over the middle of a code: a highlight that clips the paper at
    /// 255 and lifts the ink to within 10-20 grey levels of it (the way the
    /// tuning sets' glare frames look). ZXing's
    /// binariser takes blocks of under 24 levels for flat paper and the
    /// first pass fails; the local-mean pass reads the code (at 95% of the
    /// mean, as it was, the washed-out ink stayed light).
    #[test]
    fn the_local_mean_pass_reads_a_code_under_glare() {
        let (x, y, m) = (400usize, 150usize, 6usize);
        let (mut luma, w, h) = render(
            Scene::new(1280, 720)
                .code(LINK, x as u32, y as u32, m as u32)
                .noise(0)
                .sharp(),
        );
        let side = (code_modules(LINK) + 2 * QUIET_MODULES) * m;
        let (cx, cy, r) = (x + side / 2, y + side / 2, (side * 3 / 5) as f32);
        for py in 0..h as usize {
            for px in 0..w as usize {
                let d = ((px.abs_diff(cx).pow(2) + py.abs_diff(cy).pow(2)) as f32).sqrt();
                // 1 at the centre, falling smoothly to 0 at `r`.
                let g = if d < r {
                    0.5 + 0.5 * (std::f32::consts::PI * d / r).cos()
                } else {
                    0.0
                };
                let v = &mut luma[py * w as usize + px];
                let lit = f32::from(*v) + (255.0 - f32::from(*v)) * 0.9 * g + 12.0 * g;
                *v = lit.min(255.0) as u8;
            }
        }
        let frame = LumaFrame::new(&luma, w, h, w).unwrap();
        let read = |chain: &[Strategy]| decode_traced(&frame, chain, Limits::NONE, false).0;
        assert!(read(&[Strategy::RxingBothPolarities]).is_empty());
        assert_eq!(
            read(&[Strategy::RxingLocalMean]),
            vec![QrPayload::from_text(LINK.to_owned())]
        );
        let (w, h) = (w as usize, h as usize);
        let at_95 = binarizer::local_mean_matrix(&luma, w, h, local_window(w, h), 95)
            .map(|b| engine_rxing::decode_matrix(b, true, false).payloads)
            .unwrap_or_default();
        assert!(at_95.is_empty());
    }

    /// Finder patterns whose code cannot be read are evidence enough: the
    /// fallbacks run.
    #[test]
    fn finder_patterns_without_a_readable_code_run_the_fallbacks() {
        let luma = wiped_code(1280, 720);
        let (found, ran) = steps(&luma, 1280, 720, Limits::DEFAULT);
        assert!(found.is_empty());
        assert!(ran[0].finders.unwrap() >= 3, "{ran:?}");
        assert_eq!(ran.len(), DEFAULT_CHAIN.len());
    }

    /// In a dim frame the first pass cannot see the finders (the binariser
    /// takes the faint code for flat background): the stretched pass gets
    /// to look before the frame is given up, and reads it.
    #[test]
    fn a_dim_frame_gets_the_second_pass_before_it_is_rejected() {
        let (bright, w, h) = render(Scene::new(1280, 720).code(LINK, 400, 150, 6).seed(3));
        let faint: Vec<u8> = bright.iter().map(|&v| 50 + v / 12).collect();
        let (found, ran) = steps(&faint, w, h, Limits::DEFAULT);
        assert_eq!(
            found,
            vec![QrPayload::from_text(LINK.to_owned())],
            "{ran:?}"
        );
        if ran[0].payloads.is_empty() {
            assert_eq!(ran.len(), 2, "{ran:?}");
        }
        // Dim and empty: two passes, then given up.
        let (page, w, h) = render(Scene::new(1280, 720).noise(0).seed(5));
        let dark: Vec<u8> = page.iter().map(|&v| 20 + v / 12).collect();
        let (found, ran) = steps(&dark, w, h, Limits::DEFAULT);
        assert!(found.is_empty());
        assert_eq!(ran.len(), 2, "{ran:?}");
    }

    #[test]
    fn codes_still_decode_and_a_spent_budget_stops_the_fallbacks() {
        let (luma, w, h) = render(Scene::new(1280, 720).code(LINK, 400, 150, 6));
        for limits in [Limits::NONE, Limits::DEFAULT, Limits::LIVE] {
            let (found, ran) = steps(&luma, w, h, limits);
            assert_eq!(found, vec![QrPayload::from_text(LINK.to_owned())]);
            assert_eq!(ran.len(), 1);
        }
        // A frame nothing reads, early rejection off: with no time left,
        // only the first pass runs.
        let (noise, w, h) = render(Scene::new(640, 480).noise(40).seed(9));
        let spent = Limits {
            min_finders: 0,
            budget: Some(Duration::ZERO),
        };
        let (found, ran) = steps(&noise, w, h, spent);
        assert!(found.is_empty());
        assert_eq!(ran.len(), 1);
        let (_, ran) = steps(&noise, w, h, Limits::NONE);
        assert_eq!(ran.len(), DEFAULT_CHAIN.len());
    }

    #[test]
    fn tracing_every_strategy_keeps_the_first_success() {
        let (luma, w, h) = render(Scene::new(1280, 720).code(LINK, 400, 150, 6));
        let frame = LumaFrame::new(&luma, w, h, w).unwrap();
        let (found, ran) = decode_traced(&frame, DEFAULT_CHAIN, Limits::NONE, true);
        assert_eq!(found, vec![QrPayload::from_text(LINK.to_owned())]);
        assert_eq!(ran.len(), DEFAULT_CHAIN.len());
        assert!(ran[0].ms >= 0.0 && !ran[0].payloads.is_empty());
        assert!(finder_evidence(&frame, true) >= 3);
    }

    /// A code long enough for a version-6 symbol (finer modules than
    /// [`LINK`]'s).
    const LONG_LINK: &str =
        "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME";

    /// Which strategies of the default chain read `luma` on their own.
    fn readers(luma: &[u8], w: usize, h: usize) -> Vec<Strategy> {
        DEFAULT_CHAIN
            .iter()
            .copied()
            .filter(|s| !s.run(luma, w, h).payloads.is_empty())
            .collect()
    }

    /// A 9x9 box blur: a defocused camera (the blur as wide as 1.5 modules
    /// of 6 pixels).
    fn defocus(luma: &[u8], w: usize, h: usize) -> Vec<u8> {
        let r = 4usize;
        let mut out = vec![0u8; luma.len()];
        for y in 0..h {
            for x in 0..w {
                let (sum, n) = preprocess::direct_window_sum(luma, w, h, (x, y), r);
                out[y * w + x] = (sum / n) as u8;
            }
        }
        out
    }

    /// A defocused code: the modules bleed into each other too far for any
    /// other strategy; the unsharp mask restores their edges.
    #[test]
    fn a_defocused_code_is_read_only_after_sharpening() {
        let (sharp, w, h) = render(Scene::new(640, 480).code(LONG_LINK, 150, 60, 6));
        let luma = defocus(&sharp, w as usize, h as usize);
        assert_eq!(
            readers(&luma, w as usize, h as usize),
            vec![Strategy::RxingSharpened]
        );
        let (found, _) = steps(&luma, w, h, Limits::DEFAULT);
        assert_eq!(found, vec![QrPayload::from_text(LONG_LINK.to_owned())]);
    }

    /// A code in the frame's top-left corner, its quiet zone and a sliver
    /// of its top-left finder pattern outside the picture: only framed in
    /// light pixels is it read.
    #[test]
    fn a_code_cut_by_the_frame_corner_is_read_inside_a_light_border() {
        let (m, y0) = (5usize, 60usize);
        let (whole, w0, _) = render(Scene::new(640, 480).code(LONG_LINK, 150, y0 as u32, m as u32));
        // The quiet zone (4 modules) and 4 of the finder's 5 outer pixels
        // cut off on the left and at the top.
        let cut = 4 * m + 4;
        let (w, h) = (w0 as usize - 150 - cut, 480 - y0 - cut);
        let luma: Vec<u8> = whole
            .chunks_exact(w0 as usize)
            .skip(y0 + cut)
            .flat_map(|row| row[150 + cut..].to_vec())
            .collect();
        assert_eq!(readers(&luma, w, h), vec![Strategy::RxingPadded]);
        let (found, _) = steps(&luma, w as u32, h as u32, Limits::DEFAULT);
        assert_eq!(found, vec![QrPayload::from_text(LONG_LINK.to_owned())]);
    }
}
