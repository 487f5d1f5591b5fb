#!/usr/bin/env python3
"""make test's check of `make size` and of what the firmware links (issue 14, points 2 and 4).

    check_size_report.py --build BUILD [--cores "cortex-m4f cortex-m0plus"] [--configs "baseline text ..."]
                         [--lodepng-elf ELF] [--symbols-only ELF...]

1. Runs tests/target/firmware_size.py on firmware the test build already made (a few
   configurations: each runs for well under a second under QEMU), and checks that every
   figure of its printed tables and goal lines is the one in its JSON, and the reverse.
2. Symbols (arm-none-eabi-nm) of every firmware given: no software double-precision routine
   (__aeabi_d*, __adddf3, __aeabi_f2d, ...: tinytb's wall time, scores and sizes are integer
   or float arithmetic), and no lodepng symbol except in the lodepng-mode firmware, which must
   have lodepng's deflate (lodepng is linked only when PngMode::kLodepng is used). The
   scalars-and-text firmware (configuration `text`) links no nanopb symbol and not the
   streamed-record path; every firmware that logs images links both (docs/firmware.md,
   "Scalars and text without nanopb").
Prints "N passed, M failed"; exit status 1 if any failed. Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# libgcc's soft double: __aeabi_dadd/ddiv/dmul/dcmp*/d2*/f2d/i2d/l2d/ul2d..., __adddf3, __muldf3,
# __extendsfdf2, __fixdfsi, __floatsidf, __truncdfsf2, __eqdf2... (single precision is fine).
SOFT_DOUBLE = re.compile(r"^(__aeabi_(d[a-z0-9]+|[a-z0-9]*2d)|__\w*df\d?|__\w*df[a-z]*\d?|__extendsfdf2|"
                         r"__truncdfsf2)$")

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))


def symbols(elf, demangle=False):
    cmd = ["arm-none-eabi-nm"] + (["-C"] if demangle else []) + [elf]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split(None, 2)[-1] for line in out.splitlines() if line.strip()]


# nanopb's encoder and the event descriptors (pb_encode, pb_write, tinytb_pb_Event_msg, ...), and
# the streamed-record path (EventWriterBase::stream_record, write_streamed).
NANOPB = re.compile(r"^(pb_\w+|tinytb_pb_\w+)$")
STREAMED = re.compile(r"EventWriterBase::(stream_record|write_streamed)\(")


def check_symbols(elfs, lodepng_elf):
    for elf in elfs:
        doubles = sorted({s for s in symbols(elf) if SOFT_DOUBLE.match(s)})
        check(not doubles, "%s links no software double" % elf, " ".join(doubles[:12]))
        names = symbols(elf, demangle=True)
        lode = [s for s in names if "lodepng" in s.lower()]
        check(not lode, "%s links no lodepng" % elf, " ".join(lode[:6]))
        config = os.path.basename(os.path.dirname(elf))
        nanopb = sorted({s for s in names if NANOPB.match(s)})
        streamed = sorted({s for s in names if STREAMED.search(s)})
        if config == "text":
            check(not nanopb, "%s (scalars and text) links no nanopb" % elf, " ".join(nanopb[:8]))
            check(not streamed, "%s (scalars and text) links no streamed-record path" % elf, " ".join(streamed))
        elif config.startswith(("stored-", "compressed-")):
            check("pb_encode" in nanopb, "%s (images) links nanopb's pb_encode" % elf)
            check(len(streamed) == 2, "%s (images) links the streamed-record path" % elf, " ".join(streamed))
    if lodepng_elf:
        lode = [s for s in symbols(lodepng_elf, demangle=True) if "lodepng_deflate" in s]
        check(bool(lode), "%s (PngMode::kLodepng) links lodepng_deflate" % lodepng_elf)


def plain(text):
    return None if text.strip() in ("-", "- B") else int(text.replace("B", "").replace(",", "").strip())


def check_report(build, cores, configs):
    with tempfile.TemporaryDirectory(prefix="tinytb-size-check-") as work:
        path = os.path.join(work, "size.json")
        proc = subprocess.run([sys.executable, os.path.join(HERE, "firmware_size.py"), "--build", build,
                               "--cores", " ".join(cores), "--configs", " ".join(configs), "--json", path],
                              capture_output=True, text=True)
        check(proc.returncode == 0, "firmware_size.py runs", proc.stderr[-400:])
        if proc.returncode != 0:
            return
        data = json.load(open(path, encoding="utf-8"))
    rows = data["configurations"]
    want = [(c, g) for c in cores for g in configs if g != "baseline"]
    check(sorted((r["core"], r["config"]) for r in rows) == sorted(want),
          "size.json has one object per configuration and core (%d)" % len(want))
    for r in rows:
        for key in ("flash_bytes", "ram_bytes", "stack_bytes", "instructions_per_frame"):
            check(isinstance(r.get(key), int) and r[key] > 0, "%s/%s %s measured" % (r["core"], r["config"], key),
                  str(r.get(key)) + (" " + r["error"] if r.get("error") else ""))
    # The printed tables, row by row, against the JSON.
    core, printed = None, {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^### (\S+)$", line)
        if m:
            core = m.group(1)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if core and len(cells) == 6 and cells[1].endswith("B") and not line.startswith("|---"):
            printed[(core, re.sub(r" \(.*\)$", "", cells[0]))] = [plain(c) for c in cells[1:]]
    for r in rows:
        got = printed.get((r["core"], r["label"]))
        check(got == [r["flash_bytes"], r["library_flash_bytes"], r["ram_bytes"], r["stack_bytes"],
                      r["instructions_per_frame"]],
              "printed row %s/%s matches size.json" % (r["core"], r["config"]), "printed %s" % got)
    check(len(printed) == len(rows), "every printed row is in size.json (%d)" % len(printed))
    # The goal lines.
    lines = [l for l in proc.stdout.splitlines() if l.startswith("goal ")]
    check(len(lines) == len(data["goals"]) and len(lines) > 0, "one printed line per goal (%d)" % len(lines))
    for line, goal in zip(lines, data["goals"]):
        m = re.match(r"^goal (\S+) (.+?) <= ([\d,]+) B: ([\d,-]+) B: (met|missed)", line)
        ok = (m is not None and m.group(1) == goal["config"] and plain(m.group(3)) == goal["limit"] and
              plain(m.group(4)) == goal["value"] and (m.group(5) == "met") == goal["met"])
        check(ok, "goal line matches size.json: " + line[:70])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--cores", default="cortex-m4f cortex-m0plus")
    parser.add_argument("--configs", default="baseline text compressed-gray96")
    parser.add_argument("--lodepng-elf")
    parser.add_argument("--symbols-only", nargs="*", help="only the symbol checks, on these ELFs")
    args = parser.parse_args(argv)
    if args.symbols_only is not None:
        check_symbols(args.symbols_only, args.lodepng_elf)
    else:
        cores, configs = args.cores.split(), args.configs.split()
        elfs = [os.path.join(args.build, "fw", c, g, "firmware.elf") for c in cores for g in configs]
        check_symbols([e for e in elfs if os.path.exists(e)], args.lodepng_elf)
        check_report(args.build, cores, configs)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
