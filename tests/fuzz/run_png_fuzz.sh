#!/usr/bin/env bash
# tinytb: fuzz tinytb's own PNG deflate for a bounded time (docs/png.md, "Tests").
#
#   tests/fuzz/run_png_fuzz.sh BUILD SECONDS
#
# The inputs in tests/fuzz/png_regressions (each one found a bug once) run first and must
# all pass. The corpus the fuzzer grows is kept in BUILD/fuzz/png_corpus, so later runs
# start from what earlier runs found. A crash, a sanitizer report, a broken invariant or
# an input slower than 10 s fails the run and leaves the input in BUILD/fuzz/png-crash-*
# (replay: BUILD/fuzz/png_deflate_fuzz FILE).
set -euo pipefail

BUILD=${1:?usage: run_png_fuzz.sh BUILD SECONDS}
SECONDS_TO_RUN=${2:?usage: run_png_fuzz.sh BUILD SECONDS}
FUZZER=$BUILD/fuzz/png_deflate_fuzz
WORK=$BUILD/fuzz
[ -x "$FUZZER" ] || { echo "no $FUZZER: make BUILD=$BUILD $FUZZER" >&2; exit 1; }
mkdir -p "$WORK/png_corpus" "$WORK/png_seeds"
# A few long seeds (fixed): shapes from small to wide, every channel count, level, API and
# pixel mode, with enough material that the pixels are not one short pattern repeated.
python3 - "$WORK/png_seeds" <<'PY'
import random, sys
rng = random.Random(6)
for i, (w, h) in enumerate([(1, 1), (7, 5), (96, 96), (160, 120), (299, 40), (64, 300)]):
    for flags in range(16):
        head = bytes([(w - 1) & 255, (w - 1) >> 8, (h - 1) & 255, (h - 1) >> 8, flags % 3, flags,
                      rng.randrange(256), rng.randrange(256), rng.randrange(16)])
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(64, 3000)))
        open(f"{sys.argv[1]}/seed{i:02d}_{flags:02d}", "wb").write(head + body)
PY

"$FUZZER" -runs=0 tests/fuzz/png_regressions 2>&1 | tail -n 1

"$FUZZER" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -timeout=10 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$WORK/png-" "$WORK/png_corpus" "$WORK/png_seeds" tests/fuzz/png_regressions 2>"$WORK/png_fuzz.log" || {
  tail -n 40 "$WORK/png_fuzz.log"
  echo "FAIL: the PNG deflate fuzzer found a problem (input saved under $WORK/)"
  exit 1
}
grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov:' "$WORK/png_fuzz.log" | tail -n 3
echo "fuzzed the PNG deflate for $SECONDS_TO_RUN s: every output decoded exactly, no overflow, no sanitizer report"
