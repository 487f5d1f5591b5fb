#!/usr/bin/env bash
# tinytb target benchmark (docs/png.md): lodepng default vs tinytb's deflate on a
# Cortex-M4 under QEMU, instructions per frame, every output checked on the host.
#
# Usage: run_png_qemu_bench.sh [--quick] [--timeout S] FIRMWARE.elf HOST_TOOL DATA_DIR RUN_DIR [JSON]
#   FIRMWARE.elf  tests/target/png_qemu_bench_main.cc, built for mps2-an386
#   HOST_TOOL     tests/bench/png_qemu_host.cc, built for the host
#   --quick       two frames only (person 96x96 gray, kodim23 160x120 RGB): the `make test` run
#   JSON          where to write the "qemu" fragment
#
# 1. the host tool writes the raw frames into RUN_DIR (generated each run, never committed);
# 2. QEMU runs the firmware there (-icount shift=0,sleep=off: one instruction is one
#    virtual nanosecond, so every run counts the same), which reads the frames and writes
#    its PNGs through semihosting and its counts to RUN_DIR/console.txt;
# 3. the host tool decodes and compares every PNG, prints the table and "N passed, M failed",
#    and writes the fragment, which is then parsed once more as JSON.
set -euo pipefail
quick=
seconds=600
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=--quick; seconds=120; shift ;;
    --timeout) seconds=$2; shift 2 ;;
    --*) echo "run_png_qemu_bench.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 4 ] || { sed -n '5,10p' "$0" >&2; exit 2; }
elf=$(realpath "$1")
tool=$(realpath "$2")
data=$3
run=$4
json=${5:-}
rm -rf "$run"
mkdir -p "$run"
"$tool" frames --data "$data" --out "$run" $quick
start=$SECONDS
status=0
(cd "$run" && timeout "$seconds" qemu-system-arm -M mps2-an386 -icount shift=0,sleep=off -display none -serial none \
  -monitor none -chardev file,id=console,path=console.txt -semihosting-config enable=on,target=native,chardev=console \
  -kernel "$elf") || status=$?
cat "$run/console.txt" 2>/dev/null || true
echo "firmware exit status: $status ($((SECONDS - start)) s under QEMU)"
if [ "$status" -eq 124 ]; then echo "FAIL: the firmware did not finish in $seconds s"; exit 1; fi
[ "$status" -eq 0 ] || { echo "FAIL: the firmware exited with status $status"; exit 1; }
"$tool" check --run "$run" ${json:+--json "$json"} --qemu "$(qemu-system-arm --version | sed -nE '1s/.*version ([0-9.]+).*/\1/p')"
if [ -n "$json" ]; then
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["part"] == "qemu" and d["encoders"]' "$json" ||
    { echo "FAIL: $json is not a well-formed qemu fragment"; exit 1; }
fi
