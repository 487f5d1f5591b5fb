#!/usr/bin/env bash
# tinytb: fuzz the direct event encoder against nanopb's for a bounded time
# (docs/firmware.md, "Scalars and text without nanopb").
#
#   tests/fuzz/run_event_fuzz.sh BUILD SECONDS
#
# Seeds (written here, fixed): every shape (file_version, scalar, text of rank 0-2, Markdown)
# with short, long and empty tags and cells. The corpus the fuzzer grows is kept in
# BUILD/fuzz/event_corpus. A crash, a sanitizer report, a difference between the encoders or
# an input slower than 10 s fails the run and leaves the input in BUILD/fuzz/event-crash-*
# (replay: BUILD/fuzz/event_direct_fuzz FILE).
set -euo pipefail
source "$(dirname "$0")/fuzz_common.sh"

BUILD=${1:?usage: run_event_fuzz.sh BUILD SECONDS}
SECONDS_TO_RUN=${2:?usage: run_event_fuzz.sh BUILD SECONDS}
FUZZER=$BUILD/fuzz/event_direct_fuzz
WORK=$BUILD/fuzz
[ -x "$FUZZER" ] || { echo "no $FUZZER: make BUILD=$BUILD $FUZZER" >&2; exit 1; }
rm -rf "$WORK/event_seeds"
mkdir -p "$WORK/event_seeds" "$WORK/event_corpus"
python3 - "$WORK/event_seeds" <<'PY'
import random, sys
rng = random.Random(14)
out = sys.argv[1]
n = 0
for shape in range(4):
    for flags in (0, 4, 5, 6, 12, 20, 36, 63):
        for tag_len in (0, 1, 127, 128, 300):
            head = bytes([1]) + rng.randbytes(8) + bytes([2, 200, 1, shape, flags, 3, 5]) + tag_len.to_bytes(2, "little")
            body = bytes(rng.randrange(32, 127) for _ in range(tag_len)) + b"cont\x01"
            if shape == 1:
                body += rng.randbytes(4)
            else:
                body += bytes([shape % 3, 2, 3])
                for _ in range(12):
                    k = rng.choice((0, 1, 5, 127, 130))
                    body += bytes([k]) + bytes(rng.randrange(1, 256) for _ in range(k * 3 if k & 0x80 else k))
            open(f"{out}/seed{n:03d}", "wb").write(head + body)
            n += 1
# A negative 8-byte step: INT64_MIN, the one step whose negation overflows (a harness bug the fuzzer found once).
head = bytes([1]) + rng.randbytes(8) + bytes([0x81]) + (1 << 63).to_bytes(8, "little") + bytes([1, 0, 3, 5]) + (4).to_bytes(2, "little")
open(f"{out}/seed{n:03d}", "wb").write(head + b"loss" + b"cont\x01" + rng.randbytes(4))
PY

"$FUZZER" -runs=0 "$WORK/event_seeds" 2>&1 | tail -n 1

fuzz_for "$WORK/event_fuzz.log" "the direct and nanopb encoders differ (input saved under $WORK/event-*)" \
  "fuzzed the direct event encoder against nanopb for $SECONDS_TO_RUN s: the same bytes every time" \
  -max_len=16384 -artifact_prefix="$WORK/event-" "$WORK/event_corpus" "$WORK/event_seeds"
