#!/usr/bin/env python3
"""The PlatformIO package, checked offline with PlatformIO's own code (PyPI platformio):

  manifest  library.json through PlatformIO's manifest parser and schema (what `pio pkg
            pack` and the registry validate), and a broken copy must be refused
  tarball   the `pio pkg pack` tarball holds what a build compiles or includes and nothing
            else: no tests, tools, build outputs, other ecosystems' manifests' sources,
            third_party/nanopb (a registry dependency: nanopb/Nanopb)
  sources   the files the library.json's srcFilter selects in the unpacked tarball, as
            PlatformIO's LibBuilder selects them (platformio.fs.match_src_files), written
            to --list for run.sh to compile, with the flags written to --flags

Prints "N passed, M failed".
Usage: check_package.py --root REPO --tarball TGZ --unpacked DIR --list FILE --flags FILE
"""
import argparse
import json
import pathlib
import re
import sys
import tarfile

from platformio import fs
from platformio.package.exception import ManifestValidationError
from platformio.package.manifest.parser import ManifestParserFactory
from platformio.package.manifest.schema import ManifestSchema

results = []


def check(ok, message):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + message)


def validate(path):
    try:
        ManifestSchema().load_manifest(ManifestParserFactory.new_from_file(str(path)).as_dict())
        return None
    except ManifestValidationError as e:
        return str(e.messages if hasattr(e, "messages") else e)


def cmake_lists(root):
    text = re.sub(r"#[^\n]*", "", (root / "cmake/tinytb_sources.cmake").read_text())
    return {m.group(1): m.group(2).split() for m in re.finditer(r"set\(\s*(\w+)([^)]*)\)", text)}


def main():
    ap = argparse.ArgumentParser()
    for name in ("root", "tarball", "unpacked", "list", "flags"):
        ap.add_argument("--" + name, required=True, type=pathlib.Path)
    args = ap.parse_args()

    error = validate(args.root / "library.json")
    check(error is None, "library.json passes PlatformIO's manifest schema%s" % (": %s" % error if error else ""))
    manifest = json.loads((args.root / "library.json").read_text())
    bad = dict(manifest, version="one", dependencies=[{"name": "Nanopb", "version": 7}])
    bad_path = args.unpacked.parent / "bad" / "library.json"
    bad_path.parent.mkdir(parents=True, exist_ok=True)
    bad_path.write_text(json.dumps(bad))
    check(validate(bad_path) is not None, "a library.json with a bad version is refused (%s)" % validate(bad_path))
    deps = manifest.get("dependencies", [])
    check(any(d.get("owner") == "nanopb" and d.get("name") == "Nanopb" for d in deps),
          "nanopb/Nanopb is a dependency")

    with tarfile.open(args.tarball) as tar:
        files = {m.name for m in tar.getmembers() if m.isfile()}
    lists = cmake_lists(args.root)
    want = set(lists["TINYTB_CORE_SOURCES"] + lists["TINYTB_PROTO_SOURCES"])
    for port in ("posix", "memory", "stream", "os"):
        want |= set(lists["TINYTB_PORT_%s_SOURCES" % port] + lists["TINYTB_PORT_%s_HEADERS" % port])
    want |= {"third_party/lodepng/" + f for f in ("lodepng.cpp", "lodepng.h", "LICENSE")}
    want |= {"library.json", "src/png/lodepng_unit.cpp", lists["TINYTB_LODEPNG_CONFIG_HEADER"][0]}
    # lodepng's mode is compiled and archived, linked only by a program that uses it (docs/integration.md).
    want |= set(lists.get("TINYTB_LODEPNG_MODE_SOURCES", []))
    want |= {str(p.relative_to(args.root)) for p in (args.root / "ports/clocks").iterdir()}
    want |= {str(p.relative_to(args.root)) for p in (args.root / "include").rglob("*.h")}
    want |= {str(p.relative_to(args.root)) for p in (args.root / "src").glob("*/*.h")}
    want |= {str(p.relative_to(args.root)) for p in (args.root / "src/format/proto").glob("*.h")}
    missing = sorted(want - files)
    check(not missing, "tarball holds every file a build needs (%d)%s" % (len(want), "; missing: " + " ".join(missing)
                                                                          if missing else ""))
    allowed = {"README.md", "library.properties"}  # pio pkg pack adds every manifest it knows
    extra = sorted(f for f in files - want - allowed
                   if not f.startswith(("examples/platformio_esp32_cam/", "examples/arduino/")))
    check(not extra, "tarball holds nothing else%s" % ("; extra: " + " ".join(extra[:12]) if extra else ""))
    check(not any(re.match(r"(tests|tools|build[^/]*|third_party/nanopb|zephyr|cmake)/", f) for f in files),
          "no tests/, tools/, build*/, cmake/, zephyr/ or nanopb in the tarball")
    check("examples/platformio_esp32_cam/platformio.ini" in files and
          "examples/arduino/Esp32CamSd/Esp32CamSd.ino" in files, "the ESP32-CAM example is in the tarball")

    build = manifest["build"]
    src_dir = args.unpacked / build.get("srcDir", "src")
    selected = sorted(fs.match_src_files(str(src_dir), build.get("srcFilter"), ["c", "cpp", "cc", "S"]))
    compiled_want = set(lists["TINYTB_CORE_SOURCES"] + lists["TINYTB_PROTO_SOURCES"] +
                        lists["TINYTB_PORT_posix_SOURCES"] + lists["TINYTB_PORT_memory_SOURCES"] +
                        lists["TINYTB_PORT_stream_SOURCES"])
    # The async writer's OS hooks but the host's (std::thread, which small targets lack); each
    # compiles to nothing off its platform.
    compiled_want |= {f for f in lists["TINYTB_PORT_os_SOURCES"] if not f.endswith("/host_os.cc")}
    compiled_want |= {"src/png/lodepng_unit.cpp"} | set(lists.get("TINYTB_LODEPNG_MODE_SOURCES", []))
    compiled_want |= {str(p.relative_to(args.root)) for p in (args.root / "ports/clocks").glob("*.cc")}
    check(set(selected) == compiled_want, "srcFilter selects the core, proto, posix, memory, stream, os, clocks and lodepng unit%s"
          % ("; differs by: " + " ".join(sorted(set(selected) ^ compiled_want)) if set(selected) != compiled_want
             else ""))
    args.list.write_text("".join(str(src_dir / s) + "\n" for s in selected))
    flags = []
    for flag in build.get("flags", []):
        flags.append("-I" + str((args.unpacked / flag[2:]).resolve()) if flag.startswith("-I") else flag)
    flags.append("-I" + str((args.unpacked / build.get("includeDir", "include")).resolve()))
    args.flags.write_text("\n".join(flags) + "\n")
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
