#!/usr/bin/env python3
"""Fault sweep of `tinytb recv`: damage a captured stream, receive it, check records and counters.

    recv_fault_sweep.py --tinytb BUILD/tinytb --capture SHORT.bin [--random CAPTURE.bin --trials N]
                        [--seed S] [--every-kind drop,dup,flip,insert] --out DIR

Written apart from the receiver (tools/tinytb/recv_stream.cc): it reads the wire format from
docs/streaming.md with its own parser and CRC-32C. Two parts:

  every position   of the short capture, one byte dropped, duplicated, bit-flipped or inserted
                   (each kind at each position: 4 x size runs). What the damage does is known
                   exactly, so every counter is checked: frames_lost, crc_failures, resyncs,
                   bytes_skipped, duplicates, records_dropped, and the records themselves.
  random           ranges dropped, duplicated, flipped or inserted at random places of a longer
                   capture (several at once). Checked: every record that no damaged frame
                   carries arrives exactly; nothing else arrives except the board's own records
                   (each at most once, in order) and recv's counters (tinytb_recv/*).

A frame is damaged when a byte inside it changes or goes, or a byte is added strictly inside
it; bytes added between two frames damage none. Prints one line per failure and a final
"N passed, M failed" line (N counts damaged streams received).
"""

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tensorboard"))
from wire import crc32c, masked_crc32c  # noqa: E402  (the one CRC-32C of the python tests)

MARKER = b"\xe7\x5a"
HEADER, TRAILER = 18, 4
OPEN, DATA = 1, 2
RECV_TAG = b"tinytb_recv/"


class Frame:
    def __init__(self, start, kind, session, seq, payload):
        self.start, self.kind, self.session, self.seq, self.payload = start, kind, session, seq, payload
        self.end = start + HEADER + len(payload) + TRAILER


def read_frames(data):
    frames, pos = [], 0
    while pos < len(data):
        version, kind, length, session, seq, hcrc = struct.unpack_from("<BBHIII", data, pos + 2)
        assert data[pos:pos + 2] == MARKER and crc32c(data[pos:pos + 14]) == hcrc and version == 1, pos
        payload = data[pos + HEADER:pos + HEADER + length]
        assert struct.unpack_from("<I", data, pos + HEADER + length)[0] == crc32c(payload), pos
        frames.append(Frame(pos, kind, session, seq, payload))
        pos = frames[-1].end
    return frames


def read_records(blob):
    """TFRecords of a byte string that holds whole ones back to back; (start, end, bytes)."""
    out, pos = [], 0
    while pos < len(blob):
        (length,) = struct.unpack_from("<Q", blob, pos)
        assert masked_crc32c(blob[pos:pos + 8]) == struct.unpack_from("<I", blob, pos + 8)[0]
        end = pos + 12 + length + 4
        out.append((pos, end, blob[pos:end]))
        pos = end
    return out


class Capture:
    """The frames of an undamaged capture and, per record, the frames that carry it."""

    def __init__(self, data):
        self.data = data
        self.frames = read_frames(data)
        self.records = []  # (bytes, set of frame indexes, index of the frame its first byte is in)
        # The data bytes of each file, with the frame of every byte, then the records in them.
        files, current = [], None
        for i, f in enumerate(self.frames):
            if f.kind == OPEN or current is None:
                current = {"bytes": bytearray(), "owner": []}
                files.append(current)
            if f.kind == DATA:
                current["bytes"] += f.payload
                current["owner"] += [i] * len(f.payload)
        for fl in files:
            for start, end, rec in read_records(bytes(fl["bytes"])):
                self.records.append((rec, set(fl["owner"][start:end]), fl["owner"][start]))

    def frame_at(self, pos):
        for i, f in enumerate(self.frames):
            if f.start <= pos < f.end:
                return i
        return None


def received_records(out_dir):
    board, own = [], 0
    for root, _, names in sorted(os.walk(out_dir)):
        for name in sorted(names):
            if "tfevents" not in name:
                continue
            with open(os.path.join(root, name), "rb") as fh:
                for _, _, rec in read_records(fh.read()):
                    if RECV_TAG in rec:
                        own += 1
                    else:
                        board.append(rec)
    return board, own


def run_recv(tinytb, stream, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    path = os.path.join(work, "in.bin")
    with open(path, "wb") as fh:
        fh.write(stream)
    stats = os.path.join(work, "stats.json")
    proc = subprocess.run([tinytb, "recv", "--quiet", "--file", path, "--stats-json", stats, os.path.join(work, "logs")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if proc.returncode != 0:
        return None, None, "exit %d: %s" % (proc.returncode, proc.stderr.decode(errors="replace")[-300:])
    with open(stats) as fh:
        counters = json.load(fh)["links"][0]
    records, _ = received_records(os.path.join(work, "logs"))
    return records, counters, None


def check_records(cap, damaged_frames, got):
    """Untouched records all there, exact; nothing that is not a record of the board; order kept."""
    originals = [r for r, _, _ in cap.records]
    want = [r for r, carriers, _ in cap.records if not (carriers & damaged_frames)]
    k = 0
    for rec in got:
        while k < len(originals) and originals[k] != rec:
            k += 1
        if k == len(originals):
            return "a record that the board did not write (or out of order, or twice)"
        k += 1
    missing = [r for r in want if r not in got]
    if missing:
        return "%d untouched records missing" % len(missing)
    return None


# ---- every position, one byte -------------------------------------------------------------------

def expected_one_byte(cap, kind, pos):
    """The damaged stream, the damaged frames and the counters the damage must give."""
    d = cap.data
    if kind == "drop":
        stream, added = d[:pos] + d[pos + 1:], -1
    elif kind == "flip":
        stream, added = d[:pos] + bytes([d[pos] ^ 0x04]) + d[pos + 1:], 0
    elif kind == "insert":  # a zero byte before d[pos]
        stream, added = d[:pos] + b"\x00" + d[pos:], 1
    else:  # dup: d[pos] twice
        stream, added = d[:pos + 1] + d[pos:], 1
    # A frame is intact when its bytes are still there, where they were or shifted by the
    # edit (a byte added next to an equal one, or inside a run of zeros, may leave it whole).
    intact, damaged = [], set()
    for i, f in enumerate(cap.frames):
        fb = d[f.start:f.end]
        if f.end <= pos and stream[f.start:f.end] == fb:
            intact.append((f.start, f.end, i))
        elif f.start > pos and stream[f.start + added:f.end + added] == fb:
            intact.append((f.start + added, f.end + added, i))
        elif stream[f.start:f.end] == fb:
            intact.append((f.start, f.end, i))
        elif stream[f.start + added:f.end + added] == fb:
            intact.append((f.start + added, f.end + added, i))
        else:
            damaged.add(i)
    exp = {"duplicates": 0}
    exp["bytes_skipped"] = len(stream) - sum(e - s for s, e, _ in intact)
    resyncs, at = 0, 0
    for s, e, _ in intact:
        resyncs += s > at
        at = e
    exp["resyncs"] = resyncs
    last_intact = intact[-1][2] if intact else -1
    exp["frames_lost"] = sum(1 for i in damaged if i < last_intact)
    dropped = 0
    for v in damaged:
        if v < last_intact and any(first < v and v in carriers for _, carriers, first in cap.records):
            dropped += 1
    exp["records_dropped"] = dropped
    if kind == "flip" and damaged:
        f = cap.frames[min(damaged)]
        exp["crc_failures"] = 0 if pos < f.start + HEADER else 1
    return stream, damaged, exp


def sweep_every_position(args, cap, work):
    cases = [(kind, pos) for kind in args.every_kind.split(",") for pos in range(len(cap.data))]

    def one(index):
        kind, pos = cases[index]
        stream, damaged, exp = expected_one_byte(cap, kind, pos)
        got, counters, error = run_recv(args.tinytb, stream, "%s-%d" % (work, index % args.jobs))
        if error is None:
            error = check_records(cap, damaged, got)
        if error is None:
            bad = ["%s %d != %d" % (k, counters[k], v) for k, v in exp.items() if counters[k] != v]
            if bad:
                error = ", ".join(bad)
        return None if error is None else "FAIL %s at %d: %s" % (kind, pos, error)

    passed, failed = 0, 0
    # One worker per job slot; slot i only ever runs cases i, i + jobs, ... so work dirs never clash.
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for slot_results in pool.map(lambda slot: [one(i) for i in range(slot, len(cases), args.jobs)],
                                     range(args.jobs)):
            for error in slot_results:
                if error is None:
                    passed += 1
                else:
                    failed += 1
                    if failed <= 30:
                        print(error)
    return passed, failed


# ---- random damage ------------------------------------------------------------------------------

def damage_random(cap, rng):
    """2-4 random damages of random kinds; the stream and the set of damaged frames."""
    data = bytearray(cap.data)
    # Positions are chosen in the original, applied from the back so earlier ones stay valid.
    edits = []
    for _ in range(rng.randint(2, 4)):
        kind = rng.choice(["drop", "dup", "flip", "insert"])
        pos = rng.randrange(len(data))
        n = rng.choice([1, 2, 5, 40, 300])
        edits.append((pos, kind, n))
    damaged = set()
    for pos, kind, n in sorted(edits, reverse=True):
        end = min(pos + n, len(cap.data))
        if kind in ("drop", "flip"):
            for p in range(pos, end):
                fi = cap.frame_at(p)
                if fi is not None:
                    damaged.add(fi)
            if kind == "drop":
                del data[pos:end]
            else:
                for p in range(pos, end):
                    data[p] ^= 1 << rng.randrange(8)
        else:
            added = bytes(cap.data[pos:end]) if kind == "dup" else bytes(rng.randrange(256) for _ in range(n))
            at = end if kind == "dup" else pos
            fi = cap.frame_at(at) if at < len(cap.data) else None
            if fi is not None and cap.frames[fi].start != at:
                damaged.add(fi)
            data[at:at] = added
    return bytes(data), damaged


def sweep_random(args, cap, work):
    rng = random.Random(args.seed)
    passed, failed = 0, 0
    for trial in range(args.trials):
        stream, damaged = damage_random(cap, rng)
        got, counters, error = run_recv(args.tinytb, stream, work)
        if error is None:
            error = check_records(cap, damaged, got)
        if error is None and counters["frames_lost"] + counters["crc_failures"] == 0 and damaged:
            last = len(cap.frames) - 1
            if damaged - {last}:
                error = "damage to frames %s went unnoticed" % sorted(damaged)
        if error is None:
            passed += 1
        else:
            failed += 1
            print("FAIL random trial %d (seed %d): %s" % (trial, args.seed, error))
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tinytb", required=True)
    ap.add_argument("--capture", required=True, help="short capture: every position, every kind")
    ap.add_argument("--every-kind", default="drop,dup,flip,insert")
    ap.add_argument("--random", help="capture for the random trials (default: --capture)")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # The receiver fsyncs on every sync frame and file end: on tmpfs that costs nothing, and
    # thousands of receptions fit the time a test may take.
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else args.out
    work_root = tempfile.mkdtemp(prefix="tinytb-recv-sweep.", dir=scratch)
    try:
        return sweep(args, os.path.join(work_root, "w"))
    finally:
        shutil.rmtree(work_root, ignore_errors=True)


def sweep(args, work):
    with open(args.capture, "rb") as fh:
        short = Capture(fh.read())
    # The undamaged capture first: everything arrives, nothing is counted.
    got, counters, error = run_recv(args.tinytb, short.data, work)
    if error or got != [r for r, _, _ in short.records] or counters["bytes_skipped"] or counters["frames_lost"]:
        print("FAIL: the undamaged capture is not received whole: %s" % (error or counters))
        print("0 passed, 1 failed")
        return 1
    p1, f1 = sweep_every_position(args, short, work)
    print("every position: %d frames, %d records, %d bytes x %s: %d passed, %d failed" %
          (len(short.frames), len(short.records), len(short.data), args.every_kind, p1, f1))
    with open(args.random or args.capture, "rb") as fh:
        long_cap = Capture(fh.read())
    p2, f2 = sweep_random(args, long_cap, work)
    print("random: %d frames, %d records, %d trials: %d passed, %d failed" %
          (len(long_cap.frames), len(long_cap.records), args.trials, p2, f2))
    print("%d passed, %d failed" % (p1 + p2, f1 + f2))
    return 0 if f1 + f2 == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
