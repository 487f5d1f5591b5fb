#!/usr/bin/env bash
# tinytb: run every test suite and print one total, "N passed, M failed", last.
#
# Called by `make test` once everything is built. Each suite's full output goes to
# $BUILD/test-logs/<suite>.log; the console shows one line per suite. Counting:
#   gtest suites    their own test counts
#   judged suites   the judge's "N passed, M failed" (every check is a test)
#   single checks   one test each
# A suite that dies without its summary counts as one failure.
set -uo pipefail

BUILD=${BUILD:-build}
VENV=${VENV:-$BUILD/venv}
PY=$VENV/bin/python
LOGS=$BUILD/test-logs
OUT=$BUILD/test-output
rm -rf "$LOGS" "$OUT"
mkdir -p "$LOGS" "$OUT"
# The judge decodes every PNG it checks with lodepng too (a decoder-only build), not only Pillow.
export TINYTB_PNG_DECODER=$BUILD/png_decode

total_pass=0
total_fail=0

report() {  # name passed failed
  total_pass=$((total_pass + $2))
  total_fail=$((total_fail + $3))
  local mark=ok
  [ "$3" -gt 0 ] && mark=FAIL
  printf '%-4s %-28s %4d passed, %d failed   (%s)\n' "$mark" "$1" "$2" "$3" "$LOGS/$1.log"
  if [ "$3" -gt 0 ]; then
    grep -E '^\[  FAILED  \]|^FAIL|Failure|error' "$LOGS/$1.log" | head -n 20 | sed 's/^/       /'
  fi
}

gtest_suite() {  # name binary [args]
  local name=$1 log=$LOGS/$1.log
  shift
  "$@" --gtest_brief=1 >"$log" 2>&1
  local rc=$?
  local passed failed
  passed=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\..*/\1/p' "$log" | tail -n 1)
  failed=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below:.*/\1/p' "$log" | tail -n 1)
  passed=${passed:-0}
  failed=${failed:-0}
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  report "$name" "$passed" "$failed"
}

counted_suite() {  # name command...   (the command prints "N passed, M failed")
  local name=$1 log=$LOGS/$1.log
  shift
  "$@" >"$log" 2>&1
  local rc=$?
  local line passed failed
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  passed=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
  failed=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
  passed=${passed:-0}
  failed=${failed:-0}
  if [ -z "$line" ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then failed=$((failed + 1)); fi
  report "$name" "$passed" "$failed"
}

single_check() {  # name command...   (exit status decides)
  local name=$1 log=$LOGS/$1.log
  shift
  if "$@" >"$log" 2>&1; then report "$name" 1 0; else report "$name" 0 1; fi
}

write_and_judge() {  # output-name program [program arguments]
  local dir=$OUT/$1
  "$2" --logdir "$dir/logs" --manifest "$dir/manifest.json" "${@:3}" &&
    "$PY" tests/tensorboard/tb_judge.py --logdir "$dir/logs" --manifest "$dir/manifest.json"
}

expect_failure() { ! "$@"; }

echo "tinytb tests"
gtest_suite unit "$BUILD/unit_tests"
gtest_suite unit-asan-ubsan "$BUILD/unit_tests_asan"
gtest_suite alloc-trap "$BUILD/alloc_trap_test"
gtest_suite crc32c-16-entry-table "$BUILD/crc32c_nibble_test"
# The direct event encoder (scalars, text, file_version; docs/firmware.md "Scalars and text without nanopb")
# against nanopb's, byte for byte, under libFuzzer + ASan/UBSan for 10 s; `make fuzz-event` runs it longer.
single_check event-direct-fuzz-10s bash tests/fuzz/run_event_fuzz.sh "$BUILD" 10
# The async writer (docs/async.md): producer threads and a drain under ThreadSanitizer, every value
# in the file or counted as dropped; the ring's protocol model-checked by spin (a planted bug caught).
counted_suite async-stress-tsan "$BUILD/async_stress"
counted_suite async-ring-spin bash tests/writer/run_async_spin.sh "$BUILD/async_spin"
counted_suite async-ring-targets bash tests/target/check_async_ring.sh "$BUILD/async_ring_targets"
# API traps the compiler and linker catch: a swapped scalar step and value does not compile; an
# application built with other layout knobs than its library (tinytb/config.h) does not link.
single_check api-swapped-args bash tests/writer/check_scalar_order.sh
single_check config-mismatch bash tests/writer/check_config_link.sh "$BUILD"
counted_suite judge-selftest "$PY" tests/tensorboard/selftest.py
for writer in "$BUILD"/compat/*_writer; do
  name=$(basename "$writer" _writer)
  counted_suite "tensorboard-$name" write_and_judge "$name" "$writer"
done
# The debug layer's fixture beyond its manifest (docs/debugging.md): statistics recomputed with numpy from
# the raw tensors, the flight recorder's frames at their record-time wall times, through TensorBoard's reader.
counted_suite tensorboard-debug-numpy "$PY" tests/tensorboard/debug_judge.py --logdir "$OUT/debug/logs" \
  --expect "$OUT/debug/debug_expect.json"
# The fixtures again in the other summary form (docs/format.md, "Summary forms"; the default is classic).
for name in compat histogram_audio image debug hparams; do
  counted_suite "tensorboard-$name-tensor" write_and_judge "$name-tensor" "$BUILD/compat/${name}_writer" --form tensor
done
counted_suite tensorboard-demo write_and_judge demo "$BUILD/demo"
# The demo's debugging part (the flight recorder's trigger, the layer-by-layer runs and `tinytb compare`
# of them), through the real server's HTTP API.
counted_suite tensorboard-demo-debug "$PY" tests/tensorboard/debug_demo_check.py --build "$BUILD" --out "$OUT/demo-debug"
# The hparams checks (hparams_judge.py) must fail, by name, on the hparams fixture's files against a
# manifest with one hparam value, one status and one metric name changed.
hparams_judge_catches() {
  local out
  "$PY" -c 'import json, sys
m = json.load(open(sys.argv[1]))
s = m["hparams"]["sessions"]
s["board-b"]["hparams"]["threshold"] = 0.5
s["board-c"]["status"] = "STATUS_SUCCESS"
m["hparams"]["experiment"]["metrics"][0]["tag"] = "scor"
json.dump(m, open(sys.argv[2], "w"))' "$OUT/hparams/manifest.json" "$OUT/hparams/wrong.json" || return 1
  out=$("$PY" tests/tensorboard/tb_judge.py --logdir "$OUT/hparams/logs" --manifest "$OUT/hparams/wrong.json") && return 1
  echo "$out"
  grep -q '^FAIL hparams.session\[board-b\]: hparam .threshold.: 0.0, expected 0.5' <<<"$out" &&
    grep -q '^FAIL hparams.session\[board-c\]: status STATUS_RUNNING, expected STATUS_SUCCESS' <<<"$out" &&
    grep -q '^FAIL hparams.experiment: metric infos' <<<"$out" && grep -q '^FAIL server.hparams-experiment' <<<"$out" &&
    grep -q '^FAIL server.hparams-session-groups' <<<"$out"
}
single_check tensorboard-hparams-catches-wrong hparams_judge_catches
single_check proto-regenerates-same bash tests/format/check_proto_regen.sh
single_check arm-core-links-no-heap bash tests/target/check_no_heap.sh "$BUILD/arm/heap_check.elf"
# The debug layer's firmware configurations (docs/debugging.md): the flight recorder and the inspector link no heap.
single_check arm-debug-links-no-heap bash tests/target/check_no_heap.sh "$BUILD/fw/cortex-m4f/flight/firmware.elf" \
  "$BUILD/fw/cortex-m4f/inspector/firmware.elf"
single_check arm-heap-canary-caught expect_failure bash tests/target/check_no_heap.sh "$BUILD/arm/heap_canary.elf"
single_check deps-pinned-and-verified bash tools/fetch_deps.sh "${DEPS:-third_party}"
# The demo's person frame is derived data (examples/data/SOURCES.md): the script must write it byte for byte.
single_check data-clean-person-reproduces "$PY" examples/data/unwrap_person.py --check
# Layering (docs/design.md, "Layers"): every #include follows the rule table, which design.md carries
# verbatim; a copy of the tree with one include against the flow must fail, naming that include. The
# repository stands on its own: nothing refers to the notes folder beside the checkout; a scratch
# repository with one planted reference per pattern must fail, naming each and not the check itself.
layers_catch_violation() {
  local copy=$OUT/layers-canary out line
  rm -rf "$copy" && mkdir -p "$copy/tools" && cp -r src include ports "$copy/" && cp -r tools/tinytb "$copy/tools/" &&
    echo '#include "tinytb/writer/sink.h"' >>"$copy/src/format/record.cc" || return 1
  line=$(wc -l <"$copy/src/format/record.cc")
  out=$(python3 tools/check_layers.py --root "$copy") && return 1
  echo "$out"
  grep -qxF "src/format/record.cc:$line: format may not include tinytb/writer/sink.h (writer)" <<<"$out"
}
shared_refs_catch_planted() {
  local repo=$OUT/shared-refs-canary
  rm -rf "$repo" && mkdir -p "$repo/tools" && cp tools/check_no_shared_refs.sh "$repo/tools/" &&
    printf 'notes\nsee ../%s/hooks\nframes in %s/data/\nas %s/FORMAT.md says\n' shared shared shared \
      >"$repo/notes.md" && git -C "$repo" init -q && git -C "$repo" add -A || return 1
  local out
  out=$(bash "$repo/tools/check_no_shared_refs.sh" "$repo") && return 1
  echo "$out"
  [ "$(grep -c '^notes.md:[234]:' <<<"$out")" -eq 3 ] && ! grep -q '^tools/' <<<"$out"
}
single_check layers python3 tools/check_layers.py --docs docs/design.md
single_check layers-catches-violation layers_catch_violation
single_check no-shared-refs bash tools/check_no_shared_refs.sh
single_check no-shared-refs-catches-planted shared_refs_catch_planted
single_check doc-paths python3 tools/check_doc_paths.py
# Build files for applications (docs/integration-cmake.md): an out-of-tree CMake project built against this
# tree by add_subdirectory, FetchContent and find_package, for the host (run; TensorBoard reads its file) and
# Cortex-M4 (no heap linked); the Zephyr module's Kconfig under kconfiglib and its CMake file under a stand-in.
counted_suite cmake-consumer bash tests/integration/cmake/run_consumers.sh "$OUT/cmake-consumer" "$PY"
counted_suite zephyr-module bash tests/integration/zephyr/run_zephyr_checks.sh "$OUT/zephyr-module" "$PY"
# ESP-IDF, PlatformIO, Arduino (docs/integration.md), offline: compote lints and packs the component, its
# Kconfig under kconfiglib, its CMake file under a stand-in of ESP-IDF's build (host and RV32IMC) with the
# ESP32-CAM example's frame logger judged by TensorBoard; pio pkg pack and PlatformIO's manifest schema, the
# srcFilter's files compiled; the assembled Arduino library against the specification, compiled as the
# builder does; the platform clocks against stub SDK headers; one version in the header and every manifest.
counted_suite esp-idf-component bash tests/integration/esp_idf/run.sh "$OUT" "$PY"
counted_suite platformio-library bash tests/integration/platformio/run.sh "$OUT" "$PY"
counted_suite arduino-library bash tests/integration/arduino/run.sh "$OUT" "$PY"
counted_suite platform-clocks bash tests/integration/clocks/run.sh "$OUT"
counted_suite one-version python3 tests/integration/manifests/check_versions.py
# Storage (docs/storage.md): the FatFs port on ChaN's FatFs over a host block device on mkfs.fat cards
# (8.3 names, long names, FF_FS_TINY), the power-loss and fault sweeps, the power cut at every sector
# write through FatFs (fsck.fat on every result), and TensorBoard's loader over the file sets they left.
gtest_suite fatfs-port-8.3-names "$BUILD/fatfs_tests_lfn0"
gtest_suite fatfs-port-long-names "$BUILD/fatfs_tests_lfn1"
gtest_suite fatfs-port-tiny "$BUILD/fatfs_tests_tiny"
counted_suite fatfs-sector-sweep "$BUILD/fatfs_sector_sweep_lfn1" --out "$OUT/fatfs-sectors"
counted_suite fatfs-sector-sweep-tiny "$BUILD/fatfs_sector_sweep_tiny" --out "$OUT/fatfs-sectors-tiny"
counted_suite fatfs-sector-sweep-tensorboard "$PY" tests/power/loader_batch.py "$OUT/fatfs-sectors"
counted_suite fatfs-sector-sweep-tiny-tensorboard "$PY" tests/power/loader_batch.py "$OUT/fatfs-sectors-tiny"
# The sink contract (tests/support/sink_contract.h) on every other host port, plain and under ASan/UBSan
# (FatFs's runs in the three suites above). Each broken sink of the canary must fail it, at the test named.
contract_canary() {  # instance test
  local out
  out=$(expect_failure "$BUILD/sink_contract_tests_canary" --gtest_brief=1 --gtest_filter="$1/*" 2>&1; echo "rc=$?")
  echo "$out"
  grep -qx 'rc=0' <<<"$out" && grep -qF "[  FAILED  ] $1/SinkContract/0.$2," <<<"$out"
}
gtest_suite sink-contract "$BUILD/sink_contract_tests"
gtest_suite sink-contract-asan-ubsan "$BUILD/sink_contract_tests_asan"
single_check sink-contract-canary-short-write contract_canary ShortWrite WritesAppendInOrder
single_check sink-contract-canary-no-sync contract_canary NoSync SyncedBytesSurviveAPowerCut
# The POSIX port compiles on newlib and picolibc (ESP-IDF, Zephyr) with strict -std=c++17.
counted_suite posix-port-newlib bash tests/ports/check_posix_newlib.sh
counted_suite power-and-fault-sweeps "$BUILD/power_sweep" --out "$OUT/power"
# Every directory the POSIX sink and `tinytb pull` create is fsynced in its parent (strace).
counted_suite dir-fsync "$PY" tests/ports/dir_fsync_test.py --build "$BUILD" --out "$OUT/dir-fsync"
counted_suite power-sweep-tensorboard "$PY" tests/power/loader_batch.py "$OUT/power"
# A Cortex-M4 under QEMU writes an event file to the host through the semihosting port.
counted_suite qemu-m4-semihosting bash tests/target/run_qemu_semihosting.sh "$BUILD/arm/semihosting_fw.elf" "$OUT/qemu" "$PY"
single_check qemu-firmware-links-no-heap bash tests/target/check_no_heap.sh "$BUILD/arm/semihosting_fw.elf"
# The Cortex-M firmware example (examples/cortex_m, docs/firmware.md): no firmware links a heap (the
# Cortex-M0+ is linked only: QEMU has no board with one); each core, and each Cortex-M4F configuration
# `make size` reports, runs under QEMU and TensorBoard judges what it logged against a manifest computed
# from the same inputs; two runs count the same instructions and write the same bytes.
fw=$BUILD/fw
single_check firmware-links-no-heap bash tests/target/check_no_heap.sh \
  "$fw"/cortex-m{0plus,3,4f,7,33}/stored-rgb160/firmware.elf \
  "$fw"/cortex-m4f/{text,stored-gray96,compressed-gray96,compressed-rgb160,compressed-rgb640,lodepng-gray96}/firmware.elf \
  "$fw"/cortex-m0plus/{text,compressed-gray96,compressed-rgb160}/firmware.elf
for core in cortex-m3 cortex-m4f cortex-m7 cortex-m33; do
  counted_suite "firmware-$core" bash tests/target/run_firmware.sh "$BUILD" "$core" stored-rgb160 \
    "$OUT/firmware/$core" "$PY"
done
for config in text stored-gray96 compressed-gray96 compressed-rgb160 compressed-rgb640; do
  counted_suite "firmware-m4f-$config" bash tests/target/run_firmware.sh "$BUILD" cortex-m4f "$config" \
    "$OUT/firmware/m4f-$config" "$PY"
done
# The debug tools on the Cortex-M4F (docs/debugging.md): the flight recorder's dumps (which frames, byte-identical
# to camera/gray at their steps, at their record times) and the inspector's statistics, through TensorBoard's
# reader, against values computed from the same camera and model.
debug_firmware() {  # config
  local out=$OUT/firmware/m4f-$1
  bash tests/target/run_qemu_semihosting.sh --no-judge --dir logs/cortex-m4f "$fw/cortex-m4f/$1/firmware.elf" "$out" &&
    "$PY" tests/target/debug_firmware_check.py --config "$1" --logdir "$out/logs" --frames-dir "$fw/frames"
}
for config in flight inspector; do
  counted_suite "firmware-m4f-$config" debug_firmware "$config"
done
# The async firmware (docs/async.md): SysTick logs scalars while the main loop logs frames and drains;
# TensorBoard judges the accepted ticks, the frames and the drop counters. No heap either.
counted_suite firmware-m4f-async bash tests/target/run_async_firmware.sh "$fw/cortex-m4f/async/firmware.elf" \
  "$fw/frames" "$OUT/firmware/m4f-async" "$PY"
single_check firmware-async-links-no-heap bash tests/target/check_no_heap.sh "$fw/cortex-m4f/async/firmware.elf"
single_check firmware-deterministic bash tests/target/firmware_deterministic.sh \
  "$fw/cortex-m4f/stored-rgb160/firmware.elf" mps2-an386 cortex-m4f "$OUT/firmware/deterministic"
# `make size` (issue 14): firmware_size.py on two configurations of both size cores, its printed table and
# goal lines against its JSON; no firmware links software double or lodepng, except the kLodepng one (nm).
counted_suite firmware-size-and-symbols "$PY" tests/target/check_size_report.py --build "$BUILD" \
  --cores "cortex-m4f cortex-m0plus" --configs "baseline text compressed-gray96" \
  --lodepng-elf "$fw/cortex-m4f/lodepng-gray96/firmware.elf"
# `make sdcard` (docs/firmware.md "On a FAT card"): the Cortex-M4F firmware writes through the real FatFs
# to FAT32 and FAT16 images mkfs.fat formatted (long names, 8.3 names, FF_FS_TINY; one in an MBR partition); each card passes
# fsck.fat -n, is copied out with mtools, pulled by tinytb and judged by TensorBoard (the same manifest as
# firmware-cortex-m4f); no heap; a second run writes the same image. Every check and judge line counts.
counted_suite sdcard bash tests/ports/fatfs/sdcard_e2e.sh "$BUILD" "$OUT/sdcard" "$PY"
# Live streaming (docs/firmware.md "Streaming over the UART", docs/streaming.md): the Cortex-M4F firmware streams
# over UART0 (QEMU -serial tcp:) to `tinytb recv --tcp` while TensorBoard serves recv's directory; scalars and
# images must be served while the firmware still runs, then everything served equals what it logged (the same
# expectations as firmware-m4f-compressed-rgb160); a reboot is a new file; the SD card + link build (TeeSink) writes
# the records recv rebuilds. Then its captured UART bytes, damaged by a script of its own, through recv --file.
counted_suite stream-firmware-live "$PY" tests/target/stream_e2e.py \
  --build "$BUILD" --out "$OUT/stream-e2e"
counted_suite stream-capture-damage "$PY" tests/ports/stream/capture_damage.py --tinytb "$BUILD/tinytb" \
  --capture "$BUILD/stream-capture/short.bin" --out "$OUT/stream-damage"
# The receiver itself (docs/streaming.md): `tinytb recv`'s options, exit codes (no device, not a tty, port in
# use), --file, stdin, a pty as the serial port with Ctrl-C, two boards over TCP, and TensorBoard serving a
# paced board's scalars while it streams. Then the fault sweep: every byte of a short host capture dropped,
# duplicated, flipped or inserted (4 x its size receptions, every counter predicted) and random damage of a
# capture with images and a reboot; then the parser under libFuzzer + ASan/UBSan for 20 s (make fuzz-recv: longer).
counted_suite stream-recv-cli "$PY" tests/tools/recv_cli_test.py --build "$BUILD" --out "$OUT/stream-recv"
counted_suite stream-recv-fault-sweep "$PY" tests/ports/stream/recv_fault_sweep.py --tinytb "$BUILD/tinytb" \
  --capture "$BUILD/stream-host/short.bin" --random "$BUILD/stream-host/images.bin" --trials 100 \
  --out "$OUT/stream-sweep"
single_check stream-recv-fuzz-20s bash tests/fuzz/run_recv_fuzz.sh "$BUILD" 20
# The same firmware on RISC-V (examples/riscv, docs/firmware.md "RISC-V"): RV32IMC (QEMU's CPU without
# the A extension) and RV32IMAC on QEMU's virt machine, judged the same way, no heap linked. The busy
# guard: every inlined try_take masks interrupts (RV32IMC, Cortex-M0+) or is a real atomic (RV32IMAC,
# Cortex-M4F); the same check expecting an atomic on the RV32IMC build must fail. The checksum tables
# are the microcontroller size on every small target, in config.h and in the linked firmware.
single_check firmware-riscv-links-no-heap bash tests/target/check_no_heap.sh "$fw"/rv32im{,a}c/stored-rgb160/firmware.elf
for core in rv32imc rv32imac; do
  counted_suite "firmware-$core" bash tests/target/run_firmware.sh "$BUILD" "$core" stored-rgb160 \
    "$OUT/firmware/$core" "$PY"
done
counted_suite busy-flag-disassembly "$PY" tests/target/check_busy_flag.py \
  mstatus:"$fw/rv32imc/stored-rgb160/firmware.elf" amo:"$fw/rv32imac/stored-rgb160/firmware.elf" \
  primask:"$fw/cortex-m0plus/stored-rgb160/firmware.elf" ldrex:"$fw/cortex-m4f/stored-rgb160/firmware.elf"
single_check busy-flag-check-canary expect_failure "$PY" tests/target/check_busy_flag.py \
  amo:"$fw/rv32imc/stored-rgb160/firmware.elf"
counted_suite checksum-table-sizes bash tests/target/check_table_sizes.sh "$BUILD"

# Every reader people load TensorBoard logs with (docs/format.md, "Readers"): tbparse, EventAccumulator,
# TensorFlow's summary_iterator and TFRecordDataset, each kind under its own accessor with the values
# of the manifest, and tensorboard-reducer's mean of two runs; on the demo's logs, every firmware run
# above, and side by side with the same values written by tensorboardX. From their own virtualenv
# (make compat-venv): without it every suite fails.
CPY=${VENV_COMPAT:-$BUILD/venv-compat}/bin/python
compat_side_by_side() {
  local dir=$OUT/readers-side-by-side
  rm -rf "$dir" && mkdir -p "$dir" &&
    "$BUILD/compat/side_by_side_writer" --logdir "$dir/tinytb" --manifest "$dir/manifest.json" &&
    "$CPY" tests/compat/tbx_writer.py --manifest "$dir/manifest.json" --logdir "$dir/tbx" &&
    "$CPY" tests/compat/compat_check.py --logdir "$dir/tinytb" --manifest "$dir/manifest.json" \
      --tbx-logdir "$dir/tbx" --reduce a b
}
compat_firmware() {
  local args=(--logdir "$OUT/qemu/logs" --manifest tests/target/semihosting_manifest.json) run
  for run in cortex-m3 cortex-m4f cortex-m7 cortex-m33 m4f-text m4f-stored-gray96 m4f-compressed-gray96 \
    m4f-compressed-rgb160 rv32imc rv32imac; do
    args+=(--logdir "$OUT/firmware/$run/logs" --manifest "$OUT/firmware/$run/manifest.json")
  done
  "$CPY" tests/compat/compat_check.py "${args[@]}" --reduce-dirs \
    "$OUT/firmware/cortex-m3/logs" "$OUT/firmware/cortex-m3/manifest.json" cortex-m3 \
    "$OUT/firmware/cortex-m4f/logs" "$OUT/firmware/cortex-m4f/manifest.json" cortex-m4f
}
# The tensor form (WriterOptions::form = kTensor): TensorFlow's two readers decode it all; tbparse's
# accessors see none of it (the issue this suite answers), so that check must fail.
compat_tensor_form() {  # readers
  local dir=$OUT/readers-side-by-side-tensor
  rm -rf "$dir" && mkdir -p "$dir" &&
    "$BUILD/compat/side_by_side_writer" --form tensor --logdir "$dir/tinytb" --manifest "$dir/manifest.json" &&
    "$CPY" tests/compat/compat_check.py --form tensor --readers "$1" --logdir "$dir/tinytb" --manifest "$dir/manifest.json"
}
tbparse_canary() {  # fails as the issue found it: the run's text list and table stop it
  local out
  out=$(compat_tensor_form tbparse 2>&1) && return 1
  echo "$out"
  grep -qxF 'FAIL tbparse.read: ValueError: can only convert an array of size 1 to a Python scalar' <<<"$out"
}
counted_suite compat-side-by-side-tensorboardx compat_side_by_side
counted_suite compat-tensor-form-tensorflow compat_tensor_form summary_iterator,tfrecord_dataset
single_check compat-tensor-form-tbparse-canary tbparse_canary
counted_suite compat-readers-demo "$CPY" tests/compat/compat_check.py --logdir "$OUT/demo/logs" \
  --manifest "$OUT/demo/manifest.json" --reduce esp32s3-cam/int8 esp32s3-cam/float32
counted_suite compat-readers-firmware compat_firmware
# The judge's fixtures above (NaN scalars, batches, JPEG, labelled and float clips, tables): every reader
# in the classic form, TensorFlow's two in the tensor form.
compat_fixtures() {  # output-suffix form readers
  local args=() name
  for name in compat histogram_audio image; do
    args+=(--logdir "$OUT/$name$1/logs" --manifest "$OUT/$name$1/manifest.json")
  done
  "$CPY" tests/compat/compat_check.py --form "$2" --readers "$3" "${args[@]}"
}
counted_suite compat-readers-fixtures compat_fixtures "" classic tbparse,accumulator,summary_iterator,tfrecord_dataset
counted_suite compat-readers-fixtures-tensor compat_fixtures -tensor tensor summary_iterator,tfrecord_dataset

# Host tool (docs/tools.md, docs/security.md): the scanner and names, plain and under ASan/UBSan; the
# command line on damaged real logs and a simulated SD card, judged by TensorBoard; 20 s of libFuzzer.
gtest_suite tools-unit "$BUILD/tools_tests"
gtest_suite tools-unit-asan-ubsan "$BUILD/tools_tests_asan"
counted_suite tools-cli "$PY" tests/tools/cli_test.py --build "$BUILD" --out "$OUT/tools"
# FIFOs, symbolic links, bidirectional controls, card names with control characters.
counted_suite tools-hostile-input "$PY" tests/tools/hostile_test.py --build "$BUILD" --out "$OUT/tools-hostile"
# `tinytb compare` on two runs written with TensorBoard's protobufs: the table, the refusals, and the
# differences run judged by TensorBoard.
counted_suite tools-compare "$PY" tests/tools/compare_test.py --build "$BUILD" --out "$OUT/tools-compare"
single_check tools-fuzz-20s bash tests/fuzz/run_fuzz.sh "$BUILD" 20

# Rendering (docs/rendering.md): pixel tests, plain with a heap trap and under ASan/UBSan; the gallery
# of every chart drawn from the real data, checked again by Pillow; the renderer linked for Cortex-M4.
render_gallery() {
  local data=${TINYTB_DEMO_DATA:-examples/data}
  rm -rf "$OUT/render-gallery" && mkdir -p "$OUT/render-gallery" &&
    "$BUILD/render_gallery" --data "$data" --out "$OUT/render-gallery" &&
    "$PY" tests/render/check_gallery.py --gallery "$OUT/render-gallery" --data "$data"
}
render_on_arm() { bash tests/target/check_no_heap.sh "$1/arm/render_check.elf" && bash tests/render/arm_report.sh "$1"; }
gtest_suite render "$BUILD/render_tests"
gtest_suite render-asan-ubsan "$BUILD/render_tests_asan"
counted_suite render-gallery render_gallery
single_check arm-render-links-no-heap render_on_arm "$BUILD"

# Images (docs/images.md): the arena table in docs/images.md is what this build's library reports.
single_check images-arena-figures "$BUILD/image_arena_report" --data "${TINYTB_DEMO_DATA:-examples/data}" \
  --check docs/images.md

# PNG with tinytb's own deflate (docs/png.md): every output decoded by lodepng and compared exactly
# (real, synthetic and random frames; plain and ASan/UBSan), then by Python's zlib and Pillow.
rm -rf "$OUT/png" && mkdir -p "$OUT/png"
gtest_suite png-deflate env TINYTB_PNG_OUT="$OUT/png" TINYTB_DATA="${TINYTB_DEMO_DATA:-examples/data}" \
  "$BUILD/png_deflate_tests"
gtest_suite png-deflate-asan-ubsan env TINYTB_DATA="${TINYTB_DEMO_DATA:-examples/data}" "$BUILD/png_deflate_tests_asan"
counted_suite png-deflate-zlib-pillow "$PY" tests/png/check_pngs.py "$OUT/png"
# The PNG deflate under libFuzzer + ASan/UBSan for 20 s (its regression inputs first); `make fuzz` runs it longer.
single_check png-deflate-fuzz-20s bash tests/fuzz/run_png_fuzz.sh "$BUILD" 20
# The same over the Cortex-M DSP code paths, intrinsics modelled on the host (docs/png.md).
single_check png-deflate-dsp-fuzz-10s bash tests/fuzz/run_png_fuzz.sh "$BUILD" 10 png_deflate_fuzz_dsp

# PNG on Cortex-M4 under QEMU (docs/png.md), quick mode: two frames through lodepng and tinytb's
# deflate in the firmware; each PNG must decode to the frame and match the host build's bytes, the
# counter must count a known loop exactly, the fragment must parse. Instruction counts are not asserted.
counted_suite png-qemu-quick bash tests/target/run_png_qemu_bench.sh --quick "$BUILD/arm/png_qemu_bench.elf" \
  "$BUILD/bench/png_qemu_host" "${TINYTB_DEMO_DATA:-examples/data}" "$OUT/png-qemu" "$OUT/png-qemu/qemu.json"

# End to end against tensorboardX (docs/bench.md), quick mode: a few events of every workload through
# tinytb's EventWriter + POSIX sink and tensorboardX's SummaryWriter; TensorBoard's loader must read back
# every tag with exactly the steps logged and the first and last image with the logged pixels; then the
# bench report must merge the fragment. Speeds are printed, never asserted.
e2e_quick() {
  rm -rf "$OUT/e2e" && mkdir -p "$OUT/e2e" &&
    "$PY" tests/bench/e2e_run.py --quick --bench "$BUILD/bench/e2e_bench" --data "${TINYTB_DEMO_DATA:-examples/data}" \
      --work "$OUT/e2e/work" --json "$OUT/e2e/e2e.json" &&
    python3 tests/bench/report.py --bench-dir "$OUT/e2e" >"$OUT/e2e/report.md"
}
counted_suite e2e-quick e2e_quick

# Scalars against a native C++ protobuf writer (docs/bench.md), quick mode: a few thousand events from
# tinytb (its default settings and the microcontroller defaults) and from the native writer; TensorBoard's loader must read back every tag with
# exactly the steps and values logged; then the report must merge the fragment. No speed is judged.
native_quick() {
  rm -rf "$OUT/native" && mkdir -p "$OUT/native" &&
    "$PY" tests/bench/native_run.py --quick --bench "$BUILD/bench/native_scalar_bench" --work "$OUT/native/work" \
      --json "$OUT/native/native.json" &&
    python3 tests/bench/report.py --bench-dir "$OUT/native" >"$OUT/native/report.md"
}
counted_suite native-quick native_quick

echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
