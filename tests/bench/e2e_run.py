"""End-to-end events per second, tinytb against tensorboardX, same machine, same run, interleaved.

A loaded machine must not flip the verdict, so the two writers take turns. In each of
`--pairs` rounds, every workload runs as tinytb (tests/bench/e2e_bench.cc, one process per
run), tensorboardX (tests/bench/e2e_tensorboardx.py, one --serve process for the whole
benchmark), tinytb again. A round is one pair: its ratio is the two tinytb runs pooled (their
events over their summed time) divided by the tensorboardX run between them, so load that
comes and goes within a round hits both sides. The report gives each ratio's median over the
pairs with its spread (min-max and IQR), in wall time and in CPU time (all threads); every
run's rate and every pair's ratio go into the fragment. A goal is met when the median paired
ratio in CPU time reaches the limit; it is "robust" when every pair does ("met, but the
spread crosses the limit" otherwise); the wall-time figure is printed beside it.

Then, untimed, TensorBoard's own loader (EventFileLoader, from the test virtualenv) reads
back the last round's files and checks them: one event file per run, every tag with exactly
the steps logged, the first and last image of every image run decoded (Pillow) to the very
pixels that were logged. Prints the table and the checks ("N passed, M failed"); --json
writes the "e2e" fragment (tests/bench/report.py merges it into results.json).

  --quick   a few events, one round, no fsync variants: proves both sides run and the
            files read back right (tests/run_all.sh); its speeds mean nothing.

Run with the test virtualenv's Python (make bench-e2e does). docs/bench.md explains the
figures.
"""

import argparse
import glob
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image
from tensorboard.backend.event_processing import event_file_loader

from bench_common import Checks, cpu_model, spread

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_GOAL = 20.0
SCALAR_GOAL = 100.0
# The goals are judged in CPU time, with wall time printed beside (docs/bench.md, "Which clock the goals
# use"): CPU time over all threads is the work each writer does, tensorboardX's writer thread included,
# and it leaves out the time a process waited for a CPU that other jobs held.
GOAL_CLOCK, OTHER_CLOCK, GOAL_CLOCK_WORDS = "cpu", "wall", "CPU time"


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


def run_tinytb(args, workload, count, run_dir, fsync_variants):
    """One e2e_bench process, one workload (all its PNG modes / sync variants)."""
    os.makedirs(run_dir, exist_ok=True)
    json_path = os.path.join(run_dir, "tinytb.json")
    cmd = [args.bench, "--data", args.data, "--work", run_dir, "--json", json_path, "--no-frame-dump",
           "--workload", workload, "--images" if workload != "scalar" else "--scalars", str(count)]
    if not fsync_variants:
        cmd.append("--no-fsync-variants")
    sys.stdout.flush()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        raise SystemExit("%s failed (exit %d)" % (args.bench, proc.returncode))
    with open(json_path) as f:
        runs = json.load(f)["runs"]
    for r in runs:
        r["side"] = "tinytb"
    return runs


class TensorboardX:
    """The tensorboardX side: one e2e_tensorboardx.py --serve process for the whole benchmark."""

    def __init__(self, frames, work):
        sys.stdout.flush()
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "e2e_tensorboardx.py"), "--serve",
                                      "--frames", frames, "--work", work],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stdout, text=True)
        ready = json.loads(self._line())
        self.version, self.python = ready["tensorboardX"], ready["python"]

    def _line(self):
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("e2e_tensorboardx.py ended early (exit %s)" % self.proc.wait())
        return line

    def run(self, workload, count, run_dir):
        sys.stdout.flush()
        self.proc.stdin.write(json.dumps({"workload": workload, "count": count, "work": run_dir}) + "\n")
        self.proc.stdin.flush()
        r = json.loads(self._line())
        r["side"] = "tensorboardX"
        return r

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def pooled(runs, seconds):
    """Events over summed time: a pair's two tinytb runs as one run."""
    t = sum(r[seconds] for r in runs)
    return sum(r["events"] for r in runs) / t if t > 0 else 0.0


def verdict(s, limit):
    """met / missed from the median, and whether the whole spread of the pairs agrees."""
    met = s["median"] >= limit
    if met:
        return met, s["min"] >= limit, "met, robust" if s["min"] >= limit else "met, but the spread crosses the limit"
    return met, s["max"] < limit, "missed, robust" if s["max"] < limit else "missed, but the spread crosses the limit"


def fmt_spread(s):
    return "%.1fx (%.1f-%.1f, IQR %.1f-%.1f)" % (s["median"], s["min"], s["max"], s["q1"], s["q3"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the e2e_bench program")
    parser.add_argument("--data", default="examples/data")
    parser.add_argument("--work", help="scratch directory (default: a new temporary one, removed after)")
    parser.add_argument("--json", help="write the e2e fragment here")
    parser.add_argument("--pairs", "--repeats", dest="pairs", type=int, default=7,
                        help="rounds; each round runs, for every workload in turn, tinytb, tensorboardX, tinytb")
    parser.add_argument("--images", type=int, default=200, help="image events per run, frames up to 160x120")
    parser.add_argument("--large-images", type=int, default=50,
                        help="image events per run, larger frames (tensorboardX takes about 40 ms per 320x240 "
                             "event; 50 keeps tinytb's run as long as on the smaller frames)")
    parser.add_argument("--scalars", type=int, default=30000,
                        help="scalar events per run (tensorboardX takes 2-6 s for 30 000, tinytb 10-40 ms)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep every round's log directories")
    args = parser.parse_args()
    if args.quick:
        args.pairs, args.images, args.large_images, args.scalars = 1, 3, 3, 2000

    work = args.work or tempfile.mkdtemp(prefix="tinytb-e2e-")
    os.makedirs(work, exist_ok=True)
    frame_dir = os.path.join(work, "frames")
    subprocess.run([args.bench, "--data", args.data, "--work", work, "--dump-only"], check=True)
    frames = load_raw_frames(frame_dir)
    workloads = ["image " + name for name in frames] + ["scalar"]

    def count_of(w):
        if w == "scalar":
            return args.scalars
        h, wd, _ = frames[w[len("image "):]].shape
        return args.images if h * wd <= 160 * 120 else args.large_images

    # rounds[w] = [(tinytb runs before, tensorboardX run, tinytb runs after), ...]
    rounds = {w: [] for w in workloads}
    tbx = TensorboardX(frame_dir, work)
    try:
        for k in range(args.pairs):
            for w in workloads:
                print("-- round %d of %d, %s: tinytb, tensorboardX, tinytb" % (k + 1, args.pairs, w))
                rdir = os.path.join(work, "round%d" % k, w.replace(" ", "_"))
                shutil.rmtree(rdir, ignore_errors=True)  # a reused --work must not add files to a log directory
                # The sync variants (seconds of fsync) run once a round, in the first tinytb run only.
                before = run_tinytb(args, w, count_of(w), os.path.join(rdir, "tinytb-before"), not args.quick)
                ref = tbx.run(w, count_of(w), os.path.join(rdir, "tbx"))
                after = run_tinytb(args, w, count_of(w), os.path.join(rdir, "tinytb-after"), False)
                rounds[w].append((before, ref, after))
                if k + 1 < args.pairs and not args.keep:  # only the last round's files are checked
                    shutil.rmtree(rdir, ignore_errors=True)
        tbx.close()

        # Untimed: the last round's files, read back by TensorBoard (the second tinytb run wrote the
        # same as the first; only its status is checked, which keeps the read-back short).
        checks = Checks()
        for w in workloads:
            before, ref, after = rounds[w][-1]
            for r in before + [ref] + after:
                checks.check("%s %s %s: status" % (r["side"], r["workload"], r["variant"]),
                             r.get("status", "ok") == "ok", r.get("status", ""))
            for r in before + [ref]:
                verify(r, frames, checks)
    finally:
        if tbx.proc.poll() is None:
            tbx.proc.kill()
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)

    def key(r):
        return (r["variant"], r["sync"])

    writers, pair_lines = [], []
    summary = {}  # workload -> {"wall": spread, "cpu": spread} of the headline variant
    variants = {r["variant"] for w in workloads for b, _, a in rounds[w] for r in b + a}
    headline_image = "kCompressed" if "kCompressed" in variants else "kStored"
    for w in workloads:
        refs = [ref for _, ref, _ in rounds[w]]
        writers.append({"writer": "tensorboardX", "workload": w, "variant": refs[0]["variant"], "sync": refs[0]["sync"],
                        "events": refs[0]["events"], "ratio_vs_tensorboardx": None,
                        "events_per_s": round(statistics.median(r["events_per_s"] for r in refs), 1),
                        "events_per_cpu_s": round(statistics.median(r["events_per_cpu_s"] for r in refs), 1),
                        "runs_events_per_s": [round(r["events_per_s"], 1) for r in refs],
                        "runs_events_per_cpu_s": [round(r["events_per_cpu_s"], 1) for r in refs]})
        keys = []
        for b, _, a in rounds[w]:
            for r in b + a:
                if key(r) not in keys:
                    keys.append(key(r))
        for kv in keys:
            runs, wall, cpu = [], [], []
            for b, ref, a in rounds[w]:
                mine = [r for r in b + a if key(r) == kv]
                runs += mine
                wall.append(pooled(mine, "seconds") / ref["events_per_s"])
                cpu.append(pooled(mine, "cpu_seconds") / ref["events_per_cpu_s"])
            ws, cs = spread(wall), spread(cpu)
            headline = kv[1] == "no fsync" and (kv[0] == headline_image or w == "scalar")
            if headline:
                summary[w] = {"wall": ws, "cpu": cs}
            pair_lines.append("%-28s %-12s %-18s wall %s   CPU %s" % (w, kv[0], kv[1], fmt_spread(ws), fmt_spread(cs)))
            writers.append({
                "writer": "tinytb", "workload": w, "variant": kv[0], "sync": kv[1], "headline": headline,
                "events": runs[0]["events"],
                "events_per_s": round(statistics.median(r["events_per_s"] for r in runs), 1),
                "events_per_cpu_s": round(statistics.median(r["events_per_cpu_s"] for r in runs), 1),
                "ratio_vs_tensorboardx": round(ws["median"], 2),
                "cpu_ratio_vs_tensorboardx": round(cs["median"], 2),
                "ratio_spread": {x: round(ws[x], 2) for x in ("min", "q1", "q3", "max")},
                "cpu_ratio_spread": {x: round(cs[x], 2) for x in ("min", "q1", "q3", "max")},
                "pairs": ws["pairs"],
                "pair_ratios": [round(x, 2) for x in wall], "pair_cpu_ratios": [round(x, 2) for x in cpu],
                "close_ms": round(1000.0 * statistics.median(r["close_seconds"] for r in runs), 2),
                "file_bytes": runs[0]["file_bytes"], "png_bytes": runs[0]["png_bytes"] or None,
                "runs_events_per_s": [round(r["events_per_s"], 1) for r in runs],
                "runs_events_per_cpu_s": [round(r["events_per_cpu_s"], 1) for r in runs]})

    # The goals' clock (docs/bench.md, "Which clock the goals use").
    goals = []

    def goal(text, workloads_of_goal, limit):
        if not workloads_of_goal:
            return
        worst = min(workloads_of_goal, key=lambda w: summary[w][GOAL_CLOCK]["median"])
        s = summary[worst][GOAL_CLOCK]
        met, _, _ = verdict(s, limit)
        # Robust only if no pair of any workload of the goal falls on the other side of the limit.
        agree = all(verdict(summary[w][GOAL_CLOCK], limit)[1] for w in workloads_of_goal) if met else \
            verdict(s, limit)[1]
        words = ("met, robust" if agree else "met, but the spread crosses the limit") if met else \
            ("missed, robust" if agree else "missed, but the spread crosses the limit")
        o = summary[worst][OTHER_CLOCK]
        goals.append({"goal": text % worst[len("image "):] if "%s" in text else text,
                      "value": round(s["median"], 2), "limit": limit, "met": met, "robust": agree, "verdict": words,
                      "clock": GOAL_CLOCK, "pairs": s["pairs"],
                      "spread": {x: round(s[x], 2) for x in ("min", "q1", "q3", "max")},
                      "other_clock": {"clock": OTHER_CLOCK, "median": round(o["median"], 2),
                                      "met": o["median"] >= limit,
                                      "spread": {x: round(o[x], 2) for x in ("min", "q1", "q3", "max")}}})

    goal("end to end: image events/s >= 20x tensorboardX add_image (" + headline_image + ", no fsync, " +
         GOAL_CLOCK_WORDS + "; worst frame: %s)", [w for w in workloads if w != "scalar" and w in summary], IMAGE_GOAL)
    goal("end to end: scalar events/s >= 100x tensorboardX add_scalar (no fsync, " + GOAL_CLOCK_WORDS + ")",
         [w for w in workloads if w == "scalar" and w in summary], SCALAR_GOAL)

    title = ("end to end, interleaved: %d rounds, each running every workload as tinytb, tensorboardX, tinytb "
             "(ratio of a pair = the two tinytb runs pooled / the tensorboardX run between them; median and spread "
             "of the %d pairs); open -> events -> every record handed to the OS (tensorboardX: close(), which never "
             "fsyncs; tinytb: flush(), its close() fsync timed apart, in the fsync-every-flush rows inside the time) "
             "into a real log directory (POSIX sink, write(2)); wall time and CPU time (all threads); tinytb -O2 vs "
             "tensorboardX %s on Python %s, %d image events a run (%d on frames above 160x120) / %d scalar events; "
             "%s, %d CPUs" % (args.pairs, args.pairs, tbx.version, tbx.python, args.images, args.large_images,
                              args.scalars, cpu_model(), os.cpu_count() or 0))
    print()
    print(title)
    print()
    print("| workload | writer | variant | sync | events/s (wall) | ratio: median (min-max) | events per CPU s "
          "| ratio: median (min-max) |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for w in sorted(writers, key=lambda w: (workloads.index(w["workload"]), w["writer"] != "tensorboardX",
                                            not w.get("headline"))):
        ratio = cpu_ratio = ""
        if w["ratio_vs_tensorboardx"] is not None:
            ratio = "%.1fx (%.1f-%.1f)" % (w["ratio_vs_tensorboardx"], w["ratio_spread"]["min"],
                                           w["ratio_spread"]["max"])
            cpu_ratio = "%.1fx (%.1f-%.1f)" % (w["cpu_ratio_vs_tensorboardx"], w["cpu_ratio_spread"]["min"],
                                               w["cpu_ratio_spread"]["max"])
        print("| %s | %s | %s | %s | %.0f | %s | %.0f | %s |" % (
            w["workload"], w["writer"], w["variant"], w["sync"], w["events_per_s"], ratio, w["events_per_cpu_s"],
            cpu_ratio))
    print()
    print("paired ratios, tinytb / tensorboardX, median (min-max, IQR):")
    for line in pair_lines:
        print("  " + line)
    print()
    for g in goals:
        o = g["other_clock"]
        print("goal: %s: %.1fx (pairs %.1f-%.1f, IQR %.1f-%.1f; limit %.0fx): %s; in %s time: %.1fx (%.1f-%.1f), %s"
              % (g["goal"], g["value"], g["spread"]["min"], g["spread"]["max"], g["spread"]["q1"], g["spread"]["q3"],
                 g["limit"], g["verdict"], o["clock"], o["median"], o["spread"]["min"], o["spread"]["max"],
                 "above the limit" if o["met"] else "below the limit"))
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
