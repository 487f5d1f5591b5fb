#!/usr/bin/env python3
"""A byte stream captured from the Cortex-M4F streaming firmware, damaged, then received.

    capture_damage.py --tinytb BUILD/tinytb --capture BUILD/stream-capture/short.bin \\
        [--trials 60] [--seed 17] --out DIR

The capture is what the firmware (examples/cortex_m, TINYTB_FW_STREAM) sent on UART0 under QEMU
(tests/target/stream_capture.sh). This script is written apart from the receiver: it reads the
frames with its own parser of the wire format (docs/streaming.md, "Wire format") and its own
CRC-32C, finds every TFRecord in the data frames and which frames carry its bytes, then damages
copies of the capture (bytes dropped, duplicated, bit-flipped, inserted; a frame dropped or
repeated whole) and runs `tinytb recv --file` on each. Checks, per damaged copy:

  exact       every record that no damaged frame carries is in recv's output, byte for byte
  clean       every record recv wrote is one of the firmware's, written once, in the board's
              order; the only others are recv's own counter scalars (tinytb_recv/*)
  exit        recv exits 0 (damage on the link is not an error of the receiver)
  counters    (--stats-json) its record count is what it wrote; an undamaged stream counts no damage;
              a damaged frame shows as a lost frame, a CRC failure or skipped bytes; a frame
              repeated whole as a duplicate

A damaged frame is one with a byte changed, dropped or added strictly inside it; bytes
inserted between two frames, and a whole frame repeated, damage none. The first trial is the
capture undamaged (every record must arrive). Prints one line per trial, then "N passed, M failed".
"""

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys

MARKER = b"\xe7\x5a"
HEADER = 18
TRAILER = 4
TYPE_OPEN, TYPE_DATA = 1, 2
RECV_TAG_PREFIX = b"tinytb_recv/"


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


class Frame:
    def __init__(self, start, kind, session, sequence, payload):
        self.start, self.kind, self.session, self.sequence, self.payload = start, kind, session, sequence, payload
        self.end = start + HEADER + len(payload) + TRAILER


def read_frames(data):
    """The frames of an undamaged capture, back to back; raises ValueError otherwise."""
    frames, pos = [], 0
    while pos < len(data):
        head = data[pos:pos + HEADER]
        if len(head) < HEADER or head[:2] != MARKER:
            raise ValueError("no frame at byte %d" % pos)
        version, kind, length, session, sequence, head_crc = struct.unpack_from("<BBHIII", head, 2)
        if crc32c(head[:14]) != head_crc or version != 1:
            raise ValueError("bad frame header at byte %d" % pos)
        payload = data[pos + HEADER:pos + HEADER + length]
        trailer, = struct.unpack_from("<I", data, pos + HEADER + length)
        if crc32c(payload) != trailer:
            raise ValueError("bad payload CRC in the frame at byte %d" % pos)
        frames.append(Frame(pos, kind, session, sequence, payload))
        pos += HEADER + length + TRAILER
    return frames


def split_records(data):
    """TFRecords of a byte string: [(start, end)], checked; raises ValueError on a bad one."""
    spans, pos = [], 0
    while pos < len(data):
        length, length_crc = struct.unpack_from("<QI", data, pos)
        if masked_crc(data[pos:pos + 8]) != length_crc:
            raise ValueError("bad record length CRC at data byte %d" % pos)
        end = pos + 12 + length + 4
        body_crc, = struct.unpack_from("<I", data, pos + 12 + length)
        if masked_crc(data[pos + 12:pos + 12 + length]) != body_crc:
            raise ValueError("bad record CRC at data byte %d" % pos)
        spans.append((pos, end))
        pos = end
    return spans


def records_with_frames(frames):
    """Every record the data frames carry: [(record bytes, set of frame indexes)]."""
    out, data, owner = [], bytearray(), []

    def flush():
        for start, end in split_records(bytes(data)):
            out.append((bytes(data[start:end]), set(owner[start:end])))

    for index, frame in enumerate(frames):
        if frame.kind == TYPE_OPEN:
            flush()
            data, owner = bytearray(), []
        elif frame.kind == TYPE_DATA:
            data += frame.payload
            owner += [index] * len(frame.payload)
    flush()
    return out


def frame_at(frames, position):
    """Index of the frame holding byte `position`."""
    lo, hi = 0, len(frames) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if frames[mid].start <= position:
            lo = mid
        else:
            hi = mid - 1
    return lo


def inside(frames, position):
    """Index of the frame an insertion before byte `position` lands strictly inside, or None."""
    if position <= 0 or position >= frames[-1].end:
        return None
    k = frame_at(frames, position)
    return None if frames[k].start == position else k


# ---- damage: each returns (start, end, replacement, damaged frame indexes, description): the
# original bytes [start, end) become `replacement`.

def drop(data, frames, rng):
    p = rng.randrange(len(data))
    n = min(rng.randint(1, 8), len(data) - p)
    return p, p + n, b"", {frame_at(frames, q) for q in range(p, p + n)}, "drop %d at %d" % (n, p)


def flip(data, frames, rng):
    p, bit = rng.randrange(len(data)), 1 << rng.randrange(8)
    return p, p + 1, bytes([data[p] ^ bit]), {frame_at(frames, p)}, "flip bit %#x at %d" % (bit, p)


def insert(data, frames, rng):
    p, n = rng.randrange(len(data) + 1), rng.randint(1, 40)
    junk = bytes(rng.randrange(256) for _ in range(n))
    if rng.random() < 0.3:  # a false start: the marker, then junk
        junk = MARKER + junk
    k = inside(frames, p)
    return p, p, junk, set() if k is None else {k}, "insert %d at %d" % (len(junk), p)


def duplicate(data, frames, rng):
    p = rng.randrange(len(data))
    n = min(rng.randint(1, 64), len(data) - p)
    k = inside(frames, p + n)
    return p + n, p + n, data[p:p + n], set() if k is None else {k}, "duplicate %d at %d" % (n, p)


def drop_frame(data, frames, rng):
    k = rng.randrange(len(frames))
    f = frames[k]
    return f.start, f.end, b"", {k}, "drop frame %d (type %d)" % (k, f.kind)


def repeat_frame(data, frames, rng):
    k = rng.randrange(len(frames))
    f = frames[k]
    return f.end, f.end, data[f.start:f.end], set(), "repeat frame %d (type %d)" % (k, f.kind)


DAMAGE = [drop, flip, insert, duplicate, drop_frame, repeat_frame]


def damage(data, frames, rng, count):
    """Up to `count` damages at once, at separate places of the original (one that would
    touch the span of an earlier pick is left out, so each frame's fate is clear)."""
    picks = []
    for _ in range(count):
        start, end, replacement, hit, note = rng.choice(DAMAGE)(data, frames, rng)
        if any(start <= e and s <= end for s, e, _, _, _ in picks):
            continue
        picks.append((start, end, replacement, hit, note))
    picks.sort(key=lambda pick: pick[0])
    out, last, hits = bytearray(), 0, set()
    for start, end, replacement, hit, _ in picks:
        out += data[last:start] + replacement
        last = end
        hits |= hit
    out += data[last:]
    return bytes(out), hits, [pick[4] for pick in picks]


def read_output_records(directory):
    """Every record in every event file under `directory`, in file-name order per run."""
    records = []
    for root, _dirs, files in sorted(os.walk(directory)):
        for name in sorted(files):
            if "tfevents" not in name:
                continue
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            try:
                spans = split_records(data)
            except (ValueError, struct.error) as e:
                raise ValueError("%s: %s" % (name, e))
            records += [data[s:e] for s, e in spans]
    return records


def _fields(data):
    """Protocol-buffer fields of `data`: [(number, wire type, value)]; raises ValueError."""
    fields, pos = [], 0

    def varint():
        nonlocal pos
        value, shift = 0, 0
        while True:
            if pos >= len(data) or shift > 63:
                raise ValueError("bad varint")
            b = data[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    while pos < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            fields.append((number, wire, varint()))
        elif wire == 1:
            fields.append((number, wire, data[pos:pos + 8]))
            pos += 8
        elif wire == 2:
            n = varint()
            fields.append((number, wire, data[pos:pos + n]))
            pos += n
        elif wire == 5:
            fields.append((number, wire, data[pos:pos + 4]))
            pos += 4
        else:
            raise ValueError("wire type %d" % wire)
        if pos > len(data):
            raise ValueError("field runs past the end")
    return fields


def is_recv_scalar(record):
    """recv's own counters: an Event (summary = 5) whose every Summary.Value (1) has a tag (1)
    under tinytb_recv/."""
    try:
        summaries = [v for n, w, v in _fields(record[12:-4]) if n == 5 and w == 2]
        values = [v for s in summaries for n, w, v in _fields(s) if n == 1 and w == 2]
        tags = [t for v in values for n, w, t in _fields(v) if n == 1 and w == 2]
    except ValueError:
        return False
    return bool(tags) and all(t.startswith(RECV_TAG_PREFIX) for t in tags)


def run_trial(args, name, data, expected, hits, notes):
    """expected: [(record, must_arrive)] in board order; hits: the damaged frames. Returns a list of errors."""
    trial_dir = os.path.join(args.out, name)
    shutil.rmtree(trial_dir, ignore_errors=True)
    os.makedirs(trial_dir)
    path = os.path.join(trial_dir, "link.bin")
    with open(path, "wb") as f:
        f.write(data)
    logdir = os.path.join(trial_dir, "logs")
    stats_path = os.path.join(trial_dir, "stats.json")
    run = subprocess.run([args.tinytb, "recv", "--quiet", "--stats-json", stats_path, "--file", path, logdir],
                         capture_output=True, text=True, timeout=60, check=False)
    errors = []
    if run.returncode != 0:
        errors.append("recv exited %d: %s" % (run.returncode, run.stderr.strip()[-300:]))
    try:
        with open(stats_path, encoding="utf-8") as f:
            stats = json.load(f)["links"][0]
    except (OSError, ValueError, KeyError, IndexError) as e:
        errors.append("no --stats-json: %s" % e)
        stats = None
    try:
        got = read_output_records(logdir)
    except ValueError as e:
        return errors + ["an output file is not whole records: %s" % e]
    board = [r for r in got if not is_recv_scalar(r)]
    index = {}
    for i, (record, _) in enumerate(expected):
        index.setdefault(record, []).append(i)
    positions, used = [], set()
    for r in board:
        candidates = [i for i in index.get(r, []) if i not in used]
        if not candidates:
            errors.append("recv wrote a record (%d bytes) the firmware never sent, or sent it fewer times" % len(r))
            continue
        used.add(candidates[0])
        positions.append(candidates[0])
    if positions != sorted(positions):
        errors.append("records written out of the board's order")
    missing = [i for i, (_, must) in enumerate(expected) if must and i not in used]
    if missing:
        errors.append("untouched records missing: %s (%d in all)" % (missing[:10], len(missing)))
    # The counters, where the damage decides them without knowing the receiver's policy.
    if stats is not None:
        noticed = stats["frames_lost"] + stats["crc_failures"] + stats["bytes_skipped"]
        if stats["records"] != len(board):
            errors.append("recv counts %d records, wrote %d" % (stats["records"], len(board)))
        if not notes and (noticed or stats["duplicates"] or stats["resyncs"] or stats["records_dropped"]):
            errors.append("damage counted on an undamaged stream: %s" % stats)
        # The last frame dropped whole leaves no trace: nothing follows whose sequence would show the gap.
        last = "drop frame %d " % args.last_frame
        detectable = hits - ({args.last_frame} if any(n.startswith(last) for n in notes) else set())
        if detectable and not noticed:
            errors.append("frames %s damaged, but no lost frame, CRC failure or skipped byte counted" %
                          sorted(detectable))
        # A repeated frame whose original is damaged is the first good copy, not a duplicate.
        repeated = [int(n.split()[2]) for n in notes if n.startswith("repeat frame")]
        if any(k not in hits for k in repeated) and not stats["duplicates"]:
            errors.append("a frame repeated whole, but no duplicate counted")
    if not errors:
        shutil.rmtree(trial_dir)  # keep only what failed
    return errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tinytb", required=True)
    parser.add_argument("--capture", required=True)
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    with open(args.capture, "rb") as f:
        data = f.read()
    passed = failed = 0
    try:
        frames = read_frames(data)
        records = records_with_frames(frames)
    except (ValueError, struct.error) as e:
        print("FAIL capture: %s" % e)
        print("0 passed, 1 failed")
        return 1
    print("capture: %d bytes, %d frames, %d records, session %d" % (
        len(data), len(frames), len(records), frames[0].session))
    if len(records) < 3 or any(f.session != frames[0].session for f in frames):
        print("FAIL capture: expected one session with records")
        print("0 passed, 1 failed")
        return 1

    args.last_frame = len(frames) - 1
    rng = random.Random(args.seed)
    for trial in range(args.trials + 1):
        if trial == 0:
            damaged, hits, notes = data, set(), []
        else:
            damaged, hits, notes = damage(data, frames, rng, rng.choice([1, 1, 2, 3]))
        expected = [(r, not (owners & hits)) for r, owners in records]
        errors = run_trial(args, "trial-%03d" % trial, damaged, expected, hits, notes)
        untouched = sum(1 for _, must in expected if must)
        label = "trial %d: %s (%d of %d records untouched)" % (
            trial, "; ".join(notes) or "undamaged", untouched, len(records))
        if errors:
            failed += 1
            print("FAIL " + label)
            for e in errors:
                print("     " + e)
        else:
            passed += 1
            print("PASS " + label)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
