"""zephyr/Kconfig, loaded by kconfiglib, must agree with include/tinytb/config.h.

    check_kconfig.py [ROOT]
    check_kconfig.py --write-config PATH [ROOT]   (a .config for fake_zephyr/, see write_config)

Zephyr is not available here: the file is loaded under Kconfig.stub, a stub that
defines only the Zephyr symbols it depends on (NANOPB, CPP, ARM, CPU_CORTEX_M, ...).
Checks: it parses without warnings; TINYTB depends on NANOPB (off without it, on with
it); every knob config.h defines (#ifndef TINYTB_*) is an int symbol of the same name
whose default, evaluated, equals what the C preprocessor makes of config.h on the same
target (the host's g++ for a 64-bit SoC, arm-none-eabi-g++ -mcpu=cortex-m4 with
CPU_CORTEX_M=y, riscv64-unknown-elf-gcc -march=rv32imc with RISCV=y and -march=rv64imac
with RISCV=y, 64BIT=y, when installed; Xtensa has no compiler here);
each range equals config.h's static_assert bounds; every default lies in its range; the
ports and the clock are symbols. Prints "N passed, M failed".
"""

import os
import re
import shutil
import subprocess
import sys

import kconfiglib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tensorboard"))
import judge_common  # noqa: E402

# The targets: Kconfig stub symbols to set -> the compiler that stands for them.
TARGETS = [
    ("generic SoC", {}, ["g++", "-std=c++17"]),
    ("Cortex-M4", {"ARM": 2, "CPU_CORTEX_M": 2}, ["arm-none-eabi-g++", "-std=c++17", "-mcpu=cortex-m4", "-mthumb"]),
    ("RISC-V RV32IMC", {"RISCV": 2},
     ["riscv64-unknown-elf-gcc", "-x", "c++", "-std=c++17", "-march=rv32imc", "-mabi=ilp32"]),
    ("RISC-V RV64", {"RISCV": 2, "64BIT": 2},
     ["riscv64-unknown-elf-gcc", "-x", "c++", "-std=c++17", "-march=rv64imac", "-mabi=lp64"]),
]


def config_h_values(root, compiler):
    """What config.h's knobs come to for this compiler (#define TINYTB_X value)."""
    out = subprocess.run(compiler + ["-E", "-dM", "-I", os.path.join(root, "include"), "-x", "c++",
                                     os.path.join(root, "include", "tinytb", "config.h")],
                         check=True, capture_output=True, text=True).stdout
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^#define (TINYTB_\w+) (\d+)$", out, re.M)}


def load(root):
    os.environ["srctree"] = root
    kconf = kconfiglib.Kconfig(os.path.join(HERE, "Kconfig.stub"), warn_to_stderr=False)
    return kconf


def main(root):
    report = judge_common.Report(sys.stdout)

    def check(name, problem):
        report.check(name, [problem] if problem else [])

    config = open(os.path.join(root, "include", "tinytb", "config.h")).read()
    knobs = [k for k in re.findall(r"^#ifndef (TINYTB_\w+)", config, re.M) if k != "TINYTB_CONFIG_H_"]
    bounds = {m.group(1): (int(m.group(2)), int(m.group(3))) for m in re.finditer(
        r"static_assert\((TINYTB_\w+) >= (\d+) && \1 <= (\d+)", config)}

    kconf = load(root)
    check("parses without warnings", "; ".join(kconf.warnings))
    tinytb = kconf.syms.get("TINYTB")
    check("TINYTB is a bool", None if tinytb and tinytb.type == kconfiglib.BOOL else "missing or not bool")
    tinytb.set_value(2)
    on = tinytb.tri_value == 2
    kconf.syms["NANOPB"].set_value(0)
    off = tinytb.tri_value == 0
    kconf.syms["NANOPB"].set_value(2)
    check("TINYTB depends on NANOPB", None if on and off else "with NANOPB: %s, without: %s" % (on, off))
    for name in ("TINYTB_PORT_FATFS", "TINYTB_PORT_MEMORY", "TINYTB_PORT_POSIX", "TINYTB_PORT_SEMIHOSTING",
                 "TINYTB_PORT_STREAM", "TINYTB_PORT_OS", "TINYTB_CLOCK"):
        sym = kconf.syms.get(name)
        check("%s is a bool" % name, None if sym and sym.type == kconfiglib.BOOL else "missing or not bool")

    for knob in knobs:
        sym = kconf.syms.get(knob)
        if sym is None or sym.type != kconfiglib.INT:
            check("%s is an int symbol" % knob, "missing" if sym is None else "type %s" % kconfiglib.TYPE_TO_STR[sym.type])
            continue
        ranges = [(int(lo.str_value), int(hi.str_value)) for lo, hi, _ in sym.ranges]
        want = bounds.get(knob)
        if want is None:  # a two-value knob (1 or 8): config.h asserts it with ==, Kconfig spans it
            values = sorted(int(v) for v in re.findall(r"%s == (\d+)" % knob, config))
            want = (values[0], values[-1]) if values else None
        check("%s range %s" % (knob, ranges), None if ranges == [want] else "config.h: %s" % (want,))

    for label, stub_values, compiler in TARGETS:
        if not shutil.which(compiler[0]):
            print("skip %s: %s is not installed" % (label, compiler[0]))
            continue
        kconf = load(root)
        for name, value in stub_values.items():
            kconf.syms[name].set_value(value)
        kconf.syms["TINYTB"].set_value(2)
        want = config_h_values(root, compiler)
        for knob in knobs:
            sym = kconf.syms.get(knob)
            if sym is None:
                continue
            got = sym.str_value
            lo, hi = [(int(a.str_value), int(b.str_value)) for a, b, _ in sym.ranges][0] if sym.ranges else (None, None)
            problem = None
            if not re.fullmatch(r"-?\d+", got):
                problem = "default does not evaluate to a number: %r" % got
            elif int(got) != want.get(knob):
                problem = "Kconfig default %s, config.h gives %s" % (got, want.get(knob))
            elif lo is not None and not lo <= int(got) <= hi:
                problem = "default %s outside its range %d..%d" % (got, lo, hi)
            check("%s: %s default = config.h's (%s)" % (label, knob, got), problem)

    report.summary()
    return 1 if report.failed else 0


def write_config(root, path):
    """A .config as Zephyr's build would hand zephyr/CMakeLists.txt for a POSIX board:
    tinytb on with the memory and POSIX ports, no clock (it needs Zephyr's headers), and
    one layout knob off its default (TINYTB_MAX_DIR_LEN=200), which the application must
    see too or config.h's link check fails; lodepng's opt-in mode on, since the application
    (tests/integration/cmake/consumer/main.cc) uses PngMode::kLodepng."""
    kconf = load(root)
    for name, value in (("POSIX_API", 2), ("TINYTB", 2), ("TINYTB_PORT_POSIX", 2), ("TINYTB_CLOCK", 0),
                        ("TINYTB_MAX_DIR_LEN", "200"), ("TINYTB_WITH_LODEPNG", 2)):
        kconf.syms[name].set_value(value)
    print(kconf.write_config(path))
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--write-config"]:
        sys.exit(write_config(os.path.abspath(args[2] if len(args) > 2 else "."), args[1]))
    sys.exit(main(os.path.abspath(args[0] if args else ".")))
