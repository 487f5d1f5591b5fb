"""The one bench report: merges the benchmark fragments into a table and results.json.

Every part of `make bench` writes one fragment into the bench directory (the schema is
the shared contract in docs/bench.md):

  host.json       png_bench: PNG bytes, time and working memory vs lodepng (x86-64 host)
  callgrind.json  instructions per encode under valgrind's callgrind (host)
  qemu.json       instructions per encode on a Cortex-M4 under QEMU (-icount shift=0)
  e2e.json        end-to-end events/s, tinytb vs tensorboardX (tests/bench/e2e_run.py)
  native.json     scalar events/s, tinytb vs a native C++ protobuf writer (tests/bench/native_run.py)

Any may be missing: the report says "not run" for it. Encoder rows of all parts are
merged on (encoder, frame) into one encoder x frame table; then comes the writer x
workload table, then every goal a part measured with met / missed. Prints Markdown
(docs/bench.md holds a copy) and writes the merged figures to <bench-dir>/results.json.
Python 3 standard library only.
"""

import argparse
import glob
import json
import os
import sys

PARTS = ["host", "callgrind", "qemu", "e2e", "native"]
PART_NAMES = {"host": "host (size, time, memory)", "callgrind": "callgrind (host instructions)",
              "qemu": "Cortex-M4 under QEMU (instructions)", "e2e": "end to end vs tensorboardX",
              "native": "scalars vs a native C++ protobuf writer"}
ENCODER_ORDER = ["lodepng default", "libpng level 6", "tinytb", "tinytb fast"]


def load_fragments(bench_dir):
    """{part: fragment} for every *.json in bench_dir that is a fragment; problems listed."""
    fragments, problems = {}, []
    for path in sorted(glob.glob(os.path.join(bench_dir, "*.json"))):
        if os.path.basename(path) == "results.json":
            continue
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            problems.append("%s: unreadable (%s)" % (os.path.basename(path), e))
            continue
        part = data.get("part") if isinstance(data, dict) else None
        if part not in PARTS:
            continue  # not a fragment (e.g. a part's raw output)
        if part in fragments:
            problems.append("%s: a second '%s' fragment, ignored" % (os.path.basename(path), part))
            continue
        data["_file"] = os.path.basename(path)
        fragments[part] = data
    return fragments, problems


def merge_encoders(fragments):
    """One row per (encoder, frame), the metrics of every part side by side."""
    rows, order = {}, []
    for part in PARTS:
        for r in fragments.get(part, {}).get("encoders", []) or []:
            k = (r.get("encoder"), r.get("frame"))
            if None in k:
                continue
            if k not in rows:
                rows[k] = {"encoder": k[0], "frame": k[1]}
                order.append(k)
            for name, value in r.items():
                if name not in ("encoder", "frame"):
                    rows[k].setdefault(name, value)
    frames = []
    for _, frame in order:
        if frame not in frames:
            frames.append(frame)

    def rank(k):
        enc = k[0]
        return (frames.index(k[1]), ENCODER_ORDER.index(enc) if enc in ENCODER_ORDER else len(ENCODER_ORDER), enc)

    return [rows[k] for k in sorted(order, key=rank)]


def fmt_int(v):
    return "" if v is None else "{:,}".format(int(round(v))).replace(",", " ")


def fmt_ratio(v, digits=3):
    return "" if v is None else ("%." + str(digits) + "f") % v


def fmt_memory(r):
    b = r.get("memory_bytes")
    if b is None:
        return ""
    text = "%s B" % fmt_int(b) if b < 10 * 1024 else "%.1f KiB" % (b / 1024.0)
    return text


def encoder_table(rows, have):
    out = ["| encoder | frame | bytes | size vs lodepng | size vs libpng 6 | host time vs lodepng | working memory "
           "| host instructions (callgrind) | vs lodepng | Cortex-M4 instructions (QEMU) | per byte of frame "
           "| vs lodepng |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        per_byte = r.get("m4_instr_per_byte")
        cells = [r["encoder"], r["frame"],
                 fmt_int(r.get("bytes")), fmt_ratio(r.get("size_ratio")), fmt_ratio(r.get("size_ratio_libpng")),
                 fmt_ratio(r.get("time_ratio")), fmt_memory(r),
                 fmt_int(r.get("host_instructions")), fmt_ratio(r.get("host_instr_ratio")),
                 fmt_int(r.get("m4_instructions")), "" if per_byte is None else "%.1f" % per_byte,
                 fmt_ratio(r.get("m4_instr_ratio"))]
        out.append("| " + " | ".join(cells) + " |")
    missing = [PART_NAMES[p] for p in ("host", "callgrind", "qemu") if p not in have]
    if missing:
        out.append("")
        out.append("Empty columns: %s not run." % ", ".join(missing))
    return out


def fmt_times(v, spread=None):
    """A ratio, with the range of its interleaved pairs when the part measured one."""
    if v is None:
        return ""
    if not spread:
        return "%.1fx" % v
    return "%.1fx (%.1f-%.1f)" % (v, spread.get("min"), spread.get("max"))


def writer_table(writers):
    """One row per tinytb variant: its events/s beside tensorboardX's on the same workload."""
    tbx = {w["workload"]: w for w in writers if w.get("writer") == "tensorboardX"}
    ours = [w for w in writers if w.get("writer") != "tensorboardX"]
    workloads = []
    for w in writers:
        if w["workload"] not in workloads:
            workloads.append(w["workload"])
    modes = ["kCompressed", "kFast", "kStored"]
    ours.sort(key=lambda w: (workloads.index(w["workload"]), not w.get("headline"), w.get("sync") != "no fsync",
                             modes.index(w.get("variant")) if w.get("variant") in modes else len(modes)))
    out = ["| workload | tinytb (PNG mode, sync) | tinytb events/s | tensorboardX events/s | ratio (pairs: min-max) "
           "| ratio in CPU time (min-max) | tinytb close() |", "|---|---|---:|---:|---:|---:|---:|"]
    for w in ours:
        ref = tbx.get(w["workload"])
        how = w.get("variant", "") if w["workload"] != "scalar" else ""
        how = ", ".join(x for x in (how, w.get("sync", "")) if x)
        name = w["workload"] + (" **(headline)**" if w.get("headline") else "")
        close = w.get("close_ms")
        close = "" if close is None else ("%.1f ms" % close) + (" (timed apart)" if w.get("sync") == "no fsync" else "")
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            name, how, fmt_int(w.get("events_per_s")), fmt_int(ref.get("events_per_s")) if ref else "",
            fmt_times(w.get("ratio_vs_tensorboardx"), w.get("ratio_spread")),
            fmt_times(w.get("cpu_ratio_vs_tensorboardx"), w.get("cpu_ratio_spread")), close))
    return out


def fmt_value(v):
    if v is None:
        return ""
    return "%.1f" % v if abs(v) >= 10 else "%.3f" % v


def goal_verdict(g):
    """met / **missed**; for a goal measured as the median of interleaved pairs (the e2e part),
    also whether every pair agrees and the spread (docs/bench.md, "End to end: what is measured")."""
    text = "met" if g.get("met") else "**missed**"
    s = g.get("spread")
    if not s:
        return text
    text += ", robust" if g.get("robust") else ", but the spread crosses the limit"
    text += " (%d pairs: %s-%s, IQR %s-%s)" % (g.get("pairs", 0), fmt_value(s.get("min")), fmt_value(s.get("max")),
                                              fmt_value(s.get("q1")), fmt_value(s.get("q3")))
    o = g.get("other_clock")
    if o:
        text += "; %s time: %s (%s-%s)" % ("CPU" if o.get("clock") == "cpu" else o.get("clock"),
                                           fmt_value(o.get("median")), fmt_value(o.get("spread", {}).get("min")),
                                           fmt_value(o.get("spread", {}).get("max")))
    return text


def goal_table(fragments):
    out = ["| part | goal | value | limit | |", "|---|---|---:|---:|---|"]
    goals = []
    for part in PARTS:
        for g in fragments.get(part, {}).get("goals", []) or []:
            goals.append(dict(g, part=part))
            out.append("| %s | %s | %s | %s | %s |" % (part, g.get("goal", ""), fmt_value(g.get("value")),
                                                      fmt_value(g.get("limit")), goal_verdict(g)))
    return out, goals


def times2(v):
    return "1 (reference)" if v is None else "%.2fx" % v


def native_table(writers):
    """The "native" part (tests/bench/native_run.py): each writer's median with its spread."""
    out = ["| writer | events a run | events/s (wall), median | min-max | events per CPU-second | vs native (wall) "
           "| per-repeat ratios | vs native (CPU) |", "|---|---:|---:|---|---:|---:|---|---:|"]
    for w in writers:
        paired = w.get("ratio_vs_native_paired")
        out.append("| %s | %s | %s | %s-%s | %s | %s | %s | %s |" % (
            w.get("description", w.get("writer", "")), fmt_int(w.get("events")), fmt_int(w.get("events_per_s")),
            fmt_int(w.get("events_per_s_min")), fmt_int(w.get("events_per_s_max")), fmt_int(w.get("events_per_cpu_s")),
            times2(w.get("ratio_vs_native")), "%.2f-%.2fx" % tuple(paired) if paired else "",
            times2(w.get("cpu_ratio_vs_native"))))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", default="build/bench", help="where the fragments are")
    parser.add_argument("--out", help="merged JSON (default: <bench-dir>/results.json)")
    args = parser.parse_args()

    fragments, problems = load_fragments(args.bench_dir)
    rows = merge_encoders(fragments)
    writers = fragments.get("e2e", {}).get("writers", []) or []
    lines = ["## Benchmarks: `make bench`", ""]
    for part in PARTS:
        f = fragments.get(part)
        lines.append("- **%s**: %s" % (PART_NAMES[part], f.get("title", "(no title)") if f else "not run"))
    for p in problems:
        lines.append("- problem: %s" % p)
    lines += ["", "### Encoder x frame", ""]
    lines += encoder_table(rows, fragments) if rows else ["No encoder figures: host, callgrind and qemu not run."]
    lines += ["", "### Writer x workload (end to end)", ""]
    lines += writer_table(writers) if writers else ["Not run."]
    native = fragments.get("native", {}).get("writers", []) or []
    lines += ["", "### Scalars against a native C++ protobuf writer", ""]
    lines += native_table(native) if native else ["Not run."]
    lines += ["", "### Goals", ""]
    table, goals = goal_table(fragments)
    lines += table if goals else ["No part that measures a goal was run."]
    print("\n".join(lines))

    merged = {"parts": {p: {"title": fragments[p].get("title"), "file": fragments[p]["_file"]}
                        for p in PARTS if p in fragments},
              "not_run": [p for p in PARTS if p not in fragments],
              "problems": problems, "encoders": rows, "writers": writers, "native_writers": native, "goals": goals}
    out = args.out or os.path.join(args.bench_dir, "results.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        json.dump(merged, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
