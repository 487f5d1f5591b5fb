#!/usr/bin/env python3
"""Seed corpus for tests/fuzz/scan_fuzz.cc from real event files.

    make_seeds.py OUT_DIR EVENT_FILE...

For each file: its first records (cut at a record boundary under MAX bytes, so the
fuzzer runs fast), and the damage the tool must judge: a cut inside a header, a cut
inside a payload, a zero-filled tail, a cut then zeros, a bit flip in the middle, a
bit flip in the last record, garbage after the end, and a header with a huge length
and a correct CRC. Deterministic: the same inputs make the same seeds.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tensorboard"))
import wire  # noqa: E402  (the compat harness's own CRC-32C, written from scratch)

MAX = 6000


def record_ends(data):
    ends, pos = [], 0
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from("<Q", data, pos)
        if pos + 16 + length > len(data):
            break
        pos += 16 + length
        ends.append(pos)
    return ends


def huge_header(length):
    head = struct.pack("<Q", length)
    return head + struct.pack("<I", wire.masked_crc32c(head))


def variants(data):
    ends = record_ends(data)
    if not ends:
        return {"raw": data[:MAX]}
    keep = max([e for e in ends if e <= MAX] or [ends[0]])
    base = data[:keep]
    starts = [0] + [e for e in ends if e < keep]  # where each record in `base` starts
    last_start = starts[-1]
    mid = starts[len(starts) // 2]
    out = {
        "clean": base,
        "cut-in-header": base + data[keep:keep + 5],
        "cut-in-payload": data[:min(keep + 20, len(data))] if keep + 20 <= len(data) else base[:-3],
        "zero-tail": base + bytes(512),
        "cut-then-zeros": base[:-7] + bytes(300),
        "flip-middle": bytearray(base),
        "flip-last": bytearray(base),
        "garbage-tail": base + bytes((i * 37 + 11) & 0xFF for i in range(64)),
        "huge-length": base + huge_header(1 << 63) + b"\xab" * 40,
    }
    out["flip-middle"][mid + 13] ^= 0x04  # the first payload byte (every record has 16 bytes of framing)
    out["flip-last"][last_start + 13] ^= 0x80
    return {k: bytes(v) for k, v in out.items()}


def main(argv):
    out_dir, files = argv[1], argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    count = 0
    for i, path in enumerate(sorted(files)):
        with open(path, "rb") as f:
            data = f.read()
        for name, blob in variants(data).items():
            with open(os.path.join(out_dir, "%02d-%s" % (i, name)), "wb") as f:
                f.write(blob)
            count += 1
    print("%d seeds from %d files in %s" % (count, len(files), out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
