#!/usr/bin/env bash
# The Arduino library (docs/integration.md, "Arduino"): assembled by `make arduino`'s script,
# checked against the library specification, then compiled the way the Arduino builder
# compiles a library: every .c/.cpp under src/, one set of flags for all, only src/, the
# Nanopb library's folder and the core's include path (a stub Arduino.h here) on the path.
# arduino-cli and the board cores are not on this machine: the host, Cortex-M4 and RV32IMC
# (ESP32-C3's core, with ESP_PLATFORM as Arduino-ESP32 defines it) compilers stand in; the
# ESP32-CAM sketch needs esp_camera.h and SD_MMC.h and is checked for its layout only.
# Prints "N passed, M failed". Usage: tests/integration/arduino/run.sh BUILD_DIR PYTHON
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
base=${1:-build}
[[ $base == /* ]] || base=$root/$base
out=$base/arduino
deps=${DEPS:-third_party}
[[ $deps == /* ]] || deps=$root/$deps
py=${2:-python3}
rm -rf "$out" && mkdir -p "$out"
CHECK_LOGS=$out
. tests/integration/checks.sh

step assemble python3 tools/make_arduino_library.py --out "$out/dist" --lodepng "$deps/lodepng"
lib=$out/dist/tinytb
counted check-library python3 tests/integration/arduino/check_library.py "$lib" "$(ls "$out"/dist/tinytb-*.zip 2>/dev/null | head -n 1)"
# The check must fail on a library that breaks the specification: a category not in the
# list, and a sketch whose .ino is not named after its folder.
spec_canary() {
  rm -rf "$out/canary" && mkdir -p "$out/canary" && cp -r "$lib" "$out/canary/" || return 1
  local c=$out/canary/tinytb
  sed -i 's/^category=.*/category=Logging/' "$c/library.properties" &&
    mv "$c/examples/Esp32CamSd/Esp32CamSd.ino" "$c/examples/Esp32CamSd/main.ino" &&
    ! python3 tests/integration/arduino/check_library.py "$c" >"$out/canary.txt" &&
    grep -q "^FAIL category 'Logging'" "$out/canary.txt" && grep -q "^FAIL examples/Esp32CamSd/" "$out/canary.txt"
}
step spec-check-catches-violations spec_canary

# Compile as the builder does. $1: name; the rest: the C++ compiler command with its flags.
compile_all() {
  local name=$1 cxx=$2 cc
  shift 2
  cc=${cxx%++}cc
  [ "$cxx" = g++ ] && cc=gcc
  local objs=$out/obj-$name failed=0 cflags=() flag
  for flag in "$@"; do [[ $flag == -fno-rtti ]] || cflags+=("$flag"); done  # C++-only
  mkdir -p "$objs"
  while IFS= read -r f; do
    local o=$objs/$(echo "${f#$lib/src/}" | tr / _).o
    if [[ $f == *.c ]]; then
      "$cc" "${cflags[@]}" -std=gnu11 -I"$lib/src" -I"$deps/nanopb" -Itests/integration/clocks/stubs -c "$f" -o "$o" || failed=1
    else
      "$cxx" "$@" -std=gnu++17 -I"$lib/src" -I"$deps/nanopb" -Itests/integration/clocks/stubs -c "$f" -o "$o" ||
        failed=1
    fi
  done < <(find "$lib/src" -name '*.c' -o -name '*.cpp' | sort)
  return $failed
}
step compile-host compile_all host g++ -O1 -Wall -Werror -DARDUINO=10819
step compile-cortex-m4 compile_all m4 arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -Os -Wall -Werror -fno-exceptions -fno-rtti \
  -DARDUINO=10819
step compile-rv32imc-esp compile_all rv32 riscv64-unknown-elf-g++ --specs=picolibc.specs -march=rv32imc -mabi=ilp32 -Os -Wall \
  -Werror -fno-exceptions -fno-rtti -DARDUINO=10819 -DESP_PLATFORM

# The sketch, as the builder compiles it (Arduino.h first), against stand-ins of the Arduino-ESP32 and
# esp32-camera declarations it uses (tests/integration/esp_idf/sdk_stubs/README.md): its tinytb calls
# meet the assembled library's headers, on the host and RV32IMC.
sketch_compiles() {
  local s=tests/integration/esp_idf/sdk_stubs
  "$@" -std=gnu++17 -Wall -Wextra -Werror -DARDUINO=10819 -DESP_PLATFORM -x c++ -include "$s/Arduino.h" -I"$s" \
    -I"$lib/src" -c "$lib/examples/Esp32CamSd/Esp32CamSd.ino" -o "$out/sketch.o"
}
step sketch-compiles-host sketch_compiles g++
step sketch-compiles-rv32imc sketch_compiles riscv64-unknown-elf-g++ --specs=picolibc.specs -march=rv32imc -mabi=ilp32 \
  -fno-exceptions -fno-rtti

# Linked and run on the host: a sketch's calls, the lodepng unit, the posix port and the clock. With
# --gc-sections, as the Arduino cores link: the OS hooks compiled against tests/integration/clocks/stubs
# (FreeRTOS, Zephyr) call functions only those kernels define, and no sketch here calls them.
smoke() {
  gcc -std=gnu11 -O1 -I"$deps/nanopb" -c "$deps/nanopb/pb_encode.c" -o "$out/pb_encode.o" &&
    gcc -std=gnu11 -O1 -I"$deps/nanopb" -c "$deps/nanopb/pb_common.c" -o "$out/pb_common.o" &&
    g++ -std=gnu++17 -O1 -Wall -Werror -DARDUINO=10819 -I"$lib/src" tests/integration/arduino/smoke_main.cpp \
      "$out"/obj-host/*.o "$out/pb_encode.o" "$out/pb_common.o" -Wl,--gc-sections -o "$out/smoke" &&
    "$out/smoke" "$out/logs" &&
    "$py" -c '
import sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.IMAGES: 0, ea.SCALARS: 0})
acc.Reload()
assert [s.value for s in acc.Scalars("sketch/value")] == [0.0, 0.5, 1.0], acc.Tags()
img = acc.Images("sketch/frame")[0]
assert (img.width, img.height) == (16, 16) and img.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"
print("TensorBoard reads sketch/value and sketch/frame")' "$out/logs"
}
step host-sketch-links-and-logs smoke

checks_done
