#!/usr/bin/env python3
"""The host tool against hostile input that is not bytes in a file (issue 18's audit).

    hostile_test.py --build BUILD --out DIR

`tinytb check` and `repair` given a FIFO (they must refuse it, not wait for a writer),
`repair` given a symbolic link (refused: the file it points to is not cut), tags with
bidirectional-text and other invisible controls (escaped when printed), and `pull` on a
card whose directory and file names hold control characters (sanitised under DST, never
recreated verbatim). Needs only BUILD/tinytb and the test venv's Python (TensorBoard's
protos). One PASS/FAIL line per check, then "N passed, M failed".
"""

import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tensorboard"))

import judge_common  # noqa: E402
import wire  # noqa: E402

from tensorboard.compat.proto import event_pb2  # noqa: E402

TOOL = None
REPORT = judge_common.Report(sys.stdout)
check = REPORT.expect


def tinytb(*args, timeout=20):
    """(exit code, stdout, stderr); exit code None when the tool hung past `timeout`."""
    try:
        p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def event_file(tags, torn=False):
    data = wire.frame_record(event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString())
    for step, tag in enumerate(tags):
        ev = event_pb2.Event(wall_time=2.0 + step, step=step)
        v = ev.summary.value.add(tag=tag)
        v.simple_value = 1.0
        data += wire.frame_record(ev.SerializeToString())
    return data + (b"\x20\x00\x00" if torn else b"")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def test_fifo(work):
    fifo = os.path.join(work, "events.out.tfevents.fifo")
    os.mkfifo(fifo)
    for cmd in ("check", "repair"):
        rc, out, err = tinytb(cmd, fifo, timeout=10)
        check("%s.fifo-refused-not-waited-for" % cmd, rc is not None and rc != 0 and "not a regular file" in err,
              "hung" if rc is None else "exit %s %r %r" % (rc, out[-200:], err[-200:]))
    # A FIFO found in a directory walk is no event file either.
    rc, out, err = tinytb("check", work, timeout=10)
    check("check.fifo-in-a-directory-skipped", rc is not None, "hung")


def test_symlink(work):
    real = os.path.join(work, "real.tfevents")
    data = event_file(["loss"], torn=True)
    write(real, data)
    link = os.path.join(work, "link.tfevents")
    os.symlink(os.path.basename(real), link)  # relative to the link's own folder, as --out may be relative
    rc, out, err = tinytb("repair", link)
    check("repair.symlink-refused", rc != 0 and "symbolic link" in err and os.path.getsize(real) == len(data),
          "exit %s size %d of %d %r %r" % (rc, os.path.getsize(real), len(data), out[-200:], err[-200:]))
    rc, out, err = tinytb("repair", real)
    check("repair.the-file-itself-is-cut", rc == 1 and os.path.getsize(real) == len(data) - 3,
          "exit %s %r" % (rc, out[-200:]))


def test_invisible_controls(work):
    # U+202E (right-to-left override), U+2066 (isolate), U+200F (RLM), U+FEFF, U+E0041 (tag A), C1 CSI.
    tags = ["a\u202eb", "c\u2066d", "e\u200ff", "g\ufeffh", "i\U000e0041j", "k\u009bl"]
    path = os.path.join(work, "bidi.tfevents")
    write(path, event_file(tags))
    rc, out, err = tinytb("check", path)
    raw = [t[1] for t in tags]
    check("check.bidi-and-invisible-controls-escaped",
          rc == 0 and not any(c in out for c in raw) and "a\\xe2\\x80\\xaeb" in out and "i\\xf3\\xa0\\x81\\x81j" in out,
          repr(out[-600:]))
    check("check.ordinary-unicode-kept", "pr\u00e9cision" in tinytb("check", write_plain(work))[1])


def write_plain(work):
    path = os.path.join(work, "plain.tfevents")
    write(path, event_file(["pr\u00e9cision"]))
    return path


def test_pull_names(work):
    card = os.path.join(work, "card")
    dst = os.path.join(work, "dst")
    bad_dir = "run\x1b[2J\u202e"
    bad_name = "events.out.tfevents.0000000001.host\x07\u202e.v2"
    write(os.path.join(card, bad_dir, bad_name), event_file(["loss", "acc"]))
    rc, out, err = tinytb("pull", card, dst)
    names = []
    for root, dirs, files in os.walk(dst):
        names += [os.path.relpath(os.path.join(root, n), dst) for n in dirs + files]
    bad = [n for n in names if any(ord(c) < 0x20 or c in "\x7f\u202e" for c in n)]
    pulled = [n for n in names if "tfevents" in n]
    check("pull.control-characters-in-names-sanitised", rc == 0 and not bad and len(pulled) == 1,
          "exit %s names %r %r %r" % (rc, names, out[-300:], err[-300:]))
    if pulled:
        check("pull.sanitised-name", pulled[0] == "run_[2J___/events.out.tfevents.0000000001.host____.v2", repr(pulled[0]))
    check("pull.output-escaped", "\x1b" not in out and "\u202e" not in out, repr(out[-300:]))


def main():
    global TOOL
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    TOOL = os.path.abspath(os.path.join(a.build, "tinytb"))
    shutil.rmtree(a.out, ignore_errors=True)
    for name, test in (("fifo", test_fifo), ("symlink", test_symlink), ("controls", test_invisible_controls),
                       ("pull", test_pull_names)):
        work = os.path.join(a.out, name)
        os.makedirs(work)
        test(work)
    REPORT.summary()
    return 0 if REPORT.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
