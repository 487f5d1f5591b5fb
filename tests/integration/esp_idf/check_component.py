#!/usr/bin/env python3
"""The ESP-IDF component, checked without ESP-IDF: the archive `compote component pack`
made, the manifest's nanopb dependency, and the Kconfig against include/tinytb/config.h.

  archive   holds every file cmake/esp_idf_component.cmake compiles or includes (sources
            from cmake/tinytb_sources.cmake, lodepng, the clock, every header under
            include/ and src/) and nothing else: no tests, tools, build outputs, other
            ecosystems' files or nanopb (a registry dependency)
  manifest  declares a nanopb component dependency
  Kconfig   parsed by kconfiglib; every knob of config.h (each `#ifndef TINYTB_<KNOB>`)
            has a symbol whose default is config.h's default on the ESP32's two
            architectures: RV32IMC (riscv64-unknown-elf-g++) and Xtensa (__XTENSA__ defined
            for the host preprocessor, as Xtensa's compiler does; it is not here)

Prints "N passed, M failed". Usage: check_component.py --root REPO --archive TGZ
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tarfile

import kconfiglib

results = []


def check(ok, message):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + message)


def cmake_lists(root):
    """The set(NAME items...) lists of cmake/tinytb_sources.cmake."""
    text = (root / "cmake/tinytb_sources.cmake").read_text()
    text = re.sub(r"#[^\n]*", "", text)
    return {m.group(1): m.group(2).split() for m in re.finditer(r"set\(\s*(\w+)([^)]*)\)", text)}


def expected_files(root):
    lists = cmake_lists(root)
    want = set(lists["TINYTB_CORE_SOURCES"] + lists["TINYTB_PROTO_SOURCES"])
    for port in ("posix", "memory", "fatfs", "stream"):
        want |= set(lists["TINYTB_PORT_%s_SOURCES" % port] + lists["TINYTB_PORT_%s_HEADERS" % port])
    # Of the async writer's OS hooks, FreeRTOS's (CONFIG_TINYTB_PORT_OS).
    want |= {f for f in lists["TINYTB_PORT_os_SOURCES"] + lists["TINYTB_PORT_os_HEADERS"] if "/freertos_os." in f}
    # lodepng's mode ships too: compiled only with CONFIG_TINYTB_WITH_LODEPNG (opt-in).
    want |= set(lists.get("TINYTB_LODEPNG_MODE_SOURCES", []))
    want |= {"third_party/lodepng/" + f for f in lists["TINYTB_LODEPNG_SOURCES"] + ["lodepng.h", "LICENSE"]}
    want |= {"ports/clocks/esp_idf_clock.cc", "ports/clocks/esp_idf_clock.h", "ports/clocks/wrap_counter.h"}
    want |= {"idf_component.yml", "CMakeLists.txt", "Kconfig", "cmake/esp_idf_component.cmake",
             "cmake/tinytb_sources.cmake", lists["TINYTB_LODEPNG_CONFIG_HEADER"][0]}
    want |= {str(p.relative_to(root)) for p in (root / "include").rglob("*.h")}
    want |= {str(p.relative_to(root)) for p in (root / "src").glob("*/*.h")}
    want |= {str(p.relative_to(root)) for p in (root / "src/format/proto").glob("*.h")}
    return want


def check_archive(root, archive):
    with tarfile.open(archive) as tar:
        names = {n[2:] if n.startswith("./") else n for n in tar.getnames()}
        files = {m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers() if m.isfile()}
    want = expected_files(root)
    missing = sorted(want - files)
    check(not missing, "archive holds every file the component builds from (%d files)%s"
          % (len(want), "; missing: " + " ".join(missing) if missing else ""))
    allowed_extra = {"README.md", "docs/integration.md"}
    extra = sorted(f for f in files - want - allowed_extra if not f.startswith("examples/esp32_cam/"))
    check(not extra, "archive holds nothing else%s" % ("; extra: " + " ".join(extra[:12]) if extra else ""))
    check(not any(re.match(r"(tests|tools|build[^/]*|third_party/nanopb|zephyr)(/|$)", n) for n in names),
          "archive has no tests/, tools/, build*/, zephyr/ or nanopb entry")


def check_manifest(root):
    text = (root / "idf_component.yml").read_text()
    deps = re.search(r"^dependencies:\n((?:[ \t]+.*\n|\s*\n)+)", text, re.M)
    names = re.findall(r"^  ([\w./-]+):", deps.group(1), re.M) if deps else []
    check(any(n == "nanopb" or n.endswith("/nanopb") for n in names),
          "idf_component.yml declares a nanopb dependency (%s)" % ", ".join(names))


def config_defaults(root, compiler):
    """{knob: default} as config.h defines them for `compiler` (a command list)."""
    text = (root / "include/tinytb/config.h").read_text()
    knobs = [k for k in re.findall(r"^#ifndef (TINYTB_\w+)$", text, re.M) if not k.endswith("_H_")]
    out = subprocess.run(compiler + ["-E", "-dM", "-x", "c++", "-std=c++17", "-I", str(root / "include"),
                                     "-include", "tinytb/config.h", "/dev/null"],
                         check=True, capture_output=True, text=True).stdout
    defined = dict(re.findall(r"^#define (TINYTB_\w+) (.+)$", out, re.M))
    return {k: int(defined[k], 0) for k in knobs}


def check_kconfig(root):
    kconf = kconfiglib.Kconfig(str(root / "Kconfig"), warn_to_stderr=False)
    check(not kconf.warnings, "Kconfig parses with no warning%s" % ("".join("; " + w for w in kconf.warnings)))
    targets = {
        "rv32imc": ["riscv64-unknown-elf-g++", "--specs=picolibc.specs", "-march=rv32imc", "-mabi=ilp32"],
        "xtensa (host, __XTENSA__)": ["g++", "-D__XTENSA__", "-U__x86_64__"],
    }
    for name, compiler in targets.items():
        try:
            defaults = config_defaults(root, compiler)
        except (OSError, subprocess.CalledProcessError) as e:
            check(False, "config.h defaults for %s: %s" % (name, e))
            continue
        for knob, value in defaults.items():
            sym = kconf.syms.get(knob)
            if sym is None or not sym.nodes:
                check(False, "%s: no Kconfig symbol for config.h's %s" % (name, knob))
                continue
            got = sym.str_value
            got = {"y": "1", "n": "0"}.get(got, got)
            check(got == str(value), "%s: CONFIG_%s defaults to %s, config.h to %d" % (name, knob, got, value))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True, type=pathlib.Path)
    ap.add_argument("--archive", required=True, type=pathlib.Path)
    args = ap.parse_args()
    check_archive(args.root, args.archive)
    check_manifest(args.root)
    check_kconfig(args.root)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
