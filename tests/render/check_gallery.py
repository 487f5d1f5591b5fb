#!/usr/bin/env python3
"""Checks the rendering gallery's PNGs pixel by pixel, independently of tinytb.

The PNGs are decoded with Pillow (not lodepng), the inputs are read from examples/data with
Pillow too, and every position comes from docs/rendering.md's layout rules, worked out
again here. Prints one line per check and "N passed, M failed" last.

    python3 tests/render/check_gallery.py --gallery build/render-gallery --data examples/data
"""
import argparse
import math
import os
import sys

from PIL import Image

PERSON = "person_96x96_gray_clean.bmp"  # the TFLM frame, its int8 wrap undone (examples/data/SOURCES.md)
TAB10 = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf]
# ColorBrewer Blues, 9 classes, as published (colorbrewer2.org).
BLUES = ["f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c", "08306b"]


def hex_rgb(h):
    h = int(h, 16) if isinstance(h, str) else h
    return (h >> 16 & 255, h >> 8 & 255, h & 255)


def blues(level):
    """Blues at 0..255: the 9 published colours evenly spaced, straight lines between,
    each channel rounded half away from zero (docs/rendering.md)."""
    pos = level * 8 / 255
    i = min(int(pos), 7)
    f = pos - i
    a, b = hex_rgb(BLUES[i]), hex_rgb(BLUES[i + 1])
    out = []
    for x, y in zip(a, b):
        v = x + (y - x) * f
        out.append(int(math.floor(v + 0.5)) if y >= x else int(math.ceil(v - 0.5)))
    return tuple(out)


def text_width(s, scale=1):
    return (6 * len(s) - 1) * scale if s else 0


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, errors):
        errors = [e for e in errors if e]
        if errors:
            self.failed += 1
            print("FAIL %s: %s" % (name, "; ".join(errors[:3])))
        else:
            self.passed += 1
            print("PASS %s" % name)


def rgb(im):
    return im.convert("RGB")


def compare_block(img, x0, y0, src, zoom, name):
    """img's region at (x0, y0) must be src (an L or RGB image) scaled by `zoom` exactly."""
    errors = []
    src = src.convert("RGB")
    for y in range(src.height * zoom):
        for x in range(src.width * zoom):
            want = src.getpixel((x // zoom, y // zoom))
            got = img.getpixel((x0 + x, y0 + y))
            if got != want:
                errors.append("%s (%d,%d): %s, want %s" % (name, x, y, got, want))
                if len(errors) > 3:
                    return errors
    return errors


def mnist_grid(c, gallery, data):
    img = rgb(Image.open(os.path.join(gallery, "grid_mnist.png")))
    # 5 columns, zoom 2 (56 px cells), gap 4, margin 6, labels: 2 + 9 px under each cell.
    cell, gap, margin, band = 56, 4, 6, 11
    c.check("grid_mnist.size", [] if img.size == (2 * margin + 5 * cell + 4 * gap,
                                                  2 * margin + 5 * (cell + band) + 4 * gap) else ["size %s" % (img.size,)])
    for d in range(5):
        digit = Image.open(os.path.join(data, "mnist_sample%d.png" % d)).convert("L")
        x0 = margin + d * (cell + gap)
        c.check("grid_mnist.digit%d" % d, compare_block(img, x0, margin, digit, 2, "row 0"))
        flipped = digit.transpose(Image.FLIP_LEFT_RIGHT)
        c.check("grid_mnist.digit%d-flipped" % d,
                compare_block(img, x0, margin + 3 * (cell + band + gap), flipped, 2, "row 3"))


def frame_panels(c, gallery, data):
    bmp = Image.open(os.path.join(data, PERSON)).convert("L")
    img = rgb(Image.open(os.path.join(gallery, "concat_frame.png")))
    # Titles "frame" and "crop x2" (9 + 3 px band), extent 192, gap 4, margin 4.
    c.check("concat_frame.size", [] if img.size == (4 + 192 + 4 + 192 + 4, 4 + 12 + 192 + 4) else
            ["size %s" % (img.size,)])
    c.check("concat_frame.frame", compare_block(img, 4, 16, bmp, 2, "frame"))
    c.check("concat_frame.crop", compare_block(img, 4 + 192 + 4, 16, bmp.crop((24, 0, 72, 48)), 4, "crop"))


def detections(c, gallery, data):
    bmp = Image.open(os.path.join(data, PERSON)).convert("RGB")
    img = rgb(Image.open(os.path.join(gallery, "detections.png")))
    orange = hex_rgb(TAB10[1])
    errors = []
    # The person box (24, 6, 48, 90) at zoom 2 is (48, 12, 96, 180), 2 px frame inside it.
    for y in range(40, 180):
        for x in (48, 49, 142, 143):
            if img.getpixel((x, y)) != orange:
                errors.append("edge (%d,%d) %s" % (x, y, img.getpixel((x, y))))
    for x in range(60, 140):
        for y in (190, 191):
            if img.getpixel((x, y)) != orange:
                errors.append("edge (%d,%d) %s" % (x, y, img.getpixel((x, y))))
    c.check("detections.person-box-edges", errors)
    # Away from boxes, tags and the mask, the frame is the BMP at 2x.
    errors = []
    for (x, y) in ((180, 150), (170, 60), (10, 120), (150, 185)):
        want = bmp.getpixel((x // 2, y // 2))
        if img.getpixel((x, y)) != want:
            errors.append("(%d,%d) %s, want %s" % (x, y, img.getpixel((x, y)), want))
    c.check("detections.frame-underneath", errors)
    # The mask stays in the person's box: outside the boxes and the tags above them, every
    # pixel is the frame's. Boxes (frame pixels) and tags as gallery.cc draws them at zoom 2.
    boxes = [((24, 6, 48, 90), "person 0.87"), ((38, 10, 20, 26), "person 0.41"), ((2, 4, 18, 30), "light 0.66")]
    covered = []
    for (x, y, w, h), tag in boxes:
        tag_w, tag_h = text_width(tag) + 2, 11
        covered.append((2 * x, max(0, 2 * y - tag_h), 2 * x + max(2 * w, tag_w), 2 * (y + h)))
    errors = []
    for y in range(img.height):
        for x in range(img.width):
            if any(x0 <= x < x1 and y0 <= y < y1 for x0, y0, x1, y1 in covered):
                continue
            want = bmp.getpixel((x // 2, y // 2))
            if img.getpixel((x, y)) != want:
                errors.append("(%d,%d) %s, want %s" % (x, y, img.getpixel((x, y)), want))
    c.check("detections.mask-inside-its-box", errors)


def confusion_matrix(c, gallery):
    img = rgb(Image.open(os.path.join(gallery, "confusion_matrix.png")))
    names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
             "Ankle boot"]
    counts = [812, 2, 14, 38, 5, 1, 118, 0, 10, 0, 3, 962, 2, 24, 5, 0, 2, 0, 2, 0, 16, 1, 771, 10, 112, 0, 86, 0,
              4, 0, 25, 9, 11, 882, 36, 0, 33, 0, 4, 0, 1, 1, 96, 32, 806, 0, 61, 0, 3, 0, 0, 0, 0, 1, 0, 954, 0,
              31, 2, 12, 142, 2, 98, 34, 87, 0, 622, 0, 15, 0, 0, 0, 0, 0, 0, 21, 0, 951, 0, 28, 4, 1, 4, 6, 3, 3,
              9, 5, 965, 0, 0, 0, 0, 0, 0, 9, 1, 37, 0, 953]
    n, s = 10, 1
    cell = max(text_width("0.00") + 6, 15)
    side = n * cell
    name_w = max(text_width(x) for x in names)
    rotated = name_w > cell - 2
    # The bounding box around the matrix (docs/rendering.md), then 6 px margins.
    x0 = min(-1, -4 - name_w - 4 - 9, (side - text_width("Confusion matrix")) // 2)
    y0 = min(-1, (side - text_width("True label")) // 2, -6 - 9, -3)
    x1 = max(side + 1, side + 8 + 8 + 5 + text_width("1.0"))
    y1 = max(side + 1, side + 4 + (name_w if rotated else 9) + 6 + 9)
    mx, my = 6 - x0, 6 - y0
    c.check("confusion_matrix.size", [] if img.size == (x1 - x0 + 12, y1 - y0 + 12) else
            ["size %s, want %s" % (img.size, (x1 - x0 + 12, y1 - y0 + 12))])
    errors = []
    for t in range(n):
        total = sum(counts[t * n:(t + 1) * n])
        for p in range(n):
            level = int(math.floor(255 * counts[t * n + p] / total + 0.5))
            want = blues(level)
            for (x, y) in ((mx + p * cell, my + t * cell), (mx + p * cell + cell - 1, my + t * cell + cell - 1)):
                if img.getpixel((x, y)) != want:
                    errors.append("cell %d,%d at (%d,%d): %s, want %s" % (t, p, x, y, img.getpixel((x, y)), want))
    c.check("confusion_matrix.cells-shaded-by-row-normalised-value", errors)
    errors = []
    bar_x = mx + side + 8
    if img.getpixel((bar_x, my)) != hex_rgb("08306b"):
        errors.append("bar top %s" % (img.getpixel((bar_x, my)),))
    if img.getpixel((bar_x, my + side - 1)) != hex_rgb("f7fbff"):
        errors.append("bar bottom %s" % (img.getpixel((bar_x, my + side - 1)),))
    if img.getpixel((mx - 1, my - 1)) != (128, 128, 128):
        errors.append("frame %s" % (img.getpixel((mx - 1, my - 1)),))
    c.check("confusion_matrix.color-bar-and-frame", errors)
    # Text in the darkest diagonal cell is white, in a light off-diagonal cell black.
    errors = []
    for (t, p, ink) in ((1, 1, (255, 255, 255)), (1, 0, (0, 0, 0))):
        region = img.crop((mx + p * cell, my + t * cell, mx + (p + 1) * cell, my + (t + 1) * cell))
        colours = {region.getpixel((x, y)) for y in range(region.height) for x in range(region.width)}
        if ink not in colours or len(colours) != 2:
            errors.append("cell %d,%d colours %s" % (t, p, sorted(colours)[:4]))
    c.check("confusion_matrix.text-contrasts", errors)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gallery", required=True)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    c = Checks()
    expected = ["font.png", "colormaps.png", "grid_mnist.png", "grid_mnist_gray.png", "confusion_matrix.png",
                "confusion_matrix_small.png", "feature_maps_int8_viridis.png", "feature_maps_float_diverging.png",
                "detections.png", "concat_photo.png", "concat_frame.png", "concat_vertical.png"]
    missing = [p for p in expected if not os.path.exists(os.path.join(args.gallery, p))]
    c.check("gallery.all-charts-written", ["missing %s" % missing] if missing else [])
    if not missing:
        mnist_grid(c, args.gallery, args.data)
        frame_panels(c, args.gallery, args.data)
        detections(c, args.gallery, args.data)
        confusion_matrix(c, args.gallery)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
