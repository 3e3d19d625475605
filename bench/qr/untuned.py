#!/usr/bin/env python3
"""QR decoding on frames the decoder was not tuned on (issue 22): Watchword
against zxing-cpp on the untuned sets of bench/qr/gen_sets.py, per category,
with false positives, warm and cold, in the same run.

    python3 bench/qr/untuned.py measure LABEL [--qr-decode BIN] [--limits none|default|live] [--cold-every N]
                                              [--what TEXT] [--clock cpu|wall]
    python3 bench/qr/untuned.py trace [--qr-decode BIN]       # the tuning set, every strategy
    python3 bench/qr/untuned.py write BEFORE AFTER [--live LABEL] [--no-write]

`measure` decodes every frame of every untuned set with both decoders,
single-threaded and pinned to core 0 (`taskset`), decode time only, as the
decoding thread's CPU time (`--clock wall` for wall time, which a busy
machine inflates on the slowest frames):
- warm: both decoders in one long-lived process each (zxing-cpp in this
  Python process, Watchword in one `qr-decode --serve`), frame by frame
  interleaved, each frame decoded once, as a camera loop does;
- cold: one decode per process for both (a fresh Python that imports
  zxing-cpp and reads the frame; a fresh `qr-decode --serve` answering one
  frame, as `watchword scan` runs), on every N-th frame of each set.
It saves everything to build/qr-results/LABEL.json. `write` renders the
untuned section of bench/RESULTS.md from two saved runs (before and after a
change), so both are in the same table with the same zxing-cpp figures
beside each.

`trace` runs `qr-decode --trace` over the tuning set (every strategy on
every frame, the finder evidence probes alone) into
build/qr-results/trace-tuning.jsonl and prints what each early-rejection
threshold and time budget would have cost and saved there.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402

SETS_DIR = run.ROOT / "build" / "qr-sets"
OUT = run.ROOT / "build" / "qr-results"
BEGIN, END = "<!-- qr-untuned:begin -->", "<!-- qr-untuned:end -->"

COLD_ZX = r"""
import json, sys, time
from pathlib import Path
import numpy as np
from PIL import Image
import zxingcpp
d, f = Path(sys.argv[1]), json.loads(sys.argv[2])
now = time.thread_time if sys.argv[3] == "cpu" else time.perf_counter
p = d / f["file"]
if f["format"] == "y":
    raw = np.frombuffer(p.read_bytes(), dtype=np.uint8)
    if raw.size < f["stride"] * f["height"]:  # a last row that ends at its width
        raw = np.concatenate([raw, np.zeros(f["stride"] * f["height"] - raw.size, np.uint8)])
    img = raw[: f["stride"] * f["height"]].reshape(f["height"], f["stride"])[:, : f["width"]]
else:
    img = np.asarray(Image.open(p).convert("L"))
t0 = now()
res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
ms = (now() - t0) * 1000
print(json.dumps({"ms": ms, "payloads": sorted(r.text for r in res)}))
"""


def sets(role):
    meta = json.loads((SETS_DIR / "sets.json").read_text())
    return [s for s in meta if s["role"] == role]


def tuning_set(t):
    """A tuning set as the prose names it: seed and frames (and, for a set
    that keeps some categories of its plan, which)."""
    if t.get("categories"):
        kept = " and ".join(t["categories"])
        return (f"`{t['name']}` (seed {t['seed']}, the {len(frames_of(t['name']))} {kept} frames "
                f"of a {t['count']}-frame plan)")
    return f"`{t['name']}` (seed {t['seed']}, {t['count']} frames)"


def frames_of(name):
    return json.loads((SETS_DIR / name / "manifest.json").read_text())["frames"]


def cold_both(frames, qr_dir, binary, extra, clock="wall"):
    py = str(run.VENV / "bin" / "python")
    zx, ww = {}, {}
    for f in frames:
        out = subprocess.run([*run.pin(), py, "-c", COLD_ZX, str(qr_dir), json.dumps(f), clock],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out)
        zx[f["file"]] = (r["payloads"], r["ms"])
        out = subprocess.run([*run.pin(), str(binary), str(qr_dir), "--serve", "--repeat", "1", *extra],
                             input=f["file"] + "\n", capture_output=True, text=True, check=True).stdout
        ww[f["file"]] = run.served(json.loads(out), clock)
    return zx, ww


def measure(args):
    binary = Path(args.qr_decode) if args.qr_decode else run.build_qr_decode()
    extra = ["--limits", args.limits] if args.limits else []
    result = {"label": args.label, "what": args.what, "clock": args.clock, "binary": str(binary), "extra": extra,
              "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cold_every": args.cold_every,
              "sets": {}}
    for s in sets("untuned"):
        qr_dir = SETS_DIR / s["name"]
        frames = frames_of(s["name"])
        t0 = time.time()
        zx, ww = run.run_both(frames, qr_dir, 1, binary, extra, args.clock)
        cold = frames[:: args.cold_every] if args.cold_every else []
        czx, cww = cold_both(cold, qr_dir, binary, extra, args.clock)
        result["sets"][s["name"]] = {"warm": {"zx": zx, "ww": ww}, "cold": {"zx": czx, "ww": cww}}
        print(f"{s['name']}: {len(frames)} warm, {len(cold)} cold, {time.time() - t0:.0f} s", flush=True)
    result["load"] = os.getloadavg()[0]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.label}.json").write_text(json.dumps(result))


# ---------------------------------------------------------------------------------------------
# trace: choosing the early-rejection threshold and the live budget on the tuning set


def trace(args):
    binary = Path(args.qr_decode) if args.qr_decode else run.build_qr_decode()
    # The first tuning set: the one the early-rejection threshold and the
    # live budget were chosen on.
    s = sets("tuning")[0]
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "trace-tuning.jsonl"
    with open(path, "w") as out:
        subprocess.run([*run.pin(), str(binary), str(SETS_DIR / s["name"]), "--trace"], stdout=out, check=True)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"tuning set {s['name']} (seed {s['seed']}): {len(rows)} frames")

    def chain(r, min_finders, evidence, budget):
        """(ok, ms) of the default chain under a rule, from the trace."""
        spent = 0.0
        for i, st in enumerate(r["steps"]):
            if i > 0 and budget is not None and spent >= budget:
                return False, spent
            spent += st["ms"]
            if st["any"]:
                return st["ok"], spent
            if i == 0 and st["finders"] < min_finders:
                if evidence == "first":
                    return not r["qr"], spent
                # Not enough: look again, every third row (the probe's time
                # includes a second binarisation a real one would reuse).
                spent += r["probe_harder_ms"]
                if r["probe_harder"] < min_finders:
                    return not r["qr"], spent
        return not r["qr"], spent

    print("rule                            ok lost  no-QR median ms  all p95 ms  lost frames")
    base = None
    for evidence in ["first", "first+harder"]:
        for mf in [0, 1, 2, 3, 4, 6]:
            for budget in [None, 30, 15, 8]:
                res = [chain(r, mf, evidence, budget) for r in rows]
                ok = [a for a, _ in res]
                if base is None:
                    base = ok
                lost = [r["file"] for r, a, b in zip(rows, ok, base) if b and not a]
                noqr = sorted(ms for r, (_, ms) in zip(rows, res) if not r["qr"])
                times = sorted(ms for _, ms in res)
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                print(f"{evidence:12s} min {mf} budget {str(budget):4s}  {sum(ok):4d} {len(lost):4d}  "
                      f"{statistics.median(noqr):8.2f}  {p95:8.2f}  {' '.join(Path(x).stem for x in lost[:6])}")
    # Frames that need a fallback: what the first pass saw.
    print("\nframes read only by a fallback: category, first-pass finders, harder probe, strategy")
    for r in rows:
        if r["qr"] and not r["steps"][0]["ok"]:
            first_ok = next((st["strategy"] for st in r["steps"] if st["ok"]), "-")
            print(f"  {Path(r['file']).stem} {r['category']:14s} {r['steps'][0]['finders']:3d} "
                  f"{r['probe_harder']:3d}  {first_ok}")
    noqr = [r for r in rows if not r["qr"]]
    print("\nno-QR frames: first-pass finders " + " ".join(str(r["steps"][0]["finders"]) for r in noqr))
    print("probe ms: quick median %.2f, harder median %.2f" % (
        statistics.median(r["probe_quick_ms"] for r in rows), statistics.median(r["probe_harder_ms"] for r in rows)))


# ---------------------------------------------------------------------------------------------
# write: the RESULTS.md section


ORDER = ["clean", "perspective", "rotation", "small", "defocus", "motion", "noise", "lowlight",
         "glare", "jpeg", "inverted", "cropped_quiet", "dense", "moire", "two_codes", "no_qr"]


def ok_of(f, got):
    return sorted(got) == sorted(f["expected"])


def pct(a, n):
    return 100.0 * a / n if n else float("nan")


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.95))]


def timing(by_file, res):
    """median, p95 over all frames; median, p95 over no-QR frames; median
    over code frames (`res` keyed like `by_file`, the frames it measured)."""
    all_ms = [ms for _, ms in res.values()]
    noqr = [ms for k, (_, ms) in res.items() if not by_file[k]["expected"]]
    code = [ms for k, (_, ms) in res.items() if by_file[k]["expected"]]
    return statistics.median(all_ms), p95(all_ms), statistics.median(noqr), p95(noqr), statistics.median(code)


def write(args):
    runs = [json.loads((OUT / f"{label}.json").read_text()) for label in (args.before, args.after)]
    untuned = sets("untuned")
    tuning = sets("tuning")
    frames = {s["name"]: frames_of(s["name"]) for s in untuned}
    allf = [f for s in untuned for f in frames[s["name"]]]
    by_file = {(s["name"], f["file"]): f for s in untuned for f in frames[s["name"]]}

    def what(r):
        # Runs saved before `--what` existed: the first pair written up.
        return r.get("what") or ("the decoder at the start of issue 22 (the whole fallback chain on every "
                                 "frame nothing reads)" if r is runs[0] else "the decoder with early rejection (below)")

    def merged(r, mode, who):
        return {(name, k): v for name, d in r["sets"].items() for k, v in d[mode][who].items()}

    zx = merged(runs[1], "warm", "zx")
    wb, wa = merged(runs[0], "warm", "ww"), merged(runs[1], "warm", "ww")
    lines = [BEGIN, "## QR decoding on untuned frames (issue 22): Watchword vs zxing-cpp", ""]
    total = sum(s["count"] for s in untuned)
    lines += [
        f"Sets made by `python3 bench/qr/gen_sets.py` with the shared generator (`shared/qr/gen_frames.py`,",
        "unchanged; segno 1.6.6, numpy 2.4.6, opencv-python-headless 5.0.0.93; 5 frames of each set are",
        f"strided raw planes). {len(tuning)} sets are for tuning and are not reported: "
        + ", ".join(tuning_set(t) for t in tuning)
        + "; the early-rejection threshold was chosen on the first, the fallbacks and the chain on the first"
        " two, when to guess a lost finder pattern on all three. The",
        f"figures below are from the other {len(untuned)} sets, {total} frames, seeds "
        + ", ".join(str(s["seed"]) for s in untuned) + " (one per set; never used for tuning).",
        "",
        "`python3 bench/qr/untuned.py measure LABEL` then `write BEFORE AFTER`: both decoders on the same",
        "frames in one run, single-threaded, pinned to core 0, decode time only (file loading excluded),",
        ("as the decoding thread's CPU time (`time.thread_time` around zxing-cpp's call, "
         "`CLOCK_THREAD_CPUTIME_ID` in `qr-decode`), which a busy machine does not inflate."
         if all(r.get("clock") == "cpu" for r in runs) else
         "as wall time (runs before `--clock cpu`: a busy machine inflates the slowest frames)."),
        "zxing-cpp is PyPI zxing-cpp 3.1.1 (`read_barcodes`, formats=QRCode). **Warm**: one process per",
        "decoder for the whole set, each frame decoded once, zxing-cpp and Watchword interleaved frame by",
        "frame (a camera loop). **Cold**: one decode per process for both (a fresh Python importing",
        "zxing-cpp; a fresh `qr-decode` answering one frame, as `watchword scan` does), on one frame",
        f"in {runs[1]['cold_every']} of each set. *Before* is {what(runs[0])}; *after* is {what(runs[1])}.",
        f"Runs: before {runs[0]['when']}, after {runs[1]['when']} (load average {runs[1]['load']:.1f} at the end).",
        "",
        "| set | seed | frames | zxing-cpp % | Watchword before % | after % | after - zxing-cpp | FP zxing / before / after | wrong strings on code frames |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in untuned:
        fs = frames[s["name"]]
        n = len(fs)

        def count(res):
            return sum(ok_of(f, res[(s["name"], f["file"])][0]) for f in fs)

        def fp(res):
            return sum(1 for f in fs if not f["expected"] and res[(s["name"], f["file"])][0])

        def wrong(res):
            return sum(1 for f in fs if f["expected"]
                       and set(res[(s["name"], f["file"])][0]) - set(f["expected"]))

        a, b, c = count(zx), count(wb), count(wa)
        lines.append(f"| {s['name']} | {s['seed']} | {n} | {pct(a, n):.1f} | {pct(b, n):.1f} | {pct(c, n):.1f} | "
                     f"{pct(c - a, n):+.1f} points | {fp(zx)} / {fp(wb)} / {fp(wa)} | "
                     f"{wrong(zx)} / {wrong(wb)} / {wrong(wa)} |")
    n = len(allf)
    keys = list(by_file)
    cz = sum(ok_of(by_file[k], zx[k][0]) for k in keys)
    cb = sum(ok_of(by_file[k], wb[k][0]) for k in keys)
    ca = sum(ok_of(by_file[k], wa[k][0]) for k in keys)
    lines.append(f"| all untuned | | {n} | {pct(cz, n):.1f} | {pct(cb, n):.1f} | {pct(ca, n):.1f} | "
                 f"{pct(ca - cz, n):+.1f} points | | |")
    lines += ["", "Per category, all untuned sets together (success %; *only W* / *only Z*: frames only",
              "Watchword (after) / only zxing-cpp reads; *noise*: two standard deviations of a sign test on",
              "those, in points):", ""]
    cats = [c for c in ORDER if any(f["category"] == c for f in allf)]
    cat_rows = {}
    for c in cats:
        ks = [k for k in keys if by_file[k]["category"] == c]
        z = [ok_of(by_file[k], zx[k][0]) for k in ks]
        b = [ok_of(by_file[k], wb[k][0]) for k in ks]
        a = [ok_of(by_file[k], wa[k][0]) for k in ks]
        only_w = sum(1 for x, y in zip(a, z) if x and not y)
        only_z = sum(1 for x, y in zip(a, z) if y and not x)
        noise = pct(2 * math.sqrt(only_w + only_z), len(ks))
        cat_rows[c] = (len(ks), pct(sum(z), len(ks)), pct(sum(b), len(ks)), pct(sum(a), len(ks)), only_w, only_z, noise)
    lines += ["| | " + " | ".join(cats) + " |", "|---|" + "---|" * len(cats)]
    lines.append("| n | " + " | ".join(str(cat_rows[c][0]) for c in cats) + " |")
    lines.append("| zxing-cpp | " + " | ".join(f"{cat_rows[c][1]:.1f}" for c in cats) + " |")
    lines.append("| Watchword before | " + " | ".join(f"{cat_rows[c][2]:.1f}" for c in cats) + " |")
    lines.append("| Watchword after | " + " | ".join(f"{cat_rows[c][3]:.1f}" for c in cats) + " |")
    lines.append("| only W / only Z | " + " | ".join(f"{cat_rows[c][4]} / {cat_rows[c][5]}" for c in cats) + " |")
    lines.append("| after - zxing-cpp (noise) | " + " | ".join(
        f"{cat_rows[c][3] - cat_rows[c][1]:+.1f} ({cat_rows[c][6]:.1f})" for c in cats) + " |")

    lines += ["", "Time, all untuned frames (ms; ratio = Watchword / zxing-cpp of the same run and mode):", "",
              "| mode | decoder | median | p95 | no-QR median | no-QR p95 | code frames median |",
              "|---|---|---|---|---|---|---|"]
    speed = {}
    for mode in ("warm", "cold"):
        for label, r in (("before", runs[0]), ("after", runs[1])):
            z = timing(by_file, merged(r, mode, "zx"))
            w = timing(by_file, merged(r, mode, "ww"))
            speed[(mode, label)] = (z, w)
            lines.append(f"| {mode} | zxing-cpp (run {label}) | " + " | ".join(f"{v:.2f}" for v in z) + " |")
            lines.append(f"| {mode} | Watchword {label} | " + " | ".join(f"{v:.2f}" for v in w) + " |")
            lines.append(f"| {mode} | ratio {label} | " + " | ".join(f"{b / a:.2f}x" for a, b in zip(z, w)) + " |")

    if args.live:
        live = json.loads((OUT / f"{args.live}.json").read_text())
        z = timing(by_file, merged(live, "warm", "zx"))
        w = timing(by_file, merged(live, "warm", "ww"))
        lines.append("| warm | zxing-cpp (run live) | " + " | ".join(f"{v:.2f}" for v in z) + " |")
        lines.append("| warm | Watchword live | " + " | ".join(f"{v:.2f}" for v in w) + " |")
        lines.append("| warm | ratio live | " + " | ".join(f"{b / a:.2f}x" for a, b in zip(z, w)) + " |")
        wl = merged(live, "warm", "ww")
        cl = sum(ok_of(by_file[k], wl[k][0]) for k in keys)
        lines += ["", f"*Live* is `ScannerSession`'s limits (`pipeline::Limits::LIVE`: early rejection and no "
                  f"fallback started after {args.live_budget_ms} ms), warm, run {live['when']}: "
                  f"{pct(cl, n):.1f}% of all untuned frames read (after, without the budget: {pct(ca, n):.1f}%)."]

    def lost(res_a, res_b):
        out = [f"{Path(k[1]).stem} ({by_file[k]['category']})" for k in keys
               if ok_of(by_file[k], res_a[k][0]) and not ok_of(by_file[k], res_b[k][0])]
        return ", ".join(out) or "none"

    lines += ["", "Early rejection (`pipeline::Limits`, `MIN_FINDERS` = 1, `DIM_RANGE` = 100): when the first",
              "pass (rxing on ZXing's hybrid binarisation, both polarities) decodes nothing and its finder",
              "search saw no finder pattern, the frame is given up; a dim frame (1st..99th percentile spread",
              "under 100 grey levels, where the binariser flattens a faint code) gets the contrast-stretched",
              "pass too. Chosen on the tuning set, where it lost no frame. Measured when it came in",
              "(2026-12-07, against the whole chain on every frame), it lost 5 untuned frames the fallbacks",
              "read: f13_0014 (motion), f13_0067 (moire), f13_0105 (motion), f14_0077 (lowlight), f15_0020",
              "(motion), and cut the no-QR median from 22.9x to 1.4x zxing-cpp's (warm).",
              "",
              "Frames read before but not after: " + lost(wb, wa) + ".",
              "Frames read after but not before: " + lost(wa, wb) + "."]
    if args.live:
        lines.append("Frames the live budget costs (read after, not live): " + lost(wa, wl) + ".")

    # Goals of issue 22, judged from the figures above.
    def yes(b):
        return "**met**" if b else "**not met**"

    per_set = []
    for s in untuned:
        fs = frames[s["name"]]
        z = sum(ok_of(f, zx[(s["name"], f["file"])][0]) for f in fs)
        a = sum(ok_of(f, wa[(s["name"], f["file"])][0]) for f in fs)
        per_set.append(pct(a - z, len(fs)))
    fp_total = sum(1 for k in keys if not by_file[k]["expected"] and wa[k][0])
    weak = [c for c in cats if c != "no_qr" and (cat_rows[c][3] - cat_rows[c][1]) + cat_rows[c][6] < 3]
    worse = [c for c in cats if (cat_rows[c][3] - cat_rows[c][1]) + cat_rows[c][6] < 0]
    lines += ["", "Issue 22's goals on these sets (after):", ""]
    lines.append(f"- ≥ zxing-cpp + 3 points on every untuned set: {yes(min(per_set) >= 3)} "
                 f"(" + ", ".join(f"{d:+.1f}" for d in per_set) + " points).")
    # Where zxing-cpp misses fewer than 3 points' worth of frames, +3 points
    # cannot be had: said apart from the categories with room to gain.
    ceiling = [c for c in weak if 100 - cat_rows[c][1] < 3]
    room = [c for c in weak if c not in ceiling]
    # Categories where 3 points cannot be gained are judged apart: there
    # the most anyone can do is read every frame zxing-cpp reads.
    kept_up = all(cat_rows[c][5] == 0 for c in ceiling)
    if not weak:
        lines.append("- every category ≥ zxing-cpp + 3 points within noise: **met**.")
    else:
        lines.append(
            f"- every category ≥ zxing-cpp + 3 points within noise: {yes(not room and not worse)} in every "
            f"category where 3 points can be gained (short with room to gain: {', '.join(room) or 'none'}; "
            f"below zxing-cpp beyond noise: {', '.join(worse) or 'none'}); **not met as written** in "
            f"{', '.join(ceiling)}, where zxing-cpp already reads over 97%, so 3 points are more than it "
            f"misses; there Watchword reads "
            + ("every frame zxing-cpp reads (no frame only zxing-cpp reads)." if kept_up
               else "fewer frames than zxing-cpp in some.")
        )
    lines.append(f"- 0 false positives: {yes(fp_total == 0)} ({fp_total} no-QR frames with a payload).")
    for c in ("cropped_quiet", "defocus"):
        if c in cat_rows:
            lines.append(f"- `{c}` better than zxing-cpp: {yes(cat_rows[c][4] > cat_rows[c][5])} "
                         f"({cat_rows[c][3]:.1f}% against {cat_rows[c][1]:.1f}%, {cat_rows[c][4]} frames only "
                         f"Watchword reads, {cat_rows[c][5]} only zxing-cpp).")
    for mode in ("warm", "cold"):
        z, w = speed[(mode, "after")]
        lines.append(f"- {mode}: median ≤ 1.5x {yes(w[0] / z[0] <= 1.5)} ({w[0] / z[0]:.2f}x), "
                     f"p95 ≤ 3x {yes(w[1] / z[1] <= 3)} ({w[1] / z[1]:.2f}x), "
                     f"no-QR median ≤ 2x {yes(w[2] / z[2] <= 2)} ({w[2] / z[2]:.2f}x).")
    lines += ["", "**A lost finder pattern** (2026-12-07, eighth session). The glare frames nothing read had a",
              "finder pattern washed out by the highlight (or the ink under it lifted to within 15 grey levels",
              "of paper clipped at 255), and many cropped_quiet frames had a corner running into a dark",
              "surround, so that the finder search saw two patterns of three. `core/src/qr/lost_finder.rs`",
              "guesses the third when two or more patterns make no plausible triple: a quarter turn from a",
              "corner (top-right or bottom-left lost), or across the diagonal (top-left lost; a finder pattern",
              "is drawn there into a copy of the binarised frame, as rxing's sampler measures the code from",
              "it); the decoder's Reed-Solomon check decides. The local-mean threshold went from 95% to 98%",
              "of the mean, for washed-out ink. Chosen on the tuning sets: on `tune-2211` and `tune-3211` the",
              "98% threshold read every frame 95% read and 3 more (97-99.5% read the same glare frames); the",
              "guessing read 10 more (cropped_quiet 8, glare 1, moire 1) with no false positive and no",
              "frame lost; on `tune-4211` (glare and cropped_quiet only, made for this) both read 14 more",
              "(glare 7, cropped_quiet 7). Guessing also after triples that read nothing (a stray pattern",
              "can make one) read no more tuning frames and cost decoy frames more, so it is not done; on the",
              "untuned sets it would have read f13_0099 (glare) too. The one untuned frame lost, f14_0030",
              "(small, 1.9-pixel modules), was read by the local mean at 95% and is not at 98%. Still unread: glare with the ink under",
              "the highlight clipped to white (f12_0262: beyond the error correction; treating clipped",
              "modules as Reed-Solomon erasures would double what it can repair, not done) and cards whose",
              "dark border touches all three finder patterns (no pattern to start from: the finder search",
              "would have to accept a pattern with no light ring on one side)."]
    lines += ["", "**How the p95 came within 3x** (2026-12-07, seventh session). What set it was the frames that",
              "run the whole fallback chain: codes nothing reads (about 6% of the frames), no-code frames whose",
              "first pass sees finder patterns (the generator's fake-finder decoys, about 1 in 6 no-code",
              "frames) and codes only the last fallbacks read; together over 5% of the frames, so the p95 is",
              "about what the whole chain costs. That was about 21 ms on 1280x720 (the first pass ~1 ms,",
              "contrast stretch ~2.3, inverted ~0.8, local mean ~3.2, downscaled ~1.4, sharpened ~2.9, padded",
              "~1.3, rqrr ~8) and is now about 8 ms (0.7, 1.6, 0.5, 1.9, 0.5, 2.1, 0.9; no rqrr):",
              "",
              "- Same bits, less time (each checked by `qr-decode --each`: the same payloads per frame and",
              "  strategy on 2,940 frames, the five sets here, `tune-3211` and shared/qr): the factor-2",
              "  downscale in a loop that vectorises; the local-mean threshold packed straight into rxing's",
              "  bit matrix (no second binarisation); the unsharp mask's box sums from prefix sums; the",
              "  contrast stretch's histogram in four parts; the hybrid binariser's thresholds spread a block",
              "  at a time; rxing's finder search with its row scan a word at a time",
              "  (`third_party/rxing_finder`, about a fifth of every rxing pass).",
              "- rqrr out of the chain: about 8 ms a frame, as much as the rest together. On the tuning",
              "  sets it read 4 of 1,200 frames nothing else reads (all in `tune-3211`: three strong",
              "  perspectives, one cropped quiet zone); on the untuned sets it read none, hence no frame",
              "  lost above.",
              "- The fallbacks after the contrast stretch ordered by frames read alone per millisecond on the",
              "  tuning sets (downscaled, inverted, sharpened, padded, local mean): the same frames read,",
              "  4% less mean time simulated on the tuning traces.",
              "",
              "zxing-cpp's own times in this run (p95 3.8-3.9 ms warm) are higher than in the previous",
              "session's (3.3 ms) on another machine; the ratios compare the two decoders in the same run.",
              "Earlier runs took wall time beside builds (load 3-4), which measured zxing-cpp's p95 at 9-10",
              "ms (a 1 ms decode preempted mid-way counted the wait) and flattered Watchword's ratio; runs",
              "now take the decoding thread's CPU time (`--clock cpu`, the default). Tried on 2026-12-07",
              "and not kept: the dear fallbacks on a crop around the first pass's finder candidates (the p95",
              "fell only as frames were lost, the decoys' not at all); a per-frame budget of 10 ms (lost 10",
              "of 300 tuning frames with the old chain). The no-QR p95 (3.5x warm) is the decoys: no",
              "finder-count threshold separates them from codes the fallbacks read.",
              "",
              "Earlier (2026-12-07): rqrr's thresholding and the local-mean threshold were made about twice",
              "as fast, the same payloads frame for frame (`third_party/rqrr` README, changes 6-8). Tried",
              "and not kept: running rqrr only when the first pass saw 3 or more finder candidates; for",
              "camera sessions, one fallback per frame in turn (1.43x to 1.28x zxing-cpp's CPU to first",
              "decode in one run, but later first decodes in 8",
              "sequences). The two new fallbacks (`sharpen.rs`, `pad.rs`) were chosen on the tuning set and a",
              "part of what is now the second tuning set (`tune-3211`: its 386 frames of defocus,",
              "cropped_quiet, motion, small, moire and no_qr; never reported). One",
              "choice was made after an untuned result had been seen: the padded pass scans every row (the quick",
              "scan read the same tuning frames for 0.2 ms less but missed f14_0111, rotation); a border-aware binariser for cards with no quiet zone on a",
              "dark surround, directional sharpening for motion and more passes were tried and read little",
              "or nothing. The test floors (tests/tests/qr_frames.rs) are the per-category rates above",
              "(after), applied to shared/qr. The live-preview figure and the Aegis camera frames: the next",
              "section (bench/qr/camera.py)."]
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    if args.no_write:
        return
    run.write_section(BEGIN, END, section, after=run.END)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("label")
    m.add_argument("--qr-decode")
    m.add_argument("--limits", choices=["none", "default", "live"])
    m.add_argument("--what", help="what this decoder is, for the prose of `write` (e.g. a commit)")
    m.add_argument("--clock", choices=["wall", "cpu"], default="cpu",
                   help="the decoding thread's CPU time (default; a busy machine does not inflate it) or wall time")
    m.add_argument("--cold-every", type=int, default=2, help="0: warm only")
    t = sub.add_parser("trace")
    t.add_argument("--qr-decode")
    w = sub.add_parser("write")
    w.add_argument("before")
    w.add_argument("after")
    w.add_argument("--live", help="a third run, measured with --limits live")
    w.add_argument("--live-budget-ms", type=int, default=30)
    w.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    run.ensure_venv()
    if args.cmd != "write" and run.shutil.which("taskset"):
        os.sched_setaffinity(0, {0})
    {"measure": measure, "trace": trace, "write": write}[args.cmd](args)


if __name__ == "__main__":
    main()
