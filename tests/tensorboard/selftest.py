#!/usr/bin/env python3
"""Self-test of tb_judge.py: proves that it passes a correct logdir and that
each kind of breakage fails the check meant to catch it.

Fixtures are written with TensorBoard's own protobufs and this folder's
framing code (wire.py) into a temporary directory; the judge runs on each as
a subprocess. Prints PASS/FAIL per case, then "N passed, M failed".

    python selftest.py [--keep DIR]   (--keep: write fixtures there and keep them)
"""

import argparse
import dataclasses
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from tensorboard.compat.proto import event_pb2, tensor_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import histogram_audio  # noqa: E402
import images  # noqa: E402
import wire  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
JUDGE = os.path.join(HERE, "tb_judge.py")
JUDGE_TIMEOUT = 180  # seconds per judge run, server included

DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7
SCALAR, TENSOR, BLOB_SEQUENCE = 1, 2, 3
START_TIME = 1700000000.0


# --------------------------------------------------------------------------
# Fixture description


@dataclasses.dataclass
class Val:
    kind: str                         # "scalars", "text", "histograms", "audio"
    tag: str
    value: object                     # float, (shape, [strings]) for text, or a
                                      # manifest value (histograms, audio)
    metadata: bool | None = None   # None: only on the tag's first value in the file
    dtype: int = 0                    # 0: the kind's proper dtype
    as_content: bool = False          # scalar in tensor_content, not float_val
    plugin_content: bytes | None = None  # None: the kind's own
    damage: object = None             # a function that breaks the TensorProto


@dataclasses.dataclass
class Ev:
    step: int
    values: list[Val]
    wall_time: float | None = None  # None: START_TIME + step


@dataclasses.dataclass
class File:
    run: str
    name: str
    events: list[Ev]
    file_version: bool = True
    flip_length_crc: int | None = None   # record index
    flip_payload_crc: int | None = None  # record index
    cut_bytes: int = 0                      # bytes cut off the end


def text(shape, *values):
    return (list(shape), list(values))


def correct_fixture():
    """Two runs, two files in one run, NaN/inf scalars, text of rank 0/1/2."""
    nan, inf = float("nan"), float("inf")
    return [
        File("train", "events.out.tfevents.0000000001.mcu.0.1", [
            Ev(0, [Val("scalars", "loss", 1.5), Val("scalars", "lr", 0.01)]),
            Ev(1, [Val("scalars", "loss", nan)]),
            Ev(2, [Val("scalars", "loss", inf),
                   Val("text", "notes", text([], "**bold** move, _italic_ words"))]),
            Ev(3, [Val("scalars", "loss", -inf), Val("scalars", "lr", 0.001)]),
            Ev(4, [Val("scalars", "loss", -0.0),
                   Val("text", "grid", text([2, 3], "a1", "`b1`", "c1",
                                            "a2", "**b2**", "c2 µs ✓"))]),
        ]),
        File("train", "events.out.tfevents.0000000002.mcu.0.2", [
            Ev(6, [Val("scalars", "loss", 1e-45)]),  # float32 denormal
            Ev(7, [Val("scalars", "loss", 3.4028234663852886e38),
                   Val("scalars", "lr", 0.1, as_content=True),
                   Val("text", "notes", text([], "plain words at step 7"))]),
            Ev(8, [Val("scalars", "loss", 0.1)]),
        ]),
        File("eval/a", "events.out.tfevents.0000000001.mcu.0.1", [
            Ev(0, [Val("scalars", "acc", 0.5),
                   Val("text", "list", text([3], "first", "**second**",
                                            "third & fourth"))]),
            Ev(10, [Val("scalars", "acc", 0.75),
                    Val("text", "list", text([1], "only"))]),
        ]),
        File("device", "events.out.tfevents.0000000001.mcu.0.1", [
            Ev(0, [Val("histograms", "scores", histogram(
                       {"buckets": 30}, int8_input([-128, -100, 0, 90, 127]))),
                   Val("histograms", "pixels", histogram(
                       {"range": [0, 256], "buckets": 8},
                       {"dtype": "uint8", "values": [0, 31, 32, 200, 255]})),
                   Val("audio", "mic", audio(16000, 1, int16_clip([0, 1, -1, 32767, -32768])))]),
            Ev(1, [Val("histograms", "scores", histogram(
                       {"buckets": 30}, {"dtype": "float32", "values": ["NaN", "Infinity"]})),
                   Val("histograms", "zones", histogram(
                       {"edges": [0, 0.5, 2]}, {"dtype": "float32", "values": [0.25, 0.5, 3]})),
                   Val("audio", "mic", audio(16000, 1, int16_clip([5, 6, 7])))]),
            Ev(2, [Val("histograms", "scores", histogram(
                       {"buckets": 30}, int8_input([3, 3, 3]))),
                   Val("audio", "chimes", audio(
                       8000, 2, float_clip([0.5, -1.5, 1.0, "NaN"]), float_clip([0.25, 0.125]),
                       labels=["**first**", ""]))]),
        ]),
        File("camera", "events.out.tfevents.0000000001.cam.0.1", image_events()),
    ]


def image_events():
    """Images as tinytb writes them (PNGs made here by Pillow): a camera frame,
    a batch of two, a float feature map, a JPEG passed through."""
    rng = np.random.default_rng(7)
    frame = images.write_source("frame.rgb565", rng.integers(0, 256, 10 * 7 * 2, dtype=np.uint8).tobytes())
    fmap = rng.normal(0, 3, 5 * 4).astype("<f4")
    fmap[[0, 7]] = [np.nan, np.inf]
    feature = images.write_source("map.f32", fmap.tobytes())
    jpeg = images.write_source("gradient.jpg", images.jpeg_with_pillow(16, 8))

    def rgb565(**window):
        return dict({"source": frame, "format": "rgb565be", "width": 10, "height": 7}, **window)

    return [
        Ev(0, [Val("images", "frame", {"width": 10, "height": 7, "images": [rgb565()]}),
               Val("images", "map", {"width": 4, "height": 5, "images": [{
                   "source": feature, "format": "tensor_f32", "width": 4, "height": 5,
                   "channels": 1, "range": "min_max"}]}),
               Val("images", "jpeg", {"width": 16, "height": 8, "images": [{"encoded": jpeg}]})]),
        Ev(3, [Val("images", "frame", {"width": 4, "height": 3, "images": [
            rgb565(crop=[1, 0, 8, 6], downscale=2), rgb565(crop=[2, 1, 4, 3])]})]),
    ]


def histogram(placement, *inputs):
    return dict(placement, inputs=list(inputs))


def int8_input(values):
    return {"dtype": "int8", "values": values, "scale": 0.00390625, "zero_point": -128}


def audio(rate, channels, *clips, labels=None):
    value = {"sample_rate": rate, "channels": channels, "clips": list(clips)}
    if labels is not None:
        value["labels"] = labels
    return value


def int16_clip(samples):
    return {"dtype": "int16", "samples": samples}


def float_clip(samples):
    return {"dtype": "float32", "samples": samples}


# --------------------------------------------------------------------------
# Writing fixtures


def make_tensor(val):
    if val.kind in ("histograms", "audio", "images"):
        tensor = (images.fixture_tensor(val.value) if val.kind == "images" else
                  histogram_audio.fixture_tensor(val.kind, val.value))
        if val.damage:
            val.damage(tensor)
        return tensor
    tensor = tensor_pb2.TensorProto()
    if val.kind == "scalars":
        tensor.dtype = val.dtype or DT_FLOAT
        if tensor.dtype == DT_DOUBLE:
            tensor.double_val.append(val.value)
        elif val.as_content:
            tensor.tensor_content = np.float32(val.value).tobytes()
        else:
            tensor.float_val.append(val.value)
    else:
        shape, strings = val.value
        tensor.dtype = val.dtype or DT_STRING
        for size in shape:
            tensor.tensor_shape.dim.add(size=size)
        tensor.string_val.extend(s.encode("utf-8") for s in strings)
    return tensor


def make_event(ev, tags_seen):
    event = event_pb2.Event(step=ev.step, wall_time=(
        START_TIME + ev.step if ev.wall_time is None else ev.wall_time))
    for val in ev.values:
        value = event.summary.value.add(tag=val.tag)
        value.tensor.CopyFrom(make_tensor(val))
        first = val.tag not in tags_seen
        tags_seen.add(val.tag)
        if val.metadata if val.metadata is not None else first:
            value.metadata.plugin_data.plugin_name = val.kind
            value.metadata.data_class = {"scalars": SCALAR, "audio": BLOB_SEQUENCE,
                                         "images": BLOB_SEQUENCE}.get(val.kind, TENSOR)
            if val.kind == "audio":
                value.metadata.plugin_data.content = histogram_audio.AUDIO_PLUGIN_CONTENT
            if val.plugin_content is not None:
                value.metadata.plugin_data.content = val.plugin_content
    return event


def file_bytes(spec):
    events = []
    if spec.file_version:
        events.append(event_pb2.Event(wall_time=START_TIME,
                                      file_version="brain.Event:2"))
    tags_seen = set()
    events.extend(make_event(ev, tags_seen) for ev in spec.events)
    records = []
    for index, event in enumerate(events):
        framed = bytearray(wire.frame_record(event.SerializeToString()))
        if index == spec.flip_length_crc:
            framed[8] ^= 0x01
        if index == spec.flip_payload_crc:
            framed[-4] ^= 0x01
        records.append(bytes(framed))
    data = b"".join(records)
    return data[:len(data) - spec.cut_bytes]


def manifest_for(files):
    """The manifest of what the fixture logs: scalars as JSON-safe float32."""
    runs = {}
    for spec in files:
        kinds = runs.setdefault(spec.run, {})
        for ev in spec.events:
            for val in ev.values:
                if val.kind == "scalars":
                    value = float(np.float32(val.value))
                    if not math.isfinite(value):
                        value = ("NaN" if math.isnan(value) else
                                 "Infinity" if value > 0 else "-Infinity")
                elif val.kind in ("histograms", "audio", "images"):
                    value = val.value
                else:
                    shape, strings = val.value
                    value = {"shape": shape, "values": strings}
                kinds.setdefault(val.kind, {}).setdefault(val.tag, []).append(
                    [ev.step, value])
    return {"runs": runs}


def write_fixture(root, files, manifest):
    logdir = os.path.join(root, "logs")
    for spec in files:
        directory = os.path.join(logdir, spec.run)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, spec.name), "wb") as f:
            f.write(file_bytes(spec))
    manifest_path = os.path.join(root, "manifest.json")
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    return logdir, manifest_path


# --------------------------------------------------------------------------
# Cases: each breaks the correct fixture in one way


def _find(files, run, name_part):
    return next(f for f in files if f.run == run and name_part in f.name)


def _val(files, run, step, tag):
    for spec in files:
        for ev in spec.events:
            if spec.run == run and ev.step == step:
                for val in ev.values:
                    if val.tag == tag:
                        return val
    raise KeyError((run, step, tag))


def break_files(change):
    """A case that changes the files; the manifest still says what was logged."""
    def build():
        files = correct_fixture()
        change(files)
        return files, manifest_for(files)
    return build


def break_manifest(change):
    """A case that keeps the files correct and changes the manifest."""
    def build():
        files = correct_fixture()
        manifest = manifest_for(files)
        change(manifest)
        return files, manifest
    return build


def _set(obj, **attributes):
    for key, value in attributes.items():
        setattr(obj, key, value)


def _one_ulp_up(manifest):
    points = manifest["runs"]["train"]["scalars"]["loss"]
    step, value = points[-1]
    points[-1] = [step, float(np.nextafter(np.float32(value), np.float32(1)))]


def _drop_step(manifest):
    del manifest["runs"]["train"]["scalars"]["lr"][1]


def _add_unknown_kind(manifest):
    manifest["runs"]["train"]["meshes"] = {"cloud": []}


def _image_range(manifest):
    point = manifest["runs"]["camera"]["images"]["map"][0]
    point[1] = json.loads(json.dumps(point[1]))  # a copy: the files keep min_max
    point[1]["images"][0]["range"] = [0, 1]


def _ghost_image_tag(manifest):
    tags = manifest["runs"]["camera"]["images"]
    tags["ghost"] = [list(point) for point in tags["jpeg"]]


def _one_more_image_in_shape(tensor):
    tensor.tensor_shape.dim[0].size += 1


def _flip_jpeg_byte(tensor):
    blob = bytearray(tensor.string_val[2])
    blob[len(blob) // 2] ^= 0x01
    tensor.string_val[2] = bytes(blob)


def _repeat_step(files):
    _find(files, "eval/a", "").events[1].step = 0


def _bump_count(tensor):
    rows = np.frombuffer(tensor.tensor_content, dtype="<f8").copy()
    rows[-1] += 1  # the last bucket's count
    tensor.tensor_content = rows.astype("<f8").tobytes()


def _flip_wav_byte(tensor):
    clip = bytearray(tensor.string_val[0])
    clip[-1] ^= 0x01
    tensor.string_val[0] = bytes(clip)


def _flatten_histogram(tensor):
    del tensor.tensor_shape.dim[1]
    tensor.tensor_shape.dim[0].size *= 3


def _damage_both(files):
    _set(_val(files, "device", 0, "scores"), damage=_bump_count)
    _set(_val(files, "device", 1, "mic"), damage=_flip_wav_byte)


# name, build(), run the server?, check names that must FAIL (None: must pass)
CASES = [
    ("correct", break_files(lambda files: None), True, None),
    ("payload-crc", break_files(lambda files: _set(
        _find(files, "train", "0000000001"), flip_payload_crc=3)), False,
     ["reader.framing", "loader.records"]),
    ("length-crc", break_files(lambda files: _set(
        _find(files, "train", "0000000002"), flip_length_crc=2)), False,
     ["reader.framing", "loader.records"]),
    ("torn-tail", break_files(lambda files: _set(
        _find(files, "eval/a", ""), cut_bytes=3)), False, ["reader.framing"]),
    ("no-file-version", break_files(lambda files: _set(
        _find(files, "train", "0000000002"), file_version=False)), False,
     ["reader.first-record"]),
    ("nan-wall-time", break_files(lambda files: _set(
        _find(files, "train", "0000000001").events[2], wall_time=float("nan"))), False,
     ["reader.wall-time"]),
    ("double-scalar", break_files(lambda files: _set(
        _val(files, "train", 8, "loss"), dtype=DT_DOUBLE)), False,
     ["reader.tensor", "loader.read"]),
    ("missing-metadata", break_files(lambda files: _set(
        _val(files, "train", 6, "loss"), metadata=False)), False,
     ["reader.metadata"]),
    ("repeated-step", break_files(_repeat_step), False, ["reader.steps"]),
    ("one-ulp-off", break_manifest(_one_ulp_up), True,
     ["reader.data", "loader.data", "multiplexer.data", "server.data"]),
    ("missing-step", break_manifest(_drop_step), False,
     ["reader.data", "loader.data", "multiplexer.data"]),
    ("unknown-kind", break_manifest(_add_unknown_kind), False, ["manifest"]),
    ("image-pixels-differ", break_manifest(_image_range), True,
     ["reader.data", "loader.data", "multiplexer.data", "server.images"]),
    ("image-tag-missing", break_manifest(_ghost_image_tag), True,
     ["reader.data", "loader.data", "multiplexer.data", "server.images-tags", "server.images"]),
    ("image-shape-not-2-plus-k", break_files(lambda files: _set(
        _val(files, "camera", 3, "frame"), damage=_one_more_image_in_shape)), False,
     ["reader.tensor", "loader.read"]),
    ("image-jpeg-byte-flipped", break_files(lambda files: _set(
        _val(files, "camera", 0, "jpeg"), damage=_flip_jpeg_byte)), False,
     ["reader.data", "loader.data", "multiplexer.data"]),
    ("histogram-count-off", break_files(lambda files: _set(
        _val(files, "device", 2, "scores"), damage=_bump_count)), False,
     ["reader.data", "loader.data", "multiplexer.data",
      "loader.histogram-rule"]),
    ("histogram-not-k-by-3", break_files(lambda files: _set(
        _val(files, "device", 1, "zones"), damage=_flatten_histogram)), False,
     ["reader.tensor", "loader.read"]),
    ("audio-byte-flipped", break_files(lambda files: _set(
        _val(files, "device", 2, "chimes"), damage=_flip_wav_byte)), False,
     ["reader.data", "loader.data", "multiplexer.data"]),
    ("audio-no-wav-encoding", break_files(lambda files: _set(
        _val(files, "device", 0, "mic"), plugin_content=b"")), False,
     ["reader.metadata"]),
    ("histogram-and-audio-served-wrong", break_files(_damage_both), True,
     ["server.histograms", "server.audio"]),
]


# --------------------------------------------------------------------------
# Running


def run_judge(logdir, manifest_path, with_server):
    command = [sys.executable, JUDGE, "--logdir", logdir,
               "--manifest", manifest_path]
    if not with_server:
        command.append("--no-server")
    with subprocess.Popen(command, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as judge:
        try:
            out, err = judge.communicate(timeout=JUDGE_TIMEOUT)
        except subprocess.TimeoutExpired:
            # SIGTERM lets the judge stop its TensorBoard server first.
            judge.terminate()
            try:
                judge.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                judge.kill()
                judge.communicate()
            raise
    return judge.returncode, out, err


def case_errors(expect_fail, with_server, returncode, output):
    """Why the judge's verdict is wrong for this case (empty if right)."""
    lines = output.splitlines()
    failed = [line[5:] for line in lines if line.startswith("FAIL ")]
    errors = []
    if not lines or not lines[-1].endswith(" failed"):
        errors.append("no 'N passed, M failed' line")
    if with_server and "PASS server.data-server" not in lines:
        errors.append("the Rust data server did not serve")
    if expect_fail is None:
        if returncode != 0 or failed:
            errors.append("judge failed a correct fixture (exit %d): %s"
                          % (returncode, failed[:3]))
        return errors
    if returncode == 0:
        errors.append("judge exited 0")
    for check in expect_fail:
        if not any(line.startswith(check + "[") or line.startswith(check + ":")
                   for line in failed):
            errors.append("check %s did not fail" % check)
    return errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", help="write fixtures under this directory "
                        "and keep them")
    args = parser.parse_args()

    started = time.monotonic()
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="tb_judge_selftest_") as tmp:
        root_dir = args.keep or tmp
        for name, build, with_server, expect_fail in CASES:
            root = os.path.join(root_dir, name)
            shutil.rmtree(root, ignore_errors=True)
            os.makedirs(root)
            files, manifest = build()
            logdir, manifest_path = write_fixture(root, files, manifest)
            case_start = time.monotonic()
            try:
                returncode, out, err = run_judge(logdir, manifest_path,
                                                 with_server)
                errors = case_errors(expect_fail, with_server, returncode,
                                     out)
            except subprocess.TimeoutExpired:
                out, err = "", ""
                errors = ["judge timed out after %d s" % JUDGE_TIMEOUT]
            label = "%s%s (%.1f s)" % (name, " +server" if with_server else "",
                                       time.monotonic() - case_start)
            if errors:
                failed += 1
                print("FAIL %s: %s" % (label, "; ".join(errors)))
                for line in (out + err).splitlines():
                    print("    | " + line)
            else:
                passed += 1
                print("PASS %s" % label)
            sys.stdout.flush()
    print("selftest took %.1f s" % (time.monotonic() - started))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
