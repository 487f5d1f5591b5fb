#!/usr/bin/env python3
"""Streaming throughput: how much of a link's byte rate carries records (docs/streaming.md).

    stream_bench.py --build BUILD [--seconds S] [--out DIR]

A board on the host (BUILD/stream_source: the real EventWriter, PngEncoder and StreamSink)
logs a 96x96 gray camera frame (PNG), two scalars and now and then a text per step, flushed
per step, as fast
as the link takes them, for S seconds, into `tinytb recv`:

  uart-115200   paced at 115200 baud (8N1: 11520 bytes/s), through a pipe into recv --file -
  uart-921600   paced at 921600 baud (92160 bytes/s), the same way
  tcp           unpaced over TCP on loopback into recv --tcp

each with the defaults (the writer's sync_every = 1, StreamSink sends no sync frames: recv fsyncs
on its own, about once a second) and with sync frames forwarded (--sync-frames: 22 bytes per flush,
recv fsyncs on each).

Reported per link: framing overhead (link bytes that are not record bytes), the share of the
link's byte rate that carried record bytes (for the paced links: record bytes / (S x baud/10)),
frames per second, recv's fsyncs, and whether recv wrote every record byte (nothing lost). Prints
a Markdown table and writes DIR/stream_bench.json. Exits 1 when a record was lost or when, with
the defaults, a paced link misses issue 17's goal (framing at most 1 %, at least 95 % of the
link's byte rate carrying record bytes).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_json(stderr):
    for line in reversed(stderr.decode(errors="replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no summary from stream_source: " + stderr.decode(errors="replace")[-300:])


def run_paced(build, baud, seconds, out, setting):
    logdir = os.path.join(out, "uart-%d-%s" % (baud, setting))
    stats = logdir + ".json"
    src = subprocess.Popen([os.path.join(build, "stream_source"), "--images", "--baud", str(baud),
                            "--seconds", str(seconds), "--board", "bench"] + SETTINGS[setting],
                           stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    recv = subprocess.Popen([os.path.join(build, "tinytb"), "recv", "--quiet", "--file", "-", "--stats-json", stats,
                             logdir], stdin=src.stdout, stderr=subprocess.PIPE)
    src.stdout.close()
    _, err = src.communicate(timeout=seconds * 3 + 60)
    recv.wait(timeout=60)
    with open(stats) as fh:
        return last_json(err), json.load(fh)["links"][0], baud / 10.0


def run_tcp(build, seconds, out, setting):
    logdir = os.path.join(out, "tcp-%s" % setting)
    stats = logdir + ".json"
    port = free_port()
    recv = subprocess.Popen([os.path.join(build, "tinytb"), "recv", "--quiet", "--tcp", "127.0.0.1:%d" % port,
                             "--connections", "1", "--stats-json", stats, logdir], stderr=subprocess.PIPE)
    src = subprocess.run([os.path.join(build, "stream_source"), "--images", "--tcp", "127.0.0.1:%d" % port,
                          "--seconds", str(seconds), "--board", "bench"] + SETTINGS[setting],
                         stderr=subprocess.PIPE,
                         timeout=seconds * 3 + 60)
    recv.wait(timeout=60)
    with open(stats) as fh:
        return last_json(src.stderr), json.load(fh)["links"][0], None


SETTINGS = {"defaults": [], "sync frames": ["--sync-frames"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = os.path.abspath(args.out or os.path.join(args.build, "bench-stream"))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    rows = []
    cases = []
    for setting in SETTINGS:
        cases += [("uart-115200", setting, lambda s=setting: run_paced(args.build, 115200, args.seconds, out, s)),
                  ("uart-921600", setting, lambda s=setting: run_paced(args.build, 921600, args.seconds, out, s)),
                  ("tcp", setting, lambda s=setting: run_tcp(args.build, args.seconds, out, s))]
    for name, setting, fn in cases:
        src, recv, rate = fn()
        row = {
            "link": name,
            "setting": setting,
            "recv_fsyncs": recv.get("fsyncs"),
            "seconds": src["seconds"],
            "link_bytes": src["link_bytes"],
            "record_bytes": src["record_bytes"],
            "images": src["images"],
            "framing_overhead_pct": 100.0 * (src["link_bytes"] - src["record_bytes"]) / src["link_bytes"],
            "frames_per_second": src["images"] / src["seconds"],
            "link_bytes_per_second": src["link_bytes"] / src["seconds"],
            "received_all": recv["record_bytes"] == src["record_bytes"] and recv["records_dropped"] == 0,
        }
        if rate:
            row["record_share_of_link_rate_pct"] = 100.0 * src["record_bytes"] / (src["seconds"] * rate)
            row["link_busy_pct"] = 100.0 * src["link_bytes"] / (src["seconds"] * rate)
        rows.append(row)
    print("| link | setting | frames/s (96x96 gray PNG + 2 scalars) | framing overhead | "
          "record bytes / link byte rate | link bytes/s | recv fsyncs | every record received |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        share = ("%.1f %%" % r["record_share_of_link_rate_pct"]) if "record_share_of_link_rate_pct" in r else "-"
        print("| %s | %s | %.1f | %.2f %% | %s | %.0f | %s | %s |" % (
            r["link"], r["setting"], r["frames_per_second"], r["framing_overhead_pct"], share,
            r["link_bytes_per_second"], r["recv_fsyncs"], "yes" if r["received_all"] else "NO"))
    with open(os.path.join(out, "stream_bench.json"), "w") as fh:
        json.dump(rows, fh, indent=1)
    missed = [r["link"] for r in rows if r["setting"] == "defaults" and "record_share_of_link_rate_pct" in r and
              (r["framing_overhead_pct"] > 1.0 or r["record_share_of_link_rate_pct"] < 95.0)]
    for link in missed:
        print("GOAL MISSED with the defaults on %s: framing above 1 %% or records below 95 %% of the link rate" % link)
    return 0 if all(r["received_all"] for r in rows) and not missed else 1


if __name__ == "__main__":
    sys.exit(main())
