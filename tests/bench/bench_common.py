"""What the benchmark drivers share (e2e_run.py, native_run.py): a check counter (also the
host tool's tests/tools/cli_test.py), the CPU's name for the report, and the median and spread
of a list of rates or ratios. Standard library only."""

import platform
import statistics
import sys


class Checks:
    """Counts checks; prints each failure (and, with show_passes, each pass)."""

    def __init__(self, show_passes=False):
        self.passed = 0
        self.failed = 0
        self.show_passes = show_passes

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if self.show_passes:
                print("PASS %s" % name)
        else:
            self.failed += 1
            print("FAIL %s%s" % (name, (": " + detail) if detail else ""))
        sys.stdout.flush()
        return ok


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def spread(values):
    """Median, quartiles and range of a list of ratios (the quartiles by the inclusive method)."""
    v = sorted(values)
    if len(v) >= 2:
        q1, _, q3 = statistics.quantiles(v, n=4, method="inclusive")
    else:
        q1 = q3 = v[0]
    return {"median": statistics.median(v), "min": v[0], "q1": q1, "q3": q3, "max": v[-1], "pairs": len(v)}
