"""Writes the `delivery` section of bench/RESULTS.md from the JSON that
`cargo bench --bench delivery` prints. Usage: report.py RESULT.json RESULTS.md"""
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from results import write_section  # noqa: E402

r = json.loads(Path(sys.argv[1]).read_text())
polled, delivered, added = r["round_trip_polled"], r["round_trip_delivered"], r["added_latency"]
ratio = delivered["p50_ms"] / polled["p50_ms"]
peer = r.get("pywebpush_per_second")
goals = []
goals.append("round trip with delivery within 2× " + ("met" if ratio <= 2 else "**not met**"))
goals.append("≥ 1,000 notifications/s " + ("met" if r["apns_per_second"] >= 1000 else "**not met**"))
lines = [
    "## Delivering notifications (issue 17)",
    "",
    f"`bench/delivery/run.sh`, one run on {os.cpu_count()} cores ({platform.machine()}), release build; the server, "
    "the device and the loopback push services (`tests/src/push_services.rs`: APNs over HTTP/2 + TLS, a Web Push "
    "endpoint over HTTP/1.1) all in one process on 127.0.0.1, sharing the cores. APNs and FCM themselves cannot be "
    "reached from CI.",
    "",
    f"Round trip (relying party creates, device gets the request, approves with the number, relying party reads "
    f"`approved`), {delivered['rounds']} sequential rounds after a warm-up each: polled (the device fetches "
    "`pending`, no push) against delivered (the server sends through APNs, the device acts on the notification's "
    "payload as the Notification Service Extension does).",
    "",
    "| | p50 | p99 | mean |",
    "|---|---|---|---|",
    f"| polled (no delivery) | {polled['p50_ms']:.2f} ms | {polled['p99_ms']:.2f} ms | {polled['mean_ms']:.2f} ms |",
    f"| delivered through APNs | {delivered['p50_ms']:.2f} ms | {delivered['p99_ms']:.2f} ms | {delivered['mean_ms']:.2f} ms |",
    f"| ratio (delivered / polled, goal ≤ 2×) | **{ratio:.2f}×** | {delivered['p99_ms'] / polled['p99_ms']:.2f}× | {delivered['mean_ms'] / polled['mean_ms']:.2f}× |",
    f"| added: `POST /v1/challenges` → APNs took it | {added['p50_ms']:.2f} ms | {added['p99_ms']:.2f} ms | {added['mean_ms']:.2f} ms |",
    "",
    f"Notifications per second from one server ({r['in_flight']} in flight):",
    "",
    "| | notifications/s |",
    "|---|---|",
    f"| APNs over HTTP/2, {r['apns_sends']:,} sends on {'the one connection opened by the warm-up' if r['apns_new_connections'] == 0 else str(r['apns_new_connections']) + ' new connection(s)'} (goal ≥ 1,000/s) | **{r['apns_per_second']:,.0f}** |",
    f"| Web Push (encrypt + VAPID JWT + POST), {r['web_push_sends']:,} sends | **{r['web_push_per_second']:,.0f}** |",
]
if peer:
    lines.append(f"| pywebpush 2.5.0 (same work, one keep-alive session, sequential: its API is synchronous) | {peer:,.0f} |")
    lines.append(f"| ratio (ours / pywebpush) | **{r['web_push_per_second'] / peer:.1f}×** |")
lines += ["", "Goals: " + "; ".join(goals) + "."]
write_section(Path(sys.argv[2]), "delivery", "\n".join(lines))
