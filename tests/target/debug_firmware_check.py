#!/usr/bin/env python3
"""Judge the debug firmware configurations (`flight`, `inspector`) of examples/cortex_m after a
QEMU run, through TensorBoard's EventMultiplexer, against values computed here from the same
inputs (firmware_manifest.py's camera and model, re-used; the debug parts computed on their own):

    python debug_firmware_check.py --config flight|inspector --logdir RUN_DIR/logs --frames-dir FRAMES

  flight     which triggers fire and which frames each writes (ScoreBelow 0.8 on the top score or a
             class flip, a recorder of 4, the handler's mark at frame FRAMES/2 - 1, simulated here);
             each kept frame's PNG byte-identical to camera/gray at its step (the same stored
             encoder, so the frame is the one of that step, not of the trigger); its wall time
             between camera/gray's of its step and of the next (record time, not trigger time);
             the score scalar; the note's text and step;
  inspector  layers/00_POOL/* and model/scores/* at every step: min, max, mean, std, zero and
             saturated fractions recomputed with numpy from the pooled frame and the scores; the
             histogram's total count; the channels image's size.

One PASS/FAIL line per check, then "N passed, M failed"; exit status 0 only when nothing failed.
"""

import argparse
import os
import sys

import numpy as np
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.util import tensor_util

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tensorboard"))

import firmware_manifest  # noqa: E402
import judge_common  # noqa: E402

FRAMES = 8
KEPT = 4
THRESHOLD = np.float32(0.8)


def load(logdir):
    keep_all = {"scalars": 0, "images": 0, "text": 0, "histograms": 0}
    mx = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance=keep_all)
    mx.AddRunsFromDirectory(logdir)
    mx.Reload()
    runs = list(mx.Runs())
    if len(runs) != 1:
        return {}
    run = runs[0]
    return {tag: {e.step: e for e in mx.Tensors(run, tag)} for tag in mx.Runs()[run]["tensors"]}


def value(event):
    return tensor_util.make_ndarray(event.tensor_proto)


def frames_and_scores(frames_dir):
    person = np.fromfile(os.path.join(frames_dir, "person_96x96.gray8"), np.uint8)
    grays = [firmware_manifest.capture(person, k) for k in range(FRAMES)]
    return grays, [firmware_manifest.model_scores(g) for g in grays]


def expected_dumps(scores):
    """The firmware's debug_frame() loop: (reason, frame steps, note step) in writing order."""
    dumps, kept, last_label = [], [], None
    for step, q in enumerate(scores):
        kept = (kept + [step])[-KEPT:]
        label = 0 if q[0] >= q[1] else 1  # ties keep the lower index
        top = np.float32(firmware_manifest.dequantise(max(q)))
        flip = last_label is not None and label != last_label
        last_label = label
        if top < THRESHOLD or flip:
            dumps.append(("low_or_flip", kept, step))
            kept = []
        if step == FRAMES // 2 - 1:
            dumps.append(("watchdog", kept, step))
            kept = []
    return dumps


def check_flight(report, data, grays, scores):
    dumps = expected_dumps(scores)
    report.check("flight.some-dumps", [] if len(dumps) >= 2 else ["only %d dumps expected" % len(dumps)])
    gray = data.get("camera/gray", {})
    for reason in sorted({d[0] for d in dumps}):
        want = [s for d in dumps if d[0] == reason for s in d[1]]
        got = sorted(data.get("flight/%s/frame" % reason, {}))
        report.check("flight.%s/frame-steps" % reason, [] if got == want else ["steps %s, expected %s" % (got, want)])
        notes = sorted(data.get("flight/%s/note" % reason, {}))
        want_notes = [d[2] for d in dumps if d[0] == reason]
        report.check("flight.%s/note-steps" % reason,
                      [] if notes == want_notes else ["steps %s, expected %s" % (notes, want_notes)])
    for reason, steps, note_step in dumps:
        frames = data.get("flight/%s/frame" % reason, {})
        for s in steps:
            name = "flight.%s/frame@%d" % (reason, s)
            if s not in frames or s not in gray:
                report.check(name, ["missing (or camera/gray missing)"])
                continue
            errors = []
            if value(frames[s])[2] != value(gray[s])[2]:
                errors.append("the PNG differs from camera/gray at this step")
            recorded, logged = frames[s].wall_time, gray[s].wall_time
            upper = gray[s + 1].wall_time if s + 1 in gray else float("inf")
            if logged > 0 and not logged <= recorded <= upper:
                errors.append("wall time %.3f outside [%.3f, %.3f]: not the record time" % (recorded, logged, upper))
            score = data.get("flight/%s/score" % reason, {}).get(s)
            want = np.float32(firmware_manifest.dequantise(max(scores[s])))
            if score is None or np.float32(value(score)) != want:
                errors.append("score %s, expected %r" % (None if score is None else value(score), want))
            report.check(name, errors)
        note = data.get("flight/%s/note" % reason, {}).get(note_step)
        if note is None:
            report.check("flight.%s/note@%d" % (reason, note_step), ["missing"])
            continue
        text = value(note).reshape(-1)[0].decode("utf-8")
        head = "Trigger **%s** fired at step %d." % (reason, note_step)
        tail = ("\n\nFrames before it: %d, steps %d to %d." % (len(steps), steps[0], steps[-1]) if steps
                else "\n\nNo frames were kept.")
        report.check("flight.%s/note@%d" % (reason, note_step),
                     [] if text.startswith(head) and text.endswith(tail) else ["note %r" % text])


def stats(real, q, zero_point, lo, hi):
    return {"min": real.min(), "max": real.max(), "mean": real.mean(), "std": real.std(),
            "zero_fraction": np.count_nonzero(q == zero_point) / q.size,
            "saturated_fraction": np.count_nonzero((q == lo) | (q == hi)) / q.size}


def check_stats(report, data, prefix, step, want, count):
    for stat, v in sorted(want.items()):
        event = data.get("%s/%s" % (prefix, stat), {}).get(step)
        name = "inspector.%s/%s@%d" % (prefix, stat, step)
        if event is None:
            report.check(name, ["missing"])
            continue
        got = float(value(event))
        tolerance = 2e-6 * max(1.0, abs(v)) + 4e-6 * abs(want["max"] - want["min"])
        report.check(name, [] if abs(got - v) <= tolerance else ["TensorBoard has %.9g, numpy %.9g" % (got, v)])
    event = data.get("%s/histogram" % prefix, {}).get(step)
    total = int(round(value(event)[:, 2].sum())) if event is not None else -1
    report.check("inspector.%s/histogram@%d" % (prefix, step),
                 [] if total == count else ["counts %d values, expected %d" % (total, count)])


def check_inspector(report, data, grays, scores):
    for step, (gray, q) in enumerate(zip(grays, scores)):
        # main.cc's stand-in layer: 8x8 average pooling, 4 channels of gain (c + 1) / 2, int8.
        pooled = gray.astype(np.int64).reshape(12, 8, 12, 8).sum(axis=(1, 3)) // 64
        fmap = np.stack([np.minimum(255, pooled * (c + 1) // 2) - 128 for c in range(4)], axis=-1).reshape(-1)
        check_stats(report, data, "layers/00_POOL", step, stats(0.5 * (fmap + 128.0), fmap, -128, -128, 127),
                    fmap.size)
        channels = data.get("layers/00_POOL/channels", {}).get(step)
        size = [int(x) for x in value(channels)[:2]] if channels is not None else None
        report.check("inspector.layers/00_POOL/channels@%d" % step,
                     [] if size == [30, 30] else ["image size %s, expected 30x30" % size])
        q = np.array(q, dtype=np.int64)
        check_stats(report, data, "model/scores", step, stats((q + 128) / 256.0, q, -128, -128, 127), q.size)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, choices=["flight", "inspector"])
    parser.add_argument("--logdir", required=True)
    parser.add_argument("--frames-dir", required=True)
    args = parser.parse_args(argv)
    report = judge_common.Report(sys.stdout)
    data = load(args.logdir)
    report.check("run", [] if data else ["no single run under %s" % args.logdir])
    grays, scores = frames_and_scores(args.frames_dir)
    if args.config == "flight":
        check_flight(report, data, grays, scores)
    else:
        check_inspector(report, data, grays, scores)
    report.summary()
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
