#!/usr/bin/env bash
# The ESP-IDF component (docs/integration.md, "ESP-IDF"), checked on a machine without
# ESP-IDF and without the Xtensa compiler. Prints "N passed, M failed".
#
#   1. compote (PyPI idf-component-manager) lints idf_component.yml and the example's, and
#      a broken copy must fail the lint;
#   2. compote packs the component from a clean copy of the tree, offline; the archive, the
#      nanopb dependency and the Kconfig (kconfiglib) are checked by check_component.py;
#   3. cmake/esp_idf_component.cmake runs through ESP-IDF's early pass (script mode) and,
#      under a stand-in of ESP-IDF's build (stub_idf/), builds on the host with non-default
#      menu values, which must reach the library's config-check symbol; the ESP32-CAM
#      example's frame logger runs in a host twin and TensorBoard judges what it wrote;
#   4. the same component sources compile for RV32IMC (the ESP32-C3/C6 core) with Debian's
#      riscv64-unknown-elf toolchain and picolibc. The Xtensa ESP32 is not built here.
#
# Usage: tests/integration/esp_idf/run.sh BUILD_DIR PYTHON   (PYTHON: the test venv's)
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
base=${1:-build}
[[ $base == /* ]] || base=$root/$base
py=${2:-build/venv/bin/python}
out=$base/esp_idf
deps=${DEPS:-third_party}
[[ $deps == /* ]] || deps=$root/$deps
compote=$(cd "$(dirname "$py")" && pwd)/compote
rm -rf "$out" && mkdir -p "$out"
CHECK_LOGS=$out
. tests/integration/checks.sh

# 1. lint
step compote-lint "$compote" manifest lint idf_component.yml examples/esp32_cam/main/idf_component.yml
lint_catches_bad() {
  mkdir -p "$out/bad" && sed -E 's/^version: .*/version: "0.1"/; s/^  livekit\/nanopb: .*/  livekit\/nanopb: {path: 3}/' \
    idf_component.yml >"$out/bad/idf_component.yml" && ! "$compote" manifest lint "$out/bad/idf_component.yml"
}
step compote-lint-catches-bad-manifest lint_catches_bad

# 2. pack (offline) from a copy without build outputs (other builds may be writing there)
stage=$out/stage
mkdir -p "$stage" && tar -C "$root" --exclude='./build' --exclude='./build-*' --exclude=./.git --exclude=./logs -cf - . |
  tar -C "$stage" -xf -
if [ ! -f "$stage/third_party/lodepng/lodepng.cpp" ]; then mkdir -p "$stage/third_party" && cp -r "$deps/lodepng" "$stage/third_party/"; fi
step compote-pack bash -c "cd '$out' && '$compote' component pack --project-dir '$stage' --name tinytb --dest-dir '$out/dist'"
archive=$(ls "$out"/dist/tinytb_*.tgz 2>/dev/null | grep -v _examples | head -n 1)
counted component-checks "$py" tests/integration/esp_idf/check_component.py --root "$stage" --archive "${archive:-/missing}"

# 3. early pass, then the stand-in build on the host
early_pass() {
  cmake -DTINYTB_ROOT="$root" -P tests/integration/esp_idf/stub_idf/early_pass.cmake 2>&1 | tee "$out/early.txt" &&
    grep -qx 'early-pass REQUIRES=fatfs PRIV_REQUIRES=esp_timer;vfs' "$out/early.txt"
}
step idf-early-pass early_pass
cat >"$out/sdkconfig.cmake" <<'CFG'
set(CONFIG_TINYTB_PORT_POSIX "y")
set(CONFIG_TINYTB_PORT_MEMORY "y")
set(CONFIG_TINYTB_PORT_FATFS "")
set(CONFIG_TINYTB_PORT_STREAM "y")
set(CONFIG_TINYTB_PORT_OS "y")
set(CONFIG_TINYTB_MAX_DIR_LEN "100")
set(CONFIG_TINYTB_SMALL_TARGET "")
set(CONFIG_TINYTB_DEFLATE_BUFFER "2048")
CFG
host_build() {
  cmake -G Ninja -S tests/integration/esp_idf/stub_idf -B "$out/host" -DTINYTB_ROOT="$root" \
    -DNANOPB_DIR="$deps/nanopb" -DLODEPNG_DIR="$deps/lodepng" -DSTUB_SDKCONFIG="$out/sdkconfig.cmake" -DSTUB_APP=ON \
    -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" && cmake --build "$out/host" -j2
}
step stub-idf-host-build host_build
menu_values_reach_library() {
  nm -C "$out/host/tinytb/lib__idf_tinytb.a" | grep 'library_built_with' | tee /dev/stderr |
    grep -q 'TINYTB_MAX_DIR_LEN_is<100>.*TINYTB_DEFLATE_BUFFER_is<2048>'
}
step menu-values-reach-library menu_values_reach_library
# The menu's stream and OS ports are in the library (the OS hooks are empty here: no freertos/*.h on the path).
stream_port_in_library() {  # grep reads all of nm's output: with pipefail, grep -q's early exit would fail nm
  nm -C "$out/host/tinytb/lib__idf_tinytb.a" | grep ' T tinytb::StreamSink::open(' >/dev/null
}
step stream-port-in-library stream_port_in_library
# ESP-IDF's branch of ports/os/freertos_os.cc (freertos/*.h, xPortInIsrContext) against sdk_stubs' declarations.
freertos_os_compiles() {
  local nm=nm
  [[ $1 == riscv64-* ]] && nm=riscv64-unknown-elf-nm
  "$@" -std=gnu++17 -Wall -Wextra -Wshadow -Wconversion -Werror -fno-exceptions -fno-rtti -DESP_PLATFORM \
    -Itests/integration/esp_idf/sdk_stubs -Iinclude -Iports/os -c ports/os/freertos_os.cc -o "$out/freertos_os.o" &&
    "$nm" -C "$out/freertos_os.o" | grep ' T tinytb::freertos_os(' >/dev/null
}
step freertos-os-compiles-for-esp-idf-host freertos_os_compiles g++
step freertos-os-compiles-for-esp-idf-rv32imc freertos_os_compiles riscv64-unknown-elf-g++ --specs=picolibc.specs \
  -march=rv32imc -mabi=ilp32
cam_inputs() { "$py" tests/integration/esp_idf/judge_cam.py --out "$out" --make-inputs examples/data >"$out/size.txt"; }
step esp32-cam-inputs cam_inputs
read -r w h <"$out/size.txt" 2>/dev/null || { w=0; h=0; }
step esp32-cam-host-twin-runs "$out/host/esp32_cam_host" "$out/logs" "$out/gray.raw" "$w" "$h" "$out/frame.jpg" "$w" "$h"
counted esp32-cam-tensorboard "$py" tests/integration/esp_idf/judge_cam.py --out "$out" --logdir "$out/logs"

# The example's main.cc itself (and its frame logger, which needs none), against stand-ins of the ESP-IDF and esp32-camera declarations it
# uses (sdk_stubs/README.md): every tinytb call in it meets tinytb's real headers, on the host and RV32IMC.
example_compiles() {
  local s=tests/integration/esp_idf/sdk_stubs
  "$@" -std=gnu++17 -Wall -Wextra -Werror -DESP_PLATFORM -I$s -Itests/integration/clocks/stubs -Iinclude \
    -Iports/posix -Iports/clocks -Iexamples/esp32_cam/main -c examples/esp32_cam/main/main.cc -o "$out/main.o" &&
    "$@" -std=gnu++17 -Wall -Wextra -Werror -Iinclude -c examples/esp32_cam/main/frame_logger.cc -o "$out/frame_logger.o"
}
step esp32-cam-main-compiles-host example_compiles g++
step esp32-cam-main-compiles-rv32imc example_compiles riscv64-unknown-elf-g++ --specs=picolibc.specs -march=rv32imc \
  -mabi=ilp32 -fno-exceptions -fno-rtti

# 4. RV32IMC
rv_build() {
  cmake -G Ninja -S tests/integration/esp_idf/stub_idf -B "$out/rv32" -DTINYTB_ROOT="$root" \
    -DNANOPB_DIR="$deps/nanopb" -DLODEPNG_DIR="$deps/lodepng" -DSTUB_SDKCONFIG="$out/sdkconfig.cmake" \
    -DCMAKE_SYSTEM_NAME=Generic -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY \
    -DCMAKE_C_COMPILER=riscv64-unknown-elf-gcc -DCMAKE_CXX_COMPILER=riscv64-unknown-elf-g++ \
    -DCMAKE_C_FLAGS="--specs=picolibc.specs -march=rv32imc -mabi=ilp32 -Os" \
    -DCMAKE_CXX_FLAGS="--specs=picolibc.specs -march=rv32imc -mabi=ilp32 -Os -Wall -Wextra -Werror" &&
    cmake --build "$out/rv32" -j2 --target __idf_tinytb
}
step stub-idf-rv32imc-build rv_build

checks_done
