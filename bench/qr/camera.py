#!/usr/bin/env python3
"""QR decoding as a camera sees it (issue 22): live-preview sequences and the
Aegis camera frames, Watchword against zxing-cpp in the same run.

    python3 bench/qr/camera.py measure [--qr-decode BIN] [--rounds 3] [--aegis-rounds 7] [--only sequences|aegis]
    python3 bench/qr/camera.py tune [--budgets 30,20,12,6,0]   # the live budget, on the tuning sequences
    python3 bench/qr/camera.py write [--no-write]

`measure`, single-threaded and pinned to core 0 (`taskset`), saves
build/qr-results/camera.json:
- sequences (bench/qr/gen_sequences.py, build/qr-sequences): each sequence's
  frames in camera order to both decoders, frame by frame interleaved.
  Watchword runs as an app's camera loop does: one `qr-decode --session`
  process, one warm `ScannerSession` (`Limits::LIVE`, the 30 ms budget),
  `reset` at the start of each sequence (a new scan). zxing-cpp reads every
  frame (`read_barcodes`, formats=QRCode) in this process. Both are charged
  the calling thread's CPU time (`time.thread_time()`; the session's thread
  in `qr-decode`), the wall clock kept too. Before the first sequence both
  decoders see a few frames (warm-up, not counted). `--rounds` passes over
  all sequences; per sequence the median over rounds is reported.
- Aegis (shared/testdata/aegis/helpers, through `qr-aegis-set` and the
  corpus helper; absent: skipped, said in the results): warm (one
  `qr-decode --serve` per limits and this process, frames interleaved,
  round 0 a warm-up) and cold (one decode per process, as `watchword scan`),
  median over rounds.
`write` renders the camera section of bench/RESULTS.md (after the
untuned-frames section).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
import untuned  # noqa: E402  (the cold one-decode-per-process runs)

SEQ_DIR = run.ROOT / "build" / "qr-sequences"
AEGIS_DIR = run.ROOT / "build" / "qr-aegis"
OUT = run.ROOT / "build" / "qr-results" / "camera.json"
TUNE_OUT = run.ROOT / "build" / "qr-results" / "camera-tune.json"
BEGIN, END = "<!-- qr-camera:begin -->", "<!-- qr-camera:end -->"
WARMUP = 8  # resting frames (the last of some sequences) both decoders see first


def shared_dir():
    """The corpus folder by the helper's rule (passed on explicitly, so a
    `qr-aegis-set` built elsewhere does not look beside its build tree)."""
    return Path(os.environ.get("WATCHWORD_SHARED") or run.ROOT.parent / "shared")


def bin_path(binary, name):
    return Path(binary).with_name(name) if binary else run.target_dir() / "release" / name


def zx_decode(img):
    """zxing-cpp on one frame: (payloads, cpu ms, wall ms)."""
    import zxingcpp

    c0, t0 = time.thread_time(), time.perf_counter()
    res = zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode)
    return sorted(r.text for r in res), (time.thread_time() - c0) * 1000, (time.perf_counter() - t0) * 1000


class Server:
    """A `qr-decode` process answering one JSON line per stdin line."""

    def __init__(self, binary, set_dir, *args):
        self.p = subprocess.Popen([*run.pin(), str(binary), str(set_dir), *args], cwd=run.ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def measure_sequences(binary, rounds):
    (meta,) = [s for s in json.loads((SEQ_DIR / "sets.json").read_text()) if s["role"] == "reported"]
    set_dir = SEQ_DIR / meta["name"]
    m = json.loads((set_dir / "manifest.json").read_text())
    by_file = {f["file"]: f for f in m["frames"]}
    server = Server(binary, set_dir, "--session")
    try:
        step = max(1, len(m["sequences"]) // WARMUP)
        for s in m["sequences"][::step][:WARMUP]:
            f = by_file[s["frames"][-1]]
            zx_decode(run.load(f, set_dir))
            server.ask(f["file"])
        out = {}
        for r in range(rounds):
            for s in m["sequences"]:
                server.ask("reset")
                rows = []
                for file in s["frames"]:
                    img = run.load(by_file[file], set_dir)
                    zp, zc, zw = zx_decode(img)
                    a = server.ask(file)
                    rows.append({"zx": [zp, zc, zw], "ww": [sorted(a["payloads"]), a["cpu_ms"], a["ms"]]})
                out.setdefault(s["name"], []).append(rows)
            print(f"sequences: round {r + 1}/{rounds} done", flush=True)
    finally:
        server.close()
    return {"set": meta, "manifest": str(set_dir / "manifest.json"), "rounds": out}


def measure_aegis(binary, rounds):
    env = {**os.environ, "WATCHWORD_SHARED": str(shared_dir())}
    got = json.loads(subprocess.run([str(bin_path(binary, "qr-aegis-set")), str(AEGIS_DIR)], env=env,
                                    capture_output=True, text=True, check=True).stdout)
    if "skipped" in got:
        print(f"aegis: skipped ({got['skipped']})", flush=True)
        return {"skipped": got["skipped"]}
    frames = json.loads((AEGIS_DIR / "manifest.json").read_text())["frames"]
    warm = {}
    for limits in ("default", "live"):
        server = Server(binary, AEGIS_DIR, "--serve", "--repeat", "1", "--limits", limits)
        try:
            for r in range(rounds + 1):  # round 0: warm-up
                for f in frames:
                    zp, zc, zw = zx_decode(run.load(f, AEGIS_DIR))
                    a = server.ask(f["file"])
                    if r:
                        warm.setdefault(limits, {}).setdefault(f["file"], []).append(
                            {"zx": [zp, zc, zw], "ww": [a["payloads"], a["cpu_ms"], a["ms"]]})
        finally:
            server.close()
    cold = {}
    for _ in range(rounds):
        zx, ww = untuned.cold_both(frames, AEGIS_DIR, binary, [])
        for f in frames:
            k = f["file"]
            cold.setdefault(k, []).append({"zx": [zx[k][0], None, zx[k][1]], "ww": [ww[k][0], None, ww[k][1]]})
    print("aegis: done", flush=True)
    return {"frames": frames, "warm": warm, "cold": cold}


def measure(args):
    binary = Path(args.qr_decode) if args.qr_decode else run.build_qr_decode()
    if not args.qr_decode:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "watchword-bench", "--bin", "qr-aegis-set"],
                       cwd=run.ROOT, check=True)
    result = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "binary": str(binary),
              "load_before": os.getloadavg()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    for part in ("sequences", "aegis"):
        if part in args.only:
            if part == "sequences":
                result[part] = measure_sequences(binary, args.rounds)
            else:
                result[part] = measure_aegis(binary, args.aegis_rounds)
        elif OUT.exists():  # keep the part not measured again from the last run
            result[part] = json.loads(OUT.read_text()).get(part)
        result["load_after"] = os.getloadavg()
        OUT.write_text(json.dumps(result))


def tune(args):
    """The live budget on the tuning sequences: one session per budget, each
    sequence run through all of them in turn (same machine load), zxing-cpp
    once beside them for scale. Prints, per budget, the first-decode frame
    and the CPU spent up to it; nothing is saved."""
    binary = Path(args.qr_decode) if args.qr_decode else run.build_qr_decode()
    (meta,) = [s for s in json.loads((SEQ_DIR / "sets.json").read_text()) if s["role"] == "tuning"]
    set_dir = SEQ_DIR / meta["name"]
    m = json.loads((set_dir / "manifest.json").read_text())
    by_file = {f["file"]: f for f in m["frames"]}
    budgets = [int(b) for b in args.budgets.split(",")]
    servers = {b: Server(binary, set_dir, "--session", "--budget-ms", str(b)) for b in budgets}
    rows = {b: [] for b in ["zx", *budgets]}
    try:
        for q in m["sequences"]:
            imgs = [run.load(by_file[f], set_dir) for f in q["frames"]]
            rows["zx"].append(first_decode([{"zx": zx_decode(img)} for img in imgs], "zx", q["payload"]))
            for b, server in servers.items():
                server.ask("reset")
                answers = [server.ask(f) for f in q["frames"]]
                rows[b].append(first_decode([{"ww": [a["payloads"], a["cpu_ms"], a["ms"]]} for a in answers],
                                            "ww", q["payload"]))
    finally:
        for server in servers.values():
            server.close()
    print(f"tuning set {meta['name']} (seed {meta['seed']}), {len(m['sequences'])} sequences")
    print("budget  decoded  frame median  p90   CPU ms to first decode median  p90   total CPU ms")
    summary = []
    for b, rs in rows.items():
        hit = [r for r in rs if r[0] is not None]
        idx = [r[0] for r in hit]
        cpu = [r[1] for r in hit]
        summary.append({"budget": b, "decoded": len(hit), "n": len(rs), "idx_median": statistics.median(idx),
                        "idx_p90": quantile(idx, 0.9), "cpu_median": statistics.median(cpu),
                        "cpu_p90": quantile(cpu, 0.9), "cpu_total": sum(r[1] for r in rs)})
        print(f"{str(b):6s}  {len(hit):7d}  {statistics.median(idx):12.1f}  {quantile(idx, 0.9):3d}   "
              f"{statistics.median(cpu):28.1f}  {quantile(cpu, 0.9):5.1f}   {sum(r[1] for r in rs):8.0f}")
    TUNE_OUT.write_text(json.dumps({"set": meta, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                    "rows": summary}))


# ---------------------------------------------------------------------------------------------
# write


def quantile(xs, q):
    """Nearest-rank quantile of a non-empty list."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(-(-q * len(xs) // 1)) - 1))]


def first_decode(rows, who, payload):
    """(index of the first frame that gave `payload`, CPU ms and wall ms of
    every frame up to and including it; wrong payloads seen), or index None
    with the whole sequence's CPU and wall."""
    cpu = wall = 0.0
    wrong = 0
    for i, row in enumerate(rows):
        got, c, w = row[who]
        cpu, wall = cpu + c, wall + w
        wrong += sum(1 for g in got if g != payload)
        if payload in got:
            return i, cpu, wall, wrong
    return None, cpu, wall, wrong


def per_sequence(seq, rounds):
    """Per decoder: (index, cpu, wall, wrong), median over rounds (index:
    None when most rounds never decoded it)."""
    res = {}
    for who in ("zx", "ww"):
        runs = [first_decode(rows, who, seq["payload"]) for rows in rounds]
        hits = [r for r in runs if r[0] is not None]
        wrong = max(r[3] for r in runs)
        if len(hits) * 2 > len(runs):
            res[who] = (statistics.median_low([r[0] for r in hits]), statistics.median([r[1] for r in hits]),
                        statistics.median([r[2] for r in hits]), wrong)
        else:
            res[who] = (None, statistics.median([r[1] for r in runs]), statistics.median([r[2] for r in runs]), wrong)
    return res


def fmt_idx(i):
    return "never" if i is None else str(i)


def sequences_section(data):
    s = data["sequences"]
    m = json.loads(Path(s["manifest"]).read_text())
    seqs = m["sequences"]
    res = {q["name"]: per_sequence(q, s["rounds"][q["name"]]) for q in seqs}
    nframes = sum(len(q["frames"]) for q in seqs)
    rounds = len(next(iter(s["rounds"].values())))
    lines = [
        "### Live preview: a code brought into view (issue 22)",
        "",
        f"`python3 bench/qr/gen_sequences.py` then `python3 bench/qr/camera.py measure` and `write`: "
        f"{len(seqs)} sequences, {nframes} frames (20-30 each), seed {s['set']['seed']} (`{s['set']['name']}`; "
        "never used for tuning). Each is a hand bringing a code into view: the code starts small and outside "
        "or at the edge of the frame, moves in and grows while slowing down, then rests with hand tremor; motion "
        "blur (its travel while the shutter is open, up to ~60 px) falls as it slows, auto-exposure starts up to 2x "
        "off and settles, autofocus starts up to 4 px off and settles (scenes drawn with the shared generator's "
        "own pieces, `shared/qr/gen_frames.py` imported unchanged; 1280x720, a fifth 1920x1080).",
        "",
        "Both decoders get every frame in camera order, in one run, frame by frame interleaved, pinned to one core. "
        "**Watchword** runs as an app's camera loop: one `qr-decode --session` process, one warm `ScannerSession` "
        "(`Limits::LIVE`: early rejection and no fallback started after 30 ms), `reset` at each sequence's start. "
        "**zxing-cpp** 3.1.1 (`read_barcodes`, formats=QRCode) reads every frame in the Python process. Both are "
        "charged their thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) per frame, frame loading excluded; *CPU to "
        "first decode* adds up every frame up to and including the first that gave the code. "
        f"{rounds} passes over all sequences; per sequence the median of the passes. Run {data['when']} on the "
        f"2-core machine (load average {data['load_before'][0]:.1f} before, {data['load_after'][0]:.1f} after).",
        "",
    ]
    zi = [r["zx"][0] for r in res.values() if r["zx"][0] is not None]
    wi = [r["ww"][0] for r in res.values() if r["ww"][0] is not None]
    both = [r for r in res.values() if r["zx"][0] is not None and r["ww"][0] is not None]
    zc = [r["zx"][1] for r in both]
    wc = [r["ww"][1] for r in both]
    ratios = [r["ww"][1] / r["zx"][1] for r in both if r["zx"][1] > 0]
    never = {who: sum(1 for r in res.values() if r[who][0] is None) for who in ("zx", "ww")}
    wrong = {who: sum(r[who][3] for r in res.values()) for who in ("zx", "ww")}
    earlier = sum(1 for r in both if r["ww"][0] < r["zx"][0])
    later = sum(1 for r in both if r["ww"][0] > r["zx"][0])
    only = {who: sum(1 for r in res.values() if r[who][0] is not None and r["zx" if who == "ww" else "ww"][0] is None)
            for who in ("zx", "ww")}
    in_view = [q["first_in_view"] for q in seqs if q["first_in_view"] is not None]
    lines += [
        "| decoder | sequences decoded | never decoded | first-decode frame median | p90 | CPU ms to first decode median | p90 | wrong payloads |",
        "|---|---|---|---|---|---|---|---|",
        f"| zxing-cpp | {len(zi)} / {len(seqs)} | {never['zx']} | {statistics.median(zi)} | {quantile(zi, 0.9)} | "
        f"{statistics.median(zc):.1f} | {quantile(zc, 0.9):.1f} | {wrong['zx']} |",
        f"| Watchword (`ScannerSession`) | {len(wi)} / {len(seqs)} | {never['ww']} | {statistics.median(wi)} | "
        f"{quantile(wi, 0.9)} | {statistics.median(wc):.1f} | {quantile(wc, 0.9):.1f} | {wrong['ww']} |",
        f"| Watchword / zxing-cpp | | | {statistics.median(wi) - statistics.median(zi):+} frames | "
        f"{quantile(wi, 0.9) - quantile(zi, 0.9):+} frames | {statistics.median(wc) / statistics.median(zc):.2f}x | "
        f"{quantile(wc, 0.9) / quantile(zc, 0.9):.2f}x | |",
        "",
        f"CPU medians and p90 are over the {len(both)} sequences both decoded (frame indices over each decoder's "
        f"decoded sequences). Per sequence, Watchword's CPU to first decode over zxing-cpp's: median "
        f"{statistics.median(ratios):.2f}x, p90 {quantile(ratios, 0.9):.2f}x. Watchword read the code on an earlier "
        f"frame in {earlier} sequences, a later one in {later}, the same in {len(both) - earlier - later}; only "
        f"Watchword read {only['ww']}, only zxing-cpp {only['zx']}. The whole code is first in view at frame "
        f"{statistics.median(in_view)} (median; p90 {quantile(in_view, 0.9)}).",
        "",
        "Per sequence (first-decode frame, CPU ms up to it; *in view*: first frame with the whole code inside):",
        "",
        "| sequence | frames | size | code | in view | zxing-cpp frame | ms | Watchword frame | ms | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for q in seqs:
        r = res[q["name"]]
        ratio = f"{r['ww'][1] / r['zx'][1]:.2f}x" if r["zx"][0] is not None and r["ww"][0] is not None and r["zx"][1] > 0 else ""
        lines.append(f"| {q['name']} | {len(q['frames'])} | {q['width']}x{q['height']} | {q['kind']} v{q['version']} | "
                     f"{fmt_idx(q['first_in_view'])} | {fmt_idx(r['zx'][0])} | {r['zx'][1]:.1f} | "
                     f"{fmt_idx(r['ww'][0])} | {r['ww'][1]:.1f} | {ratio} |")
    # Where the CPU goes before the first decode: frames with the code not
    # yet readable (no code, or blurred) cost each decoder what?
    per_frame = {"zx": [], "ww": []}
    for q in seqs:
        for rows in s["rounds"][q["name"]]:
            first = first_decode(rows, "ww", q["payload"])[0]
            for row in rows[: first if first is not None else len(rows)]:
                for who in per_frame:
                    per_frame[who].append(row[who][1])
    lines += ["", "The session itself used to cost 0.3 ms a frame on top of the decode (SipHash of every frame to "
              "skip duplicates, and a second copy of the pixels): it now compares with the last frame's bytes (which "
              "stops at the first difference) and decodes its own copy in place. Measured once beside the session "
              "before that change (both `qr-decode --session`, interleaved by sequence, one pass over these "
              "sequences, 2026-12-07 13:12 UTC): CPU to first decode, median 34.7 ms before and 28.0 ms after "
              "(p90 61.1 and 56.6), per frame median 1.61 and 1.29 ms, same first-decode frames."]
    slow = [(z, w) for z, w in zip(per_frame["zx"], per_frame["ww"]) if w > 10]
    lines += ["", f"Where the difference goes: the frames before Watchword's first decode (all passes, "
              f"{len(per_frame['ww'])} frames) cost a median {statistics.median(per_frame['zx']):.2f} ms of CPU "
              f"each in zxing-cpp and {statistics.median(per_frame['ww']):.2f} ms in Watchword (p95 "
              f"{quantile(per_frame['zx'], 0.95):.2f} and {quantile(per_frame['ww'], 0.95):.2f} ms); "
              f"{len(slow)} of them ({100 * len(slow) / len(per_frame['ww']):.0f}%) took Watchword over 10 ms, "
              f"{sum(w for _, w in slow) / sum(per_frame['ww']) * 100:.0f}% of its CPU on those frames: a code in "
              "view (finder patterns seen) but too blurred to read runs the fallback chain (to its end or the live budget), where "
              "zxing-cpp makes one pass."]
    return lines, {"med_idx": (statistics.median(zi), statistics.median(wi)),
                   "cpu": (statistics.median(zc), statistics.median(wc)), "never": never, "n": len(seqs)}


def aegis_section(data):
    a = data["aegis"]
    lines = ["", "### Real camera frames: Aegis (issue 22)", ""]
    if "skipped" in a:
        return lines + [f"**Skipped in this run**: {a['skipped']} (`qr-aegis-set` asks the corpus helper; "
                        "set WATCHWORD_SHARED to its folder)."], None
    frames = a["frames"]
    rounds = len(next(iter(a["cold"].values())))
    lines += [
        "`shared/testdata/aegis/helpers/qr.y.gz` (Y plane 1600x1200, stride 1600) and `qr.strided.y.gz` (1840x1380, "
        "stride 1856), both holding Aegis's test link, written as a frame set by `qr-aegis-set` (the corpus found "
        "through the tests' helper), plus the strided frame read with its width as stride (1840: each row shifted "
        "16 bytes further, the code sheared into noise; no code to find). Same run as above, pinned to one core. "
        f"**Warm**: one decoder process each, the three frames interleaved, {rounds} rounds after one warm-up "
        "round, median; Watchword as `decode_luma` (`Limits::DEFAULT`) and as the live session decodes "
        f"(`Limits::LIVE`). **Cold**: one decode per process for both ({rounds} processes each, median). Wall ms "
        "(CPU ms in brackets where measured); the warm ratios are of CPU time, the cold ones of wall time.",
        "",
        "| frame | expected | zxing-cpp warm | Watchword warm (`decode_luma`) | ratio | Watchword warm (live) | ratio | zxing-cpp cold | Watchword cold | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    summary = {}
    for f in frames:
        k = f["file"]
        want = f["expected"]

        def cell(rows, who):
            ok = all(r[who][0] == want for r in rows)
            wall = statistics.median(r[who][2] for r in rows)
            cpus = [r[who][1] for r in rows if r[who][1] is not None]
            cpu = f" ({statistics.median(cpus):.1f})" if cpus else ""
            verdict = ("read" if want else "nothing, right") if ok else ("**missed**" if want else "**wrong**")
            # Ratios on CPU time where both sides have it: the wall clock of
            # a shared machine also counts waiting for the core.
            return f"{wall:.1f}{cpu} {verdict}", statistics.median(cpus) if cpus else wall

        zw, zwv = cell(a["warm"]["default"][k], "zx")
        wd, wdv = cell(a["warm"]["default"][k], "ww")
        _, zlv = cell(a["warm"]["live"][k], "zx")
        wl, wlv = cell(a["warm"]["live"][k], "ww")
        zc, zcv = cell(a["cold"][k], "zx")
        wc, wcv = cell(a["cold"][k], "ww")
        lines.append(f"| {Path(k).stem} ({f['width']}x{f['height']}, stride {f['stride']}) | "
                     f"{'the link' if want else 'nothing'} | {zw} | {wd} | {wdv / zwv:.2f}x | {wl} | {wlv / zlv:.2f}x | "
                     f"{zc} | {wc} | {wcv / zcv:.2f}x |")
        summary[f["category"]] = (wdv / zwv, wlv / zlv, wcv / zcv)
    lines += ["", "The live column's ratio is against the zxing-cpp times of its own interleaved run."]
    return lines, summary


def tune_lines():
    """The live-budget table from the last `tune` run, if any."""
    if not TUNE_OUT.exists():
        return []
    t = json.loads(TUNE_OUT.read_text())
    lines = ["", f"The live budget on the tuning sequences (`camera.py tune`, {t['set']['name']}, seed {t['set']['seed']}, "
             f"{t['set']['sequences']} sequences, run {t['when']}; one session per budget, each sequence through all of "
             "them in turn; budget 0 = the first pass only):", "",
             "| budget | sequences decoded | first-decode frame median | p90 | CPU ms to first decode median | p90 | CPU ms, all frames |",
             "|---|---|---|---|---|---|---|"]
    for r in t["rows"]:
        name = "zxing-cpp" if r["budget"] == "zx" else f"{r['budget']} ms"
        lines.append(f"| {name} | {r['decoded']} / {r['n']} | {r['idx_median']} | {r['idx_p90']} | "
                     f"{r['cpu_median']:.1f} | {r['cpu_p90']:.1f} | {r['cpu_total']:.0f} |")
    lines += ["", "Why the budget stays 30 ms (`pipeline::LIVE_BUDGET`) although less reads these sequences on the "
              "same frame for less CPU (the next frame is sharper than any fallback makes this one): the sequences "
              "hold none of the codes that need a fallback on every frame (screen moire, glare, faded ink). A still "
              "camera on such a code would never read it with no fallback in the budget; the untuned sets' live rate "
              "(the *live* row above) would fall towards the first pass's. What would give both, not done: one "
              "fallback per frame taken in turn, so a still, hard code meets every fallback within a few frames while "
              "a moving one costs one pass and one fallback a frame."]
    return lines


def write(args):
    data = json.loads(OUT.read_text())
    seq_lines, seq_sum = sequences_section(data)
    seq_lines += tune_lines()
    aeg_lines, _ = aegis_section(data)
    section = "\n".join([BEGIN, *seq_lines, *aeg_lines, END])
    print(section)
    if args.no_write:
        return
    run.write_section(BEGIN, END, section, after=untuned.END)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--qr-decode")
    m.add_argument("--rounds", type=int, default=3)
    m.add_argument("--aegis-rounds", type=int, default=7)
    m.add_argument("--only", nargs="+", choices=["sequences", "aegis"], default=["sequences", "aegis"])
    t = sub.add_parser("tune")
    t.add_argument("--qr-decode")
    t.add_argument("--budgets", default="30,20,12,6,0")
    w = sub.add_parser("write")
    w.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    run.ensure_venv()
    if args.cmd != "write" and run.shutil.which("taskset"):
        os.sched_setaffinity(0, {0})
    {"measure": measure, "tune": tune, "write": write}[args.cmd](args)


if __name__ == "__main__":
    main()
