#!/usr/bin/env python3
"""The demo's debugging part, as the real TensorBoard server shows it.

    debug_demo_check.py --build BUILD --out DIR

Runs `BUILD/demo --part debug` (examples/posix_demo/debug_board.cc) and `BUILD/tinytb compare`
on its two layer runs, as `make demo` does, then starts TensorBoard (server_check.Server: the
Rust data server on 127.0.0.1) and checks through its HTTP API:

  flight.*   the flight recorder's run holds nothing but the trigger's tags; the frames the
             trigger wrote are the 8 up to the trigger's step (the demo's own report says which),
             one image each at its own step, PNGs of 96x96 gray; the score falls below the
             threshold at the last of them only; the note names the trigger
  layers.*   both layer runs hold every layer's statistics, histogram and (for the feature
             maps) channels image at steps 0-2; the int8 run also its saturated fractions
  compare.*  the comparison run holds compare/<tag>/diff for every statistic both runs
             have, with the int8-minus-float differences the two runs' own scalars give,
             and the table as text

One PASS/FAIL line per check, then "N passed, M failed".
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import judge_common  # noqa: E402
import server_check  # noqa: E402

REPORT = judge_common.Report(sys.stdout)
check = REPORT.expect


FLIGHT = "esp32s3-cam/flight"
INT8 = "esp32s3-cam/layers/int8"
FLOAT = "esp32s3-cam/layers/float32"
CMP = "esp32s3-cam/layers/int8_vs_float32"
LAYERS = ["00_input", "01_conv_relu", "02_max_pool", "03_mean", "04_logits"]
STATS = ["min", "max", "mean", "std", "zero_fraction"]


def scalars(server, run, tag):
    rows = server.get("/data/plugin/scalars/scalars", run=run, tag=tag)
    return [(r[1], r[2]) for r in rows]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    logdir = os.path.join(os.path.abspath(args.out), "logs")
    shutil.rmtree(logdir, ignore_errors=True)

    p = subprocess.run([os.path.join(build, "demo"), "--part", "debug", "--logdir", logdir],
                       capture_output=True, text=True, timeout=300)
    check("demo.runs", p.returncode == 0, p.stderr.strip()[-300:])
    print(p.stdout.strip())
    m = re.search(r"trigger at step (-?\d+) wrote frames (-?\d+)-(-?\d+)", p.stdout)
    check("demo.reports-trigger", m is not None and int(m.group(1)) > 0, p.stdout.strip()[-200:])
    trigger = int(m.group(1)) if m else -1
    first = int(m.group(2)) if m else -1
    c = subprocess.run([os.path.join(build, "tinytb"), "compare", os.path.join(logdir, INT8),
                        os.path.join(logdir, FLOAT), "--out", os.path.join(logdir, CMP)],
                       capture_output=True, text=True, timeout=120)
    check("compare.runs", c.returncode == 0, c.stderr.strip()[-300:])

    server = server_check.Server(logdir)
    try:
        deadline = time.monotonic() + server_check.STARTUP_TIMEOUT
        runs = []
        while time.monotonic() < deadline:
            try:
                runs = server.get("/data/runs")
                tags = server.get("/data/plugin/scalars/tags")
                if {FLIGHT, INT8, FLOAT, CMP} <= set(runs) and CMP in tags and tags[CMP]:
                    time.sleep(server_check.STABLE_FOR)  # let the last files finish loading
                    break
            except Exception:  # not up yet
                pass
            time.sleep(0.5)
        check("server.runs", {FLIGHT, INT8, FLOAT, CMP} <= set(runs), str(runs))

        # ---- the flight recorder ----
        image_tags = server.get("/data/plugin/images/tags")
        scalar_tags = server.get("/data/plugin/scalars/tags")
        text_tags = server.get("/data/plugin/text/tags")
        flight_tags = (set(image_tags.get(FLIGHT, {})) | set(scalar_tags.get(FLIGHT, {})) |
                       set(text_tags.get(FLIGHT, [])))
        want_tags = {"flight/low_confidence/frame", "flight/low_confidence/score",
                     "flight/low_confidence/outputs", "flight/low_confidence/note"}
        check("flight.only-the-trigger-was-written", flight_tags == want_tags, str(sorted(flight_tags)))
        frames = server.get("/data/plugin/images/images", run=FLIGHT, tag="flight/low_confidence/frame", sample=0)
        steps = [f["step"] for f in frames]
        check("flight.frames-before-the-trigger", steps == list(range(first, trigger + 1)) and len(steps) == 8,
              "steps %s, expected %d..%d" % (steps, first, trigger))
        sizes = []
        for f in frames:
            png = server.get_bytes("/data/plugin/images/individualImage?" + f["query"])
            with Image.open(io.BytesIO(png)) as im:
                sizes.append((im.size, im.mode))
        check("flight.frames-are-96x96-gray", sizes and all(s == ((96, 96), "L") for s in sizes), str(sizes[:2]))
        score = scalars(server, FLIGHT, "flight/low_confidence/score")
        below = [s for s, v in score if v < 0.7]
        check("flight.score-falls-below-at-the-trigger", [s for s, _ in score] == steps and below == [trigger],
              "score %s" % score)
        note = server.get("/data/plugin/text/text", run=FLIGHT, tag="flight/low_confidence/note")
        check("flight.note", len(note) == 1 and note[0]["step"] == trigger and "below" in note[0]["text"],
              str(note)[:300])

        # ---- the layers ----
        hist_tags = server.get("/data/plugin/histograms/tags")
        for run in (INT8, FLOAT):
            errors = []
            for layer in LAYERS:
                for stat in STATS + (["saturated_fraction"] if run == INT8 else []):
                    tag = "layers/%s/%s" % (layer, stat)
                    got = [s for s, _ in scalars(server, run, tag)] if tag in scalar_tags.get(run, {}) else []
                    if got != [0, 1, 2]:
                        errors.append("%s steps %s" % (tag, got))
                if "layers/%s/histogram" % layer not in hist_tags.get(run, {}):
                    errors.append("no histogram for %s" % layer)
                has_image = "layers/%s/channels" % layer in image_tags.get(run, {})
                if has_image != (layer in ("00_input", "01_conv_relu", "02_max_pool")):
                    errors.append("channels image for %s: %s" % (layer, has_image))
            check("layers.every-layer[%s]" % run, not errors, "; ".join(errors[:5]))

        # ---- the comparison ----
        errors, nonzero = [], 0
        for layer in LAYERS:
            for stat in STATS:
                tag = "layers/%s/%s" % (layer, stat)
                a = dict(scalars(server, INT8, tag))
                b = dict(scalars(server, FLOAT, tag))
                diff = scalars(server, CMP, "compare/%s/diff" % tag)
                want = [(s, float(np.float32(np.float64(b[s]) - np.float64(a[s])))) for s in sorted(a)]
                if [s for s, _ in diff] != [s for s, _ in want] or \
                        any(abs(g - w) > 1e-6 * max(1.0, abs(w)) for (_, g), (_, w) in zip(diff, want)):
                    errors.append("%s: %s, expected %s" % (tag, diff, want))
                nonzero += sum(1 for _, v in diff if v != 0)
        check("compare.diff-is-float-minus-int8", not errors, "; ".join(errors[:3]))
        check("compare.quantisation-shows", nonzero > 0, "every difference is 0")
        summary = server.get("/data/plugin/text/text", run=CMP, tag="compare/summary")
        check("compare.summary-table", len(summary) == 1 and "01_conv_relu" in summary[0]["text"], str(summary)[:200])
    finally:
        errors = server.stop()
        check("server.stop", not errors, str(errors))
    REPORT.summary()
    return 0 if REPORT.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
