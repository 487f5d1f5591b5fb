"""End-to-end events per second, tinytb against tensorboardX, same machine, same run.

Runs the two sides back to back, `--repeats` times (each repeat: tests/bench/e2e_bench.cc's
program, then tests/bench/e2e_tensorboardx.py in a fresh Python), takes each workload's
median events/s and the ratio tinytb / tensorboardX. Then, untimed, reads the files the
last repeat wrote back with TensorBoard's own loader (EventFileLoader, from the test
virtualenv) and checks them: one event file per run, every tag with exactly the steps
logged, the first and last image of every image run decoded (Pillow) to the very pixels
that were logged. Prints the table and the checks ("N passed, M failed"); --json writes
the "e2e" fragment (tests/bench/report.py merges it into results.json).

  --quick   a few events, one repeat, no fsync variants: proves both sides run and the
            files read back right (tests/run_all.sh); its speeds mean nothing.

Run with the test virtualenv's Python (make bench-e2e does). docs/bench.md explains the
figures.
"""

import argparse
import glob
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image
from tensorboard.backend.event_processing import event_file_loader

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_GOAL = 20.0
SCALAR_GOAL = 100.0


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s%s" % (name, (": " + detail) if detail else ""))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_raw_frames(frame_dir):
    with open(os.path.join(frame_dir, "frames.json")) as f:
        described = json.load(f)
    frames = {}
    for d in described:
        raw = np.fromfile(os.path.join(frame_dir, d["file"]), dtype=np.uint8)
        frames[d["name"]] = raw.reshape(d["height"], d["width"], d["channels"])
    return frames


def image_bytes(value):
    """The PNG of a Summary.Value, in tinytb's (tensor) or tensorboardX's (image) form."""
    if value.HasField("tensor") and len(value.tensor.string_val) >= 3:
        return value.tensor.string_val[2]
    if value.HasField("image"):
        return value.image.encoded_image_string
    return None


def same_pixels(png, expected):
    img = np.asarray(Image.open(io.BytesIO(png)))
    if img.ndim == 2:
        img = img[:, :, None]
    if expected.shape[2] == 1 and img.shape[2] == 3:  # tensorboardX logs gray as RGB
        if not (np.array_equal(img[:, :, 0], img[:, :, 1]) and np.array_equal(img[:, :, 0], img[:, :, 2])):
            return False
        img = img[:, :, :1]
    return img.shape == expected.shape and np.array_equal(img, expected)


def verify(run, frames, checks):
    """Reads one run's log directory with TensorBoard's loader and checks it."""
    who = "%s %s %s %s" % (run["side"], run["workload"], run["variant"], run["sync"])
    files = sorted(glob.glob(os.path.join(run["logdir"], "events.out.tfevents.*")))
    checks.check(who + ": one event file", len(files) == 1, "%d files" % len(files))
    if not files:
        return
    tags = run["tags"].split(",")
    steps = {t: [] for t in tags}
    first_last = {}
    other = 0
    for event in event_file_loader.EventFileLoader(files[0]).Load():
        if not event.HasField("summary"):
            continue
        for value in event.summary.value:
            if value.tag not in steps:
                other += 1
                continue
            steps[value.tag].append(event.step)
            if run["frame"]:
                first_last.setdefault("first", image_bytes(value))
                first_last["last"] = image_bytes(value)
    checks.check(who + ": no other tags", other == 0, "%d values with other tags" % other)
    n = run["events"]
    for t in tags:
        if run["frame"]:  # one tag, steps 0..n-1
            expected = list(range(n))
        else:  # event i went to tag i % len(tags) at step i // len(tags)
            expected = [i // len(tags) for i in range(tags.index(t), n, len(tags))]
        checks.check("%s: tag %s has steps %s" % (who, t, "0..%d" % (expected[-1] if expected else -1)),
                     steps[t] == expected, "got %d values" % len(steps[t]))
    if run["frame"]:
        pixels = frames[run["frame"]]
        for which in ("first", "last"):
            png = first_last.get(which)
            checks.check("%s: %s image decodes to the logged pixels" % (who, which),
                         png is not None and same_pixels(png, pixels))


def run_side(cmd, json_path):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        raise SystemExit("%s failed (exit %d)" % (cmd[0], proc.returncode))
    with open(json_path) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the e2e_bench program")
    parser.add_argument("--data", default="examples/data")
    parser.add_argument("--work", help="scratch directory (default: a new temporary one, removed after)")
    parser.add_argument("--json", help="write the e2e fragment here")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tinytb-runs", type=int, default=5,
                        help="tinytb processes per repeat: its runs last about 0.1 s, so one scheduling hiccup on a "
                             "shared machine moves a single run's rate; the median is taken over all of them")
    parser.add_argument("--images", type=int, default=200, help="image events per image run")
    parser.add_argument("--scalars", type=int, default=100000, help="scalar events per scalar run")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the log directories")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.images, args.scalars, args.tinytb_runs = 1, 3, 2000, 1

    work = args.work or tempfile.mkdtemp(prefix="tinytb-e2e-")
    os.makedirs(work, exist_ok=True)
    tinytb_runs, tbx_runs, tbx_version = [], [], ""
    try:
        for rep in range(args.repeats):
            rep_dir = os.path.join(work, "rep%d" % rep)
            shutil.rmtree(rep_dir, ignore_errors=True)
            os.makedirs(rep_dir)
            print("-- repeat %d of %d: tinytb x %d" % (rep + 1, args.repeats, args.tinytb_runs))
            # The last tinytb process writes into rep_dir (its files are the ones checked);
            # the ones before it into scratch directories, removed at once.
            for k in range(args.tinytb_runs):
                last_run = k + 1 == args.tinytb_runs
                run_dir = rep_dir if last_run else os.path.join(rep_dir, "extra%d" % k)
                os.makedirs(run_dir, exist_ok=True)
                cmd = [args.bench, "--data", args.data, "--work", run_dir, "--json",
                       os.path.join(run_dir, "tinytb.json"), "--images", str(args.images), "--scalars",
                       str(args.scalars)]
                if args.quick:
                    cmd.append("--no-fsync-variants")
                t = run_side(cmd, os.path.join(run_dir, "tinytb.json"))
                for r in t["runs"]:
                    r["side"] = "tinytb"
                if not last_run:
                    tinytb_runs.append(t["runs"])
                    shutil.rmtree(run_dir, ignore_errors=True)
            print("-- repeat %d of %d: tensorboardX" % (rep + 1, args.repeats))
            x = run_side([sys.executable, os.path.join(HERE, "e2e_tensorboardx.py"), "--frames",
                          os.path.join(rep_dir, "frames"), "--work", rep_dir, "--json",
                          os.path.join(rep_dir, "tensorboardx.json"), "--images", str(args.images),
                          "--scalars", str(args.scalars)], os.path.join(rep_dir, "tensorboardx.json"))
            tbx_version = x["tensorboardX"]
            for r in t["runs"]:
                r["side"] = "tinytb"
            for r in x["runs"]:
                r["side"] = "tensorboardX"
            tinytb_runs.append(t["runs"])
            tbx_runs.append(x["runs"])
            if rep + 1 < args.repeats and not args.keep:  # only the last repeat's files are checked
                shutil.rmtree(os.path.join(rep_dir, "tinytb"), ignore_errors=True)
                shutil.rmtree(os.path.join(rep_dir, "tensorboardX"), ignore_errors=True)

        # Untimed: the last repeat's files, read back by TensorBoard.
        checks = Checks()
        last = os.path.join(work, "rep%d" % (args.repeats - 1))
        frames = load_raw_frames(os.path.join(last, "frames"))
        for r in tinytb_runs[-1] + tbx_runs[-1]:
            checks.check("%s %s %s: status" % (r["side"], r["workload"], r["variant"]), r.get("status", "ok") == "ok",
                         r.get("status", ""))
            verify(r, frames, checks)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)

    def key(r):
        return (r["workload"], r["variant"], r["sync"])

    def medians(reps, metric):
        out = {}
        for runs in reps:
            for r in runs:
                out.setdefault(key(r), []).append(r[metric])
        return {k: statistics.median(v) for k, v in out.items()}

    tinytb_med = medians(tinytb_runs, "events_per_s")
    tbx_med = medians(tbx_runs, "events_per_s")
    tinytb_cpu = medians(tinytb_runs, "events_per_cpu_s")
    tinytb_close = medians(tinytb_runs, "close_seconds")
    tbx_cpu = medians(tbx_runs, "events_per_cpu_s")
    tbx_by_workload = {k[0]: v for k, v in tbx_med.items()}
    tbx_cpu_by_workload = {k[0]: v for k, v in tbx_cpu.items()}
    variants = {r["variant"] for r in tinytb_runs[-1]}
    headline_image = "kCompressed" if "kCompressed" in variants else "kStored"

    writers = []
    for r in tbx_runs[-1]:
        writers.append({"writer": "tensorboardX", "workload": r["workload"], "variant": r["variant"],
                        "sync": r["sync"], "events": r["events"], "events_per_s": round(tbx_med[key(r)], 1),
                        "ratio_vs_tensorboardx": None, "events_per_cpu_s": round(tbx_cpu[key(r)], 1),
                        "runs_events_per_s": [round(x[i]["events_per_s"], 1) for x in tbx_runs
                                              for i in range(len(x)) if key(x[i]) == key(r)]})
    for r in tinytb_runs[-1]:
        ref = tbx_by_workload.get(r["workload"])
        ref_cpu = tbx_cpu_by_workload.get(r["workload"])
        eps = tinytb_med[key(r)]
        cpu = tinytb_cpu[key(r)]
        headline = r["sync"] == "no fsync" and (r["variant"] == headline_image or r["workload"] == "scalar")
        writers.append({"writer": "tinytb", "workload": r["workload"], "variant": r["variant"], "sync": r["sync"],
                        "headline": headline, "events": r["events"], "events_per_s": round(eps, 1),
                        "ratio_vs_tensorboardx": round(eps / ref, 2) if ref else None,
                        "events_per_cpu_s": round(cpu, 1),
                        "cpu_ratio_vs_tensorboardx": round(cpu / ref_cpu, 2) if ref_cpu and cpu else None,
                        "close_ms": round(1000.0 * tinytb_close[key(r)], 2),
                        "file_bytes": r["file_bytes"], "png_bytes": r["png_bytes"] or None,
                        "runs_events_per_s": [round(x[i]["events_per_s"], 1) for x in tinytb_runs
                                              for i in range(len(x)) if key(x[i]) == key(r)]})

    goals = []
    image_rows = [w for w in writers if w["writer"] == "tinytb" and w["headline"] and w["workload"] != "scalar"]
    scalar_rows = [w for w in writers if w["writer"] == "tinytb" and w["headline"] and w["workload"] == "scalar"]
    if image_rows:
        worst = min(image_rows, key=lambda w: w["ratio_vs_tensorboardx"])
        goals.append({"goal": "end to end: image events/s >= 20x tensorboardX add_image (%s, no fsync; worst frame: %s)"
                              % (headline_image, worst["workload"][len("image "):]),
                      "value": worst["ratio_vs_tensorboardx"], "limit": IMAGE_GOAL,
                      "met": worst["ratio_vs_tensorboardx"] >= IMAGE_GOAL})
    if scalar_rows:
        s = scalar_rows[0]
        goals.append({"goal": "end to end: scalar events/s >= 100x tensorboardX add_scalar (no fsync)",
                      "value": s["ratio_vs_tensorboardx"], "limit": SCALAR_GOAL,
                      "met": s["ratio_vs_tensorboardx"] >= SCALAR_GOAL})

    title = ("end to end (tinytb: median of %d runs, %d processes in each of the %d repeats), "
             % (args.repeats * args.tinytb_runs, args.tinytb_runs, args.repeats) +
             "open -> events -> every record handed to the OS (tensorboardX: close(), which never fsyncs; "
             "tinytb: flush(), its close() fsync timed apart, in the fsync-every-flush rows inside the time) into a real "
             "log directory (POSIX sink, write(2)), median of %d "
             "back-to-back repeats; tinytb -O2 vs tensorboardX %s on Python %s, %d image / %d scalar events a run; "
             "%s, %d CPUs" % (args.repeats, tbx_version, platform.python_version(), args.images, args.scalars,
                               cpu_model(), os.cpu_count() or 0))
    print()
    print(title)
    print()
    print("| workload | writer | variant | sync | events/s (wall) | ratio | events per CPU s | ratio |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for w in sorted(writers, key=lambda w: (w["workload"], w["writer"] != "tensorboardX", not w.get("headline"))):
        ratio = "" if w["ratio_vs_tensorboardx"] is None else "%.1fx" % w["ratio_vs_tensorboardx"]
        cpu_ratio = "" if w.get("cpu_ratio_vs_tensorboardx") is None else "%.1fx" % w["cpu_ratio_vs_tensorboardx"]
        print("| %s | %s | %s | %s | %.0f | %s | %.0f | %s |" % (
            w["workload"], w["writer"], w["variant"], w["sync"], w["events_per_s"], ratio, w["events_per_cpu_s"],
            cpu_ratio))
    print()
    for g in goals:
        print("goal: %s: %.1fx (limit %.0fx): %s" % (g["goal"], g["value"], g["limit"], "met" if g["met"] else "MISSED"))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump({"part": "e2e", "title": title, "encoders": [], "writers": writers,
                       "goals": goals if not args.quick else []}, f, indent=1)
            f.write("\n")
    print()
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
