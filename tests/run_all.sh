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

write_and_judge() {  # output-name program
  local dir=$OUT/$1
  "$2" --logdir "$dir/logs" --manifest "$dir/manifest.json" &&
    "$PY" tests/tensorboard/tb_judge.py --logdir "$dir/logs" --manifest "$dir/manifest.json"
}

expect_failure() { ! "$@"; }

echo "tinytb tests"
gtest_suite unit "$BUILD/unit_tests"
gtest_suite unit-asan-ubsan "$BUILD/unit_tests_asan"
gtest_suite alloc-trap "$BUILD/alloc_trap_test"
# API traps the compiler and linker catch: a swapped scalar step and value does not compile; an
# application built with other layout knobs than its library (tinytb/config.h) does not link.
single_check api-swapped-args bash tests/writer/check_scalar_order.sh
single_check config-mismatch bash tests/writer/check_config_link.sh "$BUILD"
counted_suite judge-selftest "$PY" tests/tensorboard/selftest.py
for writer in "$BUILD"/compat/*_writer; do
  name=$(basename "$writer" _writer)
  counted_suite "tensorboard-$name" write_and_judge "$name" "$writer"
done
counted_suite tensorboard-demo write_and_judge demo "$BUILD/demo"
single_check proto-regenerates-same bash tests/format/check_proto_regen.sh
single_check arm-core-links-no-heap bash tests/target/check_no_heap.sh "$BUILD/arm/heap_check.elf"
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
# Storage (docs/storage.md): the FatFs port on its stand-in (8.3 and long names), the power-loss and
# fault sweeps, and TensorBoard's loader over every file set the sweeps left.
gtest_suite fatfs-port-8.3-names "$BUILD/fatfs_tests_lfn0"
gtest_suite fatfs-port-long-names "$BUILD/fatfs_tests_lfn1"
# The sink contract (tests/support/sink_contract.h) on every other host port, plain and under ASan/UBSan
# (FatFs's runs in the two suites above). Each broken sink of the canary must fail it, at the test named.
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
counted_suite power-and-fault-sweeps "$BUILD/power_sweep" --out "$OUT/power"
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
  "$fw"/cortex-m4f/{text,stored-gray96,compressed-gray96,compressed-rgb160}/firmware.elf
for core in cortex-m3 cortex-m4f cortex-m7 cortex-m33; do
  counted_suite "firmware-$core" bash tests/target/run_firmware.sh "$BUILD" "$core" stored-rgb160 \
    "$OUT/firmware/$core" "$PY"
done
for config in text stored-gray96 compressed-gray96 compressed-rgb160; do
  counted_suite "firmware-m4f-$config" bash tests/target/run_firmware.sh "$BUILD" cortex-m4f "$config" \
    "$OUT/firmware/m4f-$config" "$PY"
done
single_check firmware-deterministic bash tests/target/firmware_deterministic.sh \
  "$fw/cortex-m4f/stored-rgb160/firmware.elf" mps2-an386 cortex-m4f "$OUT/firmware/deterministic"
single_check firmware-size-table "$PY" tests/target/firmware_size.py --build "$BUILD"

# Host tool (docs/tools.md, docs/security.md): the scanner and names, plain and under ASan/UBSan; the
# command line on damaged real logs and a simulated SD card, judged by TensorBoard; 20 s of libFuzzer.
gtest_suite tools-unit "$BUILD/tools_tests"
gtest_suite tools-unit-asan-ubsan "$BUILD/tools_tests_asan"
counted_suite tools-cli "$PY" tests/tools/cli_test.py --build "$BUILD" --out "$OUT/tools"
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

echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
