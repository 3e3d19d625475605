"""Writes the `load` section of bench/RESULTS.md from what bench/load/run.sh
left in OUT (push-load's JSON reports and the run's notes).
Usage: report.py OUT RESULTS.md"""
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from results import write_section  # noqa: E402

out = Path(sys.argv[1])


def load(name):
    p = out / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() else None


def note(name):
    p = out / name
    return p.read_text().strip() if p.exists() else ""


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def load_average(text):
    # `uptime`: "... load average: 1.00, 0.90, 0.80"
    return text.rsplit("load average:", 1)[-1].strip() if text else "?"


def rustc():
    try:
        return subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "rustc"


def failures(r):
    f = r["failures"]
    if not f["by_kind"]:
        return "none"
    kinds = ", ".join(f"{k} ×{n}" for k, n in sorted(f["by_kind"].items()))
    return f"{f['other']} other + {f['documented_refusals']} documented refusals ({kinds})"


def mib(m, key):
    v = (m or {}).get(key)
    return f"{v:.1f}" if v is not None else "?"


runs = [
    ("sqlite", "Watchword, SQLite, 1 instance"),
    ("pg1", "Watchword, PostgreSQL, 1 instance"),
    ("pg2", "Watchword, PostgreSQL, 2 instances"),
    ("pi", "privacyIDEA 3.14 (`pi-manage run`, SQLite)"),
]
results = {k: load(k) for k, _ in runs}
sq, pi = results["sqlite"], results["pi"]
if sq is None:
    sys.exit(f"no {out}/sqlite.json: did bench/load/run.sh run?")
c = sq["concurrency"]
pi_version = note("pi-version") or "3.14"
pg_version = note("pg-version")

lines = [
    "## Push load: many devices, concurrent round trips (issue 20)",
    "",
    f"`bench/load/run.sh`, one run on {os.cpu_count()} cores ({platform.machine()}, {cpu_model()}), "
    f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, release build ({rustc()}); load average "
    f"{load_average(note('load-before'))} before and {load_average(note('load-after'))} after (the machine "
    "is shared: other jobs' compiles run beside it). The load generator is `push-load` "
    "(bench/src/bin/push_load.rs, bench/src/load.rs), its own process; each server is its own process "
    "(`watchword-server serve`, default logging) on 127.0.0.1, sharing the 2 cores with the generator.",
    "",
    f"One round trip = the relying party creates a sign-in over HTTP, the phone (the core's `PushService`, "
    "as on a phone) fetches it with a signed request and verifies the server's signature and expiry, "
    "approves with the number (signed), and the relying party reads `approved`. "
    f"{sq['devices']:,} devices were enrolled (`watchword-server enrol --users-file --json`, then each "
    "activated over HTTP with the real activation protocol, a new P-256 key each); "
    f"{c} workers each own 1/{c} of them and run one round trip after another, device after device, so "
    f"{c} round trips are in flight at any time and no user has two sign-ins open. "
    f"{sq['warmup_s']:.0f} s of warm-up, then {sq['measured_s']:.0f} s measured; failures are counted "
    "by kind and never retried (the phones' client runs with no retries). With two instances, each "
    "device talks to the instance it was activated at and its relying party to the other one, so every "
    "sign-in is created and read on one instance and fetched and answered on the other.",
    "",
    "| server | devices | round trips/s | measured round trips | p50 | p95 | p99 | max | failures | server RSS / peak (MiB) | server CPU s per 1,000 round trips |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]
for key, label in runs:
    r = results[key]
    if r is None:
        continue
    lat = r["latency"]
    procs = r["server_processes"]
    mem = " + ".join(f"{mib(p['memory'], 'rss_mib')} / {mib(p['memory'], 'hwm_mib')}" for p in procs)
    cpu = sum(p["cpu_s"] or 0 for p in procs)
    per_k = cpu / r["round_trips"] * 1000 if r["round_trips"] else 0
    lines.append(
        f"| {label} | {r['devices']:,} | **{r['throughput_per_s']:,.1f}** | {r['round_trips']:,} | {lat['p50_ms']:.1f} ms | {lat['p95_ms']:.1f} ms | "
        f"**{lat['p99_ms']:.1f} ms** | {lat['max_ms']:.1f} ms | {failures(r)} | {mem} | {per_k:.1f} |"
    )
lines.append("")

if pi and pi["round_trips"]:
    ratio_tp = sq["throughput_per_s"] / pi["throughput_per_s"]
    ratio_p50 = pi["latency"]["p50_ms"] / sq["latency"]["p50_ms"]
    ratio_p99 = pi["latency"]["p99_ms"] / sq["latency"]["p99_ms"]
    lines += [
        f"Against privacyIDEA {pi_version} at the same concurrency ({c}), same run: Watchword on SQLite "
        f"does **{ratio_tp:,.0f}×** the round trips per second, at {ratio_p50:,.0f}× lower p50 and "
        f"{ratio_p99:,.0f}× lower p99 latency. privacyIDEA's round trip is the same one (its relying "
        "party's `/validate/check` with user and PIN raises the push challenge, the phone polls "
        "`/ttype/push` signed with its RSA-4096 key and checks privacyIDEA's signature, approves, "
        "`/validate/polltransaction` says accepted); it runs as `tests/privacyidea/server.sh` starts it "
        f"(`pi-manage run`, one Python process, SQLite). It has **{pi['devices']} devices**, one push token "
        f"per user (users load000 ...), not {sq['devices']:,}: each needs an admin `/token/init` and a "
        f"phone-made RSA-4096 key, and its enrolment ran at {pi['activation']['per_s']:.2f} devices/s "
        f"({pi['activation']['seconds']:.0f} s for {pi['devices']}), against "
        f"{sq['activation']['per_s']:,.0f}/s for Watchword's activations. Mean time per call "
        f"(ms): `/validate/check` {pi['phases_mean_ms']['check']:.0f}, phone's poll "
        f"{pi['phases_mean_ms']['phone_poll']:.0f}, phone's answer {pi['phases_mean_ms']['phone_answer']:.0f}, "
        f"`/validate/polltransaction` {pi['phases_mean_ms']['status_poll']:.0f}.",
        "",
    ]

elif pi:
    lines += [
        f"privacyIDEA {pi_version} at the same concurrency ({c}) completed **no round trip** in this run "
        f"({failures(pi)}); see build/privacyidea/privacyidea.log.",
        "",
    ]

ph = sq["phases_mean_ms"]
act = sq["activation"]
mem_after = act["server_processes"][0]["memory"] if act["server_processes"] else {}
enrol_s = note("sqlite.enrol-seconds")
lines += [
    f"Enrolling {sq['devices']:,} devices on SQLite: codes issued in {enrol_s or '?'} s (one `enrol "
    f"--users-file` process, its passphrase's argon2id included), activated in {act['seconds']:.1f} s "
    f"({act['per_s']:,.0f}/s, 32 at a time), failures: {act['failures']['other'] + act['failures']['documented_refusals']}. "
    f"**Server memory with {sq['devices']:,} devices**: VmRSS {mib(mem_after, 'rss_mib')} MiB after the "
    f"activations, {mib(sq['server_processes'][0]['memory'], 'rss_mib')} MiB after the load; its peak "
    f"(VmHWM) {mib(sq['server_processes'][0]['memory'], 'hwm_mib')} MiB is the 64 MiB argon2id that "
    "unseals the signing key at start, before any request. Mean time per call under load (ms): "
    f"create {ph['create']:.1f}, phone's signed fetch + verification {ph['device_fetch']:.1f}, phone's "
    f"signed answer {ph['device_answer']:.1f}, status {ph['status']:.1f}. CPU during the measured phase: "
    f"server {sq['server_processes'][0]['cpu_s']:.1f} s, generator {sq['generator']['cpu_s']:.1f} s "
    f"of {sq['measured_s'] + sq['warmup_s']:.0f} s × 2 cores.",
    "",
]

skipped = note("pg-skipped")
if skipped:
    lines += [
        f"PostgreSQL (one instance, two instances): **not measured in this run**: {skipped}. "
        "`bench/load/run.sh` runs both as soon as `watchword-server` takes `--db postgres://...` "
        "(it starts its own PostgreSQL from the Debian package in a temporary directory on a loopback port).",
        "",
    ]
elif pg_version:
    lines += [f"PostgreSQL: {pg_version}, started by tests/postgres/server.sh (initdb in a temporary directory, loopback port; synchronous_commit=off, the durability class of the SQLite run's WAL with synchronous=NORMAL: a crash may lose the last commits, never corrupts).", ""]

# The goals, honestly.
goals = []
tp_ok = sq["throughput_per_s"] >= 500
p99_ok = sq["latency"]["p99_ms"] <= 50
goals.append(
    f"SQLite ≥ 500 round trips/s: {'met' if tp_ok else 'not met'} ({sq['throughput_per_s']:,.0f}/s"
    + ("" if tp_ok else f", {500 - sq['throughput_per_s']:,.0f}/s short") + ")"
)
goals.append(
    f"p99 ≤ 50 ms: {'met' if p99_ok else 'not met'} ({sq['latency']['p99_ms']:.1f} ms"
    + ("" if p99_ok else f", {sq['latency']['p99_ms'] / 50:.2f}× the goal") + ")"
)
for key, label in (("pg1", "PostgreSQL, 1 instance"), ("pg2", "PostgreSQL, 2 instances")):
    r = results[key]
    if r is None:
        goals.append(f"{label} within 2× of SQLite: not measured")
        continue
    ok = r["throughput_per_s"] * 2 >= sq["throughput_per_s"] and r["latency"]["p99_ms"] <= 2 * sq["latency"]["p99_ms"]
    goals.append(
        f"{label} within 2× of SQLite: {'met' if ok else 'not met'} "
        f"({sq['throughput_per_s'] / r['throughput_per_s']:.2f}× fewer round trips/s, "
        f"p99 {r['latency']['p99_ms'] / sq['latency']['p99_ms']:.2f}×)"
    )
other = sum(r["failures"]["other"] for k, r in results.items() if r and k != "pi")
goals.append(
    "no failures other than documented refusals (Watchword runs): "
    + ("met" if other == 0 else f"not met ({other})")
)
lines += ["Goals (2 cores): " + "; ".join(goals) + "."]
# What limits it: CPU. The server's and the generator's CPU per round trip
# give the rate both would reach with the 2 cores to themselves; what they
# got in this run says how much the machine's other jobs took.
wall = sq["measured_s"] + sq["warmup_s"]
ours_cpu = sum(p["cpu_s"] or 0 for p in sq["server_processes"]) + (sq["generator"]["cpu_s"] or 0)
if ours_cpu and sq["round_trips"]:
    cores = os.cpu_count() or 2
    per_trip = ours_cpu / (sq["round_trips"] * wall / sq["measured_s"])
    lines += [
        "",
        f"What limits it: CPU, shared by the server and the generator (each round trip is three P-256 "
        f"signatures and three verifications (the phones sign twice and verify once, the server the "
        "reverse) and four HTTP exchanges). "
        f"On SQLite they used {ours_cpu / wall:.2f} of the {cores} cores together "
        f"({per_trip * 1000:.2f} ms of CPU per round trip, server and generator), so with both cores to "
        f"themselves they would run about {cores / per_trip:,.0f} round trips/s; in this run the machine's "
        f"other jobs (load average {load_average(note('load-before'))} before, "
        f"{load_average(note('load-after'))} after) took the rest, and the tail latency is mostly time "
        "spent waiting for a core.",
    ]
write_section(Path(sys.argv[2]), "load", "\n".join(lines))
