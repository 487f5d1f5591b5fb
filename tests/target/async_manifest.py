#!/usr/bin/env python3
"""What the async firmware (examples/cortex_m/async_main.cc) must have logged, for tb_judge.py.

    async_manifest.py --frames-dir BUILD/fw/frames --console OUT/console.txt --out OUT

The values are computed here, independently of the firmware: the SysTick scalar of tick k is
0.25 * k; the gray frame k is camera::capture's (firmware_manifest.py's capture()); the color
frame is the recorded RGB565 frame. Which ticks the interrupt got into the ring, which frames
were queued and the drop counters the drain logged exist only on the target: they come from
the console, and the manifest then requires exactly those values, no more, in TensorBoard.
Also checks on the console that the ring overflowed (something was dropped) and that every
tick is accounted for: queued or dropped. Writes OUT/manifest.json and OUT/sources/.
"""

import argparse
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from firmware_manifest import capture  # noqa: E402

RUN = "async"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames-dir", required=True)
    parser.add_argument("--console", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    with open(args.console, encoding="utf-8", errors="replace") as f:
        console = f.read()
    errors = []
    frames = [(int(m.group(1)), m.group(2), m.group(3))
              for m in re.finditer(r"^frame (\d+) gray (.+?) color (.+)$", console, re.M)]
    summary = re.search(r"^ticks (\d+) queued (\d+) written (\d+) dropped (\d+) dropped_bytes (\d+)", console, re.M)
    ticks_ok = re.search(r"^ticks ok:((?: \d+)*)$", console, re.M)
    counters = [tuple(int(x) for x in m.groups())
                for m in re.finditer(r"^counters (\d+) (\d+) (\d+)$", console, re.M)]
    if not frames or summary is None or ticks_ok is None or not counters:
        errors.append("the console lacks the frame, ticks or counters lines")
    if "failed: 0" not in console:
        errors.append("the console does not report 'failed: 0'")
    if errors:
        for e in errors:
            print("async_manifest.py: " + e, file=sys.stderr)
        return 1
    ticks, queued, written, dropped, dropped_bytes = (int(x) for x in summary.groups())
    accepted = [int(x) for x in ticks_ok.group(1).split()]
    frames_ok = sum((g == "ok") + (c == "ok") for _, g, c in frames)
    # Every tick queued or dropped (drop-new: an interrupt never waits), every value queued written.
    if len(accepted) + dropped - (2 * len(frames) - frames_ok) != ticks:
        errors.append("ticks %d != queued %d + dropped %d" % (ticks, len(accepted), dropped))
    if written + 0 != queued:
        errors.append("written %d != queued %d" % (written, queued))
    if dropped == 0:
        errors.append("nothing was dropped: the counters are not exercised")
    if counters[-1][1] != dropped or counters[-1][2] != dropped_bytes:
        errors.append("the last logged counters %s are not the final %d / %d" % (counters[-1], dropped, dropped_bytes))
    if errors:
        for e in errors:
            print("async_manifest.py: " + e, file=sys.stderr)
        return 1

    person = np.fromfile(os.path.join(args.frames_dir, "person_96x96.gray8"), np.uint8)
    color_path = os.path.abspath(os.path.join(args.frames_dir, "kodim23_160x120.rgb565be"))
    sources = os.path.abspath(os.path.join(args.out, "sources"))
    os.makedirs(sources, exist_ok=True)
    scalars = {
        "irq/tick": [[k, 0.25 * k] for k in accepted],
        "tinytb/dropped_records": [[step, d] for step, d, _ in counters],
        "tinytb/dropped_bytes": [[step, b] for step, _, b in counters],
    }
    pictures = {"camera/gray": [], "camera/color": []}
    for k, gray_status, color_status in frames:
        if gray_status == "ok":
            path = os.path.join(sources, "gray_%d.gray8" % k)
            capture(person, k).tofile(path)
            pictures["camera/gray"].append([k, {"width": 96, "height": 96, "images": [
                {"source": path, "offset": 0, "format": "gray8", "width": 96, "height": 96, "row_stride": 0}]}])
        if color_status == "ok":
            pictures["camera/color"].append([k, {"width": 160, "height": 120, "images": [
                {"source": color_path, "offset": 0, "format": "rgb565be", "width": 160, "height": 120,
                 "row_stride": 0}]}])
    run = {"scalars": scalars, "images": {t: p for t, p in pictures.items() if p}}
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"runs": {RUN: run}}, f, indent=1)
    print("async_manifest.py: %d ticks (%d queued), %d frames, %d dropped (%d bytes), %d counter points"
          % (ticks, len(accepted), len(frames), dropped, dropped_bytes, len(counters)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
