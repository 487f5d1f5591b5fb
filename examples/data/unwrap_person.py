#!/usr/bin/env python3
"""Undo the int8 wrap in TensorFlow Lite Micro's person.bmp (person_96x96_gray.bmp).

    python3 examples/data/unwrap_person.py            writes person_96x96_gray_clean.bmp
    python3 examples/data/unwrap_person.py --check    exits 1 unless that file is what it writes

What is wrong with the original: TFLM's person-detection test copies the BMP's pixel bytes
straight into the model's int8 input tensor (memcpy into input->data.int8), and the model's
input is quantised as q = pixel - 128. So the file holds the int8 tensor's two's-complement
bytes, (pixel - 128) mod 256, not the pixels. Shown as gray levels, the pixels 0..127
appear at 128..255 and the pixels 128..255 at 0..127: black islands inside the bright
ceiling, white edges around the dark person.

Why this is the wrap and not a picture: (1) the stored histogram has a pile-up at 127 and no
value in 128..138; after the shift that is the sensor's clipping at 255 and its black level
at about 10, as a camera frame has them; (2) neighbouring pixels differ much less after the
shift (checked below: the script refuses if they do not); (3) the shifted frame is a
natural picture: a backlit person under an office ceiling of fluorescent lights.

The fix is the exact inverse, pixel = (byte + 128) mod 256. The output keeps the original's
BMP header and gray palette byte for byte (96x96, 8-bit, bottom-up rows); only the pixel
bytes change. Standard library only.
"""

import argparse
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "person_96x96_gray.bmp")
CLEAN = os.path.join(HERE, "person_96x96_gray_clean.bmp")
SIDE = 96


def pixel_offset(data):
    """The offset of the pixel rows, after checking the BMP is the one this script knows."""
    if data[:2] != b"BM":
        raise ValueError("not a BMP file")
    offset, header = struct.unpack_from("<II", data, 10)
    width, height, _, bits, compression = struct.unpack_from("<iiHHI", data, 18)
    if (width, height, bits, compression) != (SIDE, SIDE, 8, 0):
        raise ValueError("expected a 96x96 8-bit uncompressed bottom-up BMP")
    palette = data[14 + header:14 + header + 1024]
    if any(palette[4 * i:4 * i + 3] != bytes([i, i, i]) for i in range(256)):
        raise ValueError("the palette is not the identity gray ramp")
    if len(data) < offset + SIDE * SIDE:
        raise ValueError("truncated")
    return offset


def roughness(pixels):
    """Mean absolute difference between horizontal and vertical neighbours."""
    total = count = 0
    for y in range(SIDE):
        for x in range(SIDE):
            v = pixels[y * SIDE + x]
            if x + 1 < SIDE:
                total += abs(v - pixels[y * SIDE + x + 1])
                count += 1
            if y + 1 < SIDE:
                total += abs(v - pixels[(y + 1) * SIDE + x])
                count += 1
    return total / count


def unwrap(data):
    offset = pixel_offset(data)
    stored = data[offset:offset + SIDE * SIDE]
    pixels = bytes((b + 128) & 0xFF for b in stored)
    before, after = roughness(stored), roughness(pixels)
    if not after < 0.8 * before:
        raise ValueError("the shift does not make the frame smoother (%.2f -> %.2f): not the int8 wrap"
                         % (before, after))
    return data[:offset] + pixels + data[offset + SIDE * SIDE:], before, after


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args(argv)
    try:
        with open(SOURCE, "rb") as f:
            clean, before, after = unwrap(f.read())
    except (OSError, ValueError) as e:
        sys.exit("unwrap_person.py: %s: %s" % (SOURCE, e))
    if args.check:
        try:
            with open(CLEAN, "rb") as f:
                same = f.read() == clean
        except OSError:
            same = False
        print("%s %s" % (os.path.basename(CLEAN), "matches" if same else "DIFFERS from what unwrap_person.py writes"))
        return 0 if same else 1
    with open(CLEAN + ".tmp", "wb") as f:
        f.write(clean)
    os.replace(CLEAN + ".tmp", CLEAN)
    print("%s: neighbour difference %.2f -> %.2f gray levels" % (os.path.basename(CLEAN), before, after))
    return 0


if __name__ == "__main__":
    sys.exit(main())
