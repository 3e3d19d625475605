//! `qr-decode <set-dir> [--chain a,b,...] [--each]`: decodes every frame of a
//! QR benchmark set (`manifest.json` + frames) with Watchword, one thread,
//! timing only the decode call (files are loaded first). Prints one JSON
//! line per frame: `{"file", "category", "ok", "ms", "payloads"}`; with
//! `--each`, one line per frame and strategy (each strategy run alone).
//! A per-category summary goes to stderr.
//!
//! `qr-decode <set-dir> --serve [--repeat N]`: reads one frame path (as in
//! the manifest) per stdin line and answers one JSON line each, the time
//! being the fastest of N decodes (wall clock; `cpu_ms`: that decode's CPU
//! time). bench/qr/run.py uses this to interleave
//! zxing-cpp and Watchword frame by frame, so both see the same machine load,
//! and, with one line per process, for the cold figures (one decode per
//! process, as `watchword scan` runs).
//!
//! `qr-decode <set-dir> --session`: a camera loop. One `ScannerSession`
//! for the whole process (the core's live API, `Limits::LIVE`) is offered
//! the frames named on stdin in the order given, one line each; a line
//! `reset` starts a new scan (`ScannerSession::reset`: what was reported
//! is forgotten). Each frame is answered with the payloads the session
//! reported for it (new ones only) and the time its `offer` took, wall and
//! this thread's CPU (bench/qr/camera.py: the live-preview figure).
//! `--budget-ms N`: the session's budget instead of the live one (early
//! rejection kept), for choosing it.
//!
//! `qr-decode <set-dir> --trace`: runs every strategy of the default chain
//! on every frame (successes do not stop it) and prints, per frame, each
//! strategy's time, finder patterns and whether it read the frame, plus the
//! finder evidence probes alone: what early rejection and a time budget
//! would do, computed afterwards (bench/qr/run.py --tune).
//!
//! `--limits none|default|live` (all modes but `--trace` and `--session`):
//! `pipeline::Limits::NONE` (the whole chain), `DEFAULT` (early rejection,
//! what `decode_luma` does; the default) or `LIVE` (and the live budget,
//! what `ScannerSession` does).

use std::{collections::BTreeMap, path::Path, time::Instant};

use serde_json::{Value, json};
use watchword_bench::thread_cpu::thread_cpu;
use watchword_core::qr::{
    LumaFrame, ScannerSession,
    pipeline::{self, Limits, Strategy},
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(
        args.first()
            .ok_or("usage: qr-decode <set-dir> [--chain a,b] [--each]")?,
    );
    let mut chain: Vec<Strategy> = pipeline::DEFAULT_CHAIN.to_vec();
    let mut each = false;
    let mut serve = false;
    let mut trace = false;
    let mut session = false;
    let mut budget = None;
    let mut limits = Limits::DEFAULT;
    let mut repeat = 1usize;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--chain" => {
                i += 1;
                chain = args
                    .get(i)
                    .ok_or("--chain needs a list")?
                    .split(',')
                    .map(|n| Strategy::from_name(n).ok_or(format!("unknown strategy {n}")))
                    .collect::<Result<_, _>>()?;
            }
            "--each" => each = true,
            "--serve" => serve = true,
            "--trace" => trace = true,
            "--session" => session = true,
            "--budget-ms" => {
                i += 1;
                let ms: u64 = args.get(i).ok_or("--budget-ms needs a number")?.parse()?;
                budget = Some(std::time::Duration::from_millis(ms));
            }
            "--limits" => {
                i += 1;
                limits = match args.get(i).map(String::as_str) {
                    Some("none") => Limits::NONE,
                    Some("default") => Limits::DEFAULT,
                    Some("live") => Limits::LIVE,
                    _ => return Err("--limits takes none, default or live".into()),
                };
            }
            "--repeat" => {
                i += 1;
                repeat = args.get(i).ok_or("--repeat needs a count")?.parse()?;
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
        i += 1;
    }
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json"))?)?;
    let frames = manifest["frames"]
        .as_array()
        .ok_or("manifest has no frames")?;
    if serve {
        return serve_frames(dir, frames, &chain, limits, repeat.max(1));
    }
    if trace {
        return trace_frames(dir, frames);
    }
    if session {
        let limits = match budget {
            Some(b) => Limits {
                budget: Some(b),
                ..Limits::LIVE
            },
            None => Limits::LIVE,
        };
        return session_frames(dir, frames, limits);
    }
    let runs: Vec<(String, Vec<Strategy>)> = if each {
        Strategy::ALL
            .iter()
            .map(|s| (s.name().to_owned(), vec![*s]))
            .collect()
    } else {
        vec![("watchword".to_owned(), chain)]
    };
    // (run, category) -> (ok, n, times)
    let mut summary: BTreeMap<(String, String), (usize, usize, Vec<f64>)> = BTreeMap::new();
    for f in frames {
        let file = f["file"].as_str().ok_or("frame without file")?;
        let category = f["category"].as_str().unwrap_or("?").to_owned();
        let (data, w, h, stride) = load(dir, f)?;
        let expected = expected(f);
        for (name, chain) in &runs {
            let start = Instant::now();
            let frame = LumaFrame::new(&data, w, h, stride)?;
            let found = pipeline::decode_limited(&frame, chain, limits);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            let mut got: Vec<String> = found.into_iter().map(|p| p.text).collect();
            got.sort();
            let ok = got == expected;
            println!(
                "{}",
                json!({"file": file, "category": category, "strategy": name, "ok": ok, "ms": ms, "payloads": got})
            );
            let e = summary.entry((name.clone(), category.clone())).or_default();
            e.0 += usize::from(ok);
            e.1 += 1;
            e.2.push(ms);
            let t = summary.entry((name.clone(), "ALL".to_owned())).or_default();
            t.0 += usize::from(ok);
            t.1 += 1;
            t.2.push(ms);
        }
    }
    for ((name, cat), (ok, n, mut times)) in summary {
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
        eprintln!(
            "{name:16} {cat:14} {:5.1}% ({ok}/{n})  median {median:6.1} ms  p95 {p95:6.1} ms",
            100.0 * ok as f64 / n as f64
        );
    }
    Ok(())
}

/// A frame's luma plane: (data, width, height, stride).
type Plane = (Vec<u8>, u32, u32, u32);

/// Loads a frame's luma plane.
/// A frame's expected payloads, sorted (none for a frame without a code).
fn expected(f: &Value) -> Vec<String> {
    let mut expected: Vec<String> = f["expected"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    expected.sort();
    expected
}

fn load(dir: &Path, f: &Value) -> Result<Plane, Box<dyn std::error::Error>> {
    let file = f["file"].as_str().ok_or("frame without file")?;
    let (w, h, stride) = (
        f["width"].as_u64().ok_or("no width")? as u32,
        f["height"].as_u64().ok_or("no height")? as u32,
        f["stride"].as_u64().ok_or("no stride")? as u32,
    );
    let data = if f["format"] == "y" {
        std::fs::read(dir.join(file))?
    } else {
        image::open(dir.join(file))?.to_luma8().into_raw()
    };
    Ok((data, w, h, stride))
}

fn serve_frames(
    dir: &Path,
    frames: &[Value],
    chain: &[Strategy],
    limits: Limits,
    repeat: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::{BufRead, Write};
    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let (data, w, h, stride) = load(dir, frame_named(frames, &line)?)?;
        // The fastest of `repeat` decodes, wall clock, and that decode's CPU.
        let (mut best, mut best_cpu) = (f64::INFINITY, None);
        let mut got = Vec::new();
        for _ in 0..repeat {
            let cpu = thread_cpu();
            let start = Instant::now();
            let frame = LumaFrame::new(&data, w, h, stride)?;
            let found = pipeline::decode_limited(&frame, chain, limits);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            if ms < best {
                best = ms;
                best_cpu = cpu
                    .zip(thread_cpu())
                    .map(|(a, b)| b.saturating_sub(a).as_secs_f64() * 1000.0);
            }
            got = found.into_iter().map(|p| p.text).collect();
        }
        got.sort();
        let mut out = stdout.lock();
        writeln!(
            out,
            "{}",
            json!({"file": line.trim(), "ms": best, "cpu_ms": best_cpu, "payloads": got})
        )?;
        out.flush()?;
    }
    Ok(())
}

/// The camera loop of `--session`: one session, frames offered in the order
/// stdin names them.
fn session_frames(
    dir: &Path,
    frames: &[Value],
    limits: Limits,
) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::{BufRead, Write};
    let session = ScannerSession::with_limits(limits);
    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let answer = if line.trim() == "reset" {
            session.reset();
            json!({"reset": true})
        } else {
            // Loading (PNG decoding) is the camera's work, not the decoder's.
            let (data, w, h, stride) = load(dir, frame_named(frames, &line)?)?;
            let cpu = thread_cpu();
            let start = Instant::now();
            let found = session.offer(&data, w, h, stride)?;
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            let cpu_ms = cpu
                .zip(thread_cpu())
                .map(|(a, b)| b.saturating_sub(a).as_secs_f64() * 1000.0);
            let got: Vec<String> = found.into_iter().map(|p| p.text).collect();
            json!({"file": line.trim(), "ms": ms, "cpu_ms": cpu_ms, "payloads": got})
        };
        let mut out = stdout.lock();
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

/// The manifest entry of `file`.
fn frame_named<'a>(frames: &'a [Value], file: &str) -> Result<&'a Value, String> {
    frames
        .iter()
        .find(|f| f["file"] == file.trim())
        .ok_or(format!("no frame {file}"))
}

/// Every strategy of the default chain on every frame, and the finder
/// evidence probes alone (quick: rxing's row skip; harder: every third row).
fn trace_frames(dir: &Path, frames: &[Value]) -> Result<(), Box<dyn std::error::Error>> {
    for f in frames {
        let (data, w, h, stride) = load(dir, f)?;
        let frame = LumaFrame::new(&data, w, h, stride)?;
        let expected = expected(f);
        let (_, steps) =
            pipeline::decode_traced(&frame, pipeline::DEFAULT_CHAIN, Limits::NONE, true);
        let steps: Vec<Value> = steps
            .into_iter()
            .map(|s| {
                let mut got: Vec<String> = s.payloads.into_iter().map(|p| p.text).collect();
                got.sort();
                got.dedup();
                let wrong = got.iter().any(|g| !expected.contains(g));
                json!({"strategy": s.strategy.name(), "ms": s.ms, "finders": s.finders,
                       "ok": got == expected && !got.is_empty(), "any": !got.is_empty(), "wrong": wrong})
            })
            .collect();
        let probe = |harder: bool| {
            let start = Instant::now();
            let n = pipeline::finder_evidence(&frame, harder);
            (n, start.elapsed().as_secs_f64() * 1000.0)
        };
        let (quick, quick_ms) = probe(false);
        let (harder, harder_ms) = probe(true);
        println!(
            "{}",
            json!({"file": f["file"], "category": f["category"], "qr": !expected.is_empty(),
                   "steps": steps, "probe_quick": quick, "probe_quick_ms": quick_ms,
                   "probe_harder": harder, "probe_harder_ms": harder_ms})
        );
    }
    Ok(())
}
