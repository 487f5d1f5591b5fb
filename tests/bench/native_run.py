"""Scalar events per second, tinytb against a native C++ protobuf writer, same machine, same run.

Runs tests/bench/native_scalar_bench.cc's writers, each run in its own process, interleaved:
every repeat runs tinytb at its default settings (the host defaults: a 64 KiB queue written
when full or every 5 s, no fsync per flush), the native writer and, for information, tinytb
with the microcontroller defaults (1 KiB queue, max_queue 10, sync_every 1: an fsync every
10 records, so it logs --mcu-events only), in that order on even repeats and native first on
odd ones, so a drift of the machine's load falls on both sides alike. Prints every run, then
per writer the median events/s with min-max and IQR, in wall time and in CPU time (user +
system, all threads), and the ratios tinytb / native (the ratio of the medians, and the
min-max of the per-repeat ratios).

Then, untimed, TensorBoard's own EventFileLoader reads back the files of the last repeat
(every event; the loader checks both CRCs of every record and stops at a bad one): one
event file per run, file_version first, then for each of the four tags exactly the steps
logged and the values i * 0.25, and nothing else. --json writes the "native" fragment
(tests/bench/report.py): writer rows and the goal "scalar events/s vs the native protobuf
writer, tinytb's default settings >= 3.0", judged on the wall-time medians of tinytb at its
default settings, with the CPU-time ratio and the per-repeat spread beside it.

  --quick   a few thousand events, one repeat: proves the writers run and their files
            read back right (tests/run_all.sh); its speeds mean nothing and are not judged.

Run with the test virtualenv's Python (make bench-native does).
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from tensorboard.backend.event_processing import event_file_loader

from bench_common import Checks, cpu_model, spread

GOAL = 3.0
TAGS = ["train/loss", "train/accuracy", "train/learning_rate", "train/grad_norm"]
WRITERS = {
    "tinytb": "tinytb, default settings (host: 64 KiB queue written when full or every 5 s, sync_every 0)",
    "native": "native C++ protobuf writer (background thread, buffered file, no fsync)",
    "tinytb-mcu": "tinytb, microcontroller defaults (1 KiB queue, max_queue 10, sync_every 1)",
}
TINYTB_WRITERS = ("tinytb", "tinytb-mcu")


def run_one(bench, writer, logdir, events):
    os.makedirs(os.path.dirname(logdir), exist_ok=True)
    proc = subprocess.run([bench, "--writer", writer, "--logdir", logdir, "--events", str(events)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("native_run: %s failed (exit %d): %s" % (writer, proc.returncode, proc.stdout.strip()))
    r = json.loads(proc.stdout)
    r["logdir"] = logdir
    return r


def verify(writer, logdir, events, checks):
    """Reads one run back with TensorBoard's loader: tags, steps and values, nothing else."""
    files = sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*")))
    checks.check("%s: one event file" % writer, len(files) == 1, "%d files" % len(files))
    if not files:
        return
    got = {t: [] for t in TAGS}
    other, first, count = 0, None, 0
    for event in event_file_loader.EventFileLoader(files[0]).Load():
        count += 1
        if first is None:
            first = event.file_version
        if not event.HasField("summary"):
            continue
        for value in event.summary.value:
            if value.tag not in got:
                other += 1
                continue
            # The loader migrates simple_value into a rank-0 float tensor.
            v = value.tensor.float_val[0] if value.HasField("tensor") else value.simple_value
            got[value.tag].append((event.step, v))
    checks.check("%s: file_version first" % writer, first == "brain.Event:2", repr(first))
    checks.check("%s: no other tags or events" % writer, other == 0 and count == events + 1,
                 "%d other values, %d events for %d" % (other, count, events + 1))
    for t, tag in enumerate(TAGS):
        expected = [(i // 4, i * 0.25) for i in range(t, events, 4)]
        checks.check("%s: %s holds steps 0..%d with their values" % (writer, tag, expected[-1][0] if expected else -1),
                     got[tag] == expected, "%d values, first differing at %s" % (
                         len(got[tag]), next((i for i, (a, b) in enumerate(zip(got[tag], expected)) if a != b), "end")))


def fmt(v):
    return "{:,.0f}".format(v).replace(",", " ")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", required=True, help="native_scalar_bench program")
    p.add_argument("--events", type=int, default=400000, help="scalar events per run (four tags, round robin)")
    p.add_argument("--mcu-events", type=int, default=5000,
                   help="events of the microcontroller-defaults run (fsync every 10 records)")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--json", help="write the 'native' fragment here")
    p.add_argument("--work", help="work directory (default: a temporary one, removed)")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--quick", action="store_true", help="a few thousand events, one repeat, no verdict")
    args = p.parse_args()
    if args.quick:
        args.events, args.mcu_events, args.repeats = 4000, 400, 1
    work = args.work or tempfile.mkdtemp(prefix="tinytb-native-")
    os.makedirs(work, exist_ok=True)
    counts = {"tinytb": args.events, "native": args.events, "tinytb-mcu": args.mcu_events}
    runs = {w: [] for w in WRITERS}
    try:
        for rep in range(args.repeats):
            order = ["tinytb", "native", "tinytb-mcu"] if rep % 2 == 0 else ["native", "tinytb", "tinytb-mcu"]
            for w in order:
                logdir = os.path.join(work, "rep%d" % rep, w)
                r = run_one(args.bench, w, logdir, counts[w])
                runs[w].append(r)
                print("repeat %d  %-14s %8d events %8.4f s (cpu %7.4f s, open %5.1f ms) %12s events/s" % (
                    rep + 1, w, r["events"], r["seconds"], r["cpu_seconds"], 1000 * r.get("open_seconds", 0),
                    fmt(r["events"] / r["seconds"])))
            if rep + 1 < args.repeats:  # keep only the last repeat's files (tens of MB each)
                shutil.rmtree(os.path.join(work, "rep%d" % rep), ignore_errors=True)

        stats = {}
        for w, rs in runs.items():
            stats[w] = {"wall": spread([r["events"] / r["seconds"] for r in rs]),
                        "cpu": spread([r["events"] / r["cpu_seconds"] for r in rs if r["cpu_seconds"] > 0])}
        native = stats["native"]
        ratios = {}
        for w in TINYTB_WRITERS:
            paired = [a["events"] / a["seconds"] / (b["events"] / b["seconds"]) for a, b in zip(runs[w], runs["native"])]
            ratios[w] = {"wall": stats[w]["wall"]["median"] / native["wall"]["median"],
                         "cpu": stats[w]["cpu"]["median"] / native["cpu"]["median"],
                         "paired_min": min(paired), "paired_max": max(paired)}

        print("\n| writer | events/run | events/s (wall): median | min-max | IQR | events per CPU-second: median "
              "| min-max | vs native (wall) | per-repeat min-max | vs native (CPU) |")
        print("|---|---:|---:|---|---|---:|---|---:|---|---:|")
        for w in TINYTB_WRITERS + ("native",):
            s = stats[w]
            rr = ratios.get(w)
            print("| %s | %s | %s | %s-%s | %s-%s | %s | %s-%s | %s | %s | %s |" % (
                WRITERS[w], fmt(counts[w]), fmt(s["wall"]["median"]), fmt(s["wall"]["min"]), fmt(s["wall"]["max"]),
                fmt(s["wall"]["q1"]), fmt(s["wall"]["q3"]), fmt(s["cpu"]["median"]), fmt(s["cpu"]["min"]),
                fmt(s["cpu"]["max"]), "%.2fx" % rr["wall"] if rr else "1",
                "%.2f-%.2fx" % (rr["paired_min"], rr["paired_max"]) if rr else "",
                "%.2fx" % rr["cpu"] if rr else "1"))

        checks = Checks()
        last = args.repeats - 1
        for w in WRITERS:
            verify(w, os.path.join(work, "rep%d" % last, w), counts[w], checks)
        print("\nread back by TensorBoard's EventFileLoader:")
        print("%d passed, %d failed" % (checks.passed, checks.failed))

        if args.json:
            writers, goals = [], []
            for w in TINYTB_WRITERS + ("native",):
                s, rr = stats[w], ratios.get(w)
                writers.append({
                    "writer": "native C++ protobuf" if w == "native" else "tinytb",
                    "workload": "scalar vs native", "variant": w, "description": WRITERS[w],
                    "sync": {"tinytb": "fsync at open, close, sync() and a tag's first record in a file",
                             "tinytb-mcu": "fsync every flush"}.get(w, "no fsync"),
                    "events": counts[w], "events_per_s": round(s["wall"]["median"], 1),
                    "events_per_s_min": round(s["wall"]["min"], 1), "events_per_s_max": round(s["wall"]["max"], 1),
                    "events_per_s_iqr": [round(s["wall"]["q1"], 1), round(s["wall"]["q3"], 1)],
                    "events_per_cpu_s": round(s["cpu"]["median"], 1),
                    "events_per_cpu_s_min": round(s["cpu"]["min"], 1),
                    "events_per_cpu_s_max": round(s["cpu"]["max"], 1),
                    "ratio_vs_native": round(rr["wall"], 3) if rr else None,
                    "ratio_vs_native_paired": [round(rr["paired_min"], 3), round(rr["paired_max"], 3)] if rr else None,
                    "cpu_ratio_vs_native": round(rr["cpu"], 3) if rr else None,
                    "runs_events_per_s": [round(r["events"] / r["seconds"], 1) for r in runs[w]],
                    "open_ms_median": round(1000 * statistics.median(r.get("open_seconds", 0) for r in runs[w]), 2),
                })
            if not args.quick:
                rr = ratios["tinytb"]
                goals.append({"goal": "scalar events/s vs the native protobuf writer, tinytb's default settings "
                                      ">= 3.0 (host defaults: 64 KiB queue, max_queue 0, flush_millis 5000, "
                                      "sync_every 0; wall, median of %d; per-repeat %.2f-%.2fx; in CPU time %.2fx)"
                                      % (args.repeats, rr["paired_min"], rr["paired_max"], rr["cpu"]),
                              "value": round(rr["wall"], 3), "limit": GOAL, "met": rr["wall"] >= GOAL})
            title = ("%d scalar events a run over four tags (microcontroller-defaults run: %d), open -> events -> every record "
                     "handed to the OS (tinytb: flush(), its close() fsync apart; native: close(), never fsyncs), "
                     "%d interleaved repeats, one process per run; native: protobuf %s from our .proto, background "
                     "thread, 64 KiB stdio buffer, tinytb's CRC-32C function; %s" % (
                         args.events, args.mcu_events, args.repeats, protobuf_version(), cpu_model()))
            if args.quick:
                title += " (quick: speeds not judged)"
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            with open(args.json, "w") as f:
                json.dump({"part": "native", "title": title, "encoders": [], "writers": writers, "goals": goals,
                           "checks": {"passed": checks.passed, "failed": checks.failed}}, f, indent=1)
                f.write("\n")
        return 0 if checks.failed == 0 else 1
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)


def protobuf_version():
    try:
        out = subprocess.run(["protoc", "--version"], stdout=subprocess.PIPE, text=True).stdout.split()
        return out[-1] if out else "?"
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
