"""Check group (b): TensorBoard's own Python readers.

* RawEventFileLoader must yield every record of every file (as many as the
  independent reader's framing walk found) without error;
* EventFileLoader (the loader with TensorBoard's read-time compat layers) must
  yield values that, through tensor_util.make_ndarray, equal the manifest;
* the EventMultiplexer (what `--load_fast=false` serves) must find the runs,
  file each tag under the right plugin and data class, and hold the same data.
"""

import os

import numpy as np
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.util import tensor_util

import histogram_audio
import images
from judge_common import (DATA_CLASS_NAMES, KIND_BY_PLUGIN, KINDS, TextValue,
                          add_point, compare_data)


def ndarray_to_value(kind, array):
    """Converts make_ndarray's result to the judge's value, or raises."""
    if kind == "scalars":
        if array.dtype != np.float32 or array.shape != ():
            raise ValueError("scalar tensor is %s of shape %s, expected "
                             "float32 of shape ()" % (array.dtype,
                                                      list(array.shape)))
        return array[()]
    if kind in ("histograms", "audio"):
        return histogram_audio.value_from_ndarray(kind, array)
    if kind == "images":
        return images.value_from_ndarray(array)
    if array.dtype != object or array.ndim > 2:
        raise ValueError("text tensor is %s of shape %s" % (
            array.dtype, list(array.shape)))
    values = tuple(v.decode("utf-8") for v in array.reshape(-1))
    return TextValue(tuple(array.shape), values)


def _count_records(path):
    loader = event_file_loader.RawEventFileLoader(path)
    return sum(1 for _ in loader.Load())


def check_records(report, logdir, runs, framed_counts):
    for _, paths in sorted(runs.items()):
        for path in paths:
            name = "loader.records[%s]" % os.path.relpath(path, logdir)
            try:
                count = _count_records(path)
            except Exception as e:  # any error from TensorBoard is a failure
                report.check(name, ["%s: %s" % (type(e).__name__, e)])
                continue
            want = framed_counts[path]
            report.check(name, [] if count == want else [
                "read %d records, the file frames %d" % (count, want)])


def load_run(paths):
    """Reads one run's files in order the way TensorBoard's loader does.

    Returns (data for this run, errors). A tag's plugin is the one of the
    first metadata seen for it in the run, as in TensorBoard.
    """
    data, errors = {}, []
    plugin_of_tag = {}
    for path in paths:
        loader = event_file_loader.EventFileLoader(path)
        for event in loader.Load():
            if not event.HasField("summary"):
                continue
            for value in event.summary.value:
                if value.HasField("metadata"):
                    plugin_of_tag.setdefault(
                        value.tag, value.metadata.plugin_data.plugin_name)
                if plugin_of_tag.get(value.tag) == "hparams":
                    continue  # hparams_judge.py checks them
                kind = KIND_BY_PLUGIN.get(plugin_of_tag.get(value.tag))
                if kind is None:
                    errors.append("tag %r (step %d) has plugin %r" % (
                        value.tag, event.step, plugin_of_tag.get(value.tag)))
                    continue
                try:
                    point = ndarray_to_value(
                        kind, tensor_util.make_ndarray(value.tensor))
                except Exception as e:
                    errors.append("tag %r step %d: %s" % (value.tag,
                                                          event.step, e))
                    point = None
                add_point(data, None, kind, value.tag, event.step, point)
    return data.get(None, {}), errors


def check_loader_data(report, runs, expected):
    data = {}
    for run, paths in sorted(runs.items()):
        try:
            data[run], errors = load_run(paths)
        except Exception as e:
            data[run], errors = {}, ["%s: %s" % (type(e).__name__, e)]
        report.check("loader.read[%s]" % run, errors)
    compare_data(report, "loader", data, expected)
    return data


def check_multiplexer(report, logdir, expected):
    keep_all = {spec.plugin_name: 0 for spec in KINDS.values()}
    multiplexer = plugin_event_multiplexer.EventMultiplexer(
        tensor_size_guidance=keep_all)
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    data = {run: {} for run in multiplexer.Runs()}
    errors = []
    for kind, spec in KINDS.items():
        mapping = multiplexer.PluginRunToTagToContent(spec.plugin_name)
        for run, tags in mapping.items():
            for tag in tags:
                data_class = multiplexer.SummaryMetadata(run, tag).data_class
                if data_class != spec.data_class:
                    errors.append("%s %s/%s: data class %s" % (
                        run, kind, tag, DATA_CLASS_NAMES.get(data_class)))
                for event in multiplexer.Tensors(run, tag):
                    try:
                        point = ndarray_to_value(
                            kind, tensor_util.make_ndarray(event.tensor_proto))
                    except Exception as e:
                        errors.append("%s %s/%s step %d: %s" % (
                            run, kind, tag, event.step, e))
                        point = None
                    add_point(data, run, kind, tag, event.step, point)
    report.check("multiplexer.read", errors)
    compare_data(report, "multiplexer", data, expected)


def run_checks(report, logdir, runs, framed_counts, expected):
    """Group (b)."""
    check_records(report, logdir, runs, framed_counts)
    loaded = check_loader_data(report, runs, expected)
    check_multiplexer(report, logdir, expected)
    if any(kinds.get("histograms") for kinds in expected.values()):
        report.check("loader.histogram-rule",
                     histogram_audio.tensorboard_rule_errors(expected, loaded))
