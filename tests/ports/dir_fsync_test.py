#!/usr/bin/env python3
"""Every directory made for a run is durable before its data is called synced (issue 18, point 5).

    dir_fsync_test.py --build BUILD --out DIR

A new file's name lives in its directory, and a new directory's name in its parent: both
need an fsync, or a power cut can take a run directory, and the synced file in it, away.
Checked at the system-call level with strace (-y names each descriptor's path): for every
directory a program creates, its parent must be fsynced after the mkdir, and the directory
itself too (it holds the file or the next directory). Two programs: the POSIX sink (the
compat writer, which logs runs into a logdir nested three levels below nothing) and
`tinytb pull` (into a DST that does not exist yet). One PASS/FAIL line per check.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "tensorboard"))

import judge_common  # noqa: E402

REPORT = judge_common.Report(sys.stdout)
check = REPORT.expect


MKDIR = re.compile(r'^(?:\d+ +)?mkdir(?:at)?\((?:AT_FDCWD(?:<[^>]*>)?, )?"([^"]+)", [^)]*\) += 0')
FSYNC = re.compile(r'^(?:\d+ +)?fsync\(\d+<([^>]+)>\) += 0')


def traced(cmd, trace):
    p = subprocess.run(["strace", "-f", "-y", "-qq", "-o", trace, "-e", "trace=mkdir,mkdirat,fsync"] + cmd,
                       capture_output=True, text=True, timeout=300)
    events = []
    if os.path.exists(trace):
        with open(trace) as f:
            for line in f:
                m = MKDIR.match(line)
                if m:
                    events.append(("mkdir", os.path.normpath(m.group(1))))
                    continue
                m = FSYNC.match(line)
                if m:
                    events.append(("fsync", os.path.normpath(m.group(1))))
    return p, events


def unsynced(events, under):
    """Directories created under `under` whose parent or self was not fsynced after the mkdir."""
    missing = []
    for i, (kind, path) in enumerate(events):
        if kind != "mkdir" or not path.startswith(under):
            continue
        later = {p for k, p in events[i + 1:] if k == "fsync"}
        for need in (os.path.dirname(path), path):
            if need not in later:
                missing.append("%s (made by mkdir %s)" % (need, path))
    return missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    out = os.path.abspath(a.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    probe = subprocess.run(["strace", "-qq", "-e", "trace=fsync", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        check("strace-works", False, "strace cannot trace here: %s" % probe.stderr.strip()[-200:])
        REPORT.summary()
        return 1

    # The POSIX sink: a logdir three new levels deep, runs below it.
    logdir = os.path.join(out, "sink", "a", "b", "logs")
    p, events = traced([os.path.join(build, "compat", "compat_writer"), "--logdir", logdir,
                        "--manifest", os.path.join(out, "manifest.json")], os.path.join(out, "sink.trace"))
    made = [e for e in events if e[0] == "mkdir" and e[1].startswith(os.path.join(out, "sink"))]
    check("posix-sink.writes-and-makes-directories", p.returncode == 0 and len(made) >= 4,
          "exit %d, %d mkdirs %s" % (p.returncode, len(made), p.stderr[-300:]))
    missing = unsynced(events, os.path.join(out, "sink"))
    check("posix-sink.every-created-directory-fsynced-in-its-parent", made and not missing, "; ".join(missing[:4]))

    # tinytb pull into a DST that does not exist: DST, then each run directory.
    dst = os.path.join(out, "pull", "x", "dst")
    p, events = traced([os.path.join(build, "tinytb"), "pull", logdir, dst], os.path.join(out, "pull.trace"))
    made = [e for e in events if e[0] == "mkdir" and e[1].startswith(os.path.join(out, "pull"))]
    check("pull.copies-and-makes-directories", p.returncode in (0, 1) and len(made) >= 3,
          "exit %d, %d mkdirs %s %s" % (p.returncode, len(made), p.stdout[-300:], p.stderr[-300:]))
    missing = unsynced(events, os.path.join(out, "pull"))
    check("pull.every-created-directory-fsynced-in-its-parent", made and not missing, "; ".join(missing[:4]))
    REPORT.summary()
    return 0 if REPORT.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
