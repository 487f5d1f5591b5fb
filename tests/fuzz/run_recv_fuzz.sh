#!/usr/bin/env bash
# tinytb: fuzz `tinytb recv`'s parser for a bounded time (docs/security.md, docs/streaming.md).
#
#   tests/fuzz/run_recv_fuzz.sh BUILD SECONDS
#
# Seeds: the host captures of make (BUILD/stream-host/*.bin: a short session, and one with
# images and a reboot), each behind every control byte the fuzzer reads first (feed sizes,
# record limit), plus cut and damaged copies. The corpus the fuzzer grows is kept in
# BUILD/fuzz/recv_corpus. A crash, a sanitizer report, a broken invariant, an input slower
# than 10 s or one allocation above 512 MB fails the run and leaves the input in
# BUILD/fuzz/recv-crash-* (replay: BUILD/fuzz/recv_fuzz FILE).
set -euo pipefail
source "$(dirname "$0")/fuzz_common.sh"

BUILD=${1:?usage: run_recv_fuzz.sh BUILD SECONDS}
SECONDS_TO_RUN=${2:?usage: run_recv_fuzz.sh BUILD SECONDS}
FUZZER=$BUILD/fuzz/recv_fuzz
WORK=$BUILD/fuzz
[ -x "$FUZZER" ] || { echo "no $FUZZER: make BUILD=$BUILD $FUZZER" >&2; exit 1; }
for capture in "$BUILD/stream-host/short.bin" "$BUILD/stream-host/images.bin"; do
  [ -s "$capture" ] || { echo "no $capture: make BUILD=$BUILD $capture" >&2; exit 1; }
done

rm -rf "$WORK/recv_seeds"
mkdir -p "$WORK/recv_seeds" "$WORK/recv_corpus"
python3 - "$WORK/recv_seeds" "$BUILD/stream-host/short.bin" "$BUILD/stream-host/images.bin" <<'PY'
import random, sys
out, paths = sys.argv[1], sys.argv[2:]
rng = random.Random(17)
for n, path in enumerate(paths):
    data = open(path, "rb").read()[:8000]  # within -max_len
    for control in (0, 1, 2, 3, 4, 5, 0x80, 0x83):
        open(f"{out}/c{n}_{control:02x}", "wb").write(bytes([control]) + data)
    for k in range(8):
        d = bytearray(data)
        for _ in range(3):
            p = rng.randrange(len(d))
            kind = rng.randrange(3)
            if kind == 0:
                del d[p:p + rng.randrange(1, 50)]
            elif kind == 1:
                d[p] ^= 1 << rng.randrange(8)
            else:
                d[p:p] = d[max(0, p - 200):p]
        open(f"{out}/d{n}_{k}", "wb").write(bytes([k]) + bytes(d))

# A failed write and its truncate frame (docs/streaming.md), which no capture holds: built here
# from the wire format, so the fuzzer starts from the path that withdraws records.
import struct
def crc32c(data, table=[]):
    if not table:
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            table.append(c)
    c = 0xFFFFFFFF
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
def masked(c):
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF
def record(payload):
    head = struct.pack("<Q", len(payload))
    return head + struct.pack("<I", masked(crc32c(head))) + payload + struct.pack("<I", masked(crc32c(payload)))
seq = [0]
def frame(kind, payload):
    head = struct.pack("<BBBBHII", 0xE7, 0x5A, 1, kind, len(payload), 99, seq[0])
    seq[0] += 1
    return head + struct.pack("<I", crc32c(head)) + payload + struct.pack("<I", crc32c(payload))
r0, r1, r2 = record(b"a" * 30), record(b"b" * 40), record(b"c" * 300)
stream = frame(1, b"\x01x\x01d\x01f") + frame(2, r0) + frame(2, r1 + r2[:100])
failed = frame(2, r2[100:])[:30]          # the link failed inside this frame
stream += failed + frame(4, struct.pack("<QI", len(r0), seq[0] - 1)) + frame(2, r1 + r2) + frame(3, b"") + frame(5, b"")
for control in (0, 2, 0x80):
    open(f"{out}/truncate_{control:02x}", "wb").write(bytes([control]) + stream)
PY

# The seeds alone first: every one must pass the invariants.
"$FUZZER" -runs=0 "$WORK/recv_seeds" 2>&1 | tail -n 1

fuzz_for "$WORK/recv_fuzz.log" "the fuzzer found a problem (input saved under $WORK/recv-*)" \
  "fuzzed the stream parser for $SECONDS_TO_RUN s: no crash, no leak, no hang, no broken invariant" \
  -malloc_limit_mb=512 -max_len=8192 -artifact_prefix="$WORK/recv-" "$WORK/recv_corpus" "$WORK/recv_seeds"
