"""Reads criterion's estimates and pyotp's figures, writes the `otp`
section of bench/RESULTS.md (between its markers, leaving other sections)."""
import json, os, platform, subprocess, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from results import write_section  # noqa: E402

ACCOUNTS = 64


def ns_per_code(criterion_dir, group, fn):
    est = json.loads((Path(criterion_dir) / group / fn / "new" / "estimates.json").read_text())
    return est["median"]["point_estimate"] / ACCOUNTS


def main(criterion_dir, pyotp_json, results):
    py = json.loads(Path(pyotp_json).read_text())
    rows = []
    ok = True
    for alg in ("SHA1", "SHA256", "SHA512"):
        g = f"otp_{alg.lower()}"
        ours = ns_per_code(criterion_dir, g, "watchword")
        cold = ns_per_code(criterion_dir, g, "watchword_cold")
        with_next = ns_per_code(criterion_dir, g, "watchword_with_next")
        bare = ns_per_code(criterion_dir, g, "bare_hmac")
        ring = ns_per_code(criterion_dir, g, "bare_ring_hmac")
        vs_py = py[alg] / ours
        vs_hmac = ours / bare
        ok &= vs_py >= 20 and vs_hmac <= 1.3
        rows.append(
            f"| {alg} | {1e9/ours:,.0f} | {ours:.0f} | {with_next:.0f} | {cold:.0f} | {bare:.0f} | {ring:.0f} | {py[alg]:.0f} "
            f"| **{vs_py:.1f}×** | **{vs_hmac:.2f}×** | {py[alg]/cold:.1f}× / {cold/bare:.2f}× |"
        )
    cpu = platform.processor() or platform.machine()
    body = "\n".join([
        "## OTP codes (issue: foundation)",
        "",
        f"`bench/otp/run.sh`, one run on {os.cpu_count()} cores ({cpu}); 64 TOTP accounts per algorithm, "
        "20-byte keys, the same keys and time for every column. ns = median nanoseconds per code "
        "(criterion's median for Rust, the median of 7 timed loops for pyotp 2.9.0 on CPython "
        f"{platform.python_version()}).",
        "",
        "| algorithm | codes/s (ours) | ours ns | ours + next code ns | ours cold ns | bare `hmac` ns | bare ring HMAC ns | pyotp ns | ours vs pyotp (goal ≥ 20×) | ours / bare HMAC (goal ≤ 1.3×) | cold: vs pyotp / vs bare HMAC |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "Goals " + ("met." if ok else "NOT all met: see the bold ratios."),
        "`ours` is `CodeGenerator::code_string_at`: one code, as pyotp's `TOTP.at` computes it, from a "
        "generator built once per account (as pyotp's loop builds one `TOTP` object per account). "
        "The generator keeps the HMAC's two key-block states (RFC 2104 section 4, in zeroizing arrays, "
        "core/src/otp/keyed_hmac.rs), so a code costs two SHA compressions where the bare HMAC, "
        "which keys itself from the raw key every time, costs four: that is why ours can be below 1×. "
        "`ours cold` is `OtpParams::code_string_at`, which absorbs the key for every code (a one-off "
        "`watchword code`); its ratios are in the last column. `ours + next code` is "
        "`CodeGenerator::code_at`, which also computes the next period's code for the countdown. "
        "The hashes are RustCrypto `sha1`/`sha2` compression functions (SHA-NI and AVX2 picked at run "
        "time); the bare HMAC is the `hmac` crate on the same hashes; ring's HMAC is measured beside it "
        "because it was the other candidate: it is not faster here.",
    ])
    write_section(Path(results), "otp", body)


if __name__ == "__main__":
    main(*sys.argv[1:])
