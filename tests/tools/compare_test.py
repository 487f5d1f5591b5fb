#!/usr/bin/env python3
"""End-to-end tests of `tinytb compare` (docs/tools.md).

    compare_test.py --build BUILD --out DIR

Two runs are written here with TensorBoard's own protobufs and wire.py's framing (not
with tinytb's writer, so the tool reads what another writer made): scalars in the classic
form in one run and TF2's tensor form in the other, a tag whose steps only partly
overlap, histograms (TF2 [k, 3] tensors with the same edges, and classic HistogramProtos
with other edges), a real tensor from tensor_content in one run and float_val in the
other, tensors whose shapes differ, an image, and tags only one run has. The expected differences are computed here
with numpy. Checked: the terminal table (every row, every number as "%.6g"), the tags
listed as only in one run, the exit codes of the refusals, and the --out run judged by
tests/tensorboard/tb_judge.py (its own reader, TensorBoard's loaders and the real server)
against a manifest of exactly those differences. One PASS/FAIL line per check, then
"N passed, M failed". Runs under the test venv's Python (TensorBoard installed).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "tensorboard"))

import judge_common  # noqa: E402
import wire  # noqa: E402

from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

REPORT = judge_common.Report(sys.stdout)
check = REPORT.expect


# ---- the two input runs ------------------------------------------------------------------------

def f32(x):
    return float(np.float32(x))


class RunWriter:
    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.f = open(path, "wb")
        self.event(0, file_version="brain.Event:2")

    def event(self, step, file_version=None, value=None):
        e = event_pb2.Event(wall_time=1.7e9 + step, step=step)
        if file_version:
            e.file_version = file_version
        else:
            e.summary.value.append(value)
        self.f.write(wire.frame_record(e.SerializeToString()))

    def classic_scalar(self, tag, step, x):
        self.event(step, value=summary_pb2.Summary.Value(tag=tag, simple_value=x))

    def tensor_scalar(self, tag, step, x):
        v = summary_pb2.Summary.Value(tag=tag)
        v.metadata.plugin_data.plugin_name = "scalars"
        v.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
        v.tensor.CopyFrom(tensor_util.make_tensor_proto(np.float32(x)))
        self.event(step, value=v)

    def tensor_histogram(self, tag, step, rows):
        v = summary_pb2.Summary.Value(tag=tag)
        v.metadata.plugin_data.plugin_name = "histograms"
        v.metadata.data_class = summary_pb2.DATA_CLASS_TENSOR
        v.tensor.CopyFrom(tensor_util.make_tensor_proto(np.array(rows, dtype=np.float64)))
        self.event(step, value=v)

    def classic_histogram(self, tag, step, lo, limits, counts):
        h = summary_pb2.HistogramProto(min=lo, max=limits[-1], num=sum(counts),
                                       bucket_limit=limits, bucket=counts)
        self.event(step, value=summary_pb2.Summary.Value(tag=tag, histo=h))

    def raw_tensor(self, tag, step, array, packed_content):
        v = summary_pb2.Summary.Value(tag=tag)
        v.metadata.plugin_data.plugin_name = "layer_tensor"
        v.metadata.data_class = summary_pb2.DATA_CLASS_TENSOR
        t = tensor_pb2.TensorProto(dtype=1)
        for d in array.shape:
            t.tensor_shape.dim.add(size=d)
        if packed_content:
            t.tensor_content = array.astype("<f4").tobytes()
        else:
            t.float_val.extend(array.ravel().tolist())
        v.tensor.CopyFrom(t)
        self.event(step, value=v)

    def image(self, tag, step):
        v = summary_pb2.Summary.Value(tag=tag, image=summary_pb2.Summary.Image(
            height=1, width=1, colorspace=1, encoded_image_string=b"\x89PNG..."))
        self.event(step, value=v)

    def close(self):
        self.f.close()


EDGES = [(-1.0, 0.0), (0.0, 1.0), (1.0, 2.0)]


def write_inputs(top):
    """Writes runs A and B; returns the expected table rows and per-tag series."""
    a = RunWriter(os.path.join(top, "A", "events.out.tfevents.1700000000.a.0000.v2"))
    b = RunWriter(os.path.join(top, "B", "events.out.tfevents.1700000000.b.0000.v2"))
    exp = {}
    # loss: classic in A, tensor form in B, every step shared.
    va = [f32(1.0 / (1 + s)) for s in range(8)]
    vb = [f32(1.0 / (1 + s) + 0.01 * s * s) for s in range(8)]
    for s in range(8):
        a.classic_scalar("loss", s, va[s])
        b.tensor_scalar("loss", s, vb[s])
    exp["loss"] = ("scalar", list(range(8)), [vb[s] - va[s] for s in range(8)], 0, 0)
    # acc: steps 0..5 in A, 3..8 in B.
    for s in range(0, 6):
        a.classic_scalar("acc", s, f32(0.5 + 0.05 * s))
    for s in range(3, 9):
        b.classic_scalar("acc", s, f32(0.52 + 0.05 * s))
    exp["acc"] = ("scalar", [3, 4, 5], [f32(0.52 + 0.05 * s) - f32(0.5 + 0.05 * s) for s in (3, 4, 5)], 3, 3)
    # act: TF2 histograms, the same edges.
    hist_mean, hist_l1 = [], []
    for s in range(3):
        ca = [1.0 + s, 2.0, 1.0]
        cb = [1.0, 2.0, 1.0 + 2 * s]
        a.tensor_histogram("layer1/act", s, [[l, r, c] for (l, r), c in zip(EDGES, ca)])
        b.tensor_histogram("layer1/act", s, [[l, r, c] for (l, r), c in zip(EDGES, cb)])
        mean = lambda cs: sum(c * (l + r) / 2 for (l, r), c in zip(EDGES, cs)) / sum(cs)
        hist_mean.append(mean(cb) - mean(ca))
        hist_l1.append(sum(abs(x / sum(ca) - y / sum(cb)) for x, y in zip(ca, cb)))
    exp["layer1/act"] = ("histogram", [0, 1, 2], hist_mean, 0, 0, hist_l1)
    # w: classic histograms with other edges in each run: means only.
    a.classic_histogram("layer1/w", 0, -1.0, [0.0, 1.0], [1.0, 3.0])
    b.classic_histogram("layer1/w", 0, -2.0, [0.0, 2.0], [1.0, 1.0])
    m_a = (1.0 * -0.5 + 3.0 * 0.5) / 4.0
    m_b = (1.0 * -1.0 + 1.0 * 1.0) / 2.0
    exp["layer1/w"] = ("histogram", [0], [m_b - m_a], 0, 0, [float("nan")])
    # out: a [2, 3] float tensor, tensor_content in A, float_val in B.
    ta = [np.arange(6, dtype=np.float32).reshape(2, 3) * (s + 1) for s in range(2)]
    tb = [t + np.float32(0.25) * np.array([[1, -1, 0], [0, 2, 0]], dtype=np.float32) for t in ta]
    for s in range(2):
        a.raw_tensor("layer1/out", s, ta[s], True)
        b.raw_tensor("layer1/out", s, tb[s], False)
    diffs = [tb[s].astype(np.float64) - ta[s].astype(np.float64) for s in range(2)]
    exp["layer1/out"] = ("tensor", [0, 1], [float(np.mean(np.abs(d))) for d in diffs], 0, 0,
                         [float(np.max(np.abs(d))) for d in diffs])
    # shape: a [2, 3] tensor against a [3, 2] one: not compared, with a note.
    a.raw_tensor("layer2/out", 0, np.zeros((2, 3), dtype=np.float32), True)
    b.raw_tensor("layer2/out", 0, np.zeros((3, 2), dtype=np.float32), True)
    exp["layer2/out"] = ("shape", [], [], 0, 0)
    # frame: images in both, listed only.
    a.image("frame", 0)
    b.image("frame", 0)
    exp["frame"] = ("other", [], [], 0, 0)
    a.classic_scalar("only/a", 0, 1.0)
    b.classic_scalar("only/b", 0, 1.0)
    a.close()
    b.close()
    return exp


# ---- expected output -----------------------------------------------------------------------------

def g6(x):
    return "-" if x != x else "%.6g" % x


def expected_rows(exp):
    rows = []
    for tag in sorted(exp):
        e = exp[tag]
        kind, steps, values = e[0], e[1], e[2]
        n = str(len(steps))
        if e[3] or e[4]:
            n += " (+%d A, +%d B)" % (e[3], e[4])
        note = ""
        if kind == "other":
            rows.append([tag, kind, "0", "-", "-", "not compared (images)"])
            continue
        if kind == "shape":
            rows.append([tag, "tensor", "0", "-", "-", "shapes differ at step 0"])
            continue
        if kind == "tensor":
            mx = max(e[5])
            mean = sum(values) / len(values)
        else:
            mx = max(abs(v) for v in values)
            mean = sum(abs(v) for v in values) / len(values)
        if kind == "histogram" and any(x != x for x in e[5]):
            note = "bucket edges differ: means compared"
        rows.append([tag, kind, n, g6(mx), g6(mean), note])
    return rows


def expected_out_scalars(exp):
    scalars = {}
    for tag, e in exp.items():
        kind, steps, values = e[0], e[1], e[2]
        base = "compare/%s/" % tag
        if kind == "scalar":
            scalars[base + "diff"] = [[s, f32(v)] for s, v in zip(steps, values)]
            scalars[base + "abs_diff"] = [[s, f32(abs(v))] for s, v in zip(steps, values)]
        elif kind == "histogram":
            scalars[base + "mean_diff"] = [[s, f32(v)] for s, v in zip(steps, values)]
            l1 = [[s, f32(v)] for s, v in zip(steps, e[5]) if v == v]
            if l1:
                scalars[base + "l1"] = l1
        elif kind == "tensor":
            scalars[base + "mean_abs_diff"] = [[s, f32(v)] for s, v in zip(steps, values)]
            scalars[base + "max_abs_diff"] = [[s, f32(v)] for s, v in zip(steps, e[5])]
    return scalars


def json_float(x):
    return float("%.9g" % x)


def parse_table(stdout):
    """Rows between the header line and the blank line, split on runs of 2+ spaces."""
    import re
    lines = stdout.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith("tag "))
    except StopIteration:
        return None, [], []
    rows = []
    i = start + 1
    while i < len(lines) and lines[i].strip():
        cells = re.split(r"\s{2,}", lines[i].rstrip())
        while len(cells) < 6:
            cells.append("")
        rows.append(cells[:5] + [" ".join(cells[5:]).strip()])
        i += 1
    only = {"A": [], "B": []}
    current = None
    for l in lines[i:]:
        if l.startswith("only in A"):
            current = "A"
        elif l.startswith("only in B"):
            current = "B"
        elif current and l.startswith("  "):
            only[current].append(l.strip())
    return rows, only["A"], only["B"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    tool = os.path.abspath(os.path.join(args.build, "tinytb"))
    top = os.path.abspath(args.out)
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    exp = write_inputs(top)

    def run(*words):
        p = subprocess.run([tool, "compare"] + list(words), capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    logdir = os.path.join(top, "logs")
    out = os.path.join(logdir, "cmp")
    code, stdout, stderr = run(os.path.join(top, "A"), os.path.join(top, "B"), "--out", out)
    check("compare.exit", code == 0, "exit %d: %s" % (code, stderr.strip()))
    print(stdout)
    rows, only_a, only_b = parse_table(stdout)
    want = expected_rows(exp)
    got_by_tag = {r[0]: r for r in rows or []}
    for w in want:
        check("compare.table[%s]" % w[0], got_by_tag.get(w[0]) == w,
              "got %s, expected %s" % (got_by_tag.get(w[0]), w))
    check("compare.table-rows", sorted(got_by_tag) == sorted(r[0] for r in want),
          "rows %s" % sorted(got_by_tag))
    check("compare.only-in-a", only_a == ["only/a"], str(only_a))
    check("compare.only-in-b", only_b == ["only/b"], str(only_b))

    # The output run, judged by TensorBoard against exactly these differences.
    scalars = {t: [[s, json_float(v)] for s, v in pts] for t, pts in expected_out_scalars(exp).items()}
    header = ["tag", "kind", "steps", "max |B-A|", "mean |B-A|", "note"]
    cells = header + [c for r in want for c in r]
    text = {
        "compare/summary": [[0, {"shape": [len(want) + 1, 6], "values": cells}]],
        "compare/runs": [[0, {"shape": [], "values": ["A: %s  \nB: %s" % (os.path.join(top, "A"),
                                                                         os.path.join(top, "B"))]}]],
        "compare/only_in_a": [[0, {"shape": [1], "values": ["only/a"]}]],
        "compare/only_in_b": [[0, {"shape": [1], "values": ["only/b"]}]],
    }
    manifest = os.path.join(top, "manifest.json")
    with open(manifest, "w") as f:
        json.dump({"runs": {"cmp": {"scalars": scalars, "text": text}}}, f, indent=1)
    judge = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tensorboard", "tb_judge.py"),
                            "--logdir", logdir, "--manifest", manifest],
                           capture_output=True, text=True, timeout=600)
    failed = [l for l in judge.stdout.splitlines() if l.startswith("FAIL")]
    check("compare.out-judged-by-tensorboard", judge.returncode == 0 and "0 failed" in judge.stdout,
          "; ".join(failed[:5]) or judge.stderr.strip()[-300:])

    # Refusals.
    code, _, err = run(os.path.join(top, "A"), os.path.join(top, "B"), "--out", out)
    check("compare.refuses-used-out-dir", code == 73, "exit %d %s" % (code, err.strip()))
    code, _, _ = run(os.path.join(top, "A"), os.path.join(top, "missing"))
    check("compare.missing-run", code == 66, "exit %d" % code)
    os.makedirs(os.path.join(top, "empty"))
    code, _, _ = run(os.path.join(top, "A"), os.path.join(top, "empty"))
    check("compare.run-without-event-files", code == 66, "exit %d" % code)
    code, _, _ = run(os.path.join(top, "A"))
    check("compare.usage", code == 64, "exit %d" % code)
    code, _, _ = run(os.path.join(top, "A"), os.path.join(top, "B"), "--bogus")
    check("compare.unknown-option", code == 64, "exit %d" % code)
    REPORT.summary()
    return 0 if REPORT.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
