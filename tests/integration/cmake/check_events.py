"""Reads what tests/integration/cmake/consumer/main.cc logged, with TensorBoard.

    check_events.py LOGDIR

TensorBoard's EventFileLoader (the loader with its read-time compat layers, so the
classic and the TF2 summary forms read the same) must yield, from the one event file
under LOGDIR/cmake/: the scalar series train/loss = 1 / (step + 1) for steps 0..9, the
text "notes", and two 24x16 RGB PNG images whose pixels are the consumer's pattern;
every event's wall time must be the system clock's (posix_clock). Prints one line per
check and "N passed, M failed" last; the exit status is 0 only when nothing failed.
"""

import glob
import io
import os
import sys
import time

import numpy as np
from PIL import Image
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.util import tensor_util

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tensorboard"))
import judge_common  # noqa: E402

WIDTH, HEIGHT = 24, 16


def expected_pixels():
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    return np.stack([10 * x, 15 * y, 255 - 10 * x], axis=-1).astype(np.uint8)


def main(logdir):
    report = judge_common.Report(sys.stdout)

    def check(name, problem):
        report.check(name, [problem] if problem else [])

    files = glob.glob(os.path.join(logdir, "cmake", "events.out.tfevents.*"))
    check("one event file", None if len(files) == 1 else "found %r" % files)
    values = {}  # tag -> [(step, plugin, ndarray)]
    wall_times = []
    for path in files:
        for event in event_file_loader.EventFileLoader(path).Load():
            wall_times.append(event.wall_time)
            for v in event.summary.value:
                values.setdefault(v.tag, []).append(
                    (event.step, v.metadata.plugin_data.plugin_name, tensor_util.make_ndarray(v.tensor)))

    now = time.time()
    check("wall times from the system clock",
          None if wall_times and all(now - 600 < t <= now + 1 for t in wall_times)
          else "wall times %r, now %.0f" % (wall_times[:3], now))

    # TensorBoard needs a tag's plugin only on its first value; writers may repeat it.
    loss = values.get("train/loss", [])
    got = [(s, float(a)) for s, _, a in loss]
    want = [(s, float(np.float32(1.0) / np.float32(s + 1))) for s in range(10)]
    plugins = [p for _, p, _ in loss]
    plugins_ok = plugins[:1] == ["scalars"] and set(plugins[1:]) <= {"", "scalars"}
    check("scalar train/loss, steps 0..9", None if got == want and plugins_ok else "got %r, plugins %r" % (got, plugins))

    notes = values.get("notes", [])
    text = [(s, p, [t.decode() for t in a.reshape(-1)]) for s, p, a in notes]
    check("text notes", None if text == [(0, "text", ["built with **CMake**"])] else "got %r" % text)

    for tag in ("camera/compressed", "camera/lodepng"):
        entries = values.get(tag, [])
        if len(entries) != 1 or entries[0][0] != 0 or entries[0][1] != "images":
            check("image " + tag, "got %r" % [(s, p) for s, p, _ in entries])
            continue
        blobs = [bytes(b) for b in entries[0][2].reshape(-1)]
        if blobs[:2] != [str(WIDTH).encode(), str(HEIGHT).encode()] or len(blobs) != 3:
            check("image " + tag, "header %r, %d blobs" % (blobs[:2], len(blobs)))
            continue
        png = Image.open(io.BytesIO(blobs[2]))
        pixels = np.asarray(png.convert("RGB"))
        same = png.mode == "RGB" and pixels.shape == (HEIGHT, WIDTH, 3) and np.array_equal(pixels, expected_pixels())
        check("image %s (%d-byte PNG, pixels)" % (tag, len(blobs[2])),
              None if same else "mode %s, shape %s, pixels differ" % (png.mode, pixels.shape))

    unexpected = sorted(set(values) - {"train/loss", "notes", "camera/compressed", "camera/lodepng"})
    check("no other tags", None if not unexpected else "also %r" % unexpected)
    report.summary()
    return 1 if report.failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_events.py LOGDIR")
    sys.exit(main(sys.argv[1]))
