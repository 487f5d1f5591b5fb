"""The judge's "histograms" and "audio" kinds.

The manifest gives what the program fed in, not what it wrote:

    "histograms": {"<tag>": [[step, {
        "inputs": [{"dtype": "float32" | "int8" | "uint8" | "int16" | "int32",
                    "values": [...], "scale": s, "zero_point": z}, ...],
        "buckets": k,                  # TF2's rule over [min, max] of the data
        "range": [lo, hi],             # or: k equal buckets over [lo, hi]
        "edges": [e0, ..., ek]}], ...]}   # or: the caller's edges

    "audio": {"<tag>": [[step, {
        "sample_rate": r, "channels": c,
        "clips": [{"dtype": "int16" | "float32", "samples": [...]}, ...],
        "labels": ["...", ...]}], ...]}   # labels optional: shape [k, 2]

Float values are JSON numbers that round-trip float32 ("%.9g") or "NaN",
"Infinity", "-Infinity". scale defaults to 1 and zero_point to 0.

From that, this module computes what must be in the files on its own:
histogram rows with TF2's rule written out again in numpy (and the loader group
checks that TensorBoard's own histogram_pb agrees), and WAV files written by
Python's `wave` module from the samples (floats converted by TensorFlow's
rule, roundf(x * 32768) clipped). Every comparison is exact.
"""

import collections
import io
import math
import struct
import wave

import numpy as np

DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7
AUDIO_PLUGIN_CONTENT = b"\x10\x0b"  # AudioPluginData{encoding: WAV}
# The histogram plugin's /histograms route serves at most this many points
# (HistogramsPlugin.SAMPLE_SIZE), whatever --samples_per_plugin says.
HISTOGRAM_ROUTE_POINTS = 51

_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_INTEGER_DTYPES = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16,
                   "int32": np.int32}


# --------------------------------------------------------------------------
# Values


class HistogramValue(collections.namedtuple("HistogramValue", "rows source")):
    """rows: a (k, 3) float64 array. source: for manifest values, the finite
    reals and the placement ({"buckets": k} ...) they were bucketed with."""

    def matches(self, got):
        return (isinstance(got, HistogramValue) and got.rows.shape == self.rows.shape
                and bool(np.all(got.rows == self.rows)))

    def describe(self):
        rows = self.rows
        if rows.shape[0] == 0:
            return "0 buckets"
        counts = rows[:, 2]
        return "%d buckets over [%r, %r], counts %s (total %d)" % (
            rows.shape[0], float(rows[0, 0]), float(rows[-1, 1]),
            _short([int(c) if c == int(c) else float(c) for c in counts]),
            int(counts.sum()))

    def first_difference(self, got):
        if got.rows.shape != self.rows.shape:
            return "shape %s, expected %s" % (list(got.rows.shape),
                                              list(self.rows.shape))
        for i, (a, b) in enumerate(zip(got.rows, self.rows)):
            if not np.all(a == b):
                return "bucket %d is %s, expected %s" % (i, list(map(float, a)),
                                                         list(map(float, b)))
        return None


class AudioValue(collections.namedtuple(
        "AudioValue", "shape clips labels sample_rate channels")):
    """clips: WAV files (bytes); labels: tuple of str or None (shape [k]).
    sample_rate/channels are None for values read back from files."""

    def matches(self, got):
        return (isinstance(got, AudioValue) and got.shape == self.shape
                and got.clips == self.clips and got.labels == self.labels)

    def describe(self):
        return "shape %s, WAV sizes %s%s" % (
            list(self.shape), [len(c) for c in self.clips],
            ", labels %r" % (list(self.labels),) if self.labels is not None
            else "")

    def first_difference(self, got):
        if got.shape != self.shape:
            return "shape %s, expected %s" % (list(got.shape), list(self.shape))
        for i, (a, b) in enumerate(zip(got.clips, self.clips)):
            if a != b:
                at = next((j for j, (x, y) in enumerate(zip(a, b)) if x != y),
                          min(len(a), len(b)))
                return "clip %d: %d bytes, expected %d, first difference at " \
                       "byte %d" % (i, len(a), len(b), at)
        if got.labels != self.labels:
            return "labels %r, expected %r" % (got.labels, self.labels)
        return None


def _short(items, limit=12):
    if len(items) <= limit:
        return str(items)
    return "[%s, ...]" % ", ".join(map(str, items[:limit]))


# --------------------------------------------------------------------------
# The manifest: raw inputs -> expected values


def _number(value, what):
    if isinstance(value, str):
        if value not in _SPECIAL:
            raise ValueError("%s %r is not a number" % (what, value))
        return _SPECIAL[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("%s %r is not a number" % (what, value))
    return value


def _chunk_reals(chunk):
    """The reals of one input chunk, as values.h defines them (float64)."""
    if not isinstance(chunk, dict) or "dtype" not in chunk or "values" not in chunk:
        raise ValueError('an input is {"dtype": ..., "values": [...]}')
    unknown = set(chunk) - {"dtype", "values", "scale", "zero_point"}
    if unknown:
        raise ValueError("unknown input keys %s" % sorted(unknown))
    dtype = chunk["dtype"]
    if dtype == "float32":
        if "scale" in chunk or "zero_point" in chunk:
            raise ValueError("float32 inputs take no scale or zero_point")
        with np.errstate(over="ignore"):
            return np.array([_number(v, "value") for v in chunk["values"]],
                            dtype=np.float32).astype(np.float64)
    if dtype not in _INTEGER_DTYPES:
        raise ValueError("dtype %r" % dtype)
    info = np.iinfo(_INTEGER_DTYPES[dtype])
    values = chunk["values"]
    if not all(isinstance(v, int) and not isinstance(v, bool)
               and info.min <= v <= info.max for v in values):
        raise ValueError("%s values must be integers in [%d, %d]"
                         % (dtype, info.min, info.max))
    scale = np.float32(_number(chunk.get("scale", 1.0), "scale"))
    zero_point = chunk.get("zero_point", 0)
    if not (np.isfinite(scale) and scale > 0) or not isinstance(zero_point, int):
        raise ValueError("bad quantisation %r, %r" % (scale, zero_point))
    q = np.array(values, dtype=np.int64) - np.int64(zero_point)
    return np.float64(scale) * q.astype(np.float64)


def tf2_rule(data, k):
    """TF2's bucketing (tensorboard/plugins/histogram/summary_v2.py), again."""
    if data.size == 0:
        return np.zeros((k, 3))
    lo, hi = data.min(), data.max()
    if lo == hi:
        counts = np.zeros(k)
        counts[-1] = data.size
        return np.stack([np.full(k, hi), np.full(k, hi), counts], axis=1)
    width = (hi - lo) / k
    index = np.minimum(np.floor((data - lo) / width).astype(np.int64), k - 1)
    counts = np.bincount(index, minlength=k).astype(np.float64)
    edges = np.arange(k + 1, dtype=np.float64) * width + lo
    edges[-1] = hi
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def _fixed_rule(data, lo, hi, k):
    """Equal buckets over [lo, hi] with TF2's arithmetic; outsiders clamped."""
    width = (hi - lo) / k
    with np.errstate(invalid="ignore"):
        q = np.floor((data - lo) / width)
    index = np.clip(q, 0, k - 1).astype(np.int64)
    counts = np.bincount(index, minlength=k).astype(np.float64)
    edges = np.arange(k + 1, dtype=np.float64) * width + lo
    edges[-1] = hi
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def _edges_rule(data, edges):
    """[e0, e1), ... [e(k-1), ek]; outsiders clamped into the end buckets."""
    k = len(edges) - 1
    index = np.searchsorted(edges[1:-1], data, side="right")
    counts = np.bincount(index, minlength=k).astype(np.float64)
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def manifest_histogram(value):
    if not isinstance(value, dict) or "inputs" not in value:
        raise ValueError('a histogram is {"inputs": [...], "buckets": k, ...}')
    unknown = set(value) - {"inputs", "buckets", "range", "edges"}
    if unknown:
        raise ValueError("unknown histogram keys %s" % sorted(unknown))
    if not isinstance(value["inputs"], list):
        raise ValueError("inputs must be a list")
    reals = np.concatenate([_chunk_reals(c) for c in value["inputs"]] or
                           [np.zeros(0)])
    data = reals[np.isfinite(reals)]
    if "edges" in value:
        edges = np.array([_number(e, "edge") for e in value["edges"]],
                         dtype=np.float64)
        if (len(edges) < 2 or not np.all(np.isfinite(edges))
                or not np.all(edges[1:] > edges[:-1])):
            raise ValueError("edges must be finite and strictly increasing")
        if "buckets" in value and value["buckets"] != len(edges) - 1:
            raise ValueError("buckets must be len(edges) - 1")
        rows = _edges_rule(data, edges)
        placement = {"edges": edges}
    else:
        k = value.get("buckets")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError("buckets must be a positive integer")
        if "range" in value:
            lo, hi = (float(_number(x, "range")) for x in value["range"])
            if not lo < hi:
                raise ValueError("range must have lo < hi")
            rows = _fixed_rule(data, lo, hi, k)
            placement = {"range": (lo, hi), "buckets": k}
        else:
            rows = tf2_rule(data, k)
            placement = {"buckets": k}
    return HistogramValue(rows, {"data": data, "placement": placement})


def pcm16_of_float(samples):
    """TensorFlow's float -> int16 rule (wav_io.cc): roundf(x * 32768), clipped;
    NaN (undefined there) becomes 0 as tinytb documents."""
    x = np.asarray(samples, dtype=np.float32).astype(np.float64) * 32768.0
    with np.errstate(invalid="ignore"):
        rounded = np.sign(x) * np.floor(np.abs(x) + 0.5)  # half away from zero
        rounded = np.clip(rounded, -32768, 32767)
    rounded[np.isnan(rounded)] = 0
    return rounded.astype(np.int16)


def wav_file(pcm16, sample_rate, channels):
    """A WAV file written by Python's wave module."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(np.asarray(pcm16, dtype="<i2").tobytes())
    return out.getvalue()


def manifest_audio(value):
    if not isinstance(value, dict) or not {"sample_rate", "channels",
                                           "clips"} <= set(value):
        raise ValueError('audio is {"sample_rate", "channels", "clips", '
                         '["labels"]}')
    unknown = set(value) - {"sample_rate", "channels", "clips", "labels"}
    if unknown:
        raise ValueError("unknown audio keys %s" % sorted(unknown))
    rate, channels = value["sample_rate"], value["channels"]
    if not isinstance(rate, int) or rate < 1 or channels not in (1, 2):
        raise ValueError("bad sample_rate %r or channels %r" % (rate, channels))
    clips = []
    for clip in value["clips"]:
        if clip.get("dtype") == "int16":
            pcm = np.array(clip["samples"], dtype=np.int64)
            if np.any(pcm < -32768) or np.any(pcm > 32767):
                raise ValueError("int16 samples out of range")
        elif clip.get("dtype") == "float32":
            pcm = pcm16_of_float([_number(s, "sample")
                                  for s in clip["samples"]])
        else:
            raise ValueError("clip dtype must be int16 or float32")
        if len(pcm) == 0 or len(pcm) % channels:
            raise ValueError("a clip needs a whole, non-zero number of frames")
        clips.append(wav_file(pcm, rate, channels))
    labels = value.get("labels")
    if labels is not None:
        if len(labels) != len(clips) or not all(isinstance(s, str)
                                                for s in labels):
            raise ValueError("one string label per clip")
        labels = tuple(labels)
    shape = (len(clips), 2) if labels is not None else (len(clips),)
    return AudioValue(shape, tuple(clips), labels, rate, channels)


VALUE_PARSERS = {"histograms": manifest_histogram, "audio": manifest_audio}


# --------------------------------------------------------------------------
# Group (a): tensors decoded by reader_check.py


def read_histogram(tensor):
    """(HistogramValue, errors) from reader_check.Tensor."""
    if tensor.dtype not in (DT_DOUBLE, DT_FLOAT):
        return None, ["histogram dtype %d, expected DT_DOUBLE or DT_FLOAT"
                      % tensor.dtype]
    if len(tensor.shape) != 2 or tensor.shape[1] != 3:
        return None, ["histogram shape %s, expected [k, 3]" % list(tensor.shape)]
    if tensor.string_val:
        return None, ["histogram tensor carries string_val"]
    count = tensor.shape[0] * 3
    double = tensor.dtype == DT_DOUBLE
    size = 8 if double else 4
    if tensor.content is not None:
        if tensor.float_val or tensor.double_val:
            return None, ["both tensor_content and *_val are set"]
        if len(tensor.content) != count * size:
            return None, ["tensor_content of %d bytes, expected %d"
                          % (len(tensor.content), count * size)]
        values = np.frombuffer(tensor.content, dtype="<f8" if double else "<f4")
    else:
        raw = tensor.double_val if double else tensor.float_val
        if len(raw) != count:
            return None, ["%d values, expected %d" % (len(raw), count)]
        values = np.array(raw, dtype="<u8" if double else "<u4").view(
            "<f8" if double else "<f4")
    return HistogramValue(values.astype(np.float64).reshape(-1, 3), None), []


def read_audio(tensor):
    """(AudioValue, errors) from reader_check.Tensor."""
    if tensor.dtype != DT_STRING:
        return None, ["audio dtype %d, expected DT_STRING" % tensor.dtype]
    shape = tuple(tensor.shape)
    if len(shape) not in (1, 2) or (len(shape) == 2 and shape[1] != 2):
        return None, ["audio shape %s, expected [k] or [k, 2]" % list(shape)]
    if tensor.content is not None or tensor.float_val or tensor.double_val:
        return None, ["audio tensor carries numeric fields"]
    if len(tensor.string_val) != math.prod(shape):
        return None, ["shape %s needs %d string_val entries, found %d" % (
            list(shape), math.prod(shape), len(tensor.string_val))]
    return _audio_value(shape, list(tensor.string_val))


def _audio_value(shape, strings):
    if len(shape) == 1:
        return AudioValue(shape, tuple(strings), None, None, None), []
    try:
        labels = tuple(s.decode("utf-8") for s in strings[1::2])
    except UnicodeDecodeError:
        return None, ["an audio label is not UTF-8"]
    return AudioValue(shape, tuple(strings[0::2]), labels, None, None), []


def wav_errors(data, expected_rate, expected_channels, expected_frames):
    """Python's wave module must read the bytes with the right parameters."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            got = (w.getframerate(), w.getnchannels(), w.getsampwidth(),
                   w.getnframes(), w.getcomptype())
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError, struct.error) as e:
        return ["wave cannot read it: %s" % e]
    want = (expected_rate, expected_channels, 2, expected_frames, "NONE")
    errors = []
    if got != want:
        errors.append("wave reads (rate, channels, width, frames, compression)"
                      " %s, expected %s" % (got, want))
    if len(frames) != expected_frames * expected_channels * 2:
        errors.append("wave read %d bytes of samples" % len(frames))
    return errors


def expected_wav_errors(got, expected):
    """Every clip of `got` parsed by `wave` with the manifest's parameters."""
    errors = []
    for i, (clip, want) in enumerate(zip(got.clips, expected.clips)):
        frames = (len(want) - 44) // (2 * expected.channels)
        errors.extend("clip %d: %s" % (i, e) for e in wav_errors(
            clip, expected.sample_rate, expected.channels, frames))
    return errors


# --------------------------------------------------------------------------
# Group (b): TensorBoard's make_ndarray


def value_from_ndarray(kind, array):
    if kind == "histograms":
        if array.dtype not in (np.float64, np.float32) or array.ndim != 2 \
                or array.shape[1] != 3:
            raise ValueError("histogram tensor is %s of shape %s" % (
                array.dtype, list(array.shape)))
        return HistogramValue(array.astype(np.float64), None)
    if array.dtype != object or array.ndim not in (1, 2):
        raise ValueError("audio tensor is %s of shape %s" % (
            array.dtype, list(array.shape)))
    value, errors = _audio_value(tuple(array.shape), list(array.reshape(-1)))
    if errors:
        raise ValueError(errors[0])
    return value


def tensorboard_rule_errors(expected, loaded):
    """TensorBoard's own histogram_pb, fed the manifest's raw input, must give
    exactly the tensor TensorBoard's loader read from the file (`loaded`: judge
    data), for every histogram bucketed by TF2's rule."""
    from tensorboard.plugins.histogram import summary_v2
    from tensorboard.util import tensor_util
    errors = []
    for run, kinds in sorted(expected.items()):
        for tag, points in sorted(kinds.get("histograms", {}).items()):
            read = dict(loaded.get(run, {}).get("histograms", {}).get(tag, []))
            for step, value in points:
                if set(value.source["placement"]) != {"buckets"}:
                    continue  # only TF2's own rule has a TensorBoard twin
                if getattr(value, "classic", False):
                    continue  # the classic form's rows are checked against the manifest only
                pb = summary_v2.histogram_pb(tag, value.source["data"],
                                             buckets=value.source["placement"]["buckets"])
                want = HistogramValue(tensor_util.make_ndarray(pb.value[0].tensor), None)
                got = read.get(step)
                if got is None:
                    errors.append("%s %s step %d: not read" % (run, tag, step))
                    continue
                difference = want.first_difference(got)
                if difference:
                    errors.append("%s %s step %d: histogram_pb gives another "
                                  "tensor: %s" % (run, tag, step, difference.replace(
                                      "expected", "histogram_pb has")))
    return errors


# --------------------------------------------------------------------------
# Group (c): the server's HTTP API


def fetch(server):
    """Histograms and audio as the API serves them, audio bytes included."""
    snapshot = {"histogram_tags": server.get("/data/plugin/histograms/tags"),
                "audio_tags": server.get("/data/plugin/audio/tags"),
                "histograms": {}, "audio": {}}
    for run, tags in snapshot["histogram_tags"].items():
        for tag in tags:
            snapshot["histograms"][(run, tag)] = server.get(
                "/data/plugin/histograms/histograms", run=run, tag=tag)
    for run, tags in snapshot["audio_tags"].items():
        for tag, info in tags.items():
            clips = {}  # step -> [bytes of sample 0, 1, ...]
            for sample in range(info.get("samples", 0)):
                for entry in server.get("/data/plugin/audio/audio", run=run,
                                        tag=tag, sample=sample):
                    data = server.get_bytes(
                        "/data/plugin/audio/individualAudio?" + entry["query"])
                    clips.setdefault(entry["step"], []).append(
                        (sample, entry["contentType"], data))
            snapshot["audio"][(run, tag)] = clips
    return snapshot


def _expected_histogram_steps(points):
    steps = [s for s, _ in points]
    return steps if len(steps) <= HISTOGRAM_ROUTE_POINTS else None


def loaded(snapshot, expected):
    """Cheap test while polling: every histogram and audio point is served."""
    for run, kinds in expected.items():
        for tag, points in kinds.get("histograms", {}).items():
            rows = snapshot["histograms"].get((run, tag), [])
            want = min(len(points), HISTOGRAM_ROUTE_POINTS)
            if len(rows) != want or (rows and rows[-1][1] != points[-1][0]):
                return False
        for tag, points in kinds.get("audio", {}).items():
            clips = snapshot["audio"].get((run, tag), {})
            if sorted(clips) != sorted(s for s, _ in points):
                return False
            if any(len(clips[s]) != len(v.clips) for s, v in points):
                return False
    return True


def _tag_sets(tags_by_run):
    return {run: set(tags) for run, tags in tags_by_run.items() if tags}


def _expected_tags(expected, kind):
    return {run: set(kinds[kind]) for run, kinds in expected.items()
            if kinds.get(kind)}


def compare(report, snapshot, expected):
    """server.histograms-tags, server.audio-tags, and one check per tag."""
    for kind, key in (("histograms", "histogram_tags"), ("audio", "audio_tags")):
        got, want = _tag_sets(snapshot[key]), _expected_tags(expected, kind)
        report.check("server.%s-tags" % kind, [] if got == want else [
            "/data/plugin/%s/tags gives %s, expected %s" % (
                kind, {r: sorted(t) for r, t in sorted(got.items())},
                {r: sorted(t) for r, t in sorted(want.items())})])

    for (run, tag) in sorted(set(snapshot["histograms"]) | {
            (run, tag) for run, kinds in expected.items()
            for tag in kinds.get("histograms", {})}):
        report.check("server.histograms[%s %s]" % (run, tag),
                     _histogram_errors(snapshot["histograms"].get((run, tag)),
                                       expected.get(run, {}).get(
                                           "histograms", {}).get(tag)))

    for (run, tag) in sorted(set(snapshot["audio"]) | {
            (run, tag) for run, kinds in expected.items()
            for tag in kinds.get("audio", {})}):
        report.check("server.audio[%s %s]" % (run, tag),
                     _audio_errors(snapshot["audio"].get((run, tag)),
                                   expected.get(run, {}).get("audio", {}).get(
                                       tag)))


def _histogram_errors(rows, want):
    if want is None:
        return ["tag is not in the manifest"]
    if rows is None:
        return ["tag not served"]
    by_step = dict(want)
    errors = []
    # Up to 51 points are served; beyond that a sample that keeps the last.
    expected_count = min(len(want), HISTOGRAM_ROUTE_POINTS)
    if len(rows) != expected_count:
        errors.append("%d points served, expected %d" % (len(rows),
                                                         expected_count))
    if rows and rows[-1][1] != want[-1][0]:
        errors.append("last step served is %d, expected %d" % (rows[-1][1],
                                                               want[-1][0]))
    for _wall_time, step, buckets in rows:
        if step not in by_step:
            errors.append("step %d is not in the manifest" % step)
            continue
        got = HistogramValue(np.array(buckets, dtype=np.float64).reshape(-1, 3),
                             None)
        difference = by_step[step].first_difference(got)
        if difference:
            errors.append("step %d: %s" % (step, difference))
    return errors


def _audio_errors(clips, want):
    if want is None:
        return ["tag is not in the manifest"]
    if clips is None:
        return ["tag not served"]
    errors = []
    steps = [s for s, _ in want]
    if sorted(clips) != steps:
        errors.append("steps %s served, expected %s" % (_short(sorted(clips)),
                                                        _short(steps)))
    for step, value in want:
        served = sorted(clips.get(step, []))
        if len(served) != len(value.clips):
            errors.append("step %d: %d clips served, expected %d" % (
                step, len(served), len(value.clips)))
            continue
        for (sample, content_type, data), wav in zip(served, value.clips):
            # The data server serves a classic clip (classic_form.py) as
            # application/octet-stream; browsers sniff WAV in <audio> anyway.
            allowed = ("audio/wav", "application/octet-stream") \
                if getattr(value, "classic", False) else ("audio/wav",)
            if content_type not in allowed:
                errors.append("step %d clip %d: content type %r" % (
                    step, sample, content_type))
            if data != wav:
                errors.append("step %d clip %d: %d bytes served, expected the "
                              "%d bytes written" % (step, sample, len(data),
                                                    len(wav)))
            frames = (len(wav) - 44) // (2 * value.channels)
            errors.extend("step %d clip %d: %s" % (step, sample, e) for e in
                          wav_errors(data, value.sample_rate, value.channels,
                                     frames))
    return errors


# --------------------------------------------------------------------------
# Fixtures for selftest.py


def fixture_tensor(kind, value):
    """The TensorProto a correct writer logs for manifest `value`. TF2's own
    rule comes from TensorBoard's histogram_pb, not from this module."""
    from tensorboard.compat.proto import tensor_pb2
    from tensorboard.plugins.histogram import summary_v2
    if kind == "histograms":
        expected = manifest_histogram(value)
        if set(expected.source["placement"]) == {"buckets"}:
            pb = summary_v2.histogram_pb("t", expected.source["data"],
                                         buckets=value["buckets"])
            return pb.value[0].tensor
        rows = expected.rows
        tensor = tensor_pb2.TensorProto(dtype=DT_DOUBLE,
                                        tensor_content=rows.astype("<f8").tobytes())
        tensor.tensor_shape.dim.add(size=rows.shape[0])
        tensor.tensor_shape.dim.add(size=3)
        return tensor
    audio = manifest_audio(value)
    tensor = tensor_pb2.TensorProto(dtype=DT_STRING)
    for size in audio.shape:
        tensor.tensor_shape.dim.add(size=size)
    for i, clip in enumerate(audio.clips):
        tensor.string_val.append(clip)
        if audio.labels is not None:
            tensor.string_val.append(audio.labels[i].encode("utf-8"))
    return tensor
