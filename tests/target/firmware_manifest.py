#!/usr/bin/env python3
"""What the Cortex-M firmware example must have logged, for tb_judge.py.

    firmware_manifest.py --core cortex-m4f --machine mps2-an386 --config stored-rgb160 \\
        --frames-dir BUILD/fw/frames --console OUT/console.txt --out OUT

Computed here, independently of the firmware, from the same inputs: the camera frames
(the raw files make_frames.py wrote beside the arrays compiled into the firmware), the
auto-exposure ramp (camera.h), the model stand-in (model.h, in numpy), the top-k table
(printf's "%.4f" in a Markdown table), the board note (firmware_config.h). Only the costs, which exist only
on the target, come from the firmware's console, and every frame's line must be there.

Writes OUT/manifest.json and, for the judge's image checks, OUT/sources/ (the bytes each
logged view pointed at). Exit status 1 if the console does not say what is expected.
"""

import argparse
import json
import os
import re
import sys

import numpy as np

CONFIGS = {  # name: (images, rgb): the Makefile's FW_CFG_* flags
    "text": ("none", False),
    "stored-gray96": ("stored PNG", False),
    "stored-rgb160": ("stored PNG", True),
    "compressed-gray96": ("compressed PNG", False),
    "compressed-rgb160": ("compressed PNG", True),
    "compressed-rgb640": ("compressed PNG", True),  # the color camera is VGA (COLOR below)
}
# The color camera's frame per configuration: size and the raw file make_frames.py wrote.
COLOR = {"compressed-rgb640": (640, 480, "kodim23_640x480.rgb565be")}
COLOR_DEFAULT = (160, 120, "kodim23_160x120.rgb565be")
# Frames per configuration (the Makefile's -DTINYTB_FW_FRAMES), when not --frames' default.
FRAMES = {"compressed-rgb640": 2}
LABELS = ["no person", "person"]
# Configurations built with TINYTB_FW_TOP_K=0 (the Makefile's "scalars and text"): the best class
# as plain text, model/top_class, instead of the top-k table.
NO_TOP_K = {"text"}
FRAME_LINE = re.compile(
    r"^frame (\d+): log (\d+) instructions \(([^)]*)\), stack (\d+) bytes; model (\d+) instructions")


def exposure_gain(index):
    return 128 + 32 * (index % 8)


def capture(person, index):
    """camera::capture's gray frame."""
    return np.minimum(255, (person.astype(np.int64) * exposure_gain(index) + 128) >> 8).astype(np.uint8)


def model_weights(count=144, seed=12345):
    state, weights = seed, []
    for _ in range(count):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        weights.append((state >> 24) - 128)
    return np.array(weights, dtype=np.int64)


def model_scores(gray):
    """model::run: [no person, person] as int8 values."""
    q = gray.astype(np.int64).reshape(96, 96) - 128
    features = q.reshape(12, 8, 12, 8).sum(axis=(1, 3)) >> 6  # floor division by 64
    total = int((features.reshape(-1) * model_weights()).sum())
    person = max(-128, min(127, (total * 3 + (1 << 10)) >> 11))
    return [-1 - person, person]


def dequantise(q):
    return (q + 128) / 256.0  # exact in float32: scale 1/256, zero point -128


def top_k_table(scores):
    """text_top_k's Markdown table (the labels hold nothing it would escape)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    rows = ["| class | score |", "| --- | --- |"]
    rows += ["| %s | %.4f |" % (LABELS[i], dequantise(scores[i])) for i in order]
    return "".join(row + "\n" for row in rows)


def description(core, machine, frames, images, rgb, color=COLOR_DEFAULT):
    limit = "" if images == "none" else (" up to %dx%d RGB" % color[:2] if rgb else " up to 96x96 gray")
    return "tinytb on a %s (QEMU %s): %d frames, images: %s%s" % (core, machine, frames, images, limit)


def read_costs(console, frames, images, rgb):
    """The per-frame costs the firmware printed, checked for shape."""
    costs, errors = {}, []
    for line in console.splitlines():
        m = FRAME_LINE.match(line)
        if m:
            costs[int(m.group(1))] = {"log": int(m.group(2)), "parts": m.group(3),
                                      "stack": int(m.group(4)), "model": int(m.group(5))}
    want_parts = (["camera/gray"] if images != "none" else []) + \
                 (["camera/color"] if images != "none" and rgb else []) + ["values"]
    for k in range(frames):
        if k not in costs:
            errors.append("the console has no cost line for frame %d" % k)
            continue
        parts = [p.rsplit(" ", 1) for p in costs[k]["parts"].split(", ")]
        if [p[0] for p in parts] != want_parts:
            errors.append("frame %d: costs of %s, expected %s" % (k, [p[0] for p in parts], want_parts))
        elif sum(int(p[1]) for p in parts) != costs[k]["log"]:
            errors.append("frame %d: the parts do not add up to the total" % k)
    if "failed: 0" not in console:
        errors.append("the console does not report 'failed: 0'")
    return costs, errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--core", required=True)
    parser.add_argument("--machine", required=True)
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--frames-dir", required=True)
    parser.add_argument("--console", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    images, rgb = CONFIGS[args.config]
    color_w, color_h, color_file = COLOR.get(args.config, COLOR_DEFAULT)
    args.frames = FRAMES.get(args.config, args.frames)

    person = np.fromfile(os.path.join(args.frames_dir, "person_96x96.gray8"), np.uint8)
    color_path = os.path.abspath(os.path.join(args.frames_dir, color_file))
    with open(args.console, encoding="utf-8", errors="replace") as f:
        console = f.read()
    costs, errors = read_costs(console, args.frames, images, rgb)
    note = description(args.core, args.machine, args.frames, images, rgb, (color_w, color_h))
    if not console.startswith(note + "\n"):
        errors.append("the console's first line is not %r" % note)
    if errors:
        for e in errors:
            print("firmware_manifest.py: " + e, file=sys.stderr)
        return 1

    sources = os.path.abspath(os.path.join(args.out, "sources"))
    os.makedirs(sources, exist_ok=True)
    scalars = {t: [] for t in ("model/person_score", "model/instructions", "tinytb/log_instructions",
                               "tinytb/log_stack_bytes")}
    top_tag = "model/top_class" if args.config in NO_TOP_K else "model/top_classes"
    text = {"board": [[0, {"shape": [], "values": [note]}]], top_tag: []}
    pictures = {"camera/gray": [], "camera/color": []}
    for k in range(args.frames):
        gray = capture(person, k)
        scores = model_scores(gray)
        scalars["model/person_score"].append([k, dequantise(scores[1])])
        scalars["model/instructions"].append([k, costs[k]["model"]])
        scalars["tinytb/log_instructions"].append([k, costs[k]["log"]])
        scalars["tinytb/log_stack_bytes"].append([k, costs[k]["stack"]])
        if args.config in NO_TOP_K:  # main.cc: "person" only when its score is the higher one
            text[top_tag].append([k, {"shape": [], "values": [LABELS[1] if scores[1] > scores[0] else LABELS[0]]}])
        else:
            text[top_tag].append([k, {"shape": [], "values": [top_k_table(scores)]}])
        if images == "none":
            continue
        path = os.path.join(sources, "gray_%d.gray8" % k)
        gray.tofile(path)
        pictures["camera/gray"].append([k, {"width": 96, "height": 96, "images": [
            {"source": path, "offset": 0, "format": "gray8", "width": 96, "height": 96, "row_stride": 0}]}])
        if rgb:
            pictures["camera/color"].append([k, {"width": color_w, "height": color_h, "images": [
                {"source": color_path, "offset": 0, "format": "rgb565be", "width": color_w, "height": color_h,
                 "row_stride": 0}]}])
    run = {"scalars": scalars, "text": text}
    pictures = {tag: points for tag, points in pictures.items() if points}
    if pictures:
        run["images"] = pictures
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"runs": {args.core: run}}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
