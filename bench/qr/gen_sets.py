#!/usr/bin/env python3
"""Fresh QR frame sets from the shared generator, for measuring on frames the
decoder was not tuned on (issue 22).

    python3 bench/qr/gen_sets.py [--out build/qr-sets] [--jobs 2]

Runs `shared/qr/gen_frames.py` (read in place, never changed) once per set
below, each with its own seed, into `<out>/<name>/` (frames + manifest.json;
nothing goes into git). Three sets are for tuning (thresholds such as the
early-rejection finder count, the fallbacks and their order are chosen on
them); every figure in bench/RESULTS.md comes from the others. A set may
keep only some categories of the generator's plan for its seed (the
generator's `--only`), for tuning what those categories need. A set whose manifest already has
the same seed and count is kept. The generator's packages are pinned in
bench/qr/run.py's venv (build/venv-qr), which this script shares.
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the shared venv and paths)

# name, seed, frames planned, role, categories kept (None: all). Seeds were
# picked once, before any measurement, away from the public set's 1001;
# never re-roll them to get better figures.
SETS = [
    ("tune-2211", 2211, 300, "tuning", None),
    # A second, larger tuning set: what the fallbacks and the chain were
    # chosen on as well (bench/RESULTS.md says which choice used which).
    ("tune-3211", 3211, 900, "tuning", None),
    # Glare and cropped quiet zones only (about 390 of 3,000 planned
    # frames): when to guess a finder pattern the search cannot see.
    ("tune-4211", 4211, 3000, "tuning", ("glare", "cropped_quiet")),
    ("untuned-2212", 2212, 300, "untuned", None),
    ("untuned-2213", 2213, 300, "untuned", None),
    ("untuned-2214", 2214, 300, "untuned", None),
    ("untuned-2215", 2215, 300, "untuned", None),
]
RAW = 5  # frames per set stored as strided raw planes, as in the public set


def shared_dir():
    return Path(os.environ.get("WATCHWORD_SHARED", run.ROOT.parent / "shared"))


def planned(seed, count, categories):
    """The indices of the generator's plan for `seed` in `categories`."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import gen_frames; "
            "cats = gen_frames.plan(int(sys.argv[2]), int(sys.argv[3])); "
            "print(json.dumps([i for i, c in enumerate(cats) if c in sys.argv[4:]]))")
    out = subprocess.run([sys.executable, "-c", code, str(shared_dir() / "qr"), str(seed), str(count),
                          *categories], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def generate(out, name, seed, count, categories):
    dest = out / name
    manifest = dest / "manifest.json"
    only = planned(seed, count, categories) if categories else None
    frames = len(only) if only is not None else count
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("seed") == seed and m.get("count") == count and len(m["frames"]) == frames:
            return f"{name}: kept"
    dest.mkdir(parents=True, exist_ok=True)
    gen = shared_dir() / "qr" / "gen_frames.py"
    cmd = [sys.executable, str(gen), "--out", str(dest), "--seed", str(seed),
           "--count", str(count), "--raw", str(RAW)]
    if only is not None:
        cmd += ["--only", *map(str, only)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "OMP_NUM_THREADS": "1"})
    return f"{name}: {frames} frames, seed {seed}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(run.ROOT / "build" / "qr-sets"))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    run.ensure_venv()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sets.json").write_text(json.dumps(
        [{"name": n, "seed": s, "count": c, "role": r, "categories": k} for n, s, c, r, k in SETS],
        indent=1))
    with ThreadPoolExecutor(args.jobs) as pool:
        for line in pool.map(lambda s: generate(out, s[0], s[1], s[2], s[4]), SETS):
            print(line, flush=True)


if __name__ == "__main__":
    main()
