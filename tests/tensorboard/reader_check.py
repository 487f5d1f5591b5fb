"""Check group (a): an independent reader of event files.

Pure Python on top of wire.py; shares no code with TensorBoard. It checks the
framing, the Event/Summary structure against what tinytb must write (the
tensor or the classic form, see docs/format.md), per-tag step order, and
collects the data for comparison with the manifest.
"""

import math
import os
import re

import numpy as np

import classic_form
import histogram_audio
import images
import wire
from judge_common import (DATA_CLASS_NAMES, DT_DOUBLE, DT_FLOAT, DT_STRING,
                          KIND_BY_PLUGIN, KINDS, TextValue, add_point,
                          compare_data, dtype_name)

FILE_VERSION = "brain.Event:2"
FILE_NAME_RE = re.compile(r"^events\.out\.tfevents\.\d{10}\..+$")

# Message schemas: field number -> (name, allowed wire types, repeated).
# Only what tinytb is meant to write is allowed: anything else is reported,
# so a stray or legacy field cannot slip through unnoticed.
_V, _I64, _LEN, _I32 = wire.VARINT, wire.I64, wire.LEN, wire.I32
EVENT = {1: ("wall_time", {_I64}, False), 2: ("step", {_V}, False),
         3: ("file_version", {_LEN}, False), 5: ("summary", {_LEN}, False),
         7: ("session_log", {_LEN}, False)}
SUMMARY = {1: ("value", {_LEN}, True)}
VALUE = {1: ("tag", {_LEN}, False), 8: ("tensor", {_LEN}, False),
         9: ("metadata", {_LEN}, False),
         # the classic form (classic_form.py)
         2: ("simple_value", {_I32}, False), 4: ("image", {_LEN}, False),
         5: ("histo", {_LEN}, False), 6: ("audio", {_LEN}, False)}
IMAGE = {1: ("height", {_V}, False), 2: ("width", {_V}, False),
         3: ("colorspace", {_V}, False),
         4: ("encoded_image_string", {_LEN}, False)}
HISTO = {1: ("min", {_I64}, False), 2: ("max", {_I64}, False),
         3: ("num", {_I64}, False), 4: ("sum", {_I64}, False),
         5: ("sum_squares", {_I64}, False),
         6: ("bucket_limit", {_LEN, _I64}, True),
         7: ("bucket", {_LEN, _I64}, True)}
AUDIO = {1: ("sample_rate", {_I32}, False), 2: ("num_channels", {_V}, False),
         3: ("length_frames", {_V}, False),
         4: ("encoded_audio_string", {_LEN}, False),
         5: ("content_type", {_LEN}, False)}
METADATA = {1: ("plugin_data", {_LEN}, False),
            2: ("display_name", {_LEN}, False),
            3: ("summary_description", {_LEN}, False),
            4: ("data_class", {_V}, False)}
PLUGIN_DATA = {1: ("plugin_name", {_LEN}, False), 2: ("content", {_LEN}, False)}
TENSOR = {1: ("dtype", {_V}, False), 2: ("tensor_shape", {_LEN}, False),
          3: ("version_number", {_V}, False),
          4: ("tensor_content", {_LEN}, False),
          5: ("float_val", {_LEN, _I32}, True),
          6: ("double_val", {_LEN, _I64}, True),
          8: ("string_val", {_LEN}, True)}
SHAPE = {2: ("dim", {_LEN}, True), 3: ("unknown_rank", {_V}, False)}
DIM = {1: ("size", {_V}, False), 2: ("name", {_LEN}, False)}

# Known fields that tinytb must not write, named for clearer reports.
KNOWN_OTHERS = {
    "Event": {4: "graph_def", 6: "log_message", 8: "tagged_run_metadata",
              9: "meta_graph_def", 10: "source_metadata"},
    "Summary.Value": {3: "obsolete_old_style_histogram", 7: "node_name"},
}


class SchemaError(Exception):
    pass


def parse_message(data, schema, what):
    """Decodes `data` against `schema`; returns {name: value or [values]}.

    Repeated fields map to lists of (wire_type, value); singular ones to the
    value. Raises SchemaError for anything outside the schema.
    """
    try:
        fields = wire.decode_fields(data)
    except wire.DecodeError as e:
        raise SchemaError("%s: %s" % (what, e)) from None
    result = {}
    for number, wire_type, value in fields:
        if number not in schema:
            known = KNOWN_OTHERS.get(what, {}).get(number)
            raise SchemaError("%s has unexpected field %d%s" % (
                what, number, " (%s)" % known if known else ""))
        name, wire_types, repeated = schema[number]
        if wire_type not in wire_types:
            raise SchemaError("%s.%s has wire type %s" % (
                what, name, wire.WIRE_TYPE_NAMES[wire_type]))
        if repeated:
            result.setdefault(name, []).append((wire_type, value))
        elif name in result:
            raise SchemaError("%s.%s appears twice" % (what, name))
        else:
            result[name] = value
    return result


def _utf8(raw, what):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SchemaError("%s is not valid UTF-8" % what) from None


# --------------------------------------------------------------------------
# Decoding into plain Python objects


class Value:
    """One Summary.Value, decoded; `metadata` is None when absent. A classic
    value (classic_form.py) has `classic_kind` set, `tensor` None, and its
    point, as TensorBoard would convert it, in `classic_point`
    (`classic_errors` says what is wrong with it)."""

    def __init__(self, payload):
        fields = parse_message(payload, VALUE, "Summary.Value")
        self.tag = _utf8(fields.get("tag", b""), "tag")
        self.metadata = None
        if "metadata" in fields:
            self.metadata = Metadata(fields["metadata"])
        self.tensor = None
        self.classic_kind = None
        self.classic_point = None
        self.classic_errors = []
        classic = [n for n in ("simple_value", "image", "histo", "audio") if n in fields]
        if len(classic) + ("tensor" in fields) != 1:
            raise SchemaError("value %r has %s, expected exactly one value field" % (
                self.tag, classic + (["tensor"] if "tensor" in fields else []) or "none"))
        if "tensor" in fields:
            self.tensor = Tensor(fields["tensor"])
            return
        name = classic[0]
        self.classic_kind = {"simple_value": "scalars", "image": "images",
                             "histo": "histograms", "audio": "audio"}[name]
        self.classic_point, self.classic_errors = _read_classic(name, fields[name])


def _read_classic(name, raw):
    """(point, errors) of a classic value, presented as TensorBoard's data_compat
    would present it."""
    if name == "simple_value":
        return np.array([raw], dtype="<u4").view("<f4")[0], []
    if name == "image":
        f = parse_message(raw, IMAGE, "Summary.Image")
        errors = []
        if f.get("colorspace") not in (1, 2, 3, 4):
            errors.append("colorspace %r, expected 1, 2, 3 or 4" % f.get("colorspace"))
        return images.ImagesValue(f.get("width", 0), f.get("height", 0),
                                  (f.get("encoded_image_string", b""),)), errors
    if name == "histo":
        f = parse_message(raw, HISTO, "HistogramProto")
        limits = _repeated_fixed(f.get("bucket_limit", []), _I64, wire.decode_packed_fixed64)
        counts = _repeated_fixed(f.get("bucket", []), _I64, wire.decode_packed_fixed64)
        limits = [wire.as_double(v) for v in limits]
        counts = [wire.as_double(v) for v in counts]
        lo, hi, num = (wire.as_double(f.get(k, 0)) for k in ("min", "max", "num"))
        errors = []
        if len(limits) != len(counts):
            errors.append("%d bucket limits for %d buckets" % (len(limits), len(counts)))
        if num != sum(counts):
            errors.append("num %r, the buckets hold %r" % (num, sum(counts)))
        if any(b < a for a, b in zip(limits, limits[1:])) or (counts and lo > hi):
            errors.append("bucket limits do not increase")
        return histogram_audio.HistogramValue(
            classic_form.rows_from_classic(lo, hi, limits, counts), None), errors
    f = parse_message(raw, AUDIO, "Summary.Audio")
    errors = []
    if f.get("content_type") != b"audio/wav":
        errors.append("content_type %r, expected 'audio/wav'" % f.get("content_type"))
    wav = f.get("encoded_audio_string", b"")
    channels = f.get("num_channels", 0)
    frames = f.get("length_frames", 0)
    rate = wire.as_float(f.get("sample_rate", 0))
    errors.extend(histogram_audio.wav_errors(wav, int(rate), channels, frames))
    return histogram_audio.AudioValue((1,), (wav,), None, None, None), errors


class Metadata:
    def __init__(self, payload):
        fields = parse_message(payload, METADATA, "SummaryMetadata")
        plugin = parse_message(fields.get("plugin_data", b""), PLUGIN_DATA,
                               "PluginData")
        self.plugin_name = _utf8(plugin.get("plugin_name", b""), "plugin_name")
        self.content = plugin.get("content", b"")
        self.data_class = fields.get("data_class", 0)


class Tensor:
    """A TensorProto with its repeated fields flattened to plain lists."""

    def __init__(self, payload):
        fields = parse_message(payload, TENSOR, "TensorProto")
        self.dtype = fields.get("dtype", 0)
        self.content = fields.get("tensor_content")
        self.shape = _parse_shape(fields.get("tensor_shape", b""))
        self.float_val = _repeated_fixed(fields.get("float_val", []), _I32,
                                         wire.decode_packed_fixed32)
        self.double_val = _repeated_fixed(fields.get("double_val", []), _I64,
                                          wire.decode_packed_fixed64)
        self.string_val = [v for _, v in fields.get("string_val", [])]


def _parse_shape(payload):
    fields = parse_message(payload, SHAPE, "TensorShapeProto")
    if fields.get("unknown_rank"):
        raise SchemaError("tensor shape has unknown_rank set")
    shape = []
    for _, dim in fields.get("dim", []):
        size = wire.as_int64(parse_message(dim, DIM, "Dim").get("size", 0))
        if size < 0:
            raise SchemaError("tensor shape has dimension %d" % size)
        shape.append(size)
    return tuple(shape)


def _repeated_fixed(entries, single_wire_type, unpack_packed):
    values = []
    for wire_type, value in entries:
        if wire_type == single_wire_type:
            values.append(value)
        else:
            values.extend(unpack_packed(value))
    return values


class Event:
    def __init__(self, payload):
        fields = parse_message(payload, EVENT, "Event")
        present = [k for k in ("file_version", "summary", "session_log")
                   if k in fields]
        if len(present) > 1:
            raise SchemaError("Event sets several oneof fields: %s" % present)
        self.wall_time = None
        if "wall_time" in fields:
            self.wall_time = wire.as_double(fields["wall_time"])
        self.step = wire.as_int64(fields.get("step", 0))
        self.file_version = None
        if "file_version" in fields:
            self.file_version = _utf8(fields["file_version"], "file_version")
        self.values = []
        if "summary" in fields:
            summary = parse_message(fields["summary"], SUMMARY, "Summary")
            self.values = [Value(v) for _, v in summary.get("value", [])]


# --------------------------------------------------------------------------
# Checks


def _metadata_errors(meta, kind, where):
    spec = KINDS[kind]
    errors = []
    if meta.data_class != spec.data_class:
        errors.append("%s: data_class %s, expected %s" % (
            where, DATA_CLASS_NAMES.get(meta.data_class, meta.data_class),
            DATA_CLASS_NAMES[spec.data_class]))
    if meta.content != spec.content:
        errors.append("%s: plugin content %r, expected %r"
                      % (where, meta.content, spec.content))
    return errors


def read_tensor(kind, tensor):
    """Returns (value, errors) for a tensor of the given kind."""
    spec = KINDS[kind]
    errors = []
    if tensor.dtype != spec.dtype:
        errors.append("%s, expected %s" % (dtype_name(tensor.dtype),
                                           dtype_name(spec.dtype)))
    if len(tensor.shape) not in spec.ranks:
        errors.append("rank %d (shape %s), expected rank %s" % (
            len(tensor.shape), list(tensor.shape),
            " or ".join(map(str, spec.ranks))))
    if errors:
        return None, errors
    if kind == "scalars":
        return _read_scalar(tensor)
    if kind == "histograms":
        return histogram_audio.read_histogram(tensor)
    if kind == "audio":
        return histogram_audio.read_audio(tensor)
    if kind == "images":
        return images.read_images(tensor)
    return _read_text(tensor)


def _read_scalar(tensor):
    if tensor.double_val or tensor.string_val:
        return None, ["DT_FLOAT tensor carries double_val or string_val"]
    if tensor.content is not None:
        if tensor.float_val:
            return None, ["both float_val and tensor_content are set"]
        if len(tensor.content) != 4:
            return None, ["tensor_content of %d bytes, expected 4"
                          % len(tensor.content)]
        return np.frombuffer(tensor.content, dtype="<f4")[0], []
    if len(tensor.float_val) != 1:
        return None, ["%d float_val entries, expected 1" % len(tensor.float_val)]
    return np.array([tensor.float_val[0]], dtype="<u4").view("<f4")[0], []


def _read_text(tensor):
    if tensor.content is not None or tensor.float_val or tensor.double_val:
        return None, ["DT_STRING tensor carries numeric fields"]
    count = math.prod(tensor.shape)
    if len(tensor.string_val) != count:
        return None, ["shape %s needs %d string_val entries, found %d" % (
            list(tensor.shape), count, len(tensor.string_val))]
    try:
        values = tuple(_utf8(v, "string_val") for v in tensor.string_val)
    except SchemaError as e:
        return None, [str(e)]
    return TextValue(tensor.shape, values), []


def _guess_kind(tensor):
    return {DT_FLOAT: "scalars", DT_DOUBLE: "scalars",
            DT_STRING: "text"}.get(tensor.dtype)


class FileResult:
    def __init__(self, path, run):
        self.path = path
        self.run = run
        self.framed_records = 0
        self.events = []  # Event objects, in file order


def check_file(report, logdir, path, run, run_kinds, data, forms):
    """Runs the per-file checks and adds the file's points to `data`.

    `run_kinds` maps tag -> kind for the run so far (metadata seen in an
    earlier file of the run), and is updated.
    """
    name = os.path.relpath(path, logdir)
    result = FileResult(path, run)
    basename = os.path.basename(path)
    report.check("reader.file-name[%s]" % name, [] if FILE_NAME_RE.match(
        basename) else ["%r does not match events.out.tfevents.<10 digits>.<...>"
                        % basename])

    with open(path, "rb") as f:
        payloads, result.framed_records, framing_error = wire.read_records(
            f.read())
    errors = [str(framing_error)] if framing_error else []
    if not payloads and not framing_error:
        errors.append("file holds no records")
    report.check("reader.framing[%s]" % name, errors)

    decode_errors = []
    for index, payload in enumerate(payloads):
        try:
            result.events.append((index, Event(payload)))
        except SchemaError as e:
            decode_errors.append("record %d: %s" % (index, e))
    report.check("reader.decode[%s]" % name, decode_errors)

    first_errors = []
    if not payloads:
        first_errors.append("no record to check")
    elif not result.events or result.events[0][0] != 0:
        first_errors.append("first record does not decode as an Event")
    else:
        first = result.events[0][1]
        if first.file_version != FILE_VERSION:
            first_errors.append("file_version %r, expected %r"
                                % (first.file_version, FILE_VERSION))
        # proto3 leaves out a zero wall_time (a board with no clock and no
        # uptime): absent means 0.0, which every reader accepts.
        if first.wall_time is not None and not math.isfinite(first.wall_time):
            first_errors.append("wall_time %r" % first.wall_time)
    report.check("reader.first-record[%s]" % name, first_errors)

    time_errors = ["record %d: wall_time %r" % (index, event.wall_time)
                   for index, event in result.events
                   if event.wall_time is not None
                   and not math.isfinite(event.wall_time)]
    report.check("reader.wall-time[%s]" % name, time_errors)

    meta_errors, tensor_errors = [], []
    file_kinds = {}  # tag -> kind, from the first value of the tag here
    form = forms.get(run, classic_form.TENSOR)
    for index, event in result.events:
        for value in event.values:
            where = "record %d tag %r" % (index, value.tag)
            meta = value.metadata
            if value.classic_kind is not None:
                # No metadata: TensorBoard files a classic value by its field.
                if meta is not None:
                    meta_errors.append("%s: a classic value carries metadata" % where)
                tensor_errors.extend("%s: %s" % (where, e) for e in value.classic_errors)
                add_point(data, run, value.classic_kind, value.tag, event.step,
                          value.classic_point)
                continue
            if form == classic_form.CLASSIC and meta is not None and \
                    meta.plugin_name in ("scalars", "images", "histograms", "audio"):
                meta_errors.append("%s: a %s tensor in a classic run" % (
                    where, meta.plugin_name))
            if (meta is not None and meta.plugin_name == "hparams") or \
                    file_kinds.get(value.tag) == "hparams":
                file_kinds.setdefault(value.tag, "hparams")  # hparams_judge.py checks them
                continue
            kind = file_kinds.get(value.tag)
            if meta is not None:
                meta_kind = KIND_BY_PLUGIN.get(meta.plugin_name)
                if meta_kind is None:
                    meta_errors.append("%s: plugin %r is not checked by this "
                                       "judge" % (where, meta.plugin_name))
                elif kind is not None and meta_kind != kind:
                    meta_errors.append("%s: plugin %r, earlier values were %r"
                                       % (where, meta.plugin_name, kind))
                else:
                    meta_errors.extend(_metadata_errors(meta, meta_kind, where))
                    kind = meta_kind
            elif kind is None:
                meta_errors.append("%s: first value of the tag in this file "
                                   "has no metadata" % where)
                kind = run_kinds.get(value.tag) or _guess_kind(value.tensor)
            if kind is None:
                continue
            file_kinds.setdefault(value.tag, kind)
            run_kinds.setdefault(value.tag, kind)
            point, errors = read_tensor(kind, value.tensor)
            tensor_errors.extend("%s: %s" % (where, e) for e in errors)
            add_point(data, run, kind, value.tag, event.step, point)
    report.check("reader.metadata[%s]" % name, meta_errors)
    report.check("reader.tensor[%s]" % name, tensor_errors)
    return result


def find_event_files(logdir):
    """Returns {run: [paths in lexicographic order of name]}."""
    runs = {}
    for dirpath, dirnames, filenames in os.walk(logdir):
        dirnames.sort()
        paths = sorted(os.path.join(dirpath, f) for f in filenames
                       if "tfevents" in f)
        if paths:
            run = os.path.relpath(dirpath, logdir).replace(os.sep, "/")
            runs[run] = paths
    return runs


def check_steps(report, run, data):
    errors = []
    for kind, tags in sorted(data.get(run, {}).items()):
        for tag, points in sorted(tags.items()):
            for (before, _), (after, _) in zip(points, points[1:]):
                if after <= before:
                    errors.append("%s/%s: step %d after step %d"
                                  % (kind, tag, after, before))
                    break
    report.check("reader.steps[%s]" % run, errors)


def detect_forms(runs):
    """{run: classic_form.CLASSIC or TENSOR}: a run holding any classic value
    is classic. Files that do not decode count as tensor here (check_file
    reports them)."""
    forms = {}
    for run, paths in runs.items():
        forms[run] = classic_form.TENSOR
        for path in paths:
            with open(path, "rb") as f:
                payloads, _, _ = wire.read_records(f.read())
            for payload in payloads:
                try:
                    event = Event(payload)
                except SchemaError:
                    continue
                if any(v.classic_kind for v in event.values):
                    forms[run] = classic_form.CLASSIC
                    break
            if forms[run] == classic_form.CLASSIC:
                break
    return forms


def run_checks(report, logdir, runs, expected, forms):
    """Group (a). Returns {path: framed record count} for group (b).
    `expected` is already as each run's form presents it."""
    report.check("reader.crc32c", wire.crc_self_test())
    data = {run: {} for run in runs}
    framed = {}
    for run, paths in sorted(runs.items()):
        run_kinds = {}
        for path in paths:
            result = check_file(report, logdir, path, run, run_kinds, data, forms)
            framed[path] = result.framed_records
        check_steps(report, run, data)
    compare_data(report, "reader", data, expected)
    return framed
