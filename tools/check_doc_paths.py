#!/usr/bin/env python3
"""Every repository path that README.md, tests/README.md and docs/*.md name must exist.

    check_doc_paths.py [--root DIR]

Looks at Markdown link targets and at words that start with a top-level folder of the
repository (src/, include/, tests/, ports/, examples/, tools/, docs/, third_party/), with
brace lists (`tests/support/alloc_trap.{h,cc}`) and globs (`src/png/*.cc`) expanded. Build
outputs (build/...), make variables and <placeholders> are skipped. Prints
`file:line: missing PATH` for each one that is not there and exits 1; exits 0 when all are.
Files move when the tree is reorganised, and a doc that names an old path sends a reader
nowhere. Standard library only.
"""

import argparse
import glob
import os
import re
import sys

TOP = ("src/", "include/", "tests/", "ports/", "examples/", "tools/", "docs/", "third_party/")
SKIP = ("build/", "build-", "logs/", "http:", "https:", "mailto:", "/")
# Named on purpose as places where something is not (docs/design.md: private headers are
# not in include/tinytb/detail/).
NOT_PATHS = {"include/tinytb/detail/"}
WORD = re.compile(r"(?<![\w/.$-])((?:\.\./)*(?:%s)[\w./{},*-]*)" % "|".join(re.escape(t) for t in TOP))
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def expand_braces(path):
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    out = []
    for alt in m.group(1).split(","):
        out += expand_braces(path[:m.start()] + alt + path[m.end():])
    return out


def exists(root, base, path):
    for one in expand_braces(path):
        if not any(glob.glob(os.path.normpath(os.path.join(b, one))) for b in (root, base)):
            return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".")
    root = parser.parse_args().root
    files = [os.path.join(root, "README.md"), os.path.join(root, "tests", "README.md")] + sorted(
        glob.glob(os.path.join(root, "docs", "*.md")))
    missing = 0
    for path in files:
        base = os.path.dirname(path)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                named = {m.group(1) for m in LINK.finditer(line)} | {m.group(1) for m in WORD.finditer(line)}
                for p in sorted(named):
                    p = p.rstrip(".,:;)")
                    if p.startswith(SKIP) or "<" in p or "$" in p or p in NOT_PATHS:
                        continue
                    if not exists(root, base, p):
                        print("%s:%d: missing %s" % (os.path.relpath(path, root), n, p))
                        missing += 1
    print("%d file(s) checked, %d missing path(s)" % (len(files), missing))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
