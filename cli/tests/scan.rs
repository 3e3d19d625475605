//! `watchword --json scan`: the CLI contract over files made on the spot
//! (`watchword_testkit::Scene`: PNG, gzipped strided planes, non-images),
//! and over the third-party corpus's frames when it is present.

// Test helpers outside #[test] fns: a failed load is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;
use watchword_testkit::{Scene, corpus};

const LINK: &str = "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
const OTHER: &str = "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3";

/// Runs `watchword --json scan <args>`; returns (exit ok, stdout JSON).
fn scan(args: &[&str]) -> (bool, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .arg("--json")
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {:?}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.success(), json)
}

/// Writes `bytes` to `name` in `dir`; returns the path as a string.
fn file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A JSON array of strings, sorted (decoders report codes in any order).
fn sorted_strings(array: &Value) -> Vec<String> {
    let mut v: Vec<String> = array
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn payloads(json: &Value) -> Vec<String> {
    sorted_strings(&json["payloads"])
}

#[test]
fn scan_png_with_two_codes_lists_both_and_the_decode_time() {
    let dir = tempfile::tempdir().unwrap();
    let png = Scene::new(1280, 720)
        .code(LINK, 60, 120, 5)
        .code(OTHER, 700, 200, 5)
        .render()
        .png();
    let (ok, json) = scan(&[&file(dir.path(), "two.png", &png)]);
    assert!(ok, "{json}");
    assert_eq!(payloads(&json), vec![OTHER.to_owned(), LINK.to_owned()]);
    assert!(json["decode_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn scan_raw_and_gzipped_frames_need_the_right_stride() {
    let dir = tempfile::tempdir().unwrap();
    let frame = Scene::new(1280, 720)
        .stride(1344)
        .code(LINK, 400, 100, 6)
        .render();
    let raw = file(dir.path(), "frame.y", &frame.luma);
    let gz = file(dir.path(), "frame.y.gz", &frame.gzip());
    for path in [&raw, &gz] {
        let args = |stride| {
            vec![
                "--raw", path, "--width", "1280", "--height", "720", "--stride", stride,
            ]
        };
        let (ok, json) = scan(&args("1344"));
        assert!(ok, "{json}");
        assert_eq!(payloads(&json), vec![LINK.to_owned()], "{path}");
        // Read with the width as stride the code is sheared into noise.
        let (ok, json) = scan(&args("1280"));
        assert!(ok, "{json}");
        assert!(payloads(&json).is_empty(), "{path}: {json}");
    }
}

#[test]
fn scan_without_a_code_is_an_empty_list_and_success() {
    let dir = tempfile::tempdir().unwrap();
    let png = Scene::new(640, 480).noise(20).render().png();
    let (ok, json) = scan(&[&file(dir.path(), "empty.png", &png)]);
    assert!(ok);
    assert_eq!(json["payloads"], serde_json::json!([]));
}

#[test]
fn scan_errors_are_typed_json() {
    let dir = tempfile::tempdir().unwrap();
    let not_an_image = file(dir.path(), "manifest.json", br#"{"frames": []}"#);
    let (ok, json) = scan(&[&not_an_image]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_image");

    let (ok, json) = scan(&[
        "--raw",
        &not_an_image,
        "--width",
        "4000",
        "--height",
        "4000",
    ]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_frame");

    let (ok, json) = scan(&["--raw", &not_an_image, "--width", "0", "--height", "4"]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_frame");

    let (ok, json) = scan(&["/nonexistent/frame.png"]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_input");
}

/// The same contract on the third-party corpus: a benchmark frame with two
/// codes, a strided raw frame, and the real Aegis camera frame.
#[test]
fn scan_reads_the_corpus_frames() {
    let Some(shared) = corpus("cli scan: frames from shared/qr and shared/testdata/aegis") else {
        return;
    };
    let qr: PathBuf = shared.join("qr");
    let m: Value =
        serde_json::from_slice(&std::fs::read(qr.join("manifest.json")).unwrap()).unwrap();
    let expected = |file: &str| {
        let f = m["frames"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == file)
            .unwrap();
        sorted_strings(&f["expected"])
    };
    let (ok, json) = scan(&[qr.join("frames/f01_0003.png").to_str().unwrap()]);
    assert!(ok, "{json}");
    assert_eq!(payloads(&json), expected("frames/f01_0003.png"));
    assert_eq!(payloads(&json).len(), 2);

    let raw = qr.join("frames/f01_0050.y");
    let (ok, json) = scan(&[
        "--raw",
        raw.to_str().unwrap(),
        "--width",
        "1280",
        "--height",
        "720",
        "--stride",
        "1344",
    ]);
    assert!(ok, "{json}");
    assert_eq!(payloads(&json), expected("frames/f01_0050.y"));

    let (ok, json) = scan(&[qr.join("frames/f01_0043.png").to_str().unwrap()]);
    assert!(ok);
    assert_eq!(json["payloads"], serde_json::json!([]));

    let aegis = shared.join("testdata/aegis/helpers/qr.strided.y.gz");
    let aegis = aegis.to_str().unwrap();
    let args = |stride| {
        vec![
            "--raw", aegis, "--width", "1840", "--height", "1380", "--stride", stride,
        ]
    };
    let (ok, json) = scan(&args("1856"));
    assert!(ok, "{json}");
    assert_eq!(
        payloads(&json),
        vec![
            "otpauth://totp/neo4j:Charlotte?secret=B33WS2ALPT34K4BNY24AYROE4M&issuer=neo4j&algorithm=SHA1&digits=6&period=30"
        ]
    );
    let (ok, json) = scan(&args("1840"));
    assert!(ok, "{json}");
    assert!(payloads(&json).is_empty());
}
