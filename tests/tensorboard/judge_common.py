"""Shared pieces of the TensorBoard judge: report lines, the manifest, and
the comparison of what a reader saw with what the manifest says was logged.

"Data" everywhere in the judge has one shape, whoever read it:

    data[run][kind][tag] = [(step, value), ...]   in the order read

where `kind` is a key of KINDS, a scalar `value` is a numpy.float32 (or None
when the record could not be read as one) and a text `value` is a TextValue.
"""

import collections
import json
import math
import struct

import numpy as np

import histogram_audio
import images

# TensorFlow DataType enum values used by the kinds we check.
DT_FLOAT = 1
DT_DOUBLE = 2
DT_STRING = 7
DTYPE_NAMES = {1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8",
               7: "DT_STRING", 9: "DT_INT64"}

# SummaryMetadata.DataClass
DATA_CLASS_NAMES = {0: "UNKNOWN", 1: "SCALAR", 2: "TENSOR", 3: "BLOB_SEQUENCE"}

# content: the PluginData.content the kind must carry (b"": none, version 0).
KindSpec = collections.namedtuple(
    "KindSpec", "plugin_name data_class dtype ranks content", defaults=(b"",))

# The summary kinds this judge knows how to check, keyed by manifest key.
# A manifest key that is not here makes the judge fail: adding "images",
# "histograms" or "audio" means adding an entry here and teaching every check
# group to read and compare it.
KINDS = {
    "scalars": KindSpec("scalars", 1, DT_FLOAT, (0,)),
    "text": KindSpec("text", 2, DT_STRING, (0, 1, 2)),
    "histograms": KindSpec("histograms", 2, DT_DOUBLE, (2,)),
    "audio": KindSpec("audio", 3, DT_STRING, (1, 2),
                      histogram_audio.AUDIO_PLUGIN_CONTENT),
    "images": KindSpec("images", 3, DT_STRING, (1,)),
}
KIND_BY_PLUGIN = {spec.plugin_name: kind for kind, spec in KINDS.items()}


def dtype_name(dtype):
    return DTYPE_NAMES.get(dtype, "dtype %d" % dtype)


class TextValue(collections.namedtuple("TextValue", "shape values")):
    """A text tensor: `shape` a tuple of ints, `values` row-major strings."""

    def __str__(self):
        return "shape %s %r" % (list(self.shape), list(self.values))


# --------------------------------------------------------------------------
# Report


class Report:
    """Prints one line per check and keeps the counts."""

    MAX_REASONS = 3

    def __init__(self, out):
        self._out = out
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def check(self, name, errors):
        """Records a check that passes iff `errors` (a list of str) is empty."""
        if not errors:
            self.passed += 1
            self._print("PASS %s" % name)
            return True
        self.failed += 1
        reason = "; ".join(errors[:self.MAX_REASONS])
        if len(errors) > self.MAX_REASONS:
            reason += "; (%d more)" % (len(errors) - self.MAX_REASONS)
        self._print("FAIL %s: %s" % (name, reason))
        return False

    def expect(self, name, ok, detail=""):
        """Records a check that passes iff `ok` is true; `detail` says what was wrong."""
        if ok:
            return self.check(name, [])
        self.failed += 1
        self._print("FAIL %s%s" % (name, (": " + detail) if detail else ""))
        return False

    def skip(self, name, reason):
        self.skipped += 1
        self._print("SKIP %s: %s" % (name, reason))

    def summary(self):
        self._print("%d passed, %d failed" % (self.passed, self.failed))

    def _print(self, line):
        self._out.write(line + "\n")
        self._out.flush()


# --------------------------------------------------------------------------
# Manifest

_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf,
                   "-Infinity": -math.inf}


def _manifest_scalar(value):
    if isinstance(value, str):
        if value not in _SPECIAL_FLOATS:
            raise ValueError("scalar value %r is not a number, 'NaN', "
                             "'Infinity' or '-Infinity'" % value)
        value = _SPECIAL_FLOATS[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("scalar value %r is not a number" % (value,))
    with np.errstate(over="ignore"):  # huge values round to +-inf in float32
        return np.float32(value)


def _manifest_text(value):
    if not isinstance(value, dict) or set(value) != {"shape", "values"}:
        raise ValueError('text value must be {"shape": [...], "values": [...]}')
    shape, values = value["shape"], value["values"]
    if (not isinstance(shape, list) or len(shape) > 2
            or not all(isinstance(d, int) and d >= 0 for d in shape)):
        raise ValueError("text shape %r must be [], [n] or [r, c]" % (shape,))
    if not isinstance(values, list) or not all(
            isinstance(v, str) for v in values):
        raise ValueError("text values must be a list of strings")
    if len(values) != math.prod(shape):
        raise ValueError("text shape %r needs %d values, got %d"
                         % (shape, math.prod(shape), len(values)))
    return TextValue(tuple(shape), tuple(values))


_VALUE_PARSERS = {"scalars": _manifest_scalar, "text": _manifest_text,
                  **histogram_audio.VALUE_PARSERS, **images.VALUE_PARSERS}


def load_manifest(path):
    """Reads the manifest. Returns (data, errors).

    Everything that can be understood goes into `data`; everything else
    (unknown kinds included) becomes an error, so nothing goes unchecked
    silently.
    """
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except (OSError, ValueError) as e:
        return {}, ["cannot read %s: %s" % (path, e)]
    errors = []
    data = {}
    if not isinstance(raw, dict) or not isinstance(raw.get("runs"), dict):
        return data, ['top level must be {"runs": {...}}']
    for key in raw:
        if key not in ("runs", "hparams"):  # "hparams": hparams_judge.py
            errors.append("unknown top-level key %r" % key)
    for run, kinds in raw["runs"].items():
        data[run] = {}
        if not isinstance(kinds, dict):
            errors.append("run %r: must map kinds to tags" % run)
            continue
        for kind, tags in kinds.items():
            if kind not in KINDS:
                errors.append("run %r: kind %r is not checked by this judge "
                              "(known: %s)" % (run, kind, ", ".join(KINDS)))
                continue
            if not isinstance(tags, dict):
                errors.append("run %r %s: must map tags to points" % (run, kind))
                continue
            data[run][kind] = {}
            for tag, points in tags.items():
                try:
                    data[run][kind][tag] = _manifest_points(kind, points)
                except ValueError as e:
                    errors.append("run %r %s/%s: %s" % (run, kind, tag, e))
    return data, errors


def _manifest_points(kind, points):
    if not isinstance(points, list):
        raise ValueError("must be a list of [step, value]")
    result = []
    for point in points:
        if (not isinstance(point, list) or len(point) != 2
                or isinstance(point[0], bool) or not isinstance(point[0], int)):
            raise ValueError("point %r is not [integer step, value]" % (point,))
        result.append((point[0], _VALUE_PARSERS[kind](point[1])))
    return result


# --------------------------------------------------------------------------
# Comparison


def float32_bits(value):
    return struct.unpack("<I", struct.pack("<f", value))[0]


def values_equal(got, expected):
    """Exact equality; scalars compare bit for bit except that NaNs match."""
    if isinstance(expected, TextValue):
        return got == expected
    if hasattr(expected, "matches"):  # kinds with their own value class
        return expected.matches(got)
    if got is None:
        return False
    if math.isnan(got) and math.isnan(expected):
        return True
    return float32_bits(got) == float32_bits(expected)


def describe_value(value):
    if value is None:
        return "an unreadable value"
    if isinstance(value, TextValue):
        return str(value)
    if hasattr(value, "describe"):
        return value.describe()
    return "%s (0x%08X)" % (value, float32_bits(value))


def compare_steps(got_steps, expected_steps):
    """Compares two step sequences. Returns a list of error strings."""
    if got_steps == expected_steps:
        return []
    missing = sorted(set(expected_steps) - set(got_steps))
    extra = sorted(set(got_steps) - set(expected_steps))
    parts = []
    if missing:
        parts.append("missing steps %s" % _short_list(missing))
    if extra:
        parts.append("unexpected steps %s" % _short_list(extra))
    if not parts:
        parts.append("steps %s, expected %s" % (_short_list(got_steps),
                                                _short_list(expected_steps)))
    return ["; ".join(parts)]


def compare_series(got, expected):
    """Compares two [(step, value)] lists. Returns a list of error strings."""
    errors = compare_steps([step for step, _ in got],
                           [step for step, _ in expected])
    if errors:
        return errors
    for (step, value), (_, want) in zip(got, expected):
        if not values_equal(value, want):
            if hasattr(want, "first_difference") and type(value) is type(want):
                errors.append("step %d: %s" % (step, want.first_difference(value)))
                continue
            errors.append("step %d: got %s, expected %s"
                          % (step, describe_value(value), describe_value(want)))
    return errors


def _short_list(items, limit=8):
    if len(items) <= limit:
        return str(list(items))
    return "[%s, ... %d more]" % (", ".join(map(str, items[:limit])),
                                  len(items) - limit)


def compare_data(report, group, got, expected, kinds=None, check_runs=True):
    """Reports the run set and one check per (run, kind, tag) of either side.

    `kinds` limits the comparison (e.g. to kinds a check group can read);
    `check_runs=False` leaves out the run-set check.
    """
    kinds = kinds or KINDS
    if check_runs:
        runs_errors = []
        missing_runs = sorted(set(expected) - set(got))
        extra_runs = sorted(set(got) - set(expected))
        if missing_runs:
            runs_errors.append("missing runs %s" % missing_runs)
        if extra_runs:
            runs_errors.append("runs not in the manifest %s" % extra_runs)
        report.check("%s.runs" % group, runs_errors)

    for run in sorted(set(got) | set(expected)):
        for kind in kinds:
            got_tags = got.get(run, {}).get(kind, {})
            expected_tags = expected.get(run, {}).get(kind, {})
            for tag in sorted(set(got_tags) | set(expected_tags)):
                name = "%s.data[%s %s/%s]" % (group, run, kind, tag)
                if tag not in expected_tags:
                    report.check(name, ["tag is not in the manifest"])
                elif tag not in got_tags:
                    report.check(name, ["tag not found"])
                else:
                    report.check(name, compare_series(got_tags[tag],
                                                      expected_tags[tag]))


def add_point(data, run, kind, tag, step, value):
    data.setdefault(run, {}).setdefault(kind, {}).setdefault(tag, []).append(
        (step, value))
