//! The QR camera benchmark's Watchword side, briefly (the figures are
//! bench/qr/camera.py's, not a test's): `qr-decode --session` runs one
//! `ScannerSession` over frames in the order given, reporting a code once
//! per scan and again after `reset`; `qr-aegis-set` turns the corpus's
//! Aegis frames into a frame set, and says "skipped" when the corpus is
//! absent (recorded in `WATCHWORD_SKIP_LOG`, as the tests' skips are).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    io::Write,
    path::Path,
    process::{Command, Stdio},
};

use serde_json::{Value, json};
use watchword_core::qr::decode_luma;
use watchword_tests::Scene;

const DECODE: &str = env!("CARGO_BIN_EXE_qr-decode");
const AEGIS_SET: &str = env!("CARGO_BIN_EXE_qr-aegis-set");
const LINK: &str = "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

/// Runs `bin args`, feeding `stdin`; returns the JSON lines it printed.
fn run(bin: &str, args: &[&str], env: &[(&str, &Path)], stdin: &str) -> Vec<Value> {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env("CI", "false")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_session_reports_a_code_once_per_scan() {
    let dir = tempfile::tempdir().unwrap();
    let empty = Scene::new(640, 480).seed(2).render();
    let code = Scene::new(640, 480).code(LINK, 200, 120, 4).render();
    std::fs::create_dir(dir.path().join("frames")).unwrap();
    std::fs::write(dir.path().join("frames/empty.png"), empty.png()).unwrap();
    std::fs::write(dir.path().join("frames/code.png"), code.png()).unwrap();
    let frame = |file: &str| {
        json!({"file": file, "format": "png", "width": 640, "height": 480, "stride": 640,
               "category": "sequence", "expected": []})
    };
    let manifest = json!({"frames": [frame("frames/empty.png"), frame("frames/code.png")]});
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).unwrap();
    let set = dir.path().to_str().unwrap();
    let stdin = "reset\nframes/empty.png\nframes/code.png\nframes/empty.png\nframes/code.png\nreset\nframes/code.png\n";
    let lines = run(DECODE, &[set, "--session"], &[], stdin);
    let payloads: Vec<Value> = lines[1..].iter().map(|l| l["payloads"].clone()).collect();
    assert_eq!(lines[0], json!({"reset": true}));
    assert_eq!(
        payloads,
        vec![
            json!([]),
            json!([LINK]),
            json!([]),
            json!([]), // decoded again, already reported
            Value::Null,
            json!([LINK]), // a new scan
        ]
    );
    for l in lines.iter().filter(|l| l.get("file").is_some()) {
        assert!(l["ms"].as_f64().unwrap() >= 0.0, "{l}");
        assert!(l["cpu_ms"].as_f64().unwrap() >= 0.0, "{l}");
    }
}

#[test]
fn the_aegis_frames_become_a_set_or_a_reported_skip() {
    // A corpus with frames of the Aegis frames' sizes, made on the spot.
    let corpus = tempfile::tempdir().unwrap();
    let helpers = corpus.path().join("testdata/aegis/helpers");
    std::fs::create_dir_all(&helpers).unwrap();
    std::fs::create_dir_all(corpus.path().join("qr")).unwrap();
    std::fs::write(corpus.path().join("qr/manifest.json"), "{}").unwrap();
    let plain = Scene::new(1600, 1200).code(LINK, 500, 300, 8).render();
    let strided = Scene::new(1840, 1380)
        .stride(1856)
        .code(LINK, 600, 400, 8)
        .render();
    std::fs::write(helpers.join("qr.y.gz"), plain.gzip()).unwrap();
    std::fs::write(helpers.join("qr.strided.y.gz"), strided.gzip()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let set = out.path().join("set");
    let lines = run(
        AEGIS_SET,
        &[set.to_str().unwrap()],
        &[("WATCHWORD_SHARED", corpus.path())],
        "",
    );
    assert_eq!(lines[0]["frames"], 3, "{lines:?}");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(set.join("manifest.json")).unwrap()).unwrap();
    for f in manifest["frames"].as_array().unwrap() {
        let data = std::fs::read(set.join(f["file"].as_str().unwrap())).unwrap();
        let dim = |k: &str| f[k].as_u64().unwrap() as u32;
        let got: Vec<String> = decode_luma(&data, dim("width"), dim("height"), dim("stride"))
            .unwrap()
            .into_iter()
            .map(|p| p.text)
            .collect();
        // The made-up frames hold LINK, not Aegis's link: the manifest's
        // expectation is the real frames'; here only the geometry counts.
        let sheared = f["category"] == "wrong_stride";
        assert_eq!(got.is_empty(), sheared, "{f}: {got:?}");
        assert_eq!(f["expected"].as_array().unwrap().is_empty(), sheared, "{f}");
    }

    // No corpus: a skip, said and logged, not a failure.
    let log = out.path().join("skips");
    let lines = run(
        AEGIS_SET,
        &[out.path().join("none").to_str().unwrap()],
        &[
            ("WATCHWORD_SHARED", &out.path().join("absent")),
            ("WATCHWORD_SKIP_LOG", &log),
        ],
        "",
    );
    assert!(lines[0]["skipped"].as_str().unwrap().contains("absent"));
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("Aegis camera frames")
    );
}
