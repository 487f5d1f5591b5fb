#!/usr/bin/env bash
# The async firmware (examples/cortex_m/async_main.cc) under QEMU's mps2-an386 with semihosting:
# a SysTick interrupt logs scalars while the main loop logs frames and drains; then TensorBoard
# judges the run against the manifest tests/target/async_manifest.py derives (docs/async.md).
# Usage: run_async_firmware.sh FIRMWARE.elf FRAMES_DIR OUT_DIR PYTHON
set -euo pipefail
elf=$1 frames=$(realpath "$2") out=$3 py=$4
here=$(cd "$(dirname "$0")" && pwd)
manifest_cmd=$(printf '%q %q --frames-dir %q --console "$CONSOLE" --out "$OUT_DIR"' "$py" "$here/async_manifest.py" "$frames")
bash "$here/run_qemu_semihosting.sh" --machine mps2-an386 --dir logs/async --manifest-cmd "$manifest_cmd" "$elf" "$out" "$py"
