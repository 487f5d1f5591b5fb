#!/usr/bin/env bash
# Runs a Cortex-M program on one of QEMU's mps2 machines, or a RV32 program on its RISC-V virt
# machine, with semihosting, then has TensorBoard judge the event files it wrote on the host.
#
# Usage: run_qemu_semihosting.sh [options] FIRMWARE.elf OUT_DIR [PYTHON]
#   --machine M         QEMU machine (default mps2-an386; virt runs qemu-system-riscv32 -bios none)
#   --cpu C             QEMU -cpu (default: the machine's own), e.g. rv32,a=false for an RV32IMC
#   --dir D             directory to create under OUT_DIR before the run, since semihosting
#                       cannot create directories (repeatable; default logs/cortex-m4)
#   --manifest FILE     the judge's manifest (default semihosting_manifest.json, beside this
#                       script; OUT_DIR/manifest.json with --manifest-cmd)
#   --manifest-cmd CMD  a shell command, run after the program succeeded and before the judge,
#                       that writes the manifest (OUT_DIR and CONSOLE are in its environment)
#   --no-judge          run the program only (PYTHON is then not needed)
#   --timeout S         seconds before QEMU is stopped (default 60)
#
# The program runs with OUT_DIR as its working directory (semihosting paths are relative to
# it) and -icount shift=0,sleep=off: one instruction is one nanosecond of virtual time and
# virtual time never follows the host's clock, so two runs execute, count and write exactly
# the same. Its console (SYS_WRITE0) goes to OUT_DIR/console.txt and is shown here. Fails
# unless it exits with status 0 (SYS_EXIT_EXTENDED).
set -euo pipefail
machine=mps2-an386
cpu=
dirs=()
manifest=
manifest_cmd=
judge=1
seconds=60
while [ $# -gt 0 ]; do
  case $1 in
    --machine) machine=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --dir) dirs+=("$2"); shift 2 ;;
    --manifest) manifest=$2; shift 2 ;;
    --manifest-cmd) manifest_cmd=$2; shift 2 ;;
    --no-judge) judge=0; shift ;;
    --timeout) seconds=$2; shift 2 ;;
    --*) echo "run_qemu_semihosting.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { sed -n '5,15p' "$0" >&2; exit 2; }
elf=$(realpath "$1")
out=$2
py=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
[ ${#dirs[@]} -gt 0 ] || dirs=(logs/cortex-m4)
rm -rf "$out"
for d in "${dirs[@]}"; do mkdir -p "$out/$d"; done
out=$(realpath "$out")
qemu=(qemu-system-arm)
[ "$machine" = virt ] && qemu=(qemu-system-riscv32 -bios none)
[ -n "$cpu" ] && qemu+=(-cpu "$cpu")
status=0
(cd "$out" && timeout "$seconds" "${qemu[@]}" -M "$machine" -icount shift=0,sleep=off -display none -serial none \
  -monitor none -chardev file,id=console,path=console.txt -semihosting-config enable=on,target=native,chardev=console \
  -kernel "$elf") || status=$?
cat "$out/console.txt" 2>/dev/null || true
echo "firmware exit status: $status"
if [ "$status" -eq 124 ]; then echo "FAIL: $(basename "$elf") on $machine did not finish in $seconds s"; exit 1; fi
[ "$status" -eq 0 ] || { echo "FAIL: $(basename "$elf") on $machine exited with status $status"; exit 1; }
for d in "${dirs[@]}"; do ls -l "$out/$d"; done
[ "$judge" -eq 1 ] || exit 0
if [ -n "$manifest_cmd" ]; then
  OUT_DIR=$out CONSOLE=$out/console.txt bash -c "$manifest_cmd"
  manifest=${manifest:-$out/manifest.json}
fi
"$py" "$here/../tensorboard/tb_judge.py" --logdir "$out/logs" --manifest "${manifest:-$here/semihosting_manifest.json}"
