#!/usr/bin/env python3
"""tinytb: instruction counts of the PNG encoders on the host, under callgrind.

    tests/bench/callgrind_bench.py --bench BUILD/bench/png_bench --data examples/data \
        --json BUILD/bench/callgrind.json

For every frame listed below and each encoder (lodepng default, libpng level 6, tinytb, tinytb fast),
runs `png_bench --only ENCODER --frame FRAME` under `valgrind --tool=callgrind
--instr-atstart=no`: png_bench switches instrumentation on around the one encode
(CALLGRIND_START/STOP_INSTRUMENTATION), so the count is that encode's instructions and
nothing else (no frame loading, no decode check). Instruction counts are exact and the
same from run to run, unlike times on a shared machine. Writes the "callgrind" fragment of
the bench report (host_instructions, host_instr_ratio against lodepng default on the same
frame) and prints a table. Exit status 1 if any run fails or any output does not decode.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

ENCODERS = ["lodepng default", "libpng level 6", "tinytb", "tinytb fast"]
FRAMES = [
    "person 96x96 gray", "kodim01 96x96 gray", "kodim23 160x120 RGB", "kodim23 320x240 RGB",
    "kodim23 640x480 RGB", "mnist digit 1 28x28 gray", "kodim05 160x120 gray", "synthetic 96x96 gray",
    "synthetic 160x120 RGB", "synthetic 640x480 RGB",
]


def count(bench, data, encoder, frame, out_file):
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=" + out_file,
           bench, "--data", data, "--only", encoder, "--frame", frame]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        return encoder, frame, None, run.stderr.strip().splitlines()[-3:]
    with open(out_file) as f:
        text = f.read()
    # "totals:" sums every cost line; "summary:" can read 0 when instrumentation starts off.
    found = [int(n) for n in re.findall(r"^(?:summary|totals):\s+(\d+)", text, re.M)]
    if not found or max(found) == 0:
        return encoder, frame, None, ["no instructions counted (png_bench built without <valgrind/callgrind.h>?)"]
    return encoder, frame, max(found), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--data", default="examples/data")
    ap.add_argument("--json", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if subprocess.run(["valgrind", "--version"], capture_output=True).returncode != 0:
        print("valgrind is not installed (tools/setup_host.sh)", file=sys.stderr)
        return 2
    counts, failures = {}, []
    with tempfile.TemporaryDirectory() as work, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        pairs = [(e, f) for f in FRAMES for e in ENCODERS]
        jobs = [pool.submit(count, args.bench, args.data, e, f, os.path.join(work, "callgrind.%d" % i))
                for i, (e, f) in enumerate(pairs)]
        for job in jobs:
            encoder, frame, n, err = job.result()
            if n is None:
                failures.append("%s / %s: %s" % (encoder, frame, " | ".join(err)))
            else:
                counts[(encoder, frame)] = n
    rows = []
    print("| encoder | frame | instructions | instructions / lodepng |")
    print("|---|---|---:|---:|")
    for frame in FRAMES:
        ref = counts.get(("lodepng default", frame))
        for encoder in ENCODERS:
            n = counts.get((encoder, frame))
            if n is None:
                continue
            ratio = round(n / ref, 4) if ref else None
            rows.append({"encoder": encoder, "frame": frame, "host_instructions": n, "host_instr_ratio": ratio})
            print("| %s | %s | %d | %s |" % (encoder, frame, n, "%.3f" % ratio if ratio is not None else "-"))
    fragment = {
        "part": "callgrind",
        "title": "x86-64 instructions per encode (one encode of each frame, valgrind --tool=callgrind, "
                 "instrumentation on around the encode only; -O2 build)",
        "encoders": rows,
        "writers": [],
        "goals": [],
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(fragment, f, indent=2)
        f.write("\n")
    for line in failures:
        print("FAIL " + line, file=sys.stderr)
    print("\nwrote %s (%d rows, %d failures)" % (args.json, len(rows), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
