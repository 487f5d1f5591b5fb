#!/usr/bin/env python3
"""Checks an assembled Arduino library folder against the Arduino library specification
(1.5 format: https://arduino.github.io/arduino-cli/latest/library-specification/).

  library.properties  every required field present and well formed: name, version
                      (semver), author, maintainer, sentence, paragraph, category (one of
                      the allowed), url, architectures; depends and includes present; each
                      includes= header exists in src/
  layout              library.properties at the root, src/ present, no sources at the root
                      or in utility/ (1.5 format compiles src/ only, recursively), every
                      source under src/ has an extension the builder compiles (.c .cpp .S),
                      no .cc left behind (older builders skip it)
  examples            examples/<Name>/<Name>.ino, <Name> a valid sketch name
  zip                 the zip holds exactly the folder, under one top-level folder

Prints "N passed, M failed". Usage: check_library.py LIBRARY_DIR [ZIP]
"""
import pathlib
import re
import sys
import zipfile

CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors", "Device Control", "Timing",
              "Data Storage", "Data Processing", "Other"}
REQUIRED = ["name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url", "architectures"]
results = []


def check(ok, message):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + message)


def properties(path):
    props = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            if sep:
                props[key.strip()] = value.strip()
    return props


def main():
    lib = pathlib.Path(sys.argv[1])
    props_path = lib / "library.properties"
    check(props_path.is_file(), "library.properties at the library's root")
    props = properties(props_path) if props_path.is_file() else {}
    for key in REQUIRED + ["depends", "includes"]:
        check(bool(props.get(key)), "library.properties: %s= is present and not empty" % key)
    name = props.get("name", "")
    check(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.\-]{0,62}", name) is not None,
          "name %r: letters, digits, spaces, _ . -, starting with a letter or digit, at most 63" % name)
    check(lib.name == name, "the folder is named after the library (%s)" % lib.name)
    check(re.fullmatch(r"\d+\.\d+\.\d+", props.get("version", "")) is not None,
          "version %r is MAJOR.MINOR.PATCH" % props.get("version"))
    check(props.get("category") in CATEGORIES, "category %r is one of the allowed" % props.get("category"))
    check(re.fullmatch(r"https?://\S+", props.get("url", "")) is not None, "url is an http(s) URL")
    arch = props.get("architectures", "")
    check(arch == "*" or re.fullmatch(r"[a-z0-9_]+(,\s*[a-z0-9_]+)*", arch) is not None,
          "architectures %r is * or a comma-separated list" % arch)
    deps = [d.strip() for d in props.get("depends", "").split(",") if d.strip()]
    check(deps and all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.\-]*?( \((=|>=|>|<=|<|!=)?\s*\d[\w.\-]*\))?", d)
                       for d in deps), "depends %r: library names, each with an optional (constraint)" % deps)
    check(any(d.split(" (")[0] == "Nanopb" for d in deps), "depends names Nanopb (the encoder's runtime)")
    src = lib / "src"
    check(src.is_dir(), "src/ exists (1.5 format: compiled recursively)")
    for header in [h.strip() for h in props.get("includes", "").split(",") if h.strip()]:
        check((src / header).is_file(), "includes=%s exists in src/" % header)
    root_sources = [p.name for p in lib.iterdir() if p.suffix in (".c", ".cpp", ".cc", ".S", ".h")]
    check(not root_sources and not (lib / "utility").exists(),
          "no sources at the root or in utility/ (%s)" % " ".join(root_sources))
    left = [str(p.relative_to(lib)) for p in src.rglob("*") if p.suffix in (".cc", ".cxx", ".C", ".s")]
    check(not left, "every source under src/ is .c, .cpp or .S (%s)" % " ".join(left))
    sources = [p for p in src.rglob("*") if p.suffix in (".c", ".cpp", ".S")]
    check(len(sources) > 0, "src/ holds %d sources" % len(sources))
    examples = sorted(p for p in (lib / "examples").iterdir() if p.is_dir()) if (lib / "examples").is_dir() else []
    check(bool(examples), "examples/ holds at least one sketch")
    for ex in examples:
        ok = (ex / (ex.name + ".ino")).is_file() and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}", ex.name)
        check(ok, "examples/%s/%s.ino exists and %s is a valid sketch name" % (ex.name, ex.name, ex.name))
    if len(sys.argv) > 2:
        with zipfile.ZipFile(sys.argv[2]) as z:
            zipped = {n.rstrip("/") for n in z.namelist()}
        files = {str(p.relative_to(lib.parent)) for p in lib.rglob("*") if p.is_file()}
        check({n for n in zipped if not n.endswith("/")} >= files and all(n.startswith(lib.name + "/") for n in zipped),
              "the zip holds the folder under %s/ (%d files)" % (lib.name, len(files)))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
