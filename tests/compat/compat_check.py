#!/usr/bin/env python3
"""Every reader people use on TensorBoard logs, on log directories, against their manifests.

    compat_check.py --logdir DIR --manifest MANIFEST.json [--logdir ... --manifest ...]
                    [--form classic|tensor]
                    [--readers tbparse,accumulator,summary_iterator,tfrecord_dataset]
                    [--tbx-logdir DIR2]
                    [--reduce RUN_A RUN_B] [--reduce-dirs DIR_A MANIFEST_A RUN_A DIR_B MANIFEST_B RUN_B]

The manifest is tb_judge.py's (tests/tensorboard): what the program logged. Each reader
(tests/compat/readers.py) must show every run, kind and tag of it, with its steps and
exact values, under the reader's own accessor for the kind. `--form` says which summary
form the writer used (docs/format.md): in the classic form, text lists and tables are one
Markdown string and k images (clips) are k tags `<tag>/image/<i>`.

--tbx-logdir: the same values written by tensorboardX (tests/compat/tbx_writer.py from
the same manifest). Each reader must then show them too, and show both writers' files as
the same values under the same accessors (side.* checks).

--reduce: tensorboard-reducer 0.4.0 reduces two runs of the log directory to their mean;
every scalar tag of the manifest must come out, each step the mean of the two values.
--reduce-dirs: the same for two runs in two log directories with their own manifests.

One line per check (PASS/FAIL), then "N passed, M failed"; a reader that cannot be
imported or raises fails its checks, it is never skipped.
"""

import argparse
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tensorboard"))

import numpy as np  # noqa: E402

import judge_common  # noqa: E402
import readers  # noqa: E402


def compare(report, group, got, expected):
    judge_common.compare_data(report, group, got, expected, kinds=readers.KINDS)


def run_reader(report, name, logdir, reader, fix_tags=None):
    """(data, records) or None when the reader failed (reported)."""
    try:
        data, records = readers.READERS[reader](logdir)
        if fix_tags:
            data = fix_tags(data)
    except Exception as e:  # any failure of a reader is a finding
        traceback.print_exc()
        report.check("%s.read" % name, ["%s: %s" % (type(e).__name__, str(e)[:300])])
        return None
    report.check("%s.read" % name, [])
    return readers.regroup(data), records


def check_records(report, name, records, logdir):
    """The record count a TensorFlow reader saw equals the framing's own count."""
    if records is None:
        return
    want = 0
    for files in readers.find_runs(logdir).values():
        for path in files:
            with open(path, "rb") as f:
                blob = f.read()
            at = 0
            while at + 12 <= len(blob):
                at += 12 + int.from_bytes(blob[at:at + 8], "little") + 4
                want += 1
    report.check("%s.records" % name, [] if records == want else [
        "%d records read, the files hold %d" % (records, want)])


def reduce_check(report, group, run_dirs, series):
    """tensorboard-reducer on two run directories; `series` = [{tag: [(step, float32)]}] per run."""
    try:
        import tensorboard_reducer as tbr  # noqa: PLC0415
        events = tbr.load_tb_events(run_dirs)
        reduced = tbr.reduce_events(events, ["mean"])["mean"]
    except Exception as e:  # a reader that raises is a finding
        traceback.print_exc()
        report.check("%s.load" % group, ["%s: %s" % (type(e).__name__, str(e)[:300])])
        return
    report.check("%s.load" % group, [])
    tags = sorted(set(series[0]) | set(series[1]))
    for tag in tags:
        errors = []
        a, b = dict(series[0].get(tag, [])), dict(series[1].get(tag, []))
        if set(a) != set(b):
            errors.append("the two runs log other steps")
        elif tag not in reduced:
            errors.append("tag not reduced (found: %s)" % sorted(reduced)[:8])
        else:
            got = reduced[tag]
            got = dict(zip((int(s) for s in got.index), np.asarray(got, dtype=np.float64).reshape(-1)))
            if sorted(got) != sorted(a):
                errors.append("steps %s, expected %s" % (sorted(got)[:8], sorted(a)[:8]))
            for step in sorted(a):
                want = (np.float64(a[step]) + np.float64(b[step])) / 2
                if step in got and not (got[step] == want or (np.isnan(want) and np.isnan(got[step]))):
                    errors.append("step %d: mean %r, expected %r" % (step, got[step], want))
                    break
        report.check("%s.mean[%s]" % (group, tag), errors)
    extra = sorted(set(reduced) - set(tags))
    report.check("%s.tags" % group, ["tags not in the manifests: %s" % extra] if extra else [])


def scalars_of(manifest, run):
    return {tag: list(points) for tag, points in manifest.get(run, {}).get("scalars", {}).items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", action="append", help="repeatable, each with its --manifest")
    parser.add_argument("--manifest", action="append")
    parser.add_argument("--form", choices=("classic", "tensor"), default="classic")
    parser.add_argument("--readers", default=",".join(readers.READERS))
    parser.add_argument("--tbx-logdir")
    parser.add_argument("--reduce", nargs=2, metavar="RUN")
    parser.add_argument("--reduce-dirs", nargs=6, metavar="X")
    args = parser.parse_args(argv)
    report = judge_common.Report(sys.stdout)
    names = [n for n in args.readers.split(",") if n]
    unknown = [n for n in names if n not in readers.READERS]
    report.check("readers", ["unknown readers %s" % unknown] if unknown else [])

    logdirs, manifests = args.logdir or [], args.manifest or []
    if len(logdirs) != len(manifests) or (args.tbx_logdir or args.reduce) and len(logdirs) != 1:
        report.check("arguments", ["one --manifest per --logdir; --tbx-logdir and --reduce take one"])
        logdirs = []
    for logdir, manifest_path in zip(logdirs, manifests):
        # Several log directories: each check is named after its directory.
        label = "" if len(logdirs) == 1 else os.path.relpath(logdir, os.path.dirname(os.path.commonpath(logdirs))) + ":"
        manifest, errors = judge_common.load_manifest(manifest_path)
        report.check(label + "manifest", errors)
        expected = readers.expected_data(manifest, args.form)
        for name in names:
            if name not in readers.READERS:
                continue
            got = run_reader(report, label + name, logdir, name)
            if got is None:
                continue
            compare(report, label + name, got[0], expected)
            check_records(report, label + name, got[1], logdir)
            if args.tbx_logdir:
                tbx = run_reader(report, "tbx." + name, args.tbx_logdir, name, readers.strip_text_suffix)
                if tbx is not None:
                    compare(report, "tbx." + name, tbx[0], expected)
                    check_records(report, "tbx." + name, tbx[1], args.tbx_logdir)
                    # Side by side: tinytb's files as read, against tensorboardX's as read.
                    judge_common.compare_data(report, "side." + name, got[0], tbx[0], kinds=readers.KINDS)
        if args.reduce:
            a, b = args.reduce
            reduce_check(report, "reducer", [os.path.join(logdir, a), os.path.join(logdir, b)],
                         [scalars_of(manifest, a), scalars_of(manifest, b)])
            if args.tbx_logdir:
                reduce_check(report, "tbx.reducer",
                             [os.path.join(args.tbx_logdir, a), os.path.join(args.tbx_logdir, b)],
                             [scalars_of(manifest, a), scalars_of(manifest, b)])

    if args.reduce_dirs:
        dir_a, man_a, run_a, dir_b, man_b, run_b = args.reduce_dirs
        loaded = []
        for path in (man_a, man_b):
            m, errors = judge_common.load_manifest(path)
            report.check("manifest[%s]" % path, errors)
            loaded.append(m)
        reduce_check(report, "reducer", [os.path.join(dir_a, run_a), os.path.join(dir_b, run_b)],
                     [scalars_of(loaded[0], run_a), scalars_of(loaded[1], run_b)])

    report.summary()
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
