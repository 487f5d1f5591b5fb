#!/usr/bin/env python3
"""One version: include/tinytb/version.h against every package manifest.

library.json (PlatformIO), library.properties (Arduino) and idf_component.yml (ESP-IDF)
must carry version.h's MAJOR.MINOR.PATCH, and the header's string must match its numbers.
Then, unless --no-canary, each manifest in turn is copied with its version changed and the
check must fail naming that file: a check that cannot fail is no check.
Prints "N passed, M failed".

Usage: check_versions.py [--root DIR] [--no-canary]
"""
import argparse
import json
import pathlib
import re
import shutil
import sys
import tempfile

FILES = ["include/tinytb/version.h", "library.json", "library.properties", "idf_component.yml"]


def header_version(text):
    parts = []
    for name in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(r"^#define\s+TINYTB_VERSION_%s\s+(\d+)\s*$" % name, text, re.M)
        if not m:
            raise ValueError("TINYTB_VERSION_%s not found" % name)
        parts.append(m.group(1))
    m = re.search(r'^#define\s+TINYTB_VERSION_STRING\s+"([^"]*)"\s*$', text, re.M)
    if not m:
        raise ValueError("TINYTB_VERSION_STRING not found")
    return ".".join(parts), m.group(1)


def manifest_versions(root):
    """(file, version) for each manifest; a missing or unreadable field is an error string."""
    out = []
    try:
        out.append(("library.json", json.loads((root / "library.json").read_text())["version"]))
    except (OSError, ValueError, KeyError) as e:
        out.append(("library.json", "<error: %s>" % e))
    props = {}
    try:
        for line in (root / "library.properties").read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                props[key.strip()] = value.strip()
        out.append(("library.properties", props.get("version", "<error: no version=>")))
    except OSError as e:
        out.append(("library.properties", "<error: %s>" % e))
    try:
        # The manifest's top-level `version:` line; a YAML parser is not needed for one scalar.
        m = re.search(r'^version:\s*["\']?([^"\'\s#]+)["\']?\s*(#.*)?$', (root / "idf_component.yml").read_text(), re.M)
        out.append(("idf_component.yml", m.group(1) if m else "<error: no top-level version:>"))
    except OSError as e:
        out.append(("idf_component.yml", "<error: %s>" % e))
    return out


def check(root):
    """Returns a list of (ok, message)."""
    results = []
    try:
        numbers, string = header_version((root / FILES[0]).read_text())
    except (OSError, ValueError) as e:
        return [(False, "version.h: %s" % e)]
    results.append((numbers == string, "version.h: TINYTB_VERSION_STRING %r is %s" % (string, numbers)))
    for name, version in manifest_versions(root):
        results.append((version == numbers, "%s: version %s, version.h %s" % (name, version, numbers)))
    return results


def bump(path, name):
    text = path.read_text()
    if name == "library.json":
        data = json.loads(text)
        data["version"] = "9.9.9"
        path.write_text(json.dumps(data))
    elif name == "library.properties":
        path.write_text(re.sub(r"^version=.*$", "version=9.9.9", text, flags=re.M))
    else:
        path.write_text(re.sub(r"^version:.*$", 'version: "9.9.9"', text, flags=re.M))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=pathlib.Path(__file__).resolve().parents[3], type=pathlib.Path)
    ap.add_argument("--no-canary", action="store_true")
    args = ap.parse_args()
    passed = failed = 0
    for ok, message in check(args.root):
        print(("ok   " if ok else "FAIL ") + message)
        passed += ok
        failed += not ok
    if not args.no_canary:
        for name in FILES[1:]:
            with tempfile.TemporaryDirectory() as tmp:
                copy = pathlib.Path(tmp)
                for f in FILES:
                    (copy / f).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(args.root / f, copy / f)
                bump(copy / name, name)
                bad = [m for ok, m in check(copy) if not ok]
                caught = len(bad) == 1 and bad[0].startswith(name + ":")
                print(("ok   " if caught else "FAIL ") + "canary: %s at 9.9.9 is caught (%s)" % (name, "; ".join(bad)))
                passed += caught
                failed += not caught
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
