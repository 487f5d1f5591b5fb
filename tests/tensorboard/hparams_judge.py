"""The hparams plugin's records, judged by TensorBoard's own code.

The manifest's top-level "hparams" section (tests/tensorboard/hparams_manifest.h has the
schema) says which run wrote the experiment and what each session's hparams, group and
status are. Two groups of checks:

  hparams.records[RUN], hparams.session[RUN], hparams.experiment, hparams.runs
      every record TensorBoard's EventFileLoader reads with plugin "hparams": its tag,
      step 0, data class TENSOR, the NULL_TENSOR TensorBoard's own writer puts there, and
      the content parsed by TensorBoard's plugin_data_pb2 (version 0, the oneof the tag
      names) equal to the manifest; the experiment and session-end contents must also be
      the bytes protobuf itself serializes for the message (canonical)
  server.hparams-experiment, server.hparams-session-groups
      the real server's HTTP API, POST /data/plugin/hparams/experiment and
      /data/plugin/hparams/session_groups (JSON requests as the dashboard sends them):
      the hparam and metric columns, and per run its hparams, its status and each
      metric's last value and step, as the manifest's scalars say

A run with hparams records that the manifest does not name is a failure, so nothing the
files hold goes unchecked. The reader and loader groups leave these records to this
module (reader_check.py, loader_check.py skip plugin "hparams").
"""

import json
import math
import time
import urllib.error
import urllib.request

PLUGIN = "hparams"
EXPERIMENT_TAG = "_hparams_/experiment"
START_TAG = "_hparams_/session_start_info"
END_TAG = "_hparams_/session_end_info"
ONEOF_BY_TAG = {EXPERIMENT_TAG: "experiment", START_TAG: "session_start_info",
                END_TAG: "session_end_info"}
STATUSES = ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]
SERVER_TIMEOUT = 30.0


def load(manifest_path):
    """The manifest's "hparams" section, or None."""
    try:
        with open(manifest_path, encoding="utf-8") as f:
            return json.load(f).get("hparams")
    except (OSError, ValueError):
        return None  # judge_common.load_manifest reports it


def _value(v):
    """A google.protobuf.Value as the manifest writes it."""
    kind = v.WhichOneof("kind")
    if kind == "number_value":
        return v.number_value
    if kind == "string_value":
        return v.string_value
    if kind == "bool_value":
        return v.bool_value
    return ("no kind set" if kind is None else kind)


def _same(got, want):
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return float(got) == float(want)
    return got == want


def _compare_hparams(got, want):
    errors = []
    for name in sorted(set(got) | set(want)):
        if name not in want:
            errors.append("hparam %r not in the manifest" % name)
        elif name not in got:
            errors.append("hparam %r missing" % name)
        elif not _same(got[name], want[name]):
            errors.append("hparam %r: %r, expected %r" % (name, got[name], want[name]))
    return errors


def read_records(runs):
    """{run: [(tag, step, value_proto)]} of every plugin-"hparams" value, read with
    TensorBoard's loader; the plugin is the first metadata of the tag in the run."""
    from tensorboard.backend.event_processing import event_file_loader

    found = {}
    for run, paths in sorted(runs.items()):
        plugin_of_tag = {}
        for path in paths:
            for event in event_file_loader.EventFileLoader(path).Load():
                if not event.HasField("summary"):
                    continue
                for value in event.summary.value:
                    if value.HasField("metadata"):
                        plugin_of_tag.setdefault(value.tag, value.metadata.plugin_data.plugin_name)
                    if plugin_of_tag.get(value.tag) == PLUGIN:
                        found.setdefault(run, []).append((value.tag, event.step, value))
    return found


def check_files(report, runs, want):
    """The loader-side checks. `want` is the manifest section (or None)."""
    from tensorboard.plugins.hparams import plugin_data_pb2
    from tensorboard.util import tensor_util

    found = read_records(runs)
    sessions = (want or {}).get("sessions") or {}
    experiment = (want or {}).get("experiment")
    experiments = []
    for run in sorted(set(found) | set(sessions)):
        errors, parsed = [], {}
        records = found.get(run, [])
        for tag, step, value in records:
            where = "%s step %d" % (tag, step)
            if tag not in ONEOF_BY_TAG:
                errors.append("%s: not one of the plugin's tags" % where)
                continue
            if step != 0:
                errors.append("%s: step %d, expected 0" % (where, step))
            if tag in parsed:
                errors.append("%s: a second record of the tag" % where)
            meta = value.metadata
            if meta.data_class != 2:  # DATA_CLASS_TENSOR
                errors.append("%s: data class %d, expected TENSOR" % (where, meta.data_class))
            array = tensor_util.make_ndarray(value.tensor)
            if value.tensor.dtype != 1 or array.shape != (0,):
                errors.append("%s: tensor dtype %d shape %s, expected DT_FLOAT [0]" % (
                    where, value.tensor.dtype, array.shape))
            content = meta.plugin_data.content
            try:
                data = plugin_data_pb2.HParamsPluginData.FromString(content)
            except Exception as e:  # DecodeError
                errors.append("%s: content does not parse: %s" % (where, e))
                continue
            if data.version != 0:
                errors.append("%s: version %d" % (where, data.version))
            if data.WhichOneof("data") != ONEOF_BY_TAG[tag]:
                errors.append("%s: content holds %s" % (where, data.WhichOneof("data")))
                continue
            message = getattr(data, ONEOF_BY_TAG[tag])
            if tag != START_TAG and data.SerializeToString(deterministic=True) != content:
                errors.append("%s: content is not protobuf's own serialization" % where)
            parsed[tag] = message
        if run not in sessions and EXPERIMENT_TAG not in parsed:
            errors.append("hparams records in a run the manifest has no session for")
        if run in sessions:
            s = sessions[run]
            start = parsed.get(START_TAG)
            if start is None:
                errors.append("no session start")
            else:
                got = {k: _value(v) for k, v in start.hparams.items()}
                errors += _compare_hparams(got, s["hparams"])
                if start.group_name != s["group"]:
                    errors.append("group_name %r, expected %r" % (start.group_name, s["group"]))
                if not (math.isfinite(start.start_time_secs) and start.start_time_secs > 1.5e9):
                    errors.append("start_time_secs %r is not a wall time" % start.start_time_secs)
            end = parsed.get(END_TAG)
            if s["status"] is None:
                if end is not None:
                    errors.append("a session end the manifest does not have")
            elif end is None:
                errors.append("no session end")
            else:
                if STATUSES[end.status] != s["status"]:
                    errors.append("status %s, expected %s" % (STATUSES[end.status], s["status"]))
                if start is not None and not end.end_time_secs >= start.start_time_secs:
                    errors.append("end_time_secs %r before start_time_secs %r" % (
                        end.end_time_secs, start.start_time_secs))
        if EXPERIMENT_TAG in parsed:
            experiments.append((run, parsed[EXPERIMENT_TAG]))
        report.check("hparams.session[%s]" % run, errors)

    errors = []
    if experiment is None:
        if experiments:
            errors.append("experiments in %s, none in the manifest" % [r for r, _ in experiments])
    elif [r for r, _ in experiments] != [experiment["run"]]:
        errors.append("experiment in runs %s, expected [%r]" % (
            [r for r, _ in experiments], experiment["run"]))
    else:
        e = experiments[0][1]
        infos = [{"name": h.name, "type": _type_name(h.type)} for h in e.hparam_infos]
        if infos != experiment["hparams"]:
            errors.append("hparam infos %s, expected %s" % (infos, experiment["hparams"]))
        metrics = [{"group": m.name.group, "tag": m.name.tag, "display_name": m.display_name}
                   for m in e.metric_infos]
        if metrics != experiment["metrics"]:
            errors.append("metric infos %s, expected %s" % (metrics, experiment["metrics"]))
        if (e.name, e.description) != (experiment["name"], experiment["description"]):
            errors.append("name, description %r, expected %r" % (
                (e.name, e.description), (experiment["name"], experiment["description"])))
    report.check("hparams.experiment", errors)


def _type_name(number):
    from tensorboard.plugins.hparams import api_pb2
    return api_pb2.DataType.Name(number)


# --------------------------------------------------------------------------
# The server


def _post(server, route, body):
    import server_check
    url = "http://%s:%d/data/plugin/hparams/%s" % (server_check.HOST, server.port, route)
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with server_check._OPENER.open(request, timeout=20) as response:
        return json.loads(response.read().decode("utf-8"))


# The server writes non-finite numbers as these strings (json_util.Cleanse).
_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _json_value(v):
    return _SPECIAL[v] if isinstance(v, str) and v in _SPECIAL else v


def _last_scalar(expected, run, tag):
    points = expected.get(run, {}).get("scalars", {}).get(tag)
    return points[-1] if points else None


def check_server(report, server, want, expected):
    """The HTTP API. `expected` is the judge's data (for the metrics' last values)."""
    sessions = (want or {}).get("sessions") or {}
    experiment = (want or {}).get("experiment")
    if not sessions and experiment is None:
        return
    request = {"experimentName": "",
               "allowedStatuses": STATUSES,
               "colParams": [],
               "startIndex": 0,
               "sliceSize": 1000,
               "includeMetrics": True}
    deadline = time.monotonic() + SERVER_TIMEOUT
    groups, got_experiment, last_error = None, None, "no answer"
    while time.monotonic() < deadline:
        try:
            got_experiment = _post(server, "experiment", {"experimentName": "", "includeMetrics": True})
            groups = _post(server, "session_groups", request)
            if len(groups.get("sessionGroups", [])) >= len(sessions):
                break
        except (OSError, ValueError, urllib.error.URLError) as e:
            last_error = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.5)
    if groups is None:
        report.check("server.hparams-experiment", ["no answer: %s" % last_error])
        return

    errors = []
    if experiment is not None:
        infos = [{"name": h.get("name"), "type": h.get("type")} for h in got_experiment.get("hparamInfos", [])]
        # The server sorts the columns by name (_sort_and_reduce_to_hparams_limit).
        want_infos = sorted(experiment["hparams"], key=lambda h: h["name"])
        if infos != want_infos:
            errors.append("hparamInfos %s, expected %s" % (infos, want_infos))
        metrics = [{"group": m["name"].get("group", ""), "tag": m["name"].get("tag", ""),
                    "display_name": m.get("displayName", "")} for m in got_experiment.get("metricInfos", [])]
        if metrics != experiment["metrics"]:
            errors.append("metricInfos %s, expected %s" % (metrics, experiment["metrics"]))
    report.check("server.hparams-experiment", errors)

    errors = []
    by_run = {}
    for g in groups.get("sessionGroups", []):
        for s in g.get("sessions", []):
            by_run[s.get("name")] = (g, s)
    if sorted(by_run) != sorted(sessions):
        errors.append("sessions %s, expected %s" % (sorted(by_run), sorted(sessions)))
    metric_names = [(m["group"], m["tag"]) for m in (experiment or {}).get("metrics", [])]
    for run, s in sorted(sessions.items()):
        if run not in by_run:
            continue
        g, session = by_run[run]
        got = {k: _json_value(v) for k, v in g.get("hparams", {}).items()}
        errors += ["%s: %s" % (run, e) for e in _compare_hparams(got, s["hparams"])]
        status = session.get("status", "STATUS_UNKNOWN")
        if status != (s["status"] or "STATUS_UNKNOWN"):
            errors.append("%s: status %s, expected %s" % (run, status, s["status"]))
        values = {(v["name"].get("group", ""), v["name"].get("tag", "")): v
                  for v in session.get("metricValues", [])}
        for group, tag in metric_names:
            point = _last_scalar(expected, run + ("/" + group if group else ""), tag)
            v = values.get((group, tag))
            if point is None:
                if v is not None:
                    errors.append("%s: metric %s/%s has a value, the manifest none" % (run, group, tag))
                continue
            if v is None:
                errors.append("%s: metric %s/%s missing" % (run, group, tag))
                continue
            step, value = point
            if v.get("trainingStep") != step or float(_json_value(v.get("value"))) != float(value):
                errors.append("%s: metric %s/%s = %r at step %r, expected %r at %d" % (
                    run, group, tag, v.get("value"), v.get("trainingStep"), float(value), step))
    report.check("server.hparams-session-groups", errors)
