#!/usr/bin/env python3
"""The footprint table: what logging with tinytb adds to a Cortex-M4F firmware.

    firmware_size.py --build BUILD        (make size: builds the firmware first)

For each configuration of the example firmware (examples/cortex_m, built by the Makefile
into BUILD/fw/cortex-m4f/<config>/firmware.elf):
  flash       text + rodata (the .text and .ARM.exidx sections; .data is empty), and
  static RAM  data + bss,
both minus the same firmware built without tinytb (the "baseline" configuration: camera,
frames, model, console), so they are what logging adds: library, ports, nanopb, lodepng,
the C library pieces they pull in, the writer, the PNG encoder and the sink;
  stack       the deepest stack one logging call used, found by painting the stack and
              running the firmware under QEMU (board.h), not estimated;
  cost        instructions per logged frame (mean over the run), counted under QEMU with
              -icount shift=0,sleep=off: the same on every run.
Prints Markdown tables (docs/firmware.md, "The footprint table", holds a copy).
Standard library only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

CORE = "cortex-m4f"
MACHINE = "mps2-an386"
ROWS = [  # configuration, what it logs
    ("text", "scalars and text only"),
    ("stored-gray96", "+ stored PNG, 96x96 gray"),
    ("stored-rgb160", "+ stored PNG, 160x120 RGB"),
    ("compressed-gray96", "+ compressed PNG, 96x96 gray"),
    ("compressed-rgb160", "+ compressed PNG, 160x120 RGB"),
]
ORIGINS = {  # where flash comes from: its column
    "tinytb": "tinytb (src/, ports/semihosting)",
    "nanopb": "nanopb + event proto",
    "lodepng": "lodepng (deflate)",
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
    return s.get(".text", 0) + s.get(".ARM.exidx", 0), s.get(".data", 0) + s.get(".bss", 0)


def run(elf, work):
    """Runs the firmware under QEMU; returns its console."""
    out = os.path.join(work, os.path.basename(os.path.dirname(elf)))
    subprocess.run(["bash", os.path.join(HERE, "run_qemu_semihosting.sh"), "--no-judge", "--machine", MACHINE,
                    "--dir", "logs/" + CORE, elf, out], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "console.txt"), encoding="utf-8") as f:
        return f.read()


def number(pattern, text, what):
    m = re.search(pattern, text)
    if not m:
        raise SystemExit("firmware_size.py: the console does not say %s" % what)
    return int(m.group(1))


def grouped(n):
    return "{:,}".format(n)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    args = parser.parse_args(argv)
    elf = lambda config: os.path.join(args.build, "fw", CORE, config, "firmware.elf")  # noqa: E731
    base_flash, base_ram = footprint(elf("baseline"))
    base_origins = flash_by_origin(elf("baseline")[:-len(".elf")] + ".map")
    compiler = subprocess.run(["arm-none-eabi-g++", "-dumpversion"], check=True, capture_output=True,
                              text=True).stdout.strip()
    print("tinytb on a Cortex-M4F: what logging adds to the example firmware (examples/cortex_m), built with")
    print("arm-none-eabi-g++ %s -Os -mfpu=fpv4-sp-d16 -mfloat-abi=hard, newlib-nano; stack and instructions"
          % compiler)
    print("measured under QEMU %s (make size)." % MACHINE)
    print()
    print("| logging | flash (text + rodata) | static RAM (data + bss) | of which writer + PNG encoder "
          "| deepest stack of a logging call | instructions per logged frame |")
    print("|---|---|---|---|---|---|")
    breakdown = []
    with tempfile.TemporaryDirectory(prefix="tinytb-size-") as work:
        for config, label in ROWS:
            flash, ram = footprint(elf(config))
            console = run(elf(config), work)
            writer = number(r"logging RAM: writer (\d+) bytes", console, "the writer's size")
            png = re.search(r"PNG encoder (\d+) bytes", console)
            objects = writer + (int(png.group(1)) if png else 0)
            stack = number(r"deepest stack of a logging call: (\d+) bytes", console, "the deepest stack")
            cost = number(r"instructions per logged frame: mean (\d+)", console, "the instructions per frame")
            print("| %s | %s B | %s B | %s B | %s B | %s |" % (
                label, grouped(flash - base_flash), grouped(ram - base_ram), grouped(objects), grouped(stack),
                grouped(cost)))
            origins = flash_by_origin(elf(config)[:-len(".elf")] + ".map")
            breakdown.append((label, [origins.get(k, 0) - base_origins.get(k, 0) for k in ORIGINS]))
    print()
    print("The flash, by where it comes from (example: the logging code in main.cc; runtime: the newlib-nano")
    print("and libgcc functions the logging pulls in beyond the baseline's):")
    print()
    print("| logging | " + " | ".join(ORIGINS.values()) + " |")
    print("|---|" + "---|" * len(ORIGINS))
    for label, sizes in breakdown:
        print("| %s | %s |" % (label, " | ".join("%s B" % grouped(n) for n in sizes)))
    print()
    print("The baseline (the same firmware without tinytb: camera frames in flash, frame buffers, model,")
    print("console) is %s B of flash and %s B of static RAM. A logged frame is the gray frame, plus the" % (
        grouped(base_flash), grouped(base_ram)))
    print("color frame with the 160x120 RGB limit, plus two scalars and a top-k table; the writer's queue")
    print("holds the largest image record (sizing.h). Compressed PNGs use tinytb's own deflate (kCompressed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
