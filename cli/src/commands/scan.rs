//! `watchword scan <image-file>` and
//! `watchword scan --raw <file> --width W --height H [--stride S]`: the QR
//! codes in a PNG/JPEG file or a raw 8-bit luma frame (gzip'd or not).
//!
//! Prints `{"payloads":[...],"decode_ms":...}`; `decode_ms` is the decoder's
//! time alone (reading and unpacking the file are not counted). Finding
//! nothing is not an error: the list is empty and the exit code 0.

use std::{io::Read, path::PathBuf, time::Instant};

use serde_json::json;
use watchword_core::{
    ApiError,
    enrol::{EnrolChoices, EnrolInput},
    qr,
};

use crate::{output::Output, unlock::UnlockArgs};

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The image (PNG or JPEG), or with --raw the raw luma frame.
    file: PathBuf,
    /// The file is a raw 8-bit luma plane (a camera's Y plane), optionally
    /// gzip'd; needs --width and --height.
    #[arg(long, requires_all = ["width", "height"])]
    raw: bool,
    /// Frame width in pixels (--raw).
    #[arg(long, requires = "raw")]
    width: Option<u32>,
    /// Frame height in pixels (--raw).
    #[arg(long, requires = "raw")]
    height: Option<u32>,
    /// Bytes from one row to the next (--raw; default: the width).
    #[arg(long, requires = "raw")]
    stride: Option<u32>,
    /// Enrol what was found (as `watchword add` would, recorded as scanned).
    #[arg(long)]
    add: bool,
    /// With --add: add even accounts already in the vault.
    #[arg(long, requires = "add")]
    force: bool,
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Loads the file, decodes it and lists what it holds (and with --add,
/// enrols each payload).
pub fn run(args: &Args, vault: Option<&std::path::Path>) -> Result<Output, ApiError> {
    let bytes = std::fs::read(&args.file).map_err(|e| {
        ApiError::invalid_input(format!("cannot read {}: {e}", args.file.display()))
    })?;
    let (luma, width, height, stride) = match (args.raw, args.width, args.height) {
        (true, Some(width), Some(height)) => {
            let luma = gunzip_if_gzip(bytes, &args.file)?;
            (luma, width, height, args.stride.unwrap_or(width))
        }
        _ => {
            let img = qr::load_luma(&bytes)?;
            let (w, h) = img.dimensions();
            (img.into_raw(), w, h, w)
        }
    };
    let start = Instant::now();
    let payloads = qr::decode_luma(&luma, width, height, stride)?;
    let decode_ms = start.elapsed().as_secs_f64() * 1000.0;
    let texts: Vec<&str> = payloads.iter().map(|p| p.text.as_str()).collect();
    let human = if texts.is_empty() {
        format!("no QR code found ({decode_ms:.1} ms)")
    } else {
        texts.join("\n")
    };
    let mut json = json!({ "payloads": texts, "decode_ms": decode_ms });
    if !args.add {
        return Ok(Output { json, human });
    }
    if texts.is_empty() {
        return Err(ApiError::invalid_input(
            "no QR code found in the image, so nothing was added",
        ));
    }
    let mut added = Vec::new();
    let mut lines = Vec::new();
    let choices = EnrolChoices {
        force: args.force,
        ..EnrolChoices::default()
    };
    for text in &texts {
        let input = EnrolInput::Scanned {
            text: (*text).to_owned(),
        };
        let out = super::enrol::run(&input, &choices, "watchword-cli", vault, &args.unlock)?;
        added.push(out.json);
        lines.push(out.human);
    }
    json["added"] = json!(added);
    Ok(Output {
        json,
        human: lines.join("\n"),
    })
}

/// Raw frames are often stored gzip'd (`.y.gz`); the magic bytes tell.
fn gunzip_if_gzip(bytes: Vec<u8>, path: &std::path::Path) -> Result<Vec<u8>, ApiError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_end(&mut out)
        .map_err(|e| {
            ApiError::invalid_input(format!("{} is not a valid gzip file: {e}", path.display()))
        })?;
    Ok(out)
}
