//! Writes a sample frame to look at: `cargo run -p watchword-testkit --example render -- out.png`.
fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "frame.png".into());
    let png = watchword_testkit::Scene::new(1280, 720)
        .code(
            "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
            60,
            120,
            5,
        )
        .code(
            "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3",
            700,
            200,
            5,
        )
        .render()
        .png();
    if let Err(e) = std::fs::write(&out, png) {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
}
