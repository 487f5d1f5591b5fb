"""The readers people load TensorBoard logs with, each brought to one shape.

    data[run][kind][tag] = [(step, value), ...]        (as tests/tensorboard/judge_common.py)

Each reader uses its own accessors only: tbparse's `.scalars`, `.images`, `.histograms`,
`.audio`, `.text`; EventAccumulator's `Scalars()`, `Images()`, `Histograms()`, `Audio()`
and `Tensors()` for text; TensorFlow's `summary_iterator` and `TFRecordDataset` see every
`Summary.Value` and decode both summary forms. A kind that a reader files elsewhere (the
tensor form under `Tensors()`) is simply missing here, and the comparison says so.

Values are the canonical ones below, so that what a reader saw, what the manifest says
was logged and what another writer wrote compare exactly:
  scalars     numpy.float32
  text        Text(shape, values)
  images      Images(pixels): one (h, w, c) uint8 array per sample
  histograms  Histogram(rows, stats): (k, 3) float64 rows (left edge, right edge, count) and,
              in the classic form, (num, sum, sum of squares)
  audio       Audio(clips): (sample_rate, channels, PCM16 bytes) per clip
"""

import collections
import io
import os
import re
import wave

import numpy as np

KINDS = ("scalars", "text", "images", "histograms", "audio")


# --------------------------------------------------------------------------
# Canonical values


class Text(collections.namedtuple("Text", "shape values")):
    def matches(self, got):
        # tensorboardX writes its one string with shape [1], tinytb with shape [] (rank 0).
        return isinstance(got, Text) and got.values == self.values and (
            got.shape == self.shape or {got.shape, self.shape} == {(), (1,)})

    def describe(self):
        return "shape %s %r" % (list(self.shape), [v[:60] for v in self.values])


class Blob(bytes):
    """An encoded image other than PNG (a JPEG passed through), kept as its bytes: decoders
    may differ by a few levels, so a reader that has the bytes compares the bytes."""


def _tf_decoded(blob):
    """A blob as tbparse shows it: decoded by TensorFlow."""
    return _tf().image.decode_image(bytes(blob)).numpy()


def _sample_equal(got, want):
    if isinstance(want, Blob):
        if isinstance(got, Blob):
            return got == want
        want = _tf_decoded(want)  # tbparse gives pixels only, decoded by TensorFlow
    if isinstance(got, Blob):
        return False
    return got.shape == want.shape and np.array_equal(got, want)


class Images(collections.namedtuple("Images", "pixels")):
    """pixels: per sample, a (h, w, c) uint8 array, or a Blob."""

    def matches(self, got):
        return (isinstance(got, Images) and len(got.pixels) == len(self.pixels)
                and all(_sample_equal(a, b) for a, b in zip(got.pixels, self.pixels)))

    def describe(self):
        return "%d images %s" % (len(self.pixels), [
            "%d encoded bytes" % len(p) if isinstance(p, Blob) else list(p.shape) for p in self.pixels])

    def first_difference(self, got):
        if len(got.pixels) != len(self.pixels):
            return "%d images, expected %d" % (len(got.pixels), len(self.pixels))
        for i, (a, b) in enumerate(zip(got.pixels, self.pixels)):
            if isinstance(a, Blob) or isinstance(b, Blob):
                if not _sample_equal(a, b):
                    return "image %d: not the encoded image passed in" % i
                continue
            if a.shape != b.shape:
                return "image %d: shape %s, expected %s" % (i, list(a.shape), list(b.shape))
            bad = np.argwhere(a != b)
            if bad.size:
                y, x, c = bad[0]
                return "image %d: %d values differ, first at x=%d y=%d c=%d: %d, expected %d" % (
                    i, len(bad), x, y, c, a[y, x, c], b[y, x, c])
        return None


class Histogram(collections.namedtuple("Histogram", "rows stats", defaults=(None,))):
    """stats: (num, sum, sum of squares) where the form carries them (HistogramProto), else None.
    num must be equal; the sums are float64 sums whose order of addition differs between
    writers, so they agree to 1e-9 relative."""

    def _stats_match(self, got):
        if self.stats is None or got.stats is None:
            return True
        return got.stats[0] == self.stats[0] and all(
            np.isclose(a, b, rtol=1e-9, atol=0) for a, b in zip(got.stats[1:], self.stats[1:]))

    def matches(self, got):
        return (isinstance(got, Histogram) and got.rows.shape == self.rows.shape
                and bool(np.all(got.rows == self.rows)) and self._stats_match(got))

    def describe(self):
        r = self.rows
        stats = "" if self.stats is None else ", num %r sum %r sum of squares %r" % tuple(self.stats)
        if not r.shape[0]:
            return "0 buckets" + stats
        return "%d buckets over [%r, %r], counts %s%s" % (
            r.shape[0], float(r[0, 0]), float(r[-1, 1]), [float(c) for c in r[:, 2]][:12], stats)


class Audio(collections.namedtuple("Audio", "clips")):
    def matches(self, got):
        return isinstance(got, Audio) and got.clips == self.clips

    def describe(self):
        return "%d clips %s" % (len(self.clips), [(r, c, len(p) // 2) for r, c, p in self.clips])

    def first_difference(self, got):
        if len(got.clips) != len(self.clips):
            return "%d clips, expected %d" % (len(got.clips), len(self.clips))
        for i, (a, b) in enumerate(zip(got.clips, self.clips)):
            if a[:2] != b[:2]:
                return "clip %d: %d Hz %d channels, expected %d Hz %d" % (i, a[0], a[1], b[0], b[1])
            if a[2] != b[2]:
                x, y = np.frombuffer(a[2], "<i2"), np.frombuffer(b[2], "<i2")
                if x.shape != y.shape:
                    return "clip %d: %d samples, expected %d" % (i, x.size, y.size)
                j = int(np.argmax(x != y))
                return "clip %d: sample %d is %d, expected %d" % (i, j, x[j], y[j])
        return None


def decode_png(blob):
    """(h, w, c) uint8 pixels of a PNG, decoded by Pillow; any other encoding as a Blob."""
    if not blob.startswith(b"\x89PNG\r\n\x1a\n"):
        return Blob(blob)
    from PIL import Image  # noqa: PLC0415
    img = Image.open(io.BytesIO(blob))
    img.load()
    a = np.asarray(img, dtype=np.uint8)
    return a[:, :, None] if a.ndim == 2 else a


def decode_wav(blob):
    """(sample_rate, channels, PCM16 little-endian bytes) of a 16-bit WAV file."""
    with wave.open(io.BytesIO(blob), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("%d-byte samples" % w.getsampwidth())
        return (w.getframerate(), w.getnchannels(), w.readframes(w.getnframes()))


def pcm_of_float(x):
    """Samples a decoder gave as floats (value / 32768) back to PCM16 bytes."""
    return np.rint(np.asarray(x, dtype=np.float64) * 32768.0).astype("<i2").tobytes()


def rows_of_classic(hmin, hmax, limits, counts):
    """HistogramProto -> rows as TensorBoard's data server reads it: bucket i spans
    [limit[i-1], limit[i]], the first from `min`, the last up to `max`. (Its Python loader,
    data_compat.py, also drops empty buckets at both ends; the raw readers here keep them.)"""
    limits = np.asarray(limits, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    if limits.size == 0:
        return np.zeros((0, 3))
    lefts = np.concatenate([[hmin], limits[:-1]])
    rights = np.concatenate([limits[:-1], [hmax]])
    return np.stack([lefts, rights, counts], axis=1)


# --------------------------------------------------------------------------
# The manifest's expectations in canonical form


def markdown_list(items):
    """text_list in the classic form (docs/format.md): "- item" lines; a line break inside an
    item becomes a hard break (two spaces, the break) and an indent of two, so the item goes on."""
    return "".join("- %s\n" % item.replace("\n", "  \n  ") for item in items)


def _markdown_cell(text):
    """One table cell on one line: a '|' outside code spans and not already escaped becomes
    "\\|", a line break "<br>", a carriage return nothing."""
    out, in_code, prev = [], False, ""
    for c in text:
        if c == "`":
            in_code = not in_code
        if c == "|" and not in_code and prev != "\\":
            out.append("\\|")
        elif c == "\n":
            out.append("<br>")
        elif c != "\r":
            out.append(c)
        prev = c
    return " %s |" % "".join(out)


def markdown_table(shape, cells):
    """text_table in the classic form: an empty header row, then one row per table row."""
    rows, cols = shape
    out = "|" + "  |" * cols + "\n|" + " --- |" * cols + "\n"
    for r in range(rows):
        out += "|" + "".join(_markdown_cell(cells[r * cols + c]) for c in range(cols)) + "\n"
    return out


def expected_value(kind, value, form):
    """A judge_common manifest value -> the canonical value a reader must show."""
    if kind == "scalars":
        return value
    if kind == "text":
        if form == "classic" and len(value.shape) == 1:
            return Text((), (markdown_list(value.values),))
        if form == "classic" and len(value.shape) == 2:
            return Text((), (markdown_table(value.shape, value.values),))
        return Text(tuple(value.shape), tuple(value.values))
    if kind == "images":
        return Images(tuple(item.pixels if item.encoded is None else decode_png(item.encoded)
                            for item in value.items))
    if kind == "histograms":
        rows = np.asarray(value.rows, dtype=np.float64)
        if form != "classic":
            return Histogram(rows)
        data = value.source["data"]  # the finite reals, as values.h defines them
        return Histogram(rows, (float(data.size), float(data.sum()), float((data * data).sum())))
    if kind == "audio":
        return Audio(tuple(decode_wav(c) for c in value.clips))
    raise ValueError(kind)


def expected_data(manifest, form):
    return {run: {kind: {tag: [(s, expected_value(kind, v, form)) for s, v in points]
                         for tag, points in tags.items()}
                  for kind, tags in kinds.items()}
            for run, kinds in manifest.items()}


# --------------------------------------------------------------------------
# Tags: the classic form's k images or clips, tensorboardX's text suffix

_SAMPLE_TAG = {"images": re.compile(r"^(.*)/image/(\d+)$"), "audio": re.compile(r"^(.*)/audio/(\d+)$")}


def regroup(data):
    """Gathers the classic form's `<tag>/image/<i>` (and `/audio/<i>`) values, written in one
    event, back into one value of k samples under `<tag>`, as the manifest records them. A
    tag may hold both: one sample a step is written under `<tag>` itself."""
    for kinds in data.values():
        for kind, pattern in _SAMPLE_TAG.items():
            tags = kinds.get(kind, {})
            groups = collections.defaultdict(dict)  # base -> step -> {index: value}
            for tag in list(tags):
                m = pattern.match(tag)
                if not m:
                    continue
                for step, value in tags.pop(tag):
                    groups[m.group(1)].setdefault(step, {})[int(m.group(2))] = value
            for base, steps in groups.items():
                merged = list(tags.get(base, []))
                for step, parts in steps.items():
                    if sorted(parts) != list(range(len(parts))):
                        merged.append((step, None))  # a sample is missing: unreadable
                    elif kind == "images":
                        merged.append((step, Images(sum((parts[i].pixels for i in range(len(parts))), ()))))
                    else:
                        merged.append((step, Audio(sum((parts[i].clips for i in range(len(parts))), ()))))
                tags[base] = sorted(merged, key=lambda point: point[0])
    return data


def strip_text_suffix(data):
    """tensorboardX's add_text writes `<tag>/text_summary`; back to `<tag>`."""
    for kinds in data.values():
        text = kinds.get("text", {})
        for tag in list(text):
            if tag.endswith("/text_summary"):
                text[tag[:-len("/text_summary")]] = text.pop(tag)
    return data


def add(data, run, kind, tag, step, value):
    data.setdefault(run, {}).setdefault(kind, {}).setdefault(tag, []).append((step, value))


def find_runs(logdir):
    """{run: [event files in name order]}, run = directory relative to logdir ('.' at the top)."""
    runs = {}
    for dirpath, _, files in os.walk(logdir):
        names = sorted(f for f in files if "tfevents" in f)
        if names:
            run = os.path.relpath(dirpath, logdir)
            runs[run] = [os.path.join(dirpath, f) for f in names]
    return runs


# --------------------------------------------------------------------------
# tbparse


def read_tbparse(logdir):
    from tbparse import SummaryReader  # noqa: PLC0415
    reader = SummaryReader(logdir, extra_columns={"dir_name", "min", "max", "num", "sum", "sum_squares",
                                                  "sample_rate"})
    data = {}

    def run_of(row):
        return row["dir_name"] or "."

    for _, row in reader.scalars.iterrows():
        add(data, run_of(row), "scalars", row["tag"], int(row["step"]), np.float32(row["value"]))
    for _, row in reader.text.iterrows():
        add(data, run_of(row), "text", row["tag"], int(row["step"]), Text((), (row["value"],)))
    for _, row in reader.images.iterrows():
        px = np.asarray(row["value"], dtype=np.uint8)
        add(data, run_of(row), "images", row["tag"], int(row["step"]),
            Images((px[:, :, None] if px.ndim == 2 else px,)))
    for _, row in reader.histograms.iterrows():
        add(data, run_of(row), "histograms", row["tag"], int(row["step"]),
            Histogram(rows_of_classic(row["min"], row["max"], row["limits"], row["counts"]),
                      (row["num"], row["sum"], row["sum_squares"])))
    for _, row in reader.audio.iterrows():
        x = np.asarray(row["value"], dtype=np.float32)  # (frames, channels), value / 32768
        add(data, run_of(row), "audio", row["tag"], int(row["step"]),
            Audio(((int(row["sample_rate"]), int(x.shape[1]), pcm_of_float(x.reshape(-1))),)))
    return data


# --------------------------------------------------------------------------
# TensorBoard's EventAccumulator


def read_accumulator(logdir):
    from tensorboard.backend.event_processing import event_accumulator as ea  # noqa: PLC0415
    from tensorboard.util import tensor_util  # noqa: PLC0415
    everything = {ea.COMPRESSED_HISTOGRAMS: 0, ea.IMAGES: 0, ea.AUDIO: 0, ea.SCALARS: 0,
                  ea.HISTOGRAMS: 0, ea.TENSORS: 0}
    data = {}
    for run in find_runs(logdir):
        acc = ea.EventAccumulator(os.path.join(logdir, run), size_guidance=everything)
        acc.Reload()
        tags = acc.Tags()
        for tag in tags["scalars"]:
            for e in acc.Scalars(tag):
                add(data, run, "scalars", tag, e.step, np.float32(e.value))
        for tag in tags["images"]:
            for e in acc.Images(tag):
                add(data, run, "images", tag, e.step, Images((decode_png(e.encoded_image_string),)))
        for tag in tags["histograms"]:
            for e in acc.Histograms(tag):
                h = e.histogram_value
                add(data, run, "histograms", tag, e.step,
                    Histogram(rows_of_classic(h.min, h.max, h.bucket_limit, h.bucket), (h.num, h.sum, h.sum_squares)))
        for tag in tags["audio"]:
            for e in acc.Audio(tag):
                add(data, run, "audio", tag, e.step, Audio((decode_wav(e.encoded_audio_string),)))
        try:
            text_tags = acc.PluginTagToContent("text")
        except KeyError:  # no text in this run
            text_tags = {}
        for tag in tags["tensors"]:
            if tag not in text_tags:
                continue
            for e in acc.Tensors(tag):
                a = tensor_util.make_ndarray(e.tensor_proto)
                add(data, run, "text", tag, e.step,
                    Text(tuple(a.shape), tuple(v.decode("utf-8") for v in a.reshape(-1))))
    return data


# --------------------------------------------------------------------------
# TensorFlow: summary_iterator and TFRecordDataset see every Summary.Value


def _tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf  # noqa: PLC0415
    return tf


def decode_event(tf, event, plugins, run, data):
    """Adds every value of one Event (both forms) to data; `plugins` remembers each tag's
    plugin, which only its first value carries."""
    for v in event.summary.value:
        if v.HasField("metadata") and v.metadata.plugin_data.plugin_name:
            plugins[v.tag] = v.metadata.plugin_data.plugin_name
        which = v.WhichOneof("value")
        step = event.step
        if which == "simple_value":
            add(data, run, "scalars", v.tag, step, np.float32(v.simple_value))
        elif which == "image":
            add(data, run, "images", v.tag, step, Images((decode_png(v.image.encoded_image_string),)))
        elif which == "histo":
            h = v.histo
            add(data, run, "histograms", v.tag, step,
                Histogram(rows_of_classic(h.min, h.max, h.bucket_limit, h.bucket), (h.num, h.sum, h.sum_squares)))
        elif which == "audio":
            add(data, run, "audio", v.tag, step, Audio((decode_wav(v.audio.encoded_audio_string),)))
        elif which == "tensor":
            a = tf.make_ndarray(v.tensor)
            plugin = plugins.get(v.tag)
            if plugin == "scalars":
                add(data, run, "scalars", v.tag, step, np.float32(a.reshape(-1)[0]))
            elif plugin == "text":
                add(data, run, "text", v.tag, step,
                    Text(tuple(a.shape), tuple(s.decode("utf-8") for s in a.reshape(-1))))
            elif plugin == "images":
                add(data, run, "images", v.tag, step, Images(tuple(decode_png(b) for b in a[2:])))
            elif plugin == "histograms":
                add(data, run, "histograms", v.tag, step, Histogram(a.astype(np.float64).reshape(-1, 3)))
            elif plugin == "audio":
                blobs = a[:, 0] if a.ndim == 2 else a
                add(data, run, "audio", v.tag, step, Audio(tuple(decode_wav(b) for b in blobs)))


def read_summary_iterator(logdir):
    """tf.compat.v1.train.summary_iterator over every file (it checks both CRCs)."""
    tf = _tf()
    data, records = {}, 0
    for run, files in find_runs(logdir).items():
        plugins = {}
        for path in files:
            for event in tf.compat.v1.train.summary_iterator(path):
                records += 1
                decode_event(tf, event, plugins, run, data)
    return data, records


def read_tfrecord_dataset(logdir):
    """tf.data.TFRecordDataset over every file: each record must parse as an Event (the
    reader checks both CRCs and fails on a bad one)."""
    tf = _tf()
    data, records = {}, 0
    for run, files in find_runs(logdir).items():
        plugins = {}
        for path in files:
            for raw in tf.data.TFRecordDataset(path):
                records += 1
                event = tf.compat.v1.Event.FromString(raw.numpy())
                decode_event(tf, event, plugins, run, data)
    return data, records


READERS = {
    "tbparse": lambda d: (read_tbparse(d), None),
    "accumulator": lambda d: (read_accumulator(d), None),
    "summary_iterator": read_summary_iterator,
    "tfrecord_dataset": read_tfrecord_dataset,
}
