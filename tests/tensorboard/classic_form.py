"""The classic summary form (docs/format.md, "Summary forms") for the judge.

A manifest says what was logged, whatever the form. A run written in the
classic form presents some of it differently, and every reader sees that
presentation (TensorBoard converts classic values with
tensorboard/data_compat.py):

* a batch of k > 1 images or audio clips is k tags "<tag>/image/<i>"
  ("<tag>/audio/<i>") of one image or clip each;
* an audio clip has no label: TensorBoard's loaders end with a tensor of
  shape [1] (data_compat makes [[wav, b""]], dataclass_compat keeps the clip);
* a histogram: the data server shows the tensor form's rows; TensorBoard's
  Python loader drops the empty buckets at both ends and keeps float32;
* a text list or table is one Markdown string, rank 0.

presented() turns the manifest's data into what a classic run must show, so
every check group compares as before. The Markdown is computed here, from the
rules docs/format.md states, not from tinytb's code.
"""

import numpy as np

import histogram_audio
import images
from judge_common import TextValue

CLASSIC = "classic"
TENSOR = "tensor"

# Summary.Value fields of the classic form, and the kind each carries.
KIND_OF_FIELD = {2: "scalars", 4: "images", 5: "histograms", 6: "audio"}


# --------------------------------------------------------------------------
# Markdown for lists and tables


def markdown_list(items):
    """ "- item\\n" per item; an item's line break is a hard one, "  \\n", and the
    next line is indented by two spaces."""
    return "".join("- " + item.replace("\n", "  \n  ") + "\n" for item in items)


def _cell(text):
    out = []
    in_code = False
    for i, c in enumerate(text):
        if c == "`":
            in_code = not in_code
        if c == "|" and not in_code and (i == 0 or text[i - 1] != "\\"):
            out.append("\\|")
        elif c == "\n":
            out.append("<br>")
        elif c != "\r":
            out.append(c)
    return " " + "".join(out) + " |"


def markdown_table(rows, cols, cells):
    """A pipe table: an empty header row, then the rows."""
    lines = ["|" + "  |" * cols, "|" + " --- |" * cols]
    for r in range(rows):
        lines.append("|" + "".join(_cell(c) for c in cells[r * cols:(r + 1) * cols]))
    return "\n".join(lines) + "\n"


def _text(value):
    if len(value.shape) == 1:
        return TextValue((), (markdown_list(value.values),))
    if len(value.shape) == 2:
        return TextValue((), (markdown_table(value.shape[0], value.shape[1],
                                             value.values),))
    return value


# --------------------------------------------------------------------------
# Histograms


def python_compat_rows(rows):
    """What TensorBoard's Python loader (data_compat.py) makes of a classic
    histogram written from these rows: the empty buckets at both ends
    dropped, min and max (the outer edges of all rows) as the outer edges,
    float32."""
    nonzero = np.nonzero(rows[:, 2])[0]
    if nonzero.size == 0:
        return np.zeros((0, 3))
    kept = rows[nonzero[0]:nonzero[-1] + 1].copy()
    kept[0, 0] = rows[0, 0]
    kept[-1, 1] = rows[-1, 1]
    return kept.astype(np.float32).astype(np.float64)


class ClassicHistogramValue(histogram_audio.HistogramValue):
    """Expected rows of a classic histogram: the tensor form's rows exactly
    (the data server, the independent reader), or what TensorBoard's Python
    loader makes of them (python_compat_rows)."""

    classic = True

    def _candidates(self):
        return (self.rows, python_compat_rows(self.rows))

    def matches(self, got):
        return (isinstance(got, histogram_audio.HistogramValue)
                and any(got.rows.shape == c.shape and bool(np.all(got.rows == c))
                        for c in self._candidates()))

    def first_difference(self, got):
        if self.matches(got):
            return None
        return histogram_audio.HistogramValue(self.rows, None).first_difference(got)


def rows_from_classic(lo, hi, limits, counts):
    """A HistogramProto's rows as TensorBoard's data server builds them:
    (min or limit[i - 1], limit[i] or max, count[i]) for every bucket."""
    k = len(counts)
    if k == 0:
        return np.zeros((0, 3))
    lefts = [lo] + list(limits[:k - 1])
    rights = list(limits[:k - 1]) + [hi]
    return np.array([lefts, rights, list(counts)], dtype=np.float64).transpose()


class ClassicAudioValue(histogram_audio.AudioValue):
    """A clip of the classic form. TensorBoard's data server serves it as
    application/octet-stream: only its Python loader marks converted audio
    as WAV."""

    classic = True


# --------------------------------------------------------------------------
# The manifest's data as a classic run presents it


def presented(expected, forms):
    """expected: judge data from the manifest; forms: {run: CLASSIC or TENSOR}."""
    result = {}
    for run, kinds in expected.items():
        if forms.get(run) != CLASSIC:
            result[run] = kinds
            continue
        out = result[run] = {}
        for kind, tags in kinds.items():
            out_tags = out.setdefault(kind, {})
            for tag, points in tags.items():
                for step, value in points:
                    for sub_tag, sub_value in _split(kind, tag, value):
                        out_tags.setdefault(sub_tag, []).append((step, sub_value))
    return result


def _split(kind, tag, value):
    """[(tag, value)] a classic run shows for one logged value."""
    if kind == "text":
        return [(tag, _text(value))]
    if kind == "histograms":
        return [(tag, ClassicHistogramValue(value.rows, value.source))]
    if kind == "images":
        if len(value.items) == 1:
            return [(tag, value)]
        return [("%s/image/%d" % (tag, i),
                 images.ImagesValue(value.width, value.height, (item,)))
                for i, item in enumerate(value.items)]
    if kind == "audio":
        one = [ClassicAudioValue((1,), (clip,), None, value.sample_rate, value.channels)
               for clip in value.clips]
        if len(one) == 1:
            return [(tag, one[0])]
        return [("%s/audio/%d" % (tag, i), v) for i, v in enumerate(one)]
    return [(tag, value)]
