#!/usr/bin/env python3
"""Judges what the ESP32-CAM host twin (esp32_cam_host.cc) logged, with TensorBoard's own
loader (EventAccumulator) and Pillow, against the frames it was given.

Also writes those frames first (--make-inputs): the real person frame of examples/data as
raw gray bytes, and a JPEG of it encoded by Pillow (the ESP32-CAM's sensor would encode it).
Prints "N passed, M failed".
"""
import argparse
import io
import pathlib
import sys

from PIL import Image

results = []


def check(ok, message):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + message)


def make_inputs(data, out):
    frame = Image.open(data / "person_96x96_gray_clean.bmp").convert("L")
    (out / "gray.raw").write_bytes(frame.tobytes())
    frame.convert("RGB").save(out / "frame.jpg", format="JPEG", quality=85)
    print("%d %d" % frame.size)


def judge(logdir, out):
    from tensorboard.backend.event_processing import event_accumulator as ea

    raw = (out / "gray.raw").read_bytes()
    jpeg = (out / "frame.jpg").read_bytes()
    width, height = Image.open(out / "frame.jpg").size
    runs = [p for p in logdir.rglob("events.out.tfevents.*")]
    check(len(runs) == 1, "one event file (%s)" % ", ".join(str(p) for p in runs))
    if not runs:
        return
    acc = ea.EventAccumulator(str(runs[0].parent), size_guidance={ea.IMAGES: 0, ea.SCALARS: 0})
    acc.Reload()
    images = acc.Images("camera/frame") if "camera/frame" in acc.Tags()["images"] else []
    check([e.step for e in images] == [0, 1, 2], "camera/frame has steps 0, 1, 2 (%s)" % [e.step for e in images])
    if len(images) == 3:
        g = Image.open(io.BytesIO(images[0].encoded_image_string))
        check(g.format == "PNG" and g.mode == "L" and g.size == (width, height) and g.tobytes() == raw,
              "step 0 (PIXFORMAT_GRAYSCALE): a PNG with the frame's exact pixels")
        c = Image.open(io.BytesIO(images[1].encoded_image_string))
        ok = c.format == "PNG" and c.mode == "RGB" and c.size == (width, height)
        if ok:
            px = c.tobytes()
            worst = max(abs(px[3 * i + k] - raw[i]) for i in range(len(raw)) for k in range(3))
            ok = worst <= 8
        check(ok, "step 1 (PIXFORMAT_RGB565): an RGB PNG within RGB565's precision of the frame")
        check(images[2].encoded_image_string == jpeg and (images[2].width, images[2].height) == (width, height),
              "step 2 (PIXFORMAT_JPEG): the JPEG's own bytes and size")
        check(all(e.wall_time > 1577836800 for e in images),
              "wall times come from esp_idf_clock() (gettimeofday, set on this host)")
    sizes = [s.value for s in acc.Scalars("camera/frame_bytes")] if "camera/frame_bytes" in acc.Tags()["scalars"] else []
    check(sizes == [len(raw), 2 * len(raw), len(jpeg)], "camera/frame_bytes is each frame's size (%s)" % sizes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=pathlib.Path)
    ap.add_argument("--make-inputs", type=pathlib.Path, metavar="DATA_DIR")
    ap.add_argument("--logdir", type=pathlib.Path)
    args = ap.parse_args()
    if args.make_inputs:
        make_inputs(args.make_inputs, args.out)
        return 0
    judge(args.logdir, args.out)
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
