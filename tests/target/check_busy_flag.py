#!/usr/bin/env python3
"""Checks, in the disassembly of built firmware, that every inlined BusyFlag::try_take
(include/tinytb/busy_flag.h) holds the instructions that make it a real test-and-set on
that core, not a plain load and store an interrupt can split.

    check_busy_flag.py KIND:FIRMWARE.elf [KIND:FIRMWARE.elf ...]

KIND, what each try_take must contain:
    mstatus   csrrc/csrrci on mstatus and its restore (csrs/csrw mstatus): RISC-V without A
    amo       amoswap, or lr.w and sc.w: RISC-V with A
    primask   cpsid i and msr PRIMASK: ARMv6-M
    ldrex     ldrex and strex: ARMv7-M and up
and none may call a library routine (__atomic_*, __sync_*). The firmware is built with -g,
so `objdump -d -l` names the inlined function each instruction came from. Every try_take
found is one test; a firmware where none is found fails. Prints "N passed, M failed".
"""

import re
import subprocess
import sys

TRY_TAKE = "_ZN6tinytb6detail8BusyFlag8try_takeEv"
KINDS = {
    "mstatus": [r"\bcsrrci?\s+\w+,\s*mstatus\b", r"\bcsr(s|w|rs|rw)\s+(zero,\s*)?mstatus\b"],
    "amo": [r"\b(amoswap\.w|lr\.w)"],
    "primask": [r"\bcpsid\s+i\b", r"\bmsr\s+PRIMASK\b"],
    "ldrex": [r"\bldrex", r"\bstrex"],
}
FORBIDDEN = re.compile(r"\b(call|jal|bl|blx|tail)\b.*__(atomic|sync)_")
FUNC = re.compile(r"^[0-9a-f]+ <(.+)>:$")
INLINE_HEADER = re.compile(r"^(\S+)\(\):$")
INSN = re.compile(r"^\s*[0-9a-f]+:\t[^\t]*\t(.*)$")  # address, encoding, then the instruction


def objdump_for(elf):
    with open(elf, "rb") as f:
        header = f.read(20)
    machine = int.from_bytes(header[18:20], "little")
    return "riscv64-unknown-elf-objdump" if machine == 243 else "arm-none-eabi-objdump"


def try_take_sites(elf):
    """{enclosing function: [instruction text]} for every function with try_take inlined."""
    out = subprocess.run([objdump_for(elf), "-d", "-l", elf], check=True, capture_output=True, text=True).stdout
    sites, func, inside = {}, None, False
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            if not m.group(1).startswith(".L"):  # a local label inside a function (object files)
                func, inside = m.group(1), False
            continue
        m = INLINE_HEADER.match(line)
        if m:
            inside = m.group(1) == TRY_TAKE
            continue
        m = INSN.match(line)
        if m and inside and func is not None:
            sites.setdefault(func, []).append(m.group(1))
    return sites


def main(argv):
    if not argv:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    passed = failed = 0
    for arg in argv:
        kind, _, elf = arg.partition(":")
        if kind not in KINDS:
            print("check_busy_flag.py: unknown kind %r" % kind, file=sys.stderr)
            return 2
        sites = try_take_sites(elf)
        if not sites:
            print("FAIL %s: no inlined BusyFlag::try_take found" % elf)
            failed += 1
            continue
        for func, insns in sorted(sites.items()):
            text = "\n".join(insns)
            missing = [p for p in KINDS[kind] if not re.search(p, text)]
            calls = [i for i in insns if FORBIDDEN.search(i)]
            name = "%s: try_take in %s" % (elf, func)
            if missing or calls:
                failed += 1
                print("FAIL %s (%s): missing %s%s" % (name, kind, missing, "; calls %s" % calls if calls else ""))
                for i in insns:
                    print("       " + i)
            else:
                passed += 1
                print("PASS %s (%s): %s" % (name, kind, "; ".join(insns)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
