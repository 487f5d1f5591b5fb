#!/usr/bin/env bash
# tinytb: the Zephyr module (zephyr/), checked without Zephyr (it is not installed here).
#   1. check_kconfig.py: zephyr/Kconfig loaded by kconfiglib under a stub of Zephyr's
#      symbols (Kconfig.stub) agrees with include/tinytb/config.h, knob by knob;
#   2. fake_zephyr/: zephyr/CMakeLists.txt run by a stand-in of Zephyr's CMake API with a
#      .config written by kconfiglib from zephyr/Kconfig (one knob off its default), nanopb
#      as Zephyr's module gives it; the CMake consumer's program links it, runs, and
#      TensorBoard reads its file (tests/integration/cmake/check_events.py).
# What this cannot show: that Zephyr's real build, nanopb module, FatFs module and RTC API
# accept it (docs/integration-cmake.md, "Zephyr", says what was checked where).
#
# Usage: run_zephyr_checks.sh OUT PYTHON     (PYTHON has kconfiglib and TensorBoard)
# Prints the checks and "N passed, M failed" last.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
OUT=${1:?usage: run_zephyr_checks.sh OUT PYTHON}
PY=${2:?usage: run_zephyr_checks.sh OUT PYTHON}
DEPS=${DEPS:-$ROOT/third_party}
DEPS=$(cd "$DEPS" && pwd) || exit 1
rm -rf "$OUT" && mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
HERE=$ROOT/tests/integration/zephyr
if command -v ninja >/dev/null; then GEN=(-G Ninja); else GEN=(-G "Unix Makefiles"); fi

CHECK_LOGS=$OUT
. "$ROOT/tests/integration/checks.sh"
counted kconfig "$PY" "$HERE/check_kconfig.py" "$ROOT"

# The same check on a copy whose config.h changed a default and gained a knob must fail, naming both.
kconfig_check_catches_planted() {
  local tree=$OUT/planted out
  mkdir -p "$tree/include" && cp -r "$ROOT/include/tinytb" "$tree/include/" && cp -r "$ROOT/zephyr" "$tree/" &&
    sed -i 's/^#define TINYTB_MAX_RANK 4$/#define TINYTB_MAX_RANK 5/' "$tree/include/tinytb/config.h" &&
    printf '#ifndef TINYTB_PLANTED_KNOB\n#define TINYTB_PLANTED_KNOB 1\n#endif\n' >>"$tree/include/tinytb/config.h"
  out=$("$PY" "$HERE/check_kconfig.py" "$tree")
  echo "$out"
  grep -q "FAIL TINYTB_PLANTED_KNOB is an int symbol" <<<"$out" &&
    grep -q "FAIL generic SoC: TINYTB_MAX_RANK default" <<<"$out"
}
step kconfig-check-catches-planted kconfig_check_catches_planted

fake_build() {
  "$PY" "$HERE/check_kconfig.py" --write-config "$OUT/.config" "$ROOT" &&
    cmake -S "$HERE/fake_zephyr" -B "$OUT/build" "${GEN[@]}" -DTINYTB_ROOT="$ROOT" -DDOTCONFIG="$OUT/.config" \
      -DNANOPB_DIR="$DEPS/nanopb" -DLODEPNG_DIR="$DEPS/lodepng" &&
    cmake --build "$OUT/build" -j "${JOBS:-2}"
}
step zephyr-cmakelists-builds-under-stand-in fake_build
# The stream port is in the library (on by default); ports/os's zephyr_os.cc is empty without Zephyr's headers.
step zephyr-library-has-stream-port bash -c 'nm -C "$(find "$1/build" -name libtinytb.a | head -n 1)" |
  grep -q " T tinytb::StreamSink::open("' _ "$OUT"
step zephyr-library-app-runs-and-tensorboard-reads-it \
  bash -c '"$1/build/app" "$1/logs" && "$2" "$3/tests/integration/cmake/check_events.py" "$1/logs"' _ "$OUT" "$PY" "$ROOT"

checks_done
