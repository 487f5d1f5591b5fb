#!/usr/bin/env bash
# Captures what the streaming firmware (TINYTB_FW_STREAM, examples/cortex_m) sends on UART0: QEMU's
# mps2-an386 with UART0 on -serial file:, under -icount shift=0,sleep=off so that virtual time, and
# with it every wall_time the writer stamps, is the same on every run; session id 1234 and no pacing
# from the semihosting command line. The same ELF gives the same bytes, run after run (the e2e
# suite checks that), so the capture is a fixture for the fault sweeps and a cost figure.
# Usage: stream_capture.sh FIRMWARE.elf OUT.bin
#   writes OUT.bin (the link's bytes) and OUT.console.txt (the firmware's console: per-frame costs,
#   "instructions per streamed frame"); fails unless the firmware exits 0 and sent something.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: stream_capture.sh FIRMWARE.elf OUT.bin" >&2; exit 2; }
elf=$(realpath "$1")
out=$2
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tinytb-stream-capture.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rc=0
# The console is a chardev of its own: QEMU's standard streams carry nothing here.
(cd "$tmp" && timeout 120 qemu-system-arm -M mps2-an386 -icount shift=0,sleep=off -display none -monitor none \
  -serial file:link.bin -chardev file,id=console,path=console.txt \
  -semihosting-config enable=on,target=native,chardev=console,arg=firmware,arg=session=1234,arg=period_ms=0 \
  -kernel "$elf") || rc=$?
cat "$tmp/console.txt" 2>/dev/null || true
if [ "$rc" -ne 0 ]; then
  echo "stream_capture.sh: the firmware exited with $rc" >&2
  exit 1
fi
if [ ! -s "$tmp/link.bin" ]; then
  echo "stream_capture.sh: nothing arrived on UART0" >&2
  exit 1
fi
cp "$tmp/console.txt" "${out%.bin}.console.txt"
cp "$tmp/link.bin" "$out"
echo "stream_capture.sh: $(stat -c %s "$out") bytes -> $out"
