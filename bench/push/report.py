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
p = r.get("privacyidea_round_trip")
if p:
    lines += [
        "The same round trip with privacyIDEA 3.14 as the server, same run: the relying party's "
        "`/validate/check` (user + PIN) raises the challenge, the phone polls (signed with its "
        "RSA-4096 key, privacyIDEA's signature checked), approves (signed), and "
        "`/validate/polltransaction` says accepted. privacyIDEA runs as `tests/privacyidea/server.sh` "
        f"starts it (`pi-manage run`, SQLite) on 127.0.0.1; {p['rounds']} rounds after a warm-up. "
        "Both servers' whole request handling is in the ratio, as a relying party would see it.",
        "",
        "| server | p50 | p99 | mean |",
        "|---|---|---|---|",
        f"| Watchword reference server | {t['p50_ms']:.2f} ms | {t['p99_ms']:.2f} ms | {t['mean_ms']:.2f} ms |",
        f"| privacyIDEA 3.14 | {p['p50_ms']:.2f} ms | {p['p99_ms']:.2f} ms | {p['mean_ms']:.2f} ms |",
        f"| ratio (privacyIDEA / Watchword) | **{p['p50_ms'] / t['p50_ms']:.1f}×** | "
        f"{p['p99_ms'] / t['p99_ms']:.1f}× | {p['mean_ms'] / t['mean_ms']:.1f}× |",
    ]
    ph = p.get("phases_mean_ms")
    if ph:
        lines += [
            "",
            "Where privacyIDEA's round trip goes (mean ms): relying party's `/validate/check` "
            f"{ph['check']:.1f}, phone's signed poll (privacyIDEA answering, the phone verifying) "
            f"{ph['phone_poll']:.1f}, phone's signed answer {ph['phone_answer']:.1f}, relying party's "
            f"`/validate/polltransaction` {ph['status_poll']:.1f}. The phone's share is its RSA-4096 "
            "work (see the signature table above); the rest is the server.",
        ]
else:
    lines.append(
        "The privacyIDEA round trip was not measured in this run (no `WATCHWORD_PI_URL`: "
        "`bench/push/run.sh` starts the server itself)."
    )
write_section(Path(sys.argv[2]), "push", "\n".join(lines))
