#!/usr/bin/env bash
# tinytb: fuzz the host tool's file scanner for a bounded time (docs/security.md).
#
#   tests/fuzz/run_fuzz.sh BUILD SECONDS
#
# Seeds: event files written now by the compat writer and the demo, plus damaged copies
# of them (tests/fuzz/make_seeds.py). The corpus the fuzzer grows is kept in
# BUILD/fuzz/corpus, so later runs start from what earlier runs found. A crash, a
# sanitizer report, an input slower than 10 s or a single allocation above 512 MB fails the
# run and leaves the input in BUILD/fuzz/crash-* (replay: BUILD/fuzz/scan_fuzz FILE).
set -euo pipefail
source "$(dirname "$0")/fuzz_common.sh"

BUILD=${1:?usage: run_fuzz.sh BUILD SECONDS}
SECONDS_TO_RUN=${2:?usage: run_fuzz.sh BUILD SECONDS}
FUZZER=$BUILD/fuzz/scan_fuzz
WORK=$BUILD/fuzz
[ -x "$FUZZER" ] || { echo "no $FUZZER: make BUILD=$BUILD $FUZZER" >&2; exit 1; }

rm -rf "$WORK/gen" "$WORK/seeds"
mkdir -p "$WORK/gen" "$WORK/seeds" "$WORK/corpus"
"$BUILD/compat/compat_writer" --logdir "$WORK/gen/compat" --manifest "$WORK/gen/compat.json" >/dev/null
"$BUILD/demo" --logdir "$WORK/gen/demo" >/dev/null
mapfile -t files < <(find "$WORK/gen" -type f -name '*tfevents*' | sort)
python3 tests/fuzz/make_seeds.py "$WORK/seeds" "${files[@]}"

# The seeds alone first: every one must pass the invariants.
"$FUZZER" -runs=0 "$WORK/seeds" 2>&1 | tail -n 2

fuzz_for "$WORK/fuzz.log" "the fuzzer found a problem (input saved under $WORK/)" \
  "fuzzed for $SECONDS_TO_RUN s: no crash, no leak, no hang, no allocation above 512 MB" \
  -malloc_limit_mb=512 -max_len=8192 -artifact_prefix="$WORK/" "$WORK/corpus" "$WORK/seeds"
