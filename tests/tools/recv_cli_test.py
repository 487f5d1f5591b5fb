#!/usr/bin/env python3
"""`tinytb recv` from the outside: options, exit codes, every source, and TensorBoard watching.

    recv_cli_test.py --build BUILD --out DIR [--no-tensorboard]

Drives BUILD/tinytb and BUILD/stream_source (a board on the host: the real EventWriter and
StreamSink). Reads what recv wrote with its own TFRecord reader (never recv's code) and, last,
through the real TensorBoard's HTTP API (tests/tensorboard/server_check.py) while a paced board
is still streaming: its scalars must be served within seconds of being logged, and, at the
end, every value exactly. Run with the judge's venv. Prints one line per check and
"N passed, M failed".
"""

import argparse
import fcntl
import json
import os
import pty
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tensorboard"))
from wire import crc32c, masked_crc32c  # noqa: E402  (the one CRC-32C of the python tests)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RECV_TAG = b"tinytb_recv/"

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + str(detail)))


def records_of(blob):
    out, pos = [], 0
    while pos < len(blob):
        (n,) = struct.unpack_from("<Q", blob, pos)
        if masked_crc32c(blob[pos:pos + 8]) != struct.unpack_from("<I", blob, pos + 8)[0]:
            raise ValueError("bad record header at %d" % pos)
        rec = blob[pos:pos + 16 + n]
        if masked_crc32c(rec[12:12 + n]) != struct.unpack_from("<I", rec, 12 + n)[0]:
            raise ValueError("bad record payload at %d" % pos)
        out.append(rec)
        pos += 16 + n
    return out


def capture_records(capture):
    """The records inside a capture's data frames (the board's file, per open frame)."""
    files, pos = [], 0
    while pos < len(capture):
        _, kind, length, _, _, _ = struct.unpack_from("<BBHIII", capture, pos + 2)
        payload = capture[pos + 18:pos + 18 + length]
        if kind == 1 or not files:
            files.append(b"")
        if kind == 2:
            files[-1] += payload
        pos += 22 + length
    return [r for f in files for r in records_of(f)]


def written(dir_):
    """{run: [board records]} and the count of recv's own records, from every file under dir_."""
    runs, own = {}, 0
    for root, _, names in sorted(os.walk(dir_)):
        for name in sorted(names):
            if "tfevents" in name:
                with open(os.path.join(root, name), "rb") as fh:
                    for rec in records_of(fh.read()):
                        if RECV_TAG in rec:
                            own += 1
                        else:
                            runs.setdefault(os.path.relpath(root, dir_), []).append(rec)
    return runs, own


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-tensorboard", action="store_true")
    args = ap.parse_args()
    tinytb = os.path.join(args.build, "tinytb")
    source = os.path.join(args.build, "stream_source")
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    # ---- usage and exit codes ----
    p = run([tinytb, "recv", "--help"])
    check("help", p.returncode == 0 and b"examples:" in p.stdout and b"--serial" in p.stdout, p.returncode)
    check("top-level help lists recv", b"recv --serial" in run([tinytb, "--help"]).stdout)
    check("no source: usage", run([tinytb, "recv", out + "/x"]).returncode == 64)
    check("two sources: usage", run([tinytb, "recv", "--file", "-", "--tcp", "127.0.0.1:1", out + "/x"]).returncode == 64)
    check("no DIR: usage", run([tinytb, "recv", "--file", "-"]).returncode == 64)
    check("bad baud: usage", run([tinytb, "recv", "--serial", "/dev/null", "--baud", "12345", out + "/x"]).returncode == 64)
    p = run([tinytb, "recv", "--serial", "/dev/no-such-tty", out + "/x"])
    check("missing device: 66", p.returncode == 66 and b"no-such-tty" in p.stderr, (p.returncode, p.stderr))
    p = run([tinytb, "recv", "--serial", "/dev/null", out + "/x"])
    check("not a tty: 65", p.returncode == 65 and b"not a tty" in p.stderr, (p.returncode, p.stderr))
    p = run([tinytb, "recv", "--file", out + "/missing.bin", out + "/x"])
    check("missing file: 66", p.returncode == 66, p.returncode)
    master, slave = pty.openpty()
    tty_path = os.ttyname(slave)
    holder = os.open(tty_path, os.O_RDWR | os.O_NOCTTY)
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    p = run([tinytb, "recv", "--serial", tty_path, out + "/x"])
    check("serial port in use: 75", p.returncode == 75 and b"in use" in p.stderr, (p.returncode, p.stderr))
    os.close(holder)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    p = run([tinytb, "recv", "--tcp", "127.0.0.1:%d" % busy.getsockname()[1], out + "/x"])
    check("TCP port in use: 75", p.returncode == 75, (p.returncode, p.stderr))
    busy.close()

    # ---- a captured stream: --file and stdin ----
    cap = os.path.join(out, "cap.bin")
    p = run([source, "--out", cap, "--steps", "25", "--reboot", "--board", "filed"])
    check("stream_source", p.returncode == 0, p.stderr)
    with open(cap, "rb") as fh:
        capture = fh.read()
    sent = capture_records(capture)
    for name, cmd, stdin in (("--file", [tinytb, "recv", "--quiet", "--file", cap, out + "/file"], None),
                             ("stdin", [tinytb, "recv", "--quiet", "--file", "-", out + "/stdin"], capture)):
        p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        runs, own = written(cmd[-1])
        ok = p.returncode == 0 and list(runs) == ["filed"] and runs["filed"] == sent and own > 0
        check("%s: every record exact, in run 'filed'" % name, ok, (p.returncode, list(runs), p.stderr[-200:]))
    files = sorted(os.listdir(out + "/file/filed"))
    check("a reboot (new session) is a new file", len(files) == 2, files)

    # ---- a pty as the serial port; Ctrl-C leaves everything synced ----
    recv = subprocess.Popen([tinytb, "recv", "--serial", tty_path, "--baud", "921600", "--stats-json",
                             out + "/pty.json", out + "/pty"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    half = capture[:len(capture) // 2]
    os.write(master, half)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        runs, _ = written(out + "/pty") if os.path.isdir(out + "/pty") else ({}, 0)
        if runs.get("filed"):
            break
        time.sleep(0.05)
    check("serial: records on disk while the link is open", bool(runs.get("filed")), runs.keys())
    recv.send_signal(signal.SIGINT)
    try:
        recv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        recv.kill()
    runs, own = written(out + "/pty")
    got = runs.get("filed", [])
    check("serial: Ctrl-C exits 0", recv.returncode == 0, (recv.returncode, recv.stderr.read()[-300:]))
    check("serial: every whole record sent before Ctrl-C is there", got == sent[:len(got)] and len(got) >= 10 and own > 0,
          (len(got), own))
    os.close(master)
    os.close(slave)

    # ---- TCP: two boards at once, one with images ----
    port = free_port()
    recv = subprocess.Popen([tinytb, "recv", "--quiet", "--tcp", "127.0.0.1:%d" % port, "--connections", "2",
                             "--stats-json", out + "/tcp.json", out + "/tcp"], stderr=subprocess.PIPE)
    boards = [subprocess.Popen([source, "--tcp", "127.0.0.1:%d" % port, "--board", b, "--steps", "15"] + extra,
                               stderr=subprocess.PIPE)
              for b, extra in (("alpha", []), ("beta", ["--images", "--session", "77"]))]
    codes = [b.wait(timeout=60) for b in boards]
    try:
        recv.wait(timeout=30)
    except subprocess.TimeoutExpired:
        recv.kill()
    runs, own = written(out + "/tcp")
    check("tcp: two boards, two runs, recv exits after --connections 2",
          codes == [0, 0] and recv.returncode == 0 and sorted(runs) == ["alpha", "beta"],
          (codes, recv.returncode, sorted(runs)))
    with open(out + "/tcp.json") as fh:
        stats = json.load(fh)["links"]
    lost = sum(l["frames_lost"] + l["crc_failures"] + l["records_dropped"] + l["bytes_skipped"] for l in stats)
    check("tcp: nothing lost, skipped or dropped", lost == 0 and len(stats) == 2, stats)
    check("tcp: the image board's records arrive (PNG images)",
          any(b"\x89PNG" in r for r in runs.get("beta", [])), len(runs.get("beta", [])))

    if not args.no_tensorboard:
        tensorboard_live(tinytb, source, out)
    print("%d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


def tensorboard_live(tinytb, source, out):
    """TensorBoard serves DIR; a paced board streams; scalars appear while it still runs."""
    sys.path.insert(0, os.path.join(REPO, "tests", "tensorboard"))
    import numpy as np
    import server_check

    logdir = out + "/live"
    os.makedirs(logdir)
    server = server_check.Server(logdir)
    port = free_port()
    recv = subprocess.Popen([tinytb, "recv", "--quiet", "--tcp", "127.0.0.1:%d" % port, "--connections", "1",
                             "--stats-json", out + "/live.json", logdir], stderr=subprocess.PIPE)
    board = None
    try:
        # Wait for the server before the board starts, so the timing below is recv's, not TensorBoard's start-up.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                server.get("/data/runs")
                break
            except Exception:  # not up yet
                time.sleep(0.3)
        # 115200 baud: about 11.5 KB/s; scalars and text for 10 s, one step every flush.
        board = subprocess.Popen([source, "--tcp", "127.0.0.1:%d" % port, "--board", "live", "--baud", "115200",
                                  "--seconds", "10", "--queue-records", "1"], stderr=subprocess.PIPE)
        seen, first_seen = [], None
        start = time.monotonic()
        while board.poll() is None and time.monotonic() - start < 30:
            try:
                rows = server.get("/data/plugin/scalars/scalars", run="live", tag="loss")
            except Exception:
                rows = []
            if rows and first_seen is None:
                first_seen = time.monotonic() - start
            seen.append(len(rows))
            time.sleep(0.5)
        still_running = [n for n in seen if n > 0]
        check("tensorboard: 'loss' served while the board still streams (first after %.1f s)" % (first_seen or -1),
              first_seen is not None and first_seen < 8 and len(set(still_running)) >= 3,
              (first_seen, seen[-5:]))
        board.wait(timeout=30)
        steps = json.loads(board.stderr.read().decode().strip().splitlines()[-1])["steps"]
        recv.wait(timeout=30)
        deadline = time.monotonic() + 30
        rows = []
        while time.monotonic() < deadline:
            rows = server.get("/data/plugin/scalars/scalars", run="live", tag="loss")
            if len(rows) == steps:
                break
            time.sleep(0.5)
        want = [(s, float(np.float32(1.0 / (1 + s)))) for s in range(steps)]
        got = [(r[1], float(np.float32(r[2]))) for r in rows]
        check("tensorboard: every 'loss' value exact (%d steps)" % steps, got == want, (len(got), steps))
        tags = server.get("/data/plugin/scalars/tags").get("live", {})
        lost = server.get("/data/plugin/scalars/scalars", run="live", tag="tinytb_recv/frames_lost")
        check("tensorboard: recv's counters are scalars of the run (frames_lost 0)",
              "tinytb_recv/crc_failures" in tags and lost and all(r[2] == 0 for r in lost), (sorted(tags), lost))
        # The board sends no sync frames (the default): recv fsyncs on its own, about once a second
        # while records arrive (10 s), plus the file's end; never once per flush.
        with open(out + "/live.json") as fh:
            fsyncs = json.load(fh)["links"][0]["fsyncs"]
        check("recv fsyncs on its own schedule: %d fsyncs in 10 s, %d flushes" % (fsyncs, steps),
              5 <= fsyncs <= 20, fsyncs)
        # recv's counters never come before the board's file_version record (tinytb check warns then).
        files = [os.path.join(logdir, "live", f) for f in os.listdir(os.path.join(logdir, "live"))]
        p = run([tinytb, "check"] + files)
        check("tinytb check: recv's file is clean, file_version first", p.returncode == 0 and
              b"file_version" not in p.stdout + p.stderr, (p.returncode, (p.stdout + p.stderr)[-300:]))
    finally:
        for p in (board, recv):
            if p is not None and p.poll() is None:
                p.kill()
        errors = server.stop()
        check("tensorboard stopped", not errors, errors)


if __name__ == "__main__":
    sys.exit(main())
