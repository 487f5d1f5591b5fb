"""cmake/tinytb_sources.cmake must name what is on disk.

    check_sources.py [ROOT]

The CMake, ESP-IDF and Zephyr builds read their source lists from
cmake/tinytb_sources.cmake; the Makefile globs. This fails when the two disagree:
TINYTB_CORE_SOURCES must be exactly src/*/*.cc, the ports' and clocks' lists exactly the
.cc and .h files of their folders, every ports/ folder a port, a test port or the clocks, and
TINYTB_CONFIG_KNOBS exactly the knobs include/tinytb/config.h defines (#ifndef TINYTB_*).
Prints "N passed, M failed".
"""

import glob
import os
import re
import sys


def read_sets(path):
    """set(NAME a b c) -> {NAME: [a, b, c]} (the file holds plain set() calls only)."""
    text = re.sub(r"#[^\n]*", "", open(path).read())
    return {m.group(1): m.group(2).split() for m in re.finditer(r"set\(\s*(\w+)\s+([^)]*)\)", text)}


def rel(root, pattern):
    return sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, pattern)))


def main(root):
    sets = read_sets(os.path.join(root, "cmake", "tinytb_sources.cmake"))
    passed = failed = 0

    def check(name, want, got):
        nonlocal passed, failed
        if sorted(want) == sorted(got):
            passed += 1
            print("ok   %s (%d)" % (name, len(got)))
        else:
            failed += 1
            print("FAIL %s: missing %s, not on disk %s" % (
                name, sorted(set(want) - set(got)), sorted(set(got) - set(want))))

    check("TINYTB_CORE_SOURCES + TINYTB_LODEPNG_MODE_SOURCES == src/*/*.cc", rel(root, "src/*/*.cc"),
          sets.get("TINYTB_CORE_SOURCES", []) + sets.get("TINYTB_LODEPNG_MODE_SOURCES", []))
    ports = sets.get("TINYTB_PORTS", [])
    clocks_dir = (sets.get("TINYTB_CLOCKS_DIR") or ["ports/clocks"])[0]
    check("every ports/ folder listed", [os.path.basename(p) for p in rel(root, "ports/*")],
          ports + sets.get("TINYTB_TEST_PORTS", []) + [os.path.basename(clocks_dir)])
    clocks = sets.get("TINYTB_CLOCKS", [])
    check("clock sources", rel(root, clocks_dir + "/*.cc"),
          sum((sets.get("TINYTB_CLOCK_%s_SOURCES" % c, []) for c in clocks), []))
    check("clock headers", rel(root, clocks_dir + "/*.h"),
          sum((sets.get("TINYTB_CLOCK_%s_HEADERS" % c, []) for c in clocks), sets.get("TINYTB_CLOCKS_COMMON_HEADERS", [])))
    for port in ports:
        check("port %s sources" % port, rel(root, "ports/%s/*.cc" % port), sets.get("TINYTB_PORT_%s_SOURCES" % port, []))
        check("port %s headers" % port, rel(root, "ports/%s/*.h" % port), sets.get("TINYTB_PORT_%s_HEADERS" % port, []))
    for name in ("TINYTB_PROTO_SOURCES", "TINYTB_LODEPNG_CONFIG_HEADER"):
        paths = sets.get(name, [])
        check(name + " exist", paths, [p for p in paths if os.path.isfile(os.path.join(root, p))])
    config = open(os.path.join(root, "include", "tinytb", "config.h")).read()
    knobs = [k for k in re.findall(r"^#ifndef (TINYTB_\w+)", config, re.M) if k != "TINYTB_CONFIG_H_"]
    check("TINYTB_CONFIG_KNOBS == config.h's knobs", knobs, sets.get("TINYTB_CONFIG_KNOBS", []))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
