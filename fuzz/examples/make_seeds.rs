//! Writes the seeds that are binary and made by Watchword itself: a vault
//! file with accounts (for `vault_file`, sealed with the key that target
//! opens with), a QR code as PNG (`qr_image`) and as a raw luma frame with
//! the target's 6-byte size header (`qr_frame`). The text seeds are kept as
//! they are in `fuzz/seeds/`. Run from `fuzz/`:
//! `cargo run --example make_seeds`.

use std::path::Path;

use watchword_core::{
    enrol::qr_image::render_png,
    vault::{StaticKeyProvider, Vault},
};

fn main() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    // vault_file: the same key as the target.
    let vault_path = seeds.join("vault_file/two_accounts.db");
    let _ = std::fs::remove_file(&vault_path);
    let vault = Vault::create(&vault_path, &StaticKeyProvider::new([3; 32])).expect("vault");
    vault
        .add_link(
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
            false,
        )
        .expect("totp");
    vault
        .add_link(
            "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=3",
            false,
        )
        .expect("hotp");
    drop(vault);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(seeds.join(format!("vault_file/two_accounts.db{suffix}")));
    }

    // qr_image and qr_frame: a small code.
    let png = render_png("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP").expect("png");
    std::fs::write(seeds.join("qr_image/link.png"), &png[..]).expect("write png");
    let luma = image::load_from_memory(&png).expect("decode").to_luma8();
    // The target keeps frames under 160 px a side: scale the code down.
    let (w, h) = (luma.width().min(150), luma.height().min(150));
    let luma = image::imageops::resize(&luma, w, h, image::imageops::FilterType::Triangle);
    let mut frame = Vec::new();
    frame.extend_from_slice(&(w as u16).to_le_bytes());
    frame.extend_from_slice(&(h as u16).to_le_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(luma.as_raw());
    std::fs::write(seeds.join("qr_frame/link"), frame).expect("write frame");
}
