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

--serve: one process for the whole benchmark, driven by tests/bench/e2e_run.py so that its
runs interleave with tinytb's. It first logs a few untimed events of every workload into
<work>/warmup (so lazy imports, such as Pillow's PNG plugin on the first add_image, are
not inside the first timed run; a training job pays them once), prints one JSON line
{"ready": true, "tensorboardX": version, "python": version}, then reads
one JSON command a line from stdin, {"workload": ..., "count": N, "work": DIR}, and answers
each with one line: the run as JSON. Human-readable lines go to stderr. Ends at EOF.

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


def describe(r):
    return "%-28s %-12s %8d events %9.4f s (cpu %7.4f s) %12.0f events/s" % (
        r["workload"], r["variant"], r["events"], r["seconds"], r["cpu_seconds"], r["events_per_s"])


def serve(frames, work):
    """Runs the workloads e2e_run.py asks for, one JSON line in, one JSON line out."""
    by_workload = {"image " + name: pixels for name, pixels in frames}
    warmup = os.path.join(work, "warmup")
    for name, pixels in frames:
        run_images(warmup, name, pixels, 2)
    run_scalars(warmup, 8)
    print(json.dumps({"ready": True, "tensorboardX": tensorboardX.__version__, "python": sys.version.split()[0]}),
          flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        w = cmd["workload"]
        if w == "scalar":
            r = run_scalars(cmd["work"], cmd["count"])
        elif w in by_workload:
            r = run_images(cmd["work"], w[len("image "):], by_workload[w], cmd["count"])
        else:
            raise SystemExit("e2e_tensorboardx: no workload %r" % w)
        sys.stderr.write(describe(r) + "\n")
        sys.stderr.flush()
        print(json.dumps(r), flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", required=True, help="directory with frames.json and the raw frames")
    parser.add_argument("--work", required=True, help="the log directories go under <work>/tensorboardX/")
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--scalars", type=int, default=100000)
    parser.add_argument("--json", help="write the runs here")
    parser.add_argument("--serve", action="store_true", help="run the workloads e2e_run.py sends on stdin")
    args = parser.parse_args()

    frames = load_frames(args.frames)
    if args.serve:
        return serve(frames, args.work)
    runs = [run_images(args.work, name, pixels, args.images) for name, pixels in frames]
    runs.append(run_scalars(args.work, args.scalars))
    for r in runs:
        print(describe(r))
    result = {"tensorboardX": tensorboardX.__version__, "python": sys.version.split()[0], "runs": runs}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
