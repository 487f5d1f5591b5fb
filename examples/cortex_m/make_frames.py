#!/usr/bin/env python3
"""tinytb Cortex-M firmware: the camera's recorded frames, as C++ arrays for flash.

    make_frames.py --data DIR --out DIR

Reads two real pictures from DIR (the project's shared data) and writes into --out:
  frames.cc           the arrays the firmware compiles in (camera.h declares them)
  person_96x96.gray8  the same bytes as files, for the tests that judge what the
  kodim23_160x120.rgb565be   firmware logged (tests/target/firmware_manifest.py)

  person     person_96x96_gray_clean.bmp, the TensorFlow Lite Micro person-detection
             input with its int8 wrap undone (examples/data/SOURCES.md): 96x96 8-bit
             gray (its palette is the identity), rows turned top-down
  color      kodim23_768x512_rgb.png cut to its central 640x480, every 4x4 block
             averaged (rounded) to 160x120, packed RGB565 big-endian, the way an ESP32
             camera driver delivers a QQVGA frame
  vga        the same central 640x480, packed RGB565 big-endian as it is (a VGA frame;
             kodim23_640x480.rgb565be)

Standard library only (the PNG is inflated with zlib), so building firmware needs no
Python packages. Generated files go to the build directory and are never committed.
"""

import argparse
import os
import struct
import sys
import zlib

PERSON = "person_96x96_gray_clean.bmp"


def read_person(path):
    data = open(path, "rb").read()
    if data[:2] != b"BM":
        raise ValueError("%s: not a BMP file" % path)
    offset, = struct.unpack_from("<I", data, 10)
    width, height, planes, bits = struct.unpack_from("<iiHH", data, 18)
    if (width, height, bits) != (96, 96, 8):
        raise ValueError("%s: expected 96x96 8-bit, got %dx%d %d-bit" % (path, width, height, bits))
    palette = data[54:54 + 1024]
    if any(palette[4 * i:4 * i + 3] != bytes([i, i, i]) for i in range(256)):
        raise ValueError("%s: palette is not the identity gray ramp" % path)
    rows = [data[offset + y * 96:offset + (y + 1) * 96] for y in range(96)]
    return b"".join(reversed(rows))  # BMP rows are stored bottom-up


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png_rgb(path):
    """An 8-bit RGB, non-interlaced PNG: (width, height, rows of bytes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG file" % path)
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    if (depth, color, interlace) != (8, 2, 0):
        raise ValueError("%s: expected 8-bit RGB, not interlaced" % path)
    raw = zlib.decompress(b"".join(idat))
    stride = width * 3
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = row[x - 3] if x >= 3 else 0
            c = prev[x - 3] if x >= 3 else 0
            b = prev[x]
            if kind == 1:
                row[x] = (row[x] + a) & 255
            elif kind == 2:
                row[x] = (row[x] + b) & 255
            elif kind == 3:
                row[x] = (row[x] + ((a + b) >> 1)) & 255
            elif kind == 4:
                row[x] = (row[x] + _paeth(a, b, c)) & 255
        rows.append(bytes(row))
        prev = row
    return width, height, rows


def read_vga(path):
    width, height, rows = read_png_rgb(path)
    if (width, height) != (768, 512):
        raise ValueError("%s: expected 768x512" % path)
    out = bytearray()
    for row in rows[16:16 + 480]:
        for x in range(64, 64 + 640):
            r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
            out += struct.pack(">H", (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3))
    return bytes(out)


def read_color(path):
    width, height, rows = read_png_rgb(path)
    if (width, height) != (768, 512):
        raise ValueError("%s: expected 768x512" % path)
    out = bytearray()
    for y in range(120):
        block_rows = rows[16 + 4 * y:16 + 4 * y + 4]
        for x in range(160):
            sums = [0, 0, 0]
            for row in block_rows:
                for dx in range(4):
                    px = (64 + 4 * x + dx) * 3
                    sums[0] += row[px]
                    sums[1] += row[px + 1]
                    sums[2] += row[px + 2]
            r, g, b = ((s + 8) // 16 for s in sums)
            out += struct.pack(">H", (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3))
    return bytes(out)


def c_array(name, data):
    lines = ["alignas(4) const uint8_t %s[%d] = {" % (name, len(data))]
    for i in range(0, len(data), 24):
        lines.append("    " + ", ".join("%d" % v for v in data[i:i + 24]) + ",")
    lines.append("};")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="folder holding the shared pictures")
    parser.add_argument("--out", required=True, help="folder to write into")
    args = parser.parse_args(argv)
    try:
        person = read_person(os.path.join(args.data, PERSON))
        color = read_color(os.path.join(args.data, "kodim23_768x512_rgb.png"))
        vga = read_vga(os.path.join(args.data, "kodim23_768x512_rgb.png"))
    except (OSError, ValueError) as e:
        sys.exit("make_frames.py: %s (pass --data DIR: the folder with the pictures, examples/data in the repository)" % e)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "person_96x96.gray8"), "wb") as f:
        f.write(person)
    with open(os.path.join(args.out, "kodim23_160x120.rgb565be"), "wb") as f:
        f.write(color)
    with open(os.path.join(args.out, "kodim23_640x480.rgb565be"), "wb") as f:
        f.write(vga)
    source = "\n".join([
        "// Generated by examples/cortex_m/make_frames.py from %s and" % PERSON,
        "// kodim23_768x512_rgb.png. Do not edit, do not commit.",
        '#include "camera.h"',
        "",
        "namespace camera {",
        "",
        c_array("kPersonFrame", person),
        "",
        c_array("kColorFrame", color),
        "",
        c_array("kVgaFrame", vga),
        "",
        "}  // namespace camera",
        ""])
    path = os.path.join(args.out, "frames.cc")
    with open(path + ".tmp", "w") as f:
        f.write(source)
    os.replace(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
