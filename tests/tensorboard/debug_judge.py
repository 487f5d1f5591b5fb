#!/usr/bin/env python3
"""Judge the debug layer's fixture (tests/tensorboard/debug_writer.cc) beyond the manifest.

    python debug_judge.py --logdir DIR --expect DIR/../debug_expect.json

tb_judge.py already checks every value the writer logged against the manifest through
every reader. This judge checks what the manifest cannot say, reading the run through
TensorBoard's own EventMultiplexer (what the server serves):

  flight.*     each frame, score and note of the flight recorder is at its original step
               and carries the wall time of its record() call (not the trigger's), and
               each note says what fired;
  stats.*      each tensor's min, max, mean, std, zero_fraction and saturated_fraction
               scalars equal what numpy computes from the raw tensor (float64, then
               compared at float32 precision); its histogram counts every finite value;
               a tensor with a shape has its channels image at the step.

One PASS/FAIL line per check, then "N passed, M failed"; exit status 0 only when nothing failed.
"""

import argparse
import json
import math
import os
import sys

import numpy as np
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.util import tensor_util

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import judge_common  # noqa: E402

LIMITS = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767),
          "int32": (-2 ** 31, 2 ** 31 - 1)}


def load(logdir):
    keep_all = {"scalars": 0, "images": 0, "text": 0, "histograms": 0}
    multiplexer = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance=keep_all)
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    data = {}
    for run in multiplexer.Runs():
        tags = multiplexer.Runs()[run].get("tensors", [])
        data[run] = {tag: {e.step: e for e in multiplexer.Tensors(run, tag)} for tag in tags}
    return data


def find(data, tag):
    for run, tags in data.items():
        if tag in tags:
            return tags[tag]
    return None


def check_timed(report, data, entry):
    name = "flight.%s@%d" % (entry["tag"], entry["step"])
    events = find(data, entry["tag"])
    if events is None or entry["step"] not in events:
        report.check(name, ["no value at step %d" % entry["step"]])
        return
    event = events[entry["step"]]
    errors = []
    if abs(event.wall_time - entry["wall_time"]) > 1e-6:
        errors.append("wall time %.6f, recorded at %.6f" % (event.wall_time, entry["wall_time"]))
    if "text" in entry:
        got = tensor_util.make_ndarray(event.tensor_proto).reshape(-1)[0].decode("utf-8")
        if got != entry["text"]:
            errors.append("note %r, expected %r" % (got, entry["text"]))
    report.check(name, errors)


def expected_stats(spec):
    raw = np.array([float("nan") if v == "NaN" else v for v in spec["values"]], dtype=np.float64)
    if spec["dtype"] == "float32":
        real = raw.astype(np.float32).astype(np.float64)
        finite = real[np.isfinite(real)]
        zeros = np.count_nonzero(finite == 0.0)
        saturated = None
    else:
        q = raw.astype(np.int64)
        real = spec["scale"] * (q - spec["zero_point"]).astype(np.float64)
        finite = real
        zeros = np.count_nonzero(q == spec["zero_point"])
        lo, hi = LIMITS[spec["dtype"]]
        saturated = np.count_nonzero((q == lo) | (q == hi)) / q.size
    out = {"min": finite.min(), "max": finite.max(), "mean": finite.mean(),
           "std": finite.std(), "zero_fraction": zeros / finite.size}
    if saturated is not None:
        out["saturated_fraction"] = saturated
    return out, finite.size


def check_stats(report, data, entry):
    prefix, step = entry["prefix"], entry["step"]
    want, finite_count = expected_stats(entry["input"])
    for stat, value in sorted(want.items()):
        name = "stats.%s/%s@%d" % (prefix, stat, step)
        events = find(data, "%s/%s" % (prefix, stat))
        if events is None or step not in events:
            report.check(name, ["no scalar at step %d" % step])
            continue
        got = float(tensor_util.make_ndarray(events[step].tensor_proto))
        # float32 arithmetic on the device: a few units in the last place of a float.
        tolerance = 2e-6 * max(1.0, abs(value)) + 4e-6 * abs(want["max"] - want["min"])
        report.check(name, [] if math.isclose(got, value, rel_tol=0, abs_tol=tolerance) else [
            "TensorBoard has %.9g, numpy computes %.9g" % (got, value)])
    if "saturated_fraction" not in want:
        events = find(data, "%s/saturated_fraction" % prefix)
        report.check("stats.%s/no-saturated-for-float@%d" % (prefix, step),
                     [] if events is None else ["a float tensor logged saturated_fraction"])
    name = "stats.%s/histogram@%d" % (prefix, step)
    events = find(data, "%s/histogram" % prefix)
    if events is None or step not in events:
        report.check(name, ["no histogram at step %d" % step])
    else:
        rows = tensor_util.make_ndarray(events[step].tensor_proto)
        total = int(round(rows[:, 2].sum())) if rows.ndim == 2 and rows.shape[1] == 3 else -1
        report.check(name, [] if total == finite_count else [
            "the histogram counts %d values, the tensor has %d finite" % (total, finite_count)])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", required=True)
    parser.add_argument("--expect", required=True)
    args = parser.parse_args(argv)
    report = judge_common.Report(sys.stdout)
    with open(args.expect, encoding="utf-8") as f:
        entries = [e for e in json.load(f)["entries"] if e]
    data = load(args.logdir)
    report.check("runs", [] if {"flight", "inspector"} <= set(data) else ["runs found: %s" % sorted(data)])
    timed = [e for e in entries if "tag" in e]
    tensors = [e for e in entries if "prefix" in e]
    report.check("entries", [] if len(timed) >= 20 and len(tensors) >= 15 else [
        "only %d timed and %d tensor entries" % (len(timed), len(tensors))])
    for entry in timed:
        check_timed(report, data, entry)
    # Every frame is written at its own record time, so frames of one trigger never share one.
    for tag in sorted({e["tag"] for e in timed if e["tag"].endswith("/frame")}):
        times = [e["wall_time"] for e in timed if e["tag"] == tag]
        report.check("flight.%s/distinct-record-times" % tag,
                     [] if len(set(times)) == len(times) else ["record times repeat: %s" % times])
    for entry in tensors:
        check_stats(report, data, entry)
    report.summary()
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
