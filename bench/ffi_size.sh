#!/usr/bin/env bash
# Size of the shipped bindings library: builds watchword-ffi with the
# `mobile` profile (what the Android and iOS build scripts ship), strips a
# copy (`strip --strip-unneeded`, as an app bundle would) and writes the size,
# the 4 MB goal and the largest contributors (by crate, from the symbol table
# the profile keeps) into the `ffi` section of bench/RESULTS.md. Run it once
# per build you want recorded (minutes: fat LTO on one codegen unit).
#
# Linked with packed relative relocations (`-z pack-relative-relocs`, DT_RELR),
# as the phone builds are (Android's lld `--pack-dyn-relocs=android+relr` at
# minSdk 28; Apple's chained fixups): without it a third of a megabyte is
# relocation entries a phone never carries. `--target` keeps the flag off the
# host's build scripts and proc-macros.
set -euo pipefail
cd "$(dirname "$0")/.."
triple=x86_64-unknown-linux-gnu
RUSTFLAGS="-C link-arg=-Wl,-z,pack-relative-relocs" \
  cargo build --profile mobile --locked -p watchword-ffi --target "$triple"
lib=target/$triple/mobile/libwatchword_ffi.so
out=target/ffi-size
mkdir -p "$out"
cp "$lib" "$out/libwatchword_ffi.so"
strip --strip-unneeded "$out/libwatchword_ffi.so"
nm --size-sort --print-size --demangle=rust "$lib" > "$out/symbols.txt" || true
# For comparison, the plain `release` profile (what `cargo build --release`
# gives: opt-level 3, thin LTO), stripped the same way. Not shipped.
RUSTFLAGS="-C link-arg=-Wl,-z,pack-relative-relocs" \
  cargo build --release --locked -p watchword-ffi --target "$triple"
cp "target/$triple/release/libwatchword_ffi.so" "$out/libwatchword_ffi.release.so"
strip --strip-unneeded "$out/libwatchword_ffi.release.so"
python3 - "$lib" "$out/libwatchword_ffi.so" "$out/symbols.txt" "$out/libwatchword_ffi.release.so" <<'PY'
import re, subprocess, sys
from collections import Counter
from pathlib import Path
sys.path.insert(0, "bench")
from results import write_section

full, stripped, symbols, release = (Path(a) for a in sys.argv[1:])
size = stripped.stat().st_size
goal = 4 * 1024 * 1024
by_crate = Counter()
for line in symbols.read_text().splitlines():
    parts = line.split(maxsplit=3)
    if len(parts) < 4 or parts[2].lower() not in "tw":
        continue
    name = re.sub(r"^[<&]+(mut |dyn )?", "", parts[3]).replace("_<", "")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        crate = m.group(1)
    elif name.startswith("sqlite3"):
        crate = "SQLite (C, bundled by rusqlite)"
    elif name.startswith(("ring_", "GFp", "p256_", "p384_", "x25519_", "aes_", "gcm_", "sha", "ChaCha", "bn_", "chacha")):
        crate = "ring (C/asm)"
    else:
        crate = "(other C / unnamed)"
    by_crate[crate] += int(parts[1], 16)
text_total = sum(by_crate.values()) or 1
top = "\n".join(
    f"| `{c}` | {n / 1024:.0f} KiB | {100 * n / text_total:.1f}% |" for c, n in by_crate.most_common(10)
)
rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
verdict = "within" if size <= goal else "OVER"
note = (
    "\nHow it got here (7.40 MB at first): the `mobile` profile (`opt-level = \"z\"`, fat LTO, "
    "one codegen unit; the QR decoders and hashes kept at `opt-level = 3` for speed), SQLite without "
    "FTS3/FTS5/R-tree/JSON/stat4/loadable extensions (`.cargo/config.toml`), packed relocations "
    "(5.51 MB), then HTTP through the shell's platform stack instead of reqwest + hyper + rustls "
    "(`watchword_core::http`, the `HttpTransport` foreign trait: about 1.5 MB of code, tables and "
    "unwind data), and rqrr's Galois-field arithmetic on 768-byte log/exp tables instead of "
    "`g2p`'s two 64 KiB multiplication tables. What remains is the code the design names: SQLite "
    "(C), ring (AES-GCM, P-256, randomness), RSA for privacyIDEA, the QR engines, PNG/JPEG "
    "decoding, and the unwind tables that `panic = \"unwind\"` needs so a panic becomes an "
    "error at the FFI.\n"
)
if size > goal:
    note = "\n**Over the 4 MB goal.**" + note
body = f"""## FFI library size (bench/ffi_size.sh)

`libwatchword_ffi.so`, x86_64 Linux, `mobile` profile (`opt-level = "z"`, `lto = "fat"`,
`codegen-units = 1`, `panic = "unwind"`), packed relative relocations, then
`strip --strip-unneeded`; {rustc}.

| build | unstripped (symbols kept for bindgen) | stripped (what an app carries) | goal | verdict |
|---|---|---|---|---|
| mobile (shipped: generate.sh, android/build-rust.sh, ios/build-xcframework.sh) | {full.stat().st_size / 1048576:.2f} MB | **{size / 1048576:.2f} MB** ({size} bytes) | 4.00 MB | {verdict} |
| release (`cargo build --release`, opt-level 3, thin LTO; for comparison) | | {release.stat().st_size / 1048576:.2f} MB ({release.stat().st_size} bytes) | | |
{note}
Largest contributors to code size, by crate (function symbols of the unstripped library;
generic code is counted under the crate that defines it, so `core`/`std`/`alloc` include
monomorphised copies made for other crates; "other C" is mostly SQLite's and ring's static
functions, which have no prefix to sort them by):

| crate | code | share |
|---|---|---|
{top}
"""
write_section(Path("bench/RESULTS.md"), "ffi", body)
print(body)
PY
