"""The judge's "images" kind.

The manifest gives what the program fed in, not what it wrote:

    "images": {"<tag>": [[step, {
        "width": W, "height": H,              # the summary's size (every image's)
        "images": [                           # k images: k samples of the step
            {"source": "/abs/path.raw",       # the bytes the view pointed at
             "offset": 0,                     # where its top row starts in the file
             "format": "gray8" | "rgb888" | "bgr888" | "rgba8888" | "rgb565le" |
                       "rgb565be" | "yuyv" | "uyvy" |
                       "tensor_u8" | "tensor_i8" | "tensor_f32",
             "width": w, "height": h,         # the source's size
             "row_stride": s,                 # frames: bytes, signed, 0 = packed
             "channels": c, "layout": "hwc" | "chw",         # tensors
             "scale": q, "zero_point": z,                    # tensor_i8
             "range": [lo, hi] | "min_max",                  # tensor_i8/f32, default [0, 1]
             "crop": [x, y, w, h], "downscale": f},          # optional
            {"encoded": "/abs/path.jpg"},     # bytes passed through as they are
            ...]}], ...]}

From that, this module computes the pixels every PNG must hold, on its own, from
the rules in docs/images.md (numpy; nothing shared with the C++ code), and checks:
  - in the files (independent reader, TensorBoard's loader and multiplexer): the
    TF2 form (DT_STRING [2 + k], "<width>", "<height>", k blobs); each PNG decoded
    with Pillow has exactly the expected pixels; each pre-encoded blob is the file;
  - through the server: k samples per step, and every image served by
    /data/plugin/images/individualImage is byte for byte the blob in the event file,
    and decodes (Pillow, and lodepng through $TINYTB_PNG_DECODER) to the expected
    pixels.
"""

import atexit
import collections
import io
import os
import shutil
import subprocess
import tempfile

import numpy as np

DT_STRING = 7
FRAME_BYTES = {"gray8": 1, "rgb888": 3, "bgr888": 3, "rgba8888": 4,
               "rgb565le": 2, "rgb565be": 2, "yuyv": 2, "uyvy": 2}
TENSOR_DTYPES = {"tensor_u8": np.uint8, "tensor_i8": np.int8,
                 "tensor_f32": np.dtype("<f4")}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------
# The expected pixels (docs/images.md, written again in numpy)


def _window_size(spec):
    w, h = spec["width"], spec["height"]
    x, y, cw, ch = (spec.get("crop") or [0, 0, 0, 0])
    cw = cw or w - x
    ch = ch or h - y
    f = spec.get("downscale", 1)
    return x, y, cw // f, ch // f, f


def _frame_pixels(raw, spec, x0, y0, ow, oh, f):
    """The window of a camera frame, every pixel as 8-bit channels."""
    fmt, w = spec["format"], spec["width"]
    bpp = FRAME_BYTES[fmt]
    stride = spec.get("row_stride", 0) or w * bpp
    offset = spec.get("offset", 0)
    rows = []
    for y in range(y0, y0 + oh * f):
        start = offset + y * stride
        if start < 0 or start + w * bpp > len(raw):
            raise ValueError("row %d lies outside the source file" % y)
        rows.append(np.frombuffer(raw, np.uint8, w * bpp, start))
    a = np.stack(rows).astype(np.int64)  # (rows, w * bpp)
    if fmt == "gray8":
        px = a[:, :, None]
    elif fmt in ("rgb888", "bgr888", "rgba8888"):
        px = a.reshape(len(rows), w, bpp)
        if fmt == "bgr888":
            px = px[:, :, ::-1]
    elif fmt in ("rgb565le", "rgb565be"):
        pairs = a.reshape(len(rows), w, 2)
        word = (pairs[:, :, 0] | (pairs[:, :, 1] << 8)) if fmt == "rgb565le" \
            else ((pairs[:, :, 0] << 8) | pairs[:, :, 1])
        r, g, b = (word >> 11) & 31, (word >> 5) & 63, word & 31
        px = np.stack([(r << 3) | (r >> 2), (g << 2) | (g >> 4),
                       (b << 3) | (b >> 2)], axis=-1)
    else:  # YUV 4:2:2: one U and one V for each pair of pixels
        q = a.reshape(len(rows), w // 2, 4)
        if fmt == "yuyv":
            y_even, u, y_odd, v = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
        else:
            u, y_even, v, y_odd = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
        luma = np.stack([y_even, y_odd], axis=-1).reshape(len(rows), w)
        d = np.repeat(u, 2, axis=1) - 128
        e = np.repeat(v, 2, axis=1) - 128
        # Full-range BT.601, 16-bit fixed point, + 1/2 then floor (// floors).
        r = luma + (91881 * e + 32768) // 65536
        g = luma + (-22554 * d - 46802 * e + 32768) // 65536
        b = luma + (116130 * d + 32768) // 65536
        px = np.clip(np.stack([r, g, b], axis=-1), 0, 255)
    return px[:, x0:x0 + ow * f, :]


def _map_reals(real, lo, hi):
    """float32 reals -> pixels: NaN and <= lo: 0, >= hi: 255, else
    floor((v - lo) * (255.5 / (hi - lo))), every step in float32."""
    lo, hi = np.float32(lo), np.float32(hi)
    out = np.zeros(real.shape, dtype=np.int64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        k = np.float32(255.5) / (hi - lo) if hi > lo else np.float32(0)
        inside = (real > lo) & (real < hi)
        scaled = (real[inside] - lo) * k
        scaled = np.where(np.isnan(scaled), np.float32(0), scaled)  # hi - lo overflowed
        out[inside] = np.floor(np.clip(scaled, np.float32(0), np.float32(255))).astype(np.int64)
    out[real >= hi] = 255
    out[np.isnan(real) | (real <= lo)] = 0
    return out


def _tensor_pixels(raw, spec, x0, y0, ow, oh, f):
    fmt, w, h, c = spec["format"], spec["width"], spec["height"], spec["channels"]
    dtype = TENSOR_DTYPES[fmt]
    values = np.frombuffer(raw, dtype, w * h * c, spec.get("offset", 0))
    if spec.get("layout", "hwc") == "chw":
        values = values.reshape(c, h, w).transpose(1, 2, 0)
    else:
        values = values.reshape(h, w, c)
    window = values[y0:y0 + oh * f, x0:x0 + ow * f, :]
    if fmt == "tensor_u8":
        return window.astype(np.int64)
    if fmt == "tensor_i8":
        real = np.float32(spec["scale"]) * (
            window.astype(np.int32) - np.int32(spec["zero_point"])).astype(np.float32)
    else:
        real = window.astype(np.float32)
    rng = spec.get("range", [0.0, 1.0])
    if rng == "min_max":
        finite = real[np.isfinite(real)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
    else:
        lo, hi = np.float32(rng[0]), np.float32(rng[1])
    return _map_reals(real, lo, hi)


def reference_pixels(spec):
    """The (height, width, channels) uint8 pixels a PNG of `spec` must hold."""
    with open(spec["source"], "rb") as f:
        raw = f.read()
    x0, y0, ow, oh, f = _window_size(spec)
    if ow < 1 or oh < 1:
        raise ValueError("empty image")
    if spec["format"] in FRAME_BYTES:
        px = _frame_pixels(raw, spec, x0, y0, ow, oh, f)
    elif spec["format"] in TENSOR_DTYPES:
        px = _tensor_pixels(raw, spec, x0, y0, ow, oh, f)
    else:
        raise ValueError("unknown format %r" % spec["format"])
    n = f * f  # box average, the mean rounded half up
    sums = px.reshape(oh, f, ow, f, px.shape[-1]).sum(axis=(1, 3))
    return ((sums + n // 2) // n).astype(np.uint8)


# --------------------------------------------------------------------------
# Values


_Item = collections.namedtuple("_Item", "pixels encoded")  # one is None


def decode_pillow(blob):
    """(pixels as (h, w, c) uint8, None) or (None, error)."""
    from PIL import Image  # noqa: PLC0415 (only the judge needs Pillow)
    try:
        img = Image.open(io.BytesIO(blob))
        img.load()
    except Exception as e:  # any decoding failure is a finding
        return None, "Pillow cannot decode it: %s" % e
    if img.format != "PNG" or img.mode not in ("L", "RGB", "RGBA"):
        return None, "Pillow reads a %s image of mode %s" % (img.format, img.mode)
    a = np.asarray(img, dtype=np.uint8)
    return (a[:, :, None] if a.ndim == 2 else a), None


_DECODED = {}


def _decoded(blob):
    key = hash(blob)
    if key not in _DECODED or _DECODED[key][0] != blob:
        _DECODED[key] = (blob,) + decode_pillow(blob)
    return _DECODED[key][1:]


def pixel_errors(got, want, what):
    if got.shape != want.shape:
        return ["%s: %dx%d with %d channels, expected %dx%d with %d" % (
            what, got.shape[1], got.shape[0], got.shape[2], want.shape[1],
            want.shape[0], want.shape[2])]
    bad = np.argwhere(got != want)
    if bad.size:
        y, x, c = bad[0]
        return ["%s: %d pixel values differ, first at x=%d y=%d channel %d: %d, "
                "expected %d" % (what, len(bad), x, y, c, got[y, x, c], want[y, x, c])]
    return []


class ImagesValue(collections.namedtuple("ImagesValue", "width height items")):
    """Expected (from the manifest): items are _Item. Read back: items are the
    blobs (bytes)."""

    def blob_errors(self, index, blob):
        item = self.items[index]
        if item.encoded is not None:
            if blob == item.encoded:
                return []
            at = next((i for i, (a, b) in enumerate(zip(blob, item.encoded)) if a != b),
                      min(len(blob), len(item.encoded)))
            return ["image %d: %d bytes, expected the %d bytes passed in (first "
                    "difference at byte %d)" % (index, len(blob), len(item.encoded), at)]
        if not blob.startswith(PNG_SIGNATURE):
            return ["image %d is not a PNG" % index]
        pixels, error = _decoded(blob)
        if error:
            return ["image %d: %s" % (index, error)]
        return pixel_errors(pixels, item.pixels, "image %d" % index)

    def errors(self, got):
        if not isinstance(got, ImagesValue):
            return ["an unreadable value"]
        if (got.width, got.height) != (self.width, self.height):
            return ["size %sx%s, expected %dx%d" % (got.width, got.height,
                                                    self.width, self.height)]
        if len(got.items) != len(self.items):
            return ["%d images, expected %d" % (len(got.items), len(self.items))]
        errors = []
        for i, blob in enumerate(got.items):
            errors.extend(self.blob_errors(i, blob))
        return errors

    def matches(self, got):
        return not self.errors(got)

    def describe(self):
        kinds = [("%d bytes" % len(item)) if isinstance(item, bytes) else
                 "PNG" if item.encoded is None else
                 "%d bytes passed through" % len(item.encoded) for item in self.items]
        return "%sx%s, %d images (%s)" % (self.width, self.height, len(self.items),
                                          ", ".join(kinds))

    def first_difference(self, got):
        errors = self.errors(got)
        return errors[0] if errors else None


def manifest_images(value):
    """The manifest value -> ImagesValue with expected pixels. Raises ValueError."""
    if not isinstance(value, dict) or set(value) != {"width", "height", "images"}:
        raise ValueError('images value must be {"width", "height", "images"}')
    width, height, specs = value["width"], value["height"], value["images"]
    if not isinstance(specs, list) or not specs:
        raise ValueError("images must be a non-empty list")
    items = []
    for spec in specs:
        if not isinstance(spec, dict):
            raise ValueError("an image must be an object")
        if "encoded" in spec:
            with open(spec["encoded"], "rb") as f:
                items.append(_Item(None, f.read()))
            continue
        try:
            pixels = reference_pixels(spec)
        except (OSError, KeyError, ValueError, TypeError) as e:
            raise ValueError("image %s: %s" % (spec.get("source"), e)) from None
        if pixels.shape[:2] != (height, width):
            raise ValueError("an image of %dx%d in a summary of %dx%d" % (
                pixels.shape[1], pixels.shape[0], width, height))
        items.append(_Item(pixels, None))
    return ImagesValue(width, height, tuple(items))


VALUE_PARSERS = {"images": manifest_images}


# --------------------------------------------------------------------------
# Reading the TF2 form


def _dimension(raw, what):
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = ""
    if not text.isdigit() or text != str(int(text)):
        raise ValueError("%s %r is not ASCII decimal" % (what, raw[:20]))
    return int(text)


def _from_strings(shape, strings):
    if len(shape) != 1 or shape[0] < 3:
        raise ValueError("shape %s, expected [2 + k] with k >= 1" % list(shape))
    if len(strings) != shape[0]:
        raise ValueError("shape %s needs %d strings, found %d" % (
            list(shape), shape[0], len(strings)))
    return ImagesValue(_dimension(strings[0], "width"),
                       _dimension(strings[1], "height"), tuple(strings[2:]))


def read_images(tensor):
    """reader_check's Tensor -> (ImagesValue, errors)."""
    if tensor.content is not None or tensor.float_val or tensor.double_val:
        return None, ["DT_STRING image tensor carries numeric fields"]
    try:
        return _from_strings(tensor.shape, [bytes(s) for s in tensor.string_val]), []
    except ValueError as e:
        return None, [str(e)]


def value_from_ndarray(array):
    """tensor_util.make_ndarray's result -> ImagesValue, or raises."""
    if array.dtype != object:
        raise ValueError("image tensor is %s, expected strings" % array.dtype)
    return _from_strings(array.shape, [bytes(v) for v in array.reshape(-1)])


# --------------------------------------------------------------------------
# The server


def fetch(server):
    """Every image the API serves: {(run, tag): {step: [(sample, bytes)]}}."""
    snapshot = {"image_tags": server.get("/data/plugin/images/tags"), "images": {}}
    for run, tags in snapshot["image_tags"].items():
        for tag, info in tags.items():
            served = {}
            for sample in range(info.get("samples", 0)):
                for entry in server.get("/data/plugin/images/images", run=run,
                                        tag=tag, sample=sample):
                    data = server.get_bytes(
                        "/data/plugin/images/individualImage?" + entry["query"])
                    served.setdefault(entry["step"], []).append((sample, data))
            snapshot["images"][(run, tag)] = served
    return snapshot


def loaded(snapshot, expected):
    """Cheap test while polling: every image of every step is served."""
    for run, kinds in expected.items():
        for tag, points in kinds.get("images", {}).items():
            served = snapshot["images"].get((run, tag), {})
            if sorted(served) != sorted(s for s, _ in points):
                return False
            if any(len(served[s]) != len(v.items) for s, v in points):
                return False
    return True


def written_blobs(logdir):
    """{(run, tag, step): [blobs]} as the event files hold them (wire.py)."""
    import reader_check  # noqa: PLC0415 (a cycle otherwise)
    import wire  # noqa: PLC0415
    blobs = {}
    for run, paths in reader_check.find_event_files(logdir).items():
        for path in paths:
            with open(path, "rb") as f:
                payloads, _, _ = wire.read_records(f.read())
            for payload in payloads:
                try:
                    event = reader_check.Event(payload)
                except reader_check.SchemaError:
                    continue
                for value in event.values:
                    if value.classic_kind == "images":  # one Summary.Image (classic_form.py)
                        blobs[(run, value.tag, event.step)] = list(value.classic_point.items)
                    elif (value.tensor is not None and value.tensor.dtype == DT_STRING
                          and len(value.tensor.shape) == 1):
                        blobs[(run, value.tag, event.step)] = [
                            bytes(s) for s in value.tensor.string_val[2:]]
    return blobs


def lodepng_decode(blob, tool):
    """Pixels decoded by lodepng (the png_decode tool): (array, None) or (None, error)."""
    with tempfile.TemporaryDirectory(prefix="tb_judge_png_") as tmp:
        src, dst = os.path.join(tmp, "in.png"), os.path.join(tmp, "out.raw")
        with open(src, "wb") as f:
            f.write(blob)
        run = subprocess.run([tool, src, dst], capture_output=True, text=True,
                             timeout=30, check=False)
        if run.returncode != 0:
            return None, "lodepng: %s" % (run.stderr.strip() or run.returncode)
        w, h, c = map(int, run.stdout.split())
        with open(dst, "rb") as f:
            return np.frombuffer(f.read(), np.uint8).reshape(h, w, c), None


def compare(report, snapshot, expected, logdir):
    """server.images-tags, and one server.images[run tag] check per tag."""
    got_tags = {run: set(tags) for run, tags in snapshot["image_tags"].items() if tags}
    want_tags = {run: set(kinds["images"]) for run, kinds in expected.items()
                 if kinds.get("images")}
    errors = [] if got_tags == want_tags else [
        "/data/plugin/images/tags gives %s, expected %s" % (
            {r: sorted(t) for r, t in sorted(got_tags.items())},
            {r: sorted(t) for r, t in sorted(want_tags.items())})]
    for run, tags in snapshot["image_tags"].items():
        for tag, info in tags.items():
            points = expected.get(run, {}).get("images", {}).get(tag, [])
            k = max((len(v.items) for _, v in points), default=0)
            if points and info.get("samples") != k:
                errors.append("%s/%s: %s samples, expected %d" % (
                    run, tag, info.get("samples"), k))
    report.check("server.images-tags", errors)

    tool = os.environ.get("TINYTB_PNG_DECODER")
    written = written_blobs(logdir)
    pngs_checked = 0
    for run, tag in sorted(set(snapshot["images"]) | {
            (run, tag) for run, kinds in expected.items()
            for tag in kinds.get("images", {})}):
        want = expected.get(run, {}).get("images", {}).get(tag)
        served = snapshot["images"].get((run, tag))
        name = "server.images[%s %s]" % (run, tag)
        if want is None:
            report.check(name, ["tag is not in the manifest"])
            continue
        if served is None:
            report.check(name, ["tag not served"])
            continue
        errors = []
        if sorted(served) != [s for s, _ in want]:
            errors.append("steps %s, expected %s" % (sorted(served), [s for s, _ in want]))
        for step, value in want:
            samples = sorted(served.get(step, []))
            if [s for s, _ in samples] != list(range(len(value.items))):
                errors.append("step %d: samples %s, expected %d" % (
                    step, [s for s, _ in samples], len(value.items)))
                continue
            blobs = written.get((run, tag, step), [])
            for sample, data in samples:
                where = "step %d sample %d" % (step, sample)
                if sample >= len(blobs) or data != blobs[sample]:
                    errors.append("%s: the server's bytes differ from the event file's" % where)
                errors.extend("%s: %s" % (where, e) for e in value.blob_errors(sample, data))
                if tool and value.items[sample].pixels is not None:
                    pixels, error = lodepng_decode(data, tool)
                    errors.extend(["%s: %s" % (where, error)] if error else
                                  pixel_errors(pixels, value.items[sample].pixels,
                                               where + " (lodepng)"))
                    pngs_checked += 1
        report.check(name, errors)
    if any(kinds.get("images") for kinds in expected.values()):
        if tool:
            report.check("server.images-lodepng", [] if pngs_checked else [
                "no PNG was decoded with lodepng"])
        else:
            report.skip("server.images-lodepng",
                        "TINYTB_PNG_DECODER not set: PNGs decoded with Pillow only")


# --------------------------------------------------------------------------
# Fixtures for selftest.py: source files, and PNGs made by Pillow


_SOURCES = []


def source_dir():
    if not _SOURCES:
        _SOURCES.append(tempfile.mkdtemp(prefix="tb_judge_images_"))
        atexit.register(shutil.rmtree, _SOURCES[0], True)
    return _SOURCES[0]


def write_source(name, data):
    path = os.path.join(source_dir(), name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def png_with_pillow(pixels):
    from PIL import Image  # noqa: PLC0415
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[pixels.shape[2]]
    img = Image.fromarray(pixels[:, :, 0] if pixels.shape[2] == 1 else pixels, mode)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def jpeg_with_pillow(width, height):
    from PIL import Image  # noqa: PLC0415
    img = Image.new("RGB", (width, height))
    img.putdata([((x * 255) // max(1, width - 1), (y * 255) // max(1, height - 1), 90)
                 for y in range(height) for x in range(width)])
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def fixture_tensor(value):
    """A TensorProto holding `value` (a manifest images value) as tinytb writes it,
    with the PNGs encoded by Pillow from the reference pixels."""
    from tensorboard.compat.proto import tensor_pb2  # noqa: PLC0415
    parsed = manifest_images(value)
    tensor = tensor_pb2.TensorProto(dtype=DT_STRING)
    tensor.tensor_shape.dim.add(size=2 + len(parsed.items))
    tensor.string_val.append(str(parsed.width).encode())
    tensor.string_val.append(str(parsed.height).encode())
    for item in parsed.items:
        tensor.string_val.append(item.encoded if item.encoded is not None
                                 else png_with_pillow(item.pixels))
    return tensor
