#!/usr/bin/env python3
"""The footprint table: what logging with tinytb adds to a Cortex-M firmware (make size).

    firmware_size.py --build BUILD [--cores "cortex-m4f cortex-m0plus"] [--configs "baseline text ..."]
                     [--json BUILD/size/size.json]

For each core and configuration of the example firmware (examples/cortex_m, built by the
Makefile into BUILD/fw/<core>/<config>/firmware.elf):
  flash       text + rodata (the .text, .rodata and .ARM.exidx sections; .data is empty),
  static RAM  data + bss,
both minus the same firmware built without tinytb (the "baseline" configuration: camera,
frames, model, console), so they are what logging adds. "library flash" is the part of it
that is tinytb, nanopb and the C library pieces they pull in (the issue's goals count that:
the example's own logging calls in main.cc are the caller's, left out);
  stack       the deepest stack one logging call used, found by painting the stack and
              running the firmware under QEMU (board.h), not estimated;
  cost        instructions per logged frame (mean over the run), counted under QEMU with
              -icount shift=0,sleep=off: the same on every run.
QEMU has no Cortex-M0+ machine: the M0+ build (ARMv6-M code) runs on the AN385 board's
Cortex-M3 model, which executes the same instructions, so its counts are the M0+ code's.
A configuration whose firmware is missing or fails is reported as such, never left out.

Prints Markdown tables (docs/firmware.md holds a copy), then each goal of issue 14 as met
or missed; --json writes the same figures, one object per configuration and core.
Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

MACHINES = {"cortex-m4f": "mps2-an386", "cortex-m0plus": "mps2-an385", "cortex-m3": "mps2-an385",
            "cortex-m7": "mps2-an500", "cortex-m33": "mps2-an505"}
LABELS = {  # configuration: what it logs
    "text": "scalars and text",
    "stored-gray96": "+ stored PNG, 96x96 gray",
    "stored-rgb160": "+ stored PNG, 160x120 RGB",
    "compressed-gray96": "full writer, compressed PNG 96x96 gray",
    "compressed-rgb160": "full writer, compressed PNG 160x120 RGB",
    "compressed-rgb640": "full writer, compressed PNG 640x480 RGB",
    "flight": "flight recorder",
    "inspector": "tensor inspector",
}
KB = 1024
# Issue 14's goals, on the Cortex-M4F: flash counts the library's flash (tinytb, nanopb, the
# C library pieces they pull in), RAM all static RAM logging adds, stack the deepest call.
GOALS = {
    "text": {"library_flash_bytes": 12 * KB, "ram_bytes": 2 * KB, "stack_bytes": 1 * KB},
    "compressed-gray96": {"library_flash_bytes": 32 * KB, "ram_bytes": 16 * KB, "stack_bytes": 2 * KB},
    "compressed-rgb160": {"library_flash_bytes": 32 * KB, "ram_bytes": 16 * KB, "stack_bytes": 2 * KB},
    "compressed-rgb640": {"library_flash_bytes": 32 * KB, "ram_bytes": 24 * KB, "stack_bytes": 2 * KB},
}
GOAL_CORE = "cortex-m4f"
METRIC_NAMES = {"library_flash_bytes": "flash", "ram_bytes": "static RAM", "stack_bytes": "stack"}
ORIGINS = {  # where flash comes from: its column
    "tinytb": "tinytb (src/, ports/semihosting)",
    "nanopb": "nanopb + event proto",
    "lodepng": "lodepng",
    "runtime": "C runtime",
    "example": "example glue",
}
HERE = os.path.dirname(os.path.abspath(__file__))


def sections(elf):
    out = subprocess.run(["arm-none-eabi-size", "-A", elf], check=True, capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def flash_by_origin(mapfile):
    """Bytes of text + rodata each origin put into the image, from the linker's map."""
    with open(mapfile, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines = lines[next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map")):]
    origins, pending = {}, None
    for line in lines:
        m = re.match(r"^ (\.\S+)\s*$", line)  # a long input section name; its figures follow
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)", line)
        name, pending = (m.group(1) or pending) if m else None, None
        if not name or not name.startswith((".text", ".rodata", ".srodata", ".ARM.exidx")):  # .srodata: RISC-V
            continue
        origin = m.group(3)
        if "lodepng" in origin:
            key = "lodepng"
        elif "nanopb" in origin or origin.endswith(".pb.o"):
            key = "nanopb"
        elif "/obj/src/" in origin or "/obj/ports/" in origin:
            key = "tinytb"
        elif "/obj/" in origin or origin.endswith("main.o"):
            key = "example"
        else:
            key = "runtime"  # newlib-nano, libgcc
        origins[key] = origins.get(key, 0) + int(m.group(2), 16)
    return origins


def footprint(elf):
    s = sections(elf)
    return (s.get(".text", 0) + s.get(".rodata", 0) + s.get(".ARM.exidx", 0),
            s.get(".data", 0) + s.get(".bss", 0))


def run(elf, core, work):
    """Runs the firmware under QEMU; returns its console."""
    out = os.path.join(work, core + "-" + os.path.basename(os.path.dirname(elf)))
    subprocess.run(["bash", os.path.join(HERE, "run_qemu_semihosting.sh"), "--no-judge", "--machine", MACHINES[core],
                    "--dir", "logs/" + core, elf, out], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=600)
    with open(os.path.join(out, "console.txt"), encoding="utf-8") as f:
        return f.read()


def number(pattern, text, what):
    m = re.search(pattern, text)
    if not m:
        raise RuntimeError("the console does not say %s" % what)
    return int(m.group(1))


def grouped(n):
    return "-" if n is None else "{:,}".format(n)


def measure(build, core, config, base, work):
    """One configuration on one core: a dict with the figures, or with `error` set."""
    elf = os.path.join(build, "fw", core, config, "firmware.elf")
    row = {"core": core, "config": config, "label": LABELS.get(config, config), "flash_bytes": None,
           "library_flash_bytes": None, "ram_bytes": None, "stack_bytes": None, "instructions_per_frame": None,
           "writer_ram_bytes": None, "png_encoder_ram_bytes": None, "flash_by_origin": None, "error": None}
    if not os.path.exists(elf):
        row["error"] = "not built (%s is missing)" % elf
        return row
    flash, ram = footprint(elf)
    origins = flash_by_origin(elf[:-len(".elf")] + ".map")
    by_origin = {k: origins.get(k, 0) - base["origins"].get(k, 0) for k in ORIGINS}
    row.update(flash_bytes=flash - base["flash"], ram_bytes=ram - base["ram"], flash_by_origin=by_origin,
               library_flash_bytes=sum(v for k, v in by_origin.items() if k != "example"))
    try:
        console = run(elf, core, work)
        row["stack_bytes"] = number(r"deepest stack of a logging call: (\d+) bytes", console, "the deepest stack")
        row["instructions_per_frame"] = number(r"instructions per logged frame: mean (\d+)", console,
                                               "the instructions per frame")
        row["writer_ram_bytes"] = number(r"logging RAM: writer (\d+) bytes", console, "the writer's size")
        png = re.search(r"PNG encoder (\d+) bytes", console)
        row["png_encoder_ram_bytes"] = int(png.group(1)) if png else 0
        calls = re.search(r"tinytb calls: (\d+), failed: (\d+)", console)
        if calls and calls.group(2) != "0":
            row["error"] = "%s of %s tinytb calls failed" % (calls.group(2), calls.group(1))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, RuntimeError) as e:
        row["error"] = "run under QEMU failed: %s" % e
    return row


def goal_verdicts(rows):
    """Each goal: met or missed, with the measured value (None when it could not be measured)."""
    verdicts = []
    for config, limits in GOALS.items():
        row = next((r for r in rows if r["core"] == GOAL_CORE and r["config"] == config), None)
        for metric, limit in limits.items():
            value = None if row is None else row[metric]
            met = value is not None and (row["error"] is None) and value <= limit
            why = "" if row is not None else "configuration not in this build's FW_CONFIGS"
            if row is not None and row["error"]:
                why = row["error"]
            verdicts.append({"config": config, "core": GOAL_CORE, "metric": metric, "limit": limit, "value": value,
                             "met": met, "note": why})
    return verdicts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--cores", default="cortex-m4f cortex-m0plus")
    parser.add_argument("--configs", default="baseline text stored-gray96 stored-rgb160 compressed-gray96 "
                                             "compressed-rgb160 compressed-rgb640")
    parser.add_argument("--json", help="write the figures here (make size: BUILD/size/size.json)")
    args = parser.parse_args(argv)
    cores = args.cores.split()
    configs = [c for c in args.configs.split() if c != "baseline"]
    compiler = subprocess.run(["arm-none-eabi-g++", "-dumpversion"], check=True, capture_output=True,
                              text=True).stdout.strip()
    rows, bases = [], {}
    with tempfile.TemporaryDirectory(prefix="tinytb-size-") as work:
        for core in cores:
            base_elf = os.path.join(args.build, "fw", core, "baseline", "firmware.elf")
            flash, ram = footprint(base_elf)
            bases[core] = {"flash": flash, "ram": ram, "origins": flash_by_origin(base_elf[:-len(".elf")] + ".map")}
            for config in configs:
                rows.append(measure(args.build, core, config, bases[core], work))

    print("tinytb on Cortex-M: what logging adds to the example firmware (examples/cortex_m), built with")
    print("arm-none-eabi-g++ %s -Os, newlib-nano (M4F: -mfpu=fpv4-sp-d16 -mfloat-abi=hard); stack and" % compiler)
    print("instructions measured under QEMU (M4F: mps2-an386; M0+: its ARMv6-M code on mps2-an385's Cortex-M3")
    print("model, QEMU having no M0+ machine). `make size`; the figures are also in --json.")
    for core in cores:
        print()
        print("### %s" % core)
        print()
        print("| logging | flash (text + rodata) | library flash | static RAM (data + bss) | deepest stack of a "
              "logging call | instructions per logged frame |")
        print("|---|---|---|---|---|---|")
        for r in (r for r in rows if r["core"] == core):
            note = "" if not r["error"] else " (%s)" % r["error"]
            print("| %s%s | %s B | %s B | %s B | %s B | %s |" % (
                r["label"], note, grouped(r["flash_bytes"]), grouped(r["library_flash_bytes"]),
                grouped(r["ram_bytes"]), grouped(r["stack_bytes"]), grouped(r["instructions_per_frame"])))
    print()
    print("The flash, by where it comes from (example glue: the logging calls in main.cc, the caller's;")
    print("C runtime: the newlib-nano and libgcc functions logging pulls in beyond the baseline's):")
    print()
    print("| core | logging | " + " | ".join(ORIGINS.values()) + " |")
    print("|---|---|" + "---|" * len(ORIGINS))
    for r in rows:
        if r["flash_by_origin"] is not None:
            print("| %s | %s | %s |" % (r["core"], r["label"],
                                        " | ".join("%s B" % grouped(r["flash_by_origin"][k]) for k in ORIGINS)))
    print()
    for core in cores:
        print("Baseline %s (the same firmware without tinytb): %s B of flash, %s B of static RAM." % (
            core, grouped(bases[core]["flash"]), grouped(bases[core]["ram"])))
    verdicts = goal_verdicts(rows)
    print()
    print("Goals (issue 14, %s):" % GOAL_CORE)
    for v in verdicts:
        print("goal %s %s <= %s B: %s B: %s%s" % (
            v["config"], METRIC_NAMES[v["metric"]], grouped(v["limit"]), grouped(v["value"]),
            "met" if v["met"] else "missed", " (%s)" % v["note"] if v["note"] else ""))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"compiler": "arm-none-eabi-g++ " + compiler, "baselines": {
                k: {"flash_bytes": v["flash"], "ram_bytes": v["ram"]} for k, v in bases.items()},
                "configurations": rows, "goals": verdicts}, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
