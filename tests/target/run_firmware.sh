#!/usr/bin/env bash
# Runs the firmware example (examples/cortex_m; examples/riscv for the RV32 cores) for one core
# and configuration under QEMU and has TensorBoard judge what it logged, against a manifest
# computed independently from the same inputs (firmware_manifest.py).
# Usage: run_firmware.sh BUILD CORE CONFIG OUT_DIR PYTHON
#   CORE: cortex-m3, -m4f, -m7, -m33; rv32imc (QEMU's CPU with its A extension switched off, so
#   an atomic instruction in the build would trap), rv32imac
set -euo pipefail
build=$1 core=$2 config=$3 out=$4 py=$5
here=$(cd "$(dirname "$0")" && pwd)
cpu=
case $core in
  rv32imc) machine=virt cpu=rv32,a=false ;;
  rv32imac) machine=virt ;;
  cortex-m3) machine=mps2-an385 ;;
  cortex-m4f) machine=mps2-an386 ;;
  cortex-m7) machine=mps2-an500 ;;
  cortex-m33) machine=mps2-an505 ;;
  *) echo "run_firmware.sh: no QEMU machine for $core" >&2; exit 2 ;;
esac
elf=$build/fw/$core/$config/firmware.elf
frames=$(realpath "$build/fw/frames")
manifest_cmd=$(printf '%q %q --core %q --machine %q --config %q --frames-dir %q --console "$CONSOLE" --out "$OUT_DIR"' \
  "$py" "$here/firmware_manifest.py" "$core" "$machine" "$config" "$frames")
bash "$here/run_qemu_semihosting.sh" --machine "$machine" ${cpu:+--cpu "$cpu"} --dir "logs/$core" --manifest-cmd "$manifest_cmd" \
  "$elf" "$out" "$py"
