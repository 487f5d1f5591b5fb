"""The end-to-end benchmark's reference side: tensorboardX's SummaryWriter (docs/bench.md).

Logs the same workloads as tests/bench/e2e_bench.cc, with the identical pixels (the raw
frames that program dumped into <frames>/, described by frames.json):

  image <frame>   N x add_image(tag, HWC uint8 array, step, dataformats='HWC'), steps 0..N-1
  scalar          N x add_scalar over the same four tags, round robin (step = i // 4)

Each timed run is SummaryWriter(logdir) -> N events -> close(), on a fresh log directory,
so the writer thread, every flush and the final close are inside the time (wall time, and
the process's CPU time over all its threads, which a busy machine disturbs less). tensorboardX
is used with its defaults (max_queue 10, flush_secs 120; it never fsyncs). The arrays are
built before the clock starts. Prints one JSON object (to --json) like e2e_bench's.
Run it with the test virtualenv's Python (tensorboardX is pinned in
tests/tensorboard/requirements.txt).
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import tensorboardX

SCALAR_TAGS = ["train/loss", "train/accuracy", "train/learning_rate", "train/grad_norm"]


def slug(name):
    return name.replace(" ", "_")


def load_frames(frame_dir):
    with open(os.path.join(frame_dir, "frames.json")) as f:
        described = json.load(f)
    frames = []
    for d in described:
        with open(os.path.join(frame_dir, d["file"]), "rb") as f:
            raw = f.read()
        shape = (d["height"], d["width"], d["channels"])
        if len(raw) != shape[0] * shape[1] * shape[2]:
            raise SystemExit("%s: %d bytes, expected %dx%dx%d" % (d["file"], len(raw), *shape))
        frames.append((d["name"], np.frombuffer(raw, dtype=np.uint8).reshape(shape).copy()))
    return frames


def run_images(work, name, pixels, count):
    logdir = os.path.join(work, "tensorboardX", slug(name))
    tag = "camera/" + slug(name)
    t0, c0 = time.perf_counter(), time.process_time()
    writer = tensorboardX.SummaryWriter(logdir)
    for step in range(count):
        writer.add_image(tag, pixels, step, dataformats="HWC")
    writer.close()
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    return {"workload": "image " + name, "frame": name, "variant": "add_image", "sync": "no fsync",
            "logdir": logdir, "tags": tag, "events": count, "seconds": seconds,
            "events_per_s": count / seconds, "cpu_seconds": cpu_seconds, "events_per_cpu_s": count / cpu_seconds}


def run_scalars(work, count):
    logdir = os.path.join(work, "tensorboardX", "scalar")
    t0, c0 = time.perf_counter(), time.process_time()
    writer = tensorboardX.SummaryWriter(logdir)
    value = 1.0
    for i in range(count):
        value = value * 0.9999 + 0.0001 * (i & 7)
        writer.add_scalar(SCALAR_TAGS[i & 3], value, i >> 2)
    writer.close()
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    return {"workload": "scalar", "frame": "", "variant": "add_scalar", "sync": "no fsync",
            "logdir": logdir, "tags": ",".join(SCALAR_TAGS), "events": count, "seconds": seconds,
            "events_per_s": count / seconds, "cpu_seconds": cpu_seconds, "events_per_cpu_s": count / cpu_seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", required=True, help="directory with frames.json and the raw frames")
    parser.add_argument("--work", required=True, help="the log directories go under <work>/tensorboardX/")
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--scalars", type=int, default=100000)
    parser.add_argument("--json", help="write the runs here")
    args = parser.parse_args()

    runs = [run_images(args.work, name, pixels, args.images) for name, pixels in load_frames(args.frames)]
    runs.append(run_scalars(args.work, args.scalars))
    for r in runs:
        print("%-28s %-12s %8d events %9.4f s %12.0f events/s" % (
            r["workload"], r["variant"], r["events"], r["seconds"], r["events_per_s"]))
    result = {"tensorboardX": tensorboardX.__version__, "python": sys.version.split()[0], "runs": runs}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
