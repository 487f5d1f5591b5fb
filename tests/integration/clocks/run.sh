#!/usr/bin/env bash
# The platform clocks (ports/clocks, docs/integration.md "Clocks"): the host test of their
# logic against stub SDK headers, then each clock compiled for a target it serves, with
# the cross compilers this machine has. Prints "N passed, M failed".
#
# Usage: tests/integration/clocks/run.sh BUILD_DIR
# Only stubs stand in for ESP-IDF, the Arduino core, FreeRTOS and Zephyr (none is here):
# the target builds check that the code compiles for the architecture, not against the SDK.
set -uo pipefail
cd "$(dirname "$0")/../../.."
out=${1:-build}/clocks
rm -rf "$out" && mkdir -p "$out"
CHECK_LOGS=$out
. tests/integration/checks.sh
warn=(-std=c++17 -Wall -Wextra -Wshadow -Wconversion -Werror -fno-exceptions -fno-rtti)
inc=(-Iinclude -Iports/clocks -Itests/integration/clocks/stubs)
# Each clock with the macro its platform's compiler defines (they compile to nothing elsewhere).
host_objs=()
host_clock() {  # file macro
  local obj=$out/$(basename "$1" .cc).o
  g++ "${warn[@]}" -O1 "$2" -DCONFIG_RTC "${inc[@]}" -c "$1" -o "$obj" && host_objs+=("$obj")
}
step host-build-clocks eval 'host_clock ports/clocks/arduino_clock.cc -DARDUINO &&
  host_clock ports/clocks/esp_idf_clock.cc -DESP_PLATFORM && host_clock ports/clocks/freertos_clock.cc -UNONE &&
  host_clock ports/clocks/zephyr_clock.cc -D__ZEPHYR__'
step host-build g++ "${warn[@]}" -O1 -DCONFIG_RTC "${inc[@]}" tests/integration/clocks/clocks_test.cc "${host_objs[@]}" \
  -o "$out/clocks_test"
if [ -x "$out/clocks_test" ]; then counted clocks_test "$out/clocks_test"; fi
# Outside its platform a clock is empty, not an error.
step clocks-empty-elsewhere eval 'g++ "${warn[@]}" "${inc[@]}" -c ports/clocks/arduino_clock.cc -o "$out/none.o" &&
  [ -z "$(nm -C "$out/none.o" | grep -v " [Uw] ")" ]'

# Cortex-M: the cycle-counter clock for real (no SDK needed), the others against the stubs.
# Each must define its clock function: a guard that compiled it away would pass silently.
built() {  # nm object symbol command...
  local nm=$1 obj=$2 symbol=$3
  shift 3
  "$@" -o "$obj" && "$nm" -C "$obj" | grep -q " T tinytb::$symbol("
}
arm=(arm-none-eabi-g++ "${warn[@]}" -Os -mthumb "${inc[@]}" -c)
step cortex-m4-cycle-clock built arm-none-eabi-nm "$out/cortex_m_m4.o" cortex_m_cycle_clock "${arm[@]}" -mcpu=cortex-m4 ports/clocks/cortex_m_clock.cc
step cortex-m33-cycle-clock built arm-none-eabi-nm "$out/cortex_m_m33.o" cortex_m_cycle_clock "${arm[@]}" -mcpu=cortex-m33 ports/clocks/cortex_m_clock.cc
step cortex-m0plus-arduino-clock built arm-none-eabi-nm "$out/arduino_m0.o" arduino_clock "${arm[@]}" -mcpu=cortex-m0plus -DARDUINO ports/clocks/arduino_clock.cc
step cortex-m0plus-freertos-clock built arm-none-eabi-nm "$out/freertos_m0.o" freertos_clock "${arm[@]}" -mcpu=cortex-m0plus ports/clocks/freertos_clock.cc
step cortex-m4-zephyr-clock built arm-none-eabi-nm "$out/zephyr_m4.o" zephyr_clock "${arm[@]}" -mcpu=cortex-m4 -D__ZEPHYR__ -DCONFIG_RTC ports/clocks/zephyr_clock.cc
# RV32IMC, the ESP32-C3/C6 class: the ESP-IDF and Arduino clocks (Arduino-ESP32 defines ESP_PLATFORM).
if command -v riscv64-unknown-elf-g++ >/dev/null; then
  rv=(riscv64-unknown-elf-g++ --specs=picolibc.specs -march=rv32imc -mabi=ilp32 "${warn[@]}" -Os "${inc[@]}" -c)
  step rv32imc-esp-idf-clock built riscv64-unknown-elf-nm "$out/esp_idf_rv32.o" esp_idf_clock "${rv[@]}" -DESP_PLATFORM ports/clocks/esp_idf_clock.cc
  step rv32imc-arduino-esp32-clock built riscv64-unknown-elf-nm "$out/arduino_rv32.o" arduino_clock "${rv[@]}" -DARDUINO -DESP_PLATFORM ports/clocks/arduino_clock.cc
else
  failed_check "riscv64-unknown-elf-g++ is missing (tools/setup_host.sh installs it)"
fi
checks_done
