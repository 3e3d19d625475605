//! `qr-aegis-set <out-dir>`: the Aegis camera frames of the third-party
//! corpus (`shared/testdata/aegis/helpers/qr.y.gz`, `qr.strided.y.gz`) as
//! a QR frame set (`manifest.json` + raw Y planes), so bench/qr/camera.py
//! decodes them with zxing-cpp and `qr-decode` as it does every other set.
//!
//! The corpus is found through the project's one helper
//! (`watchword_tests::testdata`: `WATCHWORD_SHARED`, else `shared/` beside
//! the repository). When it is absent the helper says so on stderr and in
//! `WATCHWORD_SKIP_LOG`, and this prints `{"skipped": why}` and exits 0, so
//! the bench script reports the figure as skipped, not failed.
//!
//! Three frames: both as the camera gave them, and the strided one read
//! with its width as stride (every row shifted 16 bytes further than the
//! last: the code sheared into noise, with finder-like fragments left),
//! a no-code frame that must decode to nothing.

use std::{io::Read, path::Path};

use serde_json::{Value, json};

/// What both frames hold (shared/testdata/SOURCES.md, from Aegis's
/// `QrCodeAnalyzerTest`).
const LINK: &str = "otpauth://totp/neo4j:Charlotte?secret=B33WS2ALPT34K4BNY24AYROE4M&issuer=neo4j&algorithm=SHA1&digits=6&period=30";

/// The skip group named in the helper's report.
const GROUP: &str = "bench qr: the Aegis camera frames against zxing-cpp (bench/qr/camera.py)";

/// (source file, frame file, width, height, stride, category, holds LINK);
/// sizes from shared/testdata/SOURCES.md.
const FRAMES: [(&str, &str, u32, u32, u32, &str, bool); 3] = [
    (
        "qr.y.gz",
        "frames/aegis_qr.y",
        1600,
        1200,
        1600,
        "camera",
        true,
    ),
    (
        "qr.strided.y.gz",
        "frames/aegis_qr_strided.y",
        1840,
        1380,
        1856,
        "camera_strided",
        true,
    ),
    (
        "qr.strided.y.gz",
        "frames/aegis_qr_strided_wrong_stride.y",
        1840,
        1380,
        1840,
        "wrong_stride",
        false,
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os()
        .nth(1)
        .ok_or("usage: qr-aegis-set <out-dir>")?;
    let Some(testdata) = watchword_tests::testdata(GROUP) else {
        let why = format!(
            "no third-party test corpus at {}",
            watchword_tests::corpus_dir().display()
        );
        println!("{}", json!({"skipped": why}));
        return Ok(());
    };
    let manifest = write_set(&testdata.join("aegis/helpers"), Path::new(&out))?;
    println!(
        "{}",
        json!({"set": out.to_string_lossy(), "frames": manifest["frames"].as_array().map_or(0, Vec::len)})
    );
    Ok(())
}

/// Writes the frames and the manifest into `out`; returns the manifest.
fn write_set(helpers: &Path, out: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(out.join("frames"))?;
    let mut frames = Vec::new();
    for (source, file, width, height, stride, category, holds) in FRAMES {
        let mut plane = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(helpers.join(source))?)
            .read_to_end(&mut plane)?;
        std::fs::write(out.join(file), &plane)?;
        let expected: Vec<&str> = if holds { vec![LINK] } else { vec![] };
        frames.push(
            json!({"file": file, "format": "y", "width": width, "height": height,
                           "stride": stride, "category": category, "source": source,
                           "expected": expected}),
        );
    }
    let manifest = json!({"generator": "qr-aegis-set", "frames": frames});
    std::fs::write(
        out.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    Ok(manifest)
}
