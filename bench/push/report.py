"""Writes the `push` section of bench/RESULTS.md from the JSON that
`cargo bench --bench push` prints. Usage: report.py RESULT.json RESULTS.md"""
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from results import write_section  # noqa: E402

r = json.loads(Path(sys.argv[1]).read_text())
t = r["round_trip"]
c = r["crypto_per_challenge"]
lines = [
    "## Push approvals (issue 6)",
    "",
    f"`bench/push/run.sh`, one run on {os.cpu_count()} cores ({platform.machine()}), release build. "
    "One round trip = the relying party creates a challenge over HTTP, the device fetches it with a "
    "signed request and verifies the server signature and expiry, answers with the number (signed), "
    "and the relying party reads `approved`; reference server in-process on 127.0.0.1 with its SQLite "
    f"file, {t['rounds']} sequential round trips after a warm-up.",
    "",
    "| metric | value |",
    "|---|---|",
    f"| p50 round trip | **{t['p50_ms']:.2f} ms** |",
    f"| p99 round trip | **{t['p99_ms']:.2f} ms** |",
    f"| mean / min / max | {t['mean_ms']:.2f} / {t['min_ms']:.2f} / {t['max_ms']:.2f} ms |",
    "",
]
if c.get("privacyidea_rsa4096_us"):
    ratio = c["privacyidea_rsa4096_us"] / c["ours_us"]
    lines += [
        "Signature work per challenge (poll request, challenge, answer: 3 signs + 3 verifies), same run, "
        "both with ring: ours (P-256 ECDSA) against privacyIDEA's push scheme "
        f"(RSA-{c['rsa_bits']} PKCS#1 v1.5, the key size its push tokens use).",
        "",
        "| | µs per challenge |",
        "|---|---|",
        f"| Watchword P-256 | {c['ours_us']:.0f} |",
        f"| privacyIDEA RSA-{c['rsa_bits']} | {c['privacyidea_rsa4096_us']:.0f} |",
        f"| ratio (privacyIDEA / ours) | **{ratio:.1f}×** |",
        "",
    ]
lines.append(
    "The full privacyIDEA round trip in the same run waits for the privacyIDEA push issue to land."
)
write_section(Path(sys.argv[2]), "push", "\n".join(lines))
