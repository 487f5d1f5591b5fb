#!/usr/bin/env bash
# tinytb: fuzz tinytb's own PNG deflate for a bounded time (docs/png.md, "Tests").
#
#   tests/fuzz/run_png_fuzz.sh BUILD SECONDS [FUZZER]
#
# FUZZER is png_deflate_fuzz (default) or png_deflate_fuzz_dsp (the Cortex-M DSP code paths
# with the intrinsics modelled on the host); each keeps its own corpus.
#
# The inputs in tests/fuzz/png_regressions (each one found a bug once) run first and must
# all pass. The corpus the fuzzer grows is kept in BUILD/fuzz/png_corpus, so later runs
# start from what earlier runs found. A crash, a sanitizer report, a broken invariant or
# an input slower than 10 s fails the run and leaves the input in BUILD/fuzz/png-crash-*
# (replay: BUILD/fuzz/png_deflate_fuzz FILE).
set -euo pipefail
source "$(dirname "$0")/fuzz_common.sh"

BUILD=${1:?usage: run_png_fuzz.sh BUILD SECONDS}
SECONDS_TO_RUN=${2:?usage: run_png_fuzz.sh BUILD SECONDS}
NAME=${3:-png_deflate_fuzz}
FUZZER=$BUILD/fuzz/$NAME
WORK=$BUILD/fuzz
CORPUS=$WORK/${NAME/png_deflate_fuzz/png_corpus}
[ -x "$FUZZER" ] || { echo "no $FUZZER: make BUILD=$BUILD $FUZZER" >&2; exit 1; }
mkdir -p "$CORPUS" "$WORK/png_seeds"
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

fuzz_for "$WORK/$NAME.log" "the PNG deflate fuzzer found a problem (input saved under $WORK/)" \
  "fuzzed the PNG deflate ($NAME) for $SECONDS_TO_RUN s: every output decoded exactly, no overflow, no sanitizer report" \
  -max_len=4096 -artifact_prefix="$WORK/png-" "$CORPUS" "$WORK/png_seeds" tests/fuzz/png_regressions
