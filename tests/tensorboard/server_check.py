"""Check group (c): the real TensorBoard server, on loopback only.

Starts `python -m tensorboard.main` with the Rust data server
(`--load_fast=true`, records checksummed with `--checksum`), waits until its
HTTP API serves the data, compares the API with the manifest, and always
stops the whole process group.
"""

import html.parser
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
from tensorboard.plugins.text import text_plugin

import hparams_judge
import histogram_audio
import images
from judge_common import add_point, compare_data, compare_steps

HOST = "127.0.0.1"
STARTUP_TIMEOUT = 90.0   # seconds until the data must be served
STABLE_FOR = 4.0         # data unchanged this long counts as fully loaded
POLL_INTERVAL = 0.5
STOP_TIMEOUT = 10.0
# Keep every point: the default reservoirs (scalars 1000, text 100) would
# subsample long series. 0 would mean "all" for the data server but makes the
# plugins ask for 0 points, so use a large number instead.
SAMPLES_PER_PLUGIN = "scalars=1000000,text=1000000,histograms=1000000,audio=1000000,images=1000000"
# The server serialises non-finite floats as these strings (json_util.Cleanse).
_JSON_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

# Only loopback: never go through a proxy, whatever the environment says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_command(logdir, port):
    return [sys.executable, "-m", "tensorboard.main",
            "--logdir", logdir,
            "--host", HOST,
            "--port", str(port),
            "--load_fast=true",
            "--extra_data_server_flags=--checksum",
            "--reload_interval", "1",
            "--samples_per_plugin", SAMPLES_PER_PLUGIN]


class Server:
    """A TensorBoard process in its own process group."""

    def __init__(self, logdir):
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+b")
        self.command = server_command(logdir, self.port)
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def get(self, path, **params):
        return json.loads(self.get_bytes(path, **params).decode("utf-8"))

    def get_bytes(self, path, **params):
        url = "http://%s:%d%s" % (HOST, self.port, path)
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with _OPENER.open(url, timeout=10) as response:
            return response.read()

    def log_tail(self, lines=8):
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(text[-lines:])

    def group_pids(self):
        """Pids of live processes in the server's process group."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            # Fields after the parenthesised command: state ppid pgrp ...
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry))
        return pids

    def data_server_commands(self):
        """Command lines of the Rust data servers this TensorBoard started."""
        commands = []
        for pid in self.group_pids():
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as f:
                    argv = f.read().decode("utf-8", "replace").split("\0")
            except OSError:
                continue
            if "tensorboard_data_server" in argv[0]:
                commands.append(argv)
        return commands

    def stop(self):
        """Stops the whole process group; returns a list of errors."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            if self._wait_group_gone(STOP_TIMEOUT / 2):
                break
        errors = []
        try:
            self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            errors.append("TensorBoard (pid %d) did not exit"
                          % self.process.pid)
        left = self.group_pids()
        if left:
            errors.append("processes %s still running" % left)
        self.log.close()
        return errors

    def _wait_group_gone(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process.poll()  # reaps TensorBoard once it has exited
            if not self.group_pids():
                return True
            time.sleep(0.1)
        return False


# --------------------------------------------------------------------------
# Reading the HTTP API


def _json_float(value):
    if isinstance(value, str):
        return np.float32(_JSON_SPECIAL[value])
    return np.float32(value)


def fetch_snapshot(server):
    """Everything the API serves for scalars and text, as plain data.

    Returns {"runs": [...], "scalar_tags": {...}, "text_tags": {...},
    "scalars": {(run, tag): [[wall_time, step, value]]},
    "text": {(run, tag): [{"step", "text", ...}]}}.
    """
    snapshot = {"runs": server.get("/data/runs"),
                "scalar_tags": server.get("/data/plugin/scalars/tags"),
                "text_tags": server.get("/data/plugin/text/tags"),
                "scalars": {}, "text": {}}
    for run, tags in snapshot["scalar_tags"].items():
        for tag in tags:
            snapshot["scalars"][(run, tag)] = server.get(
                "/data/plugin/scalars/scalars", run=run, tag=tag)
    for run, tags in snapshot["text_tags"].items():
        for tag in tags:
            snapshot["text"][(run, tag)] = server.get(
                "/data/plugin/text/text", run=run, tag=tag)
    snapshot.update(histogram_audio.fetch(server))
    snapshot.update(images.fetch(server))
    return snapshot


def snapshot_scalars(snapshot):
    """The served scalars as judge data, or raises ValueError."""
    data = {run: {} for run in snapshot["runs"]}
    for (run, tag), rows in snapshot["scalars"].items():
        for _wall_time, step, value in rows:
            add_point(data, run, "scalars", tag, step, _json_float(value))
    return data


def matches_manifest(snapshot, expected):
    """Cheap test used while polling: same runs, tags and point steps."""
    if set(snapshot["runs"]) != set(expected):
        return False
    for run, kinds in expected.items():
        for kind, key in (("scalars", "scalar_tags"), ("text", "text_tags")):
            want = {tag: [s for s, _ in points]
                    for tag, points in kinds.get(kind, {}).items()}
            got_tags = snapshot[key].get(run, {})
            got = {}
            for tag in got_tags:
                rows = snapshot[kind].get((run, tag), [])
                got[tag] = [r[1] if kind == "scalars" else r["step"]
                            for r in rows]
            if got != want:
                return False
    return histogram_audio.loaded(snapshot, expected) and images.loaded(snapshot, expected)


def wait_for_data(server, expected):
    """Polls until the served data matches the manifest's runs/tags/steps, or
    stays unchanged for STABLE_FOR seconds (then the comparison will say what
    differs). Returns (snapshot or None, errors)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last, last_change = None, None
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return None, ["TensorBoard exited with %d: %s" % (
                server.process.returncode, server.log_tail())]
        try:
            snapshot = fetch_snapshot(server)
        except (OSError, ValueError, urllib.error.URLError) as e:
            last_error = "%s: %s" % (type(e).__name__, e)
            time.sleep(POLL_INTERVAL)
            continue
        if matches_manifest(snapshot, expected):
            return snapshot, []
        now = time.monotonic()
        if snapshot != last:
            last, last_change = snapshot, now
        elif now - last_change >= STABLE_FOR:
            return snapshot, []
        time.sleep(POLL_INTERVAL)
    if last is not None:
        return last, []
    return None, ["no data within %.0f s (%s); log: %s" % (
        STARTUP_TIMEOUT, last_error, server.log_tail())]


# --------------------------------------------------------------------------
# Text rendering checks


class _HtmlStructure(html.parser.HTMLParser):
    """Collects the visible text and, for tables, the text of each cell."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = 0
        self.rows = []          # list of lists of cell texts
        self.text = []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br":  # a line break separates words, as the browser shows them
            self.handle_data("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            if self.rows:
                self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _words(text):
    return re.findall(r"[^\W_]+", text)


def _word_errors(rendered, source, where):
    """Rendered words must come from the source; if the source has no link,
    image or HTML syntax, every source word must be visible too."""
    errors = []
    shown, written = set(_words(rendered)), set(_words(source))
    invented = sorted(shown - written)
    if invented:
        errors.append("%s shows words not written: %s" % (where, invented))
    if not re.search(r"\]\(|<|&", source):
        # Ordered-list numbers ("1. first") become <ol> markup, not text.
        listed = set(re.findall(r"(?m)^\s*(\d+)[.)]\s", source))
        lost = sorted(written - shown - listed)
        if lost:
            errors.append("%s does not show %s" % (where, lost))
    return errors


def text_html_errors(html_text, value):
    """Checks one rendered text point against the expected TextValue."""
    errors = []
    array = np.array([v.encode("utf-8") for v in value.values],
                     dtype=object).reshape(value.shape)
    want = text_plugin.text_array_to_html(array, enable_markdown=True)
    if html_text != want:
        errors.append("HTML %r differs from TensorBoard's rendering of the "
                      "manifest text %r" % (html_text[:200], want[:200]))
    parsed = _HtmlStructure()
    parsed.feed(html_text)
    parsed.close()
    rank = len(value.shape)
    if rank == 0:
        # A rank-0 string is one Markdown document; it may hold a pipe table
        # of its own, but never becomes the plugin's table otherwise.
        if parsed.tables and "|" not in value.values[0]:
            errors.append("rank 0 text rendered as a table")
        errors.extend(_word_errors("".join(parsed.text), value.values[0],
                                   "text"))
        return errors
    rows, cols = (value.shape[0], 1) if rank == 1 else value.shape
    if parsed.tables != 1:
        errors.append("%d tables, expected 1" % parsed.tables)
    if len(parsed.rows) != rows or any(len(r) != cols for r in parsed.rows):
        errors.append("table of %s cells per row, expected %d rows of %d" % (
            [len(r) for r in parsed.rows], rows, cols))
        return errors
    cells = [cell for row in parsed.rows for cell in row]
    for index, (cell, source) in enumerate(zip(cells, value.values)):
        errors.extend(_word_errors(cell, source, "cell %d" % index))
    return errors


# --------------------------------------------------------------------------
# Checks


def _tag_sets(tags_by_run):
    return {run: set(tags) for run, tags in tags_by_run.items() if tags}


def _expected_tag_sets(expected, kind):
    return {run: set(kinds[kind]) for run, kinds in expected.items()
            if kinds.get(kind)}


def compare_snapshot(report, snapshot, expected):
    compare_runs = set(snapshot["runs"]), set(expected)
    report.check("server.runs", [] if compare_runs[0] == compare_runs[1] else [
        "/data/runs gives %s, expected %s" % (sorted(compare_runs[0]),
                                              sorted(compare_runs[1]))])

    for kind, key in (("scalars", "scalar_tags"), ("text", "text_tags")):
        got = _tag_sets(snapshot[key])
        want = _expected_tag_sets(expected, kind)
        report.check("server.%s-tags" % kind, [] if got == want else [
            "/data/plugin/%s/tags gives %s, expected %s" % (
                kind, _sorted_sets(got), _sorted_sets(want))])

    try:
        scalars = snapshot_scalars(snapshot)
    except (KeyError, TypeError, ValueError) as e:
        report.check("server.scalars", ["unreadable response: %s" % e])
    else:
        compare_data(report, "server", scalars, expected, kinds=["scalars"],
                     check_runs=False)

    for run, tag in sorted(set(snapshot["text"]) | {
            (run, tag) for run, kinds in expected.items()
            for tag in kinds.get("text", {})}):
        name = "server.text[%s %s]" % (run, tag)
        want = expected.get(run, {}).get("text", {}).get(tag)
        rows = snapshot["text"].get((run, tag))
        if want is None:
            report.check(name, ["tag is not in the manifest"])
            continue
        if rows is None:
            report.check(name, ["tag not served"])
            continue
        got = [(row["step"], row["text"]) for row in rows]
        errors = compare_steps([s for s, _ in got], [s for s, _ in want])
        if not errors:
            for (step, html_text), (_, value) in zip(got, want):
                errors.extend("step %d: %s" % (step, e)
                              for e in text_html_errors(html_text, value))
        report.check(name, errors)

    histogram_audio.compare(report, snapshot, expected)


def _sorted_sets(tag_sets):
    return {run: sorted(tags) for run, tags in sorted(tag_sets.items())}


def data_server_errors(server):
    """Proof that the Rust data server served: it runs in the server's
    process group with --checksum, and TensorBoard reports a gRPC provider."""
    errors = []
    commands = server.data_server_commands()
    if not any("--checksum" in argv for argv in commands):
        errors.append("no Rust data server with --checksum among the "
                      "server's processes (found %s)" % commands)
    try:
        provider = server.get("/data/environment")["debug"]["data_provider"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        errors.append("/data/environment: %s: %s" % (type(e).__name__, e))
    else:
        if not provider.startswith("GrpcDataProvider"):
            errors.append("data provider is %r, not the data server's "
                          "GrpcDataProvider" % provider)
    return errors


def run_checks(report, logdir, expected, hparams=None):
    """Group (c). `hparams`: the manifest's hparams section (hparams_judge.py)."""
    server = Server(logdir)
    try:
        snapshot, errors = wait_for_data(server, expected)
        report.check("server.start", errors)
        report.check("server.data-server", data_server_errors(server))
        if snapshot is not None:
            compare_snapshot(report, snapshot, expected)
            images.compare(report, snapshot, expected, logdir)
            hparams_judge.check_server(report, server, hparams, expected)
    finally:
        report.check("server.stop", server.stop())
