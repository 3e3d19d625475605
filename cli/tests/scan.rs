//! `watchword --json scan`: the CLI contract over real files from `shared/`.

// Test helpers outside #[test] fns: a failed load is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{path::PathBuf, process::Command};

use serde_json::Value;

fn shared() -> PathBuf {
    std::env::var_os("WATCHWORD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

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

fn expected(file: &str) -> Vec<String> {
    let m: Value =
        serde_json::from_slice(&std::fs::read(shared().join("qr/manifest.json")).unwrap()).unwrap();
    let f = m["frames"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .unwrap();
    let mut v: Vec<String> = f["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn payloads(json: &Value) -> Vec<String> {
    let mut v: Vec<String> = json["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn scan_png_with_two_codes_lists_both_and_the_decode_time() {
    let file = "frames/f01_0003.png";
    let (ok, json) = scan(&[shared().join("qr").join(file).to_str().unwrap()]);
    assert!(ok, "{json}");
    assert_eq!(payloads(&json), expected(file));
    assert_eq!(payloads(&json).len(), 2);
    assert!(json["decode_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn scan_raw_frame_with_stride() {
    let file = "frames/f01_0050.y";
    let path = shared().join("qr").join(file);
    let (ok, json) = scan(&[
        "--raw",
        path.to_str().unwrap(),
        "--width",
        "1280",
        "--height",
        "720",
        "--stride",
        "1344",
    ]);
    assert!(ok, "{json}");
    assert_eq!(payloads(&json), expected(file));
}

#[test]
fn scan_gzipped_raw_frame_needs_the_right_stride() {
    let path = shared().join("testdata/aegis/helpers/qr.strided.y.gz");
    let path = path.to_str().unwrap();
    let args = |stride| {
        vec![
            "--raw", path, "--width", "1840", "--height", "1380", "--stride", stride,
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

#[test]
fn scan_without_a_code_is_an_empty_list_and_success() {
    let (ok, json) = scan(&[shared().join("qr/frames/f01_0043.png").to_str().unwrap()]);
    assert!(ok);
    assert_eq!(json["payloads"], serde_json::json!([]));
}

#[test]
fn scan_errors_are_typed_json() {
    let manifest = shared().join("qr/manifest.json");
    let (ok, json) = scan(&[manifest.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_image");

    let (ok, json) = scan(&[
        "--raw",
        manifest.to_str().unwrap(),
        "--width",
        "4000",
        "--height",
        "4000",
    ]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_frame");

    let (ok, json) = scan(&[
        "--raw",
        manifest.to_str().unwrap(),
        "--width",
        "0",
        "--height",
        "4",
    ]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_frame");

    let (ok, json) = scan(&["/nonexistent/frame.png"]);
    assert!(!ok);
    assert_eq!(json["error"]["kind"], "invalid_input");
}
