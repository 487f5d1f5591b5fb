#!/usr/bin/env python3
"""Judge a TensorBoard logdir written by tinytb against its manifest.

    python tb_judge.py --logdir DIR --manifest MANIFEST.json [--no-server]

The manifest (written by the C++ test programs) lists exactly what was logged:

    {"runs": {"<run>": {"scalars": {"<tag>": [[step, value], ...]},
                        "text": {"<tag>": [[step, {"shape": [...],
                                                   "values": [...]}], ...]}}}}

Scalar values are JSON numbers or "NaN", "Infinity", "-Infinity"; they are
rounded to float32 and compared exactly. "histograms", "audio" and "images"
carry what the program fed in; histogram_audio.py and images.py give their
schemas and compute the expected values. Any other kind fails the judge.

Three groups of checks, one output line each (PASS/FAIL/SKIP), then
"N passed, M failed"; the exit status is 0 only when nothing failed:
  reader.*       an independent pure-Python reader (reader_check.py)
  loader.*, multiplexer.*   TensorBoard's Python readers (loader_check.py)
  server.*       the real server with the Rust data server (server_check.py)
"""

import argparse
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import classic_form  # noqa: E402
import judge_common  # noqa: E402
import reader_check  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--logdir", required=True,
                        help="directory holding the runs")
    parser.add_argument("--manifest", required=True,
                        help="JSON description of what was logged")
    parser.add_argument("--no-server", action="store_true",
                        help="skip the (slower) TensorBoard server checks")
    return parser.parse_args(argv)


def judge(logdir, manifest_path, with_server, out=sys.stdout):
    """Runs every check group; returns the Report."""
    report = judge_common.Report(out)
    expected, manifest_errors = judge_common.load_manifest(manifest_path)
    report.check("manifest", manifest_errors)

    runs = reader_check.find_event_files(logdir)
    report.check("logdir", [] if runs else [
        "no file whose name contains 'tfevents' under %s" % logdir])

    # A run in the classic form shows some values differently (classic_form.py):
    # every group compares with what the run's form presents.
    forms = reader_check.detect_forms(runs)
    for run, form in sorted(forms.items()):
        report.check("form[%s]: %s" % (run, form), [])
    expected = classic_form.presented(expected, forms)
    framed_counts = reader_check.run_checks(report, logdir, runs, expected, forms)

    # TensorBoard is imported only now, so group (a) runs even without it.
    try:
        import hparams_judge
        import loader_check
        import server_check
    except ImportError as e:
        report.check("tensorboard-import", ["%s (pip install -r "
                                            "requirements.txt)" % e])
        return report
    loader_check.run_checks(report, logdir, runs, framed_counts, expected)
    hparams = hparams_judge.load(manifest_path)
    hparams_judge.check_files(report, runs, hparams)

    if with_server:
        server_check.run_checks(report, logdir, expected, hparams)
    else:
        report.skip("server", "--no-server given")
    return report


def main(argv=None):
    args = parse_args(argv)
    # On SIGTERM, unwind normally so that a running server is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    report = judge(os.path.abspath(args.logdir), args.manifest,
                   not args.no_server)
    report.summary()
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
