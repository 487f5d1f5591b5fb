#!/usr/bin/env python3
"""Makes tests/tensorboard/data/gradient_48x32.jpg, the JPEG the image tests pass through.

A synthetic picture (colour gradients and a square), baseline JPEG from Pillow, quality
80, 4:2:0: what a camera module's hardware JPEG looks like to tinytb (bytes with a SOF0
header). Run it again only to change the file; the tests read the committed bytes.
"""
import os
import sys

from PIL import Image

W, H = 48, 32


def main():
    img = Image.new("RGB", (W, H))
    px = img.load()
    for y in range(H):
        for x in range(W):
            inside = 14 <= x < 30 and 8 <= y < 24
            px[x, y] = (255, 255, 255) if inside else (x * 255 // (W - 1), y * 255 // (H - 1), 96)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gradient_48x32.jpg")
    img.save(out, "JPEG", quality=80, subsampling=2, optimize=False, progressive=False)
    print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
