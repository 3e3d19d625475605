//! `cargo run -p uniffi-bindgen -- generate ...`: the generator at exactly
//! the version the library links, so generated code and runtime agree.

fn main() {
    uniffi::uniffi_bindgen_main()
}
