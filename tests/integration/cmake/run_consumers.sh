#!/usr/bin/env bash
# tinytb: an out-of-tree CMake application (consumer/) built against this tree three ways,
# for the host and for Cortex-M4 (cmake/arm-none-eabi.cmake), as docs/integration-cmake.md
# tells a user to:
#   subdirectory  add_subdirectory(<this checkout>), its dependencies from tools/fetch_deps.sh
#                 (TINYTB_DEPS_DIR=$DEPS, checked by SHA-256); on the host also with a config.h knob set
#                 (TINYTB_MAX_DIR_LEN=200: the application must get it from the library's target,
#                 or config.h's link check fails) and the FatFs port beside an application's
#                 `fatfs` target (ChaN's FatFs from $DEPS/fatfs with tests/ports/fatfs/ffconf.h);
#   fetchcontent  FetchContent from a file:// URL: an archive of this working tree (tracked and
#                 untracked files, not ignored ones), so uncommitted changes are what is tested;
#                 NANOPB_DIR / LODEPNG_DIR point at the verified third_party/; on the host the
#                 FatFs port is compiled with FATFS_DIR (headers only) instead of a target;
#   package       the library alone (with TINYTB_DEFLATE_BUFFER=2048, a layout knob the installed
#                 package must hand on), `cmake --install` to a temporary prefix, then find_package().
# Host programs run; TensorBoard reads their event file (check_events.py). Cortex-M4 programs
# link, and `nm` must show no malloc/free/new (tests/target/check_no_heap.sh). Last, the
# add_subdirectory way once more for RV32IMC (cmake/riscv32-unknown-elf.cmake), no heap either.
# First, cmake/tinytb_sources.cmake must match the tree (check_sources.py).
#
# Usage: run_consumers.sh OUT PYTHON      (from anywhere; OUT is wiped; PYTHON has TensorBoard)
#        DEPS=<verified tools/fetch_deps.sh folder> (default third_party/), JOBS=<parallel jobs> (2)
# Prints one line per check and "N passed, M failed" last.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
OUT=${1:?usage: run_consumers.sh OUT PYTHON}
PY=${2:?usage: run_consumers.sh OUT PYTHON}
DEPS=${DEPS:-$ROOT/third_party}
DEPS=$(cd "$DEPS" && pwd) || exit 1
rm -rf "$OUT" && mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
HERE=$ROOT/tests/integration/cmake
LOGS=$OUT/logs
mkdir -p "$LOGS"

if command -v ninja >/dev/null; then GEN=(-G Ninja); else GEN=(-G "Unix Makefiles"); fi
JOBS=${JOBS:-2}
DEP_DIRS=(-DNANOPB_DIR="$DEPS/nanopb" -DLODEPNG_DIR="$DEPS/lodepng")
# FatFs as an application has it: ChaN's files (tools/fetch_deps.sh) with its own ffconf.h (the
# FatFs tests' one), in one folder.
FATFS=$OUT/fatfs
mkdir -p "$FATFS" && cp "$DEPS"/fatfs/{ff.c,ff.h,diskio.h,ffunicode.c} "$ROOT/tests/ports/fatfs/ffconf.h" "$FATFS/"
ARM=(-DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/arm-none-eabi.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel)

CHECK_LOGS=$LOGS
. "$ROOT/tests/integration/checks.sh"

configure_build() {  # build-dir source-dir cmake-args...
  local dir=$1 src=$2
  shift 2
  cmake -S "$src" -B "$dir" "${GEN[@]}" "$@" && cmake --build "$dir" -j "$JOBS"
}

run_and_judge() {  # build-dir
  "$1/consumer" "$1/logs" && "$PY" "$HERE/check_events.py" "$1/logs"
}

step sources-list-matches-tree python3 "$HERE/check_sources.py" "$ROOT"
# The same check on a copy of the tree with a source file and a config.h knob added must fail, naming both.
sources_check_catches_planted() {
  local tree=$OUT/planted out
  mkdir -p "$tree" && cp -r "$ROOT"/{cmake,include,src,ports} "$tree"/ &&
    touch "$tree/src/base/planted.cc" && printf '#ifndef TINYTB_PLANTED_KNOB\n#endif\n' >>"$tree/include/tinytb/config.h"
  out=$(python3 "$HERE/check_sources.py" "$tree")
  echo "$out"
  grep -q "FAIL TINYTB_CORE_SOURCES.*src/base/planted.cc" <<<"$out" &&
    grep -q "FAIL TINYTB_CONFIG_KNOBS.*TINYTB_PLANTED_KNOB" <<<"$out"
}
step sources-check-catches-planted sources_check_catches_planted

# The archive FetchContent downloads: this working tree as a user's clone would hold it.
snapshot() {
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - --transform 's,^,tinytb/,' -czf "$OUT/tinytb-src.tar.gz") &&
    [ -f "$OUT/tinytb-src.tar.gz" ]
}
step snapshot-of-working-tree snapshot
URL=file://$OUT/tinytb-src.tar.gz
SHA=$(sha256sum "$OUT/tinytb-src.tar.gz" | cut -d' ' -f1)

for target in host m4; do
  tc=()
  [ "$target" = m4 ] && tc=("${ARM[@]}")
  dir=$OUT/$target

  # add_subdirectory
  extra=()
  [ "$target" = host ] && extra=(-DTINYTB_MAX_DIR_LEN=200 -DCONSUMER_FATFS_DIR="$FATFS")
  step "$target/subdirectory/build" configure_build "$dir/subdirectory" "$HERE/consumer" "${tc[@]}" \
    -DTINYTB_CONSUMER_MODE=subdirectory -DTINYTB_SOURCE_DIR="$ROOT" -DTINYTB_DEPS_DIR="$DEPS" "${extra[@]}"
  if [ "$target" = host ]; then
    step host/subdirectory/fatfs-port-with-fatfs-target cmake --build "$dir/subdirectory" --target tinytb_fatfs
  fi

  # FetchContent
  extra=()
  [ "$target" = host ] && extra=(-DFATFS_DIR="$FATFS")
  step "$target/fetchcontent/build" configure_build "$dir/fetchcontent" "$HERE/consumer" "${tc[@]}" \
    -DTINYTB_CONSUMER_MODE=fetchcontent -DTINYTB_FETCH_URL="$URL" -DTINYTB_FETCH_SHA256="$SHA" "${DEP_DIRS[@]}" \
    "${extra[@]}"
  if [ "$target" = host ]; then
    step host/fetchcontent/fatfs-port-with-FATFS_DIR cmake --build "$dir/fetchcontent" --target tinytb_fatfs
  fi

  # install, then find_package
  lode=()
  [ "$target" = host ] && lode=(-DTINYTB_WITH_LODEPNG=ON)  # the host consumer uses PngMode::kLodepng
  install_lib() {
    configure_build "$dir/lib" "$ROOT" "${tc[@]}" "${DEP_DIRS[@]}" "${lode[@]}" -DTINYTB_DEFLATE_BUFFER=2048 &&
      cmake --install "$dir/lib" --prefix "$dir/prefix"
  }
  step "$target/package/install" install_lib
  step "$target/package/build" configure_build "$dir/package" "$HERE/consumer" "${tc[@]}" \
    -DTINYTB_CONSUMER_MODE=package -DCMAKE_PREFIX_PATH="$dir/prefix"

  for mode in subdirectory fetchcontent package; do
    if [ "$target" = host ]; then
      step "host/$mode/runs-and-tensorboard-reads-it" run_and_judge "$dir/$mode"
    else
      step "m4/$mode/links-no-heap" bash "$ROOT/tests/target/check_no_heap.sh" "$dir/$mode/consumer_bare_metal.elf"
      # lodepng is opt-in (TINYTB_WITH_LODEPNG, default OFF): none of it in a firmware that does not ask.
      step "m4/$mode/links-no-lodepng" eval "! arm-none-eabi-nm -C '$dir/$mode/consumer_bare_metal.elf' | grep -i lodepng"
    fi
  done
done

# RISC-V RV32IMC (cmake/riscv32-unknown-elf.cmake, picolibc): the add_subdirectory way only.
if command -v riscv64-unknown-elf-gcc >/dev/null; then
  step rv32/subdirectory/build configure_build "$OUT/rv32/subdirectory" "$HERE/consumer" \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/riscv32-unknown-elf.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DTINYTB_CONSUMER_MODE=subdirectory -DTINYTB_SOURCE_DIR="$ROOT" -DTINYTB_DEPS_DIR="$DEPS"
  step rv32/subdirectory/links-no-heap env NM=riscv64-unknown-elf-nm SIZE=riscv64-unknown-elf-size \
    bash "$ROOT/tests/target/check_no_heap.sh" "$OUT/rv32/subdirectory/consumer_bare_metal.elf"
else
  failed_check "rv32: riscv64-unknown-elf-gcc is not installed (tools/setup_host.sh installs it)"
fi

checks_done
