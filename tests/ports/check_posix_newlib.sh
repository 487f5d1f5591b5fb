#!/usr/bin/env bash
# The POSIX port compiles on the C libraries under ESP-IDF and Zephyr (newlib, picolibc)
# with strict -std=c++17 and the core's warnings as errors: arm-none-eabi-g++ with newlib
# (nano and full) and riscv64-unknown-elf-g++ with picolibc (RV32IMC, RV32IMAC). Compiles
# only: these C libraries have no file system to run it on here.
# Usage: check_posix_newlib.sh [SOURCE]   (default ports/posix/posix_sink.cc)
# Prints "N passed, M failed".
set -uo pipefail
src=${1:-ports/posix/posix_sink.cc}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-std=c++17 -Os -Wall -Wextra -Wshadow -Wconversion -Werror -fno-exceptions -fno-rtti -Iinclude -Iports/posix)
compilers=(
  "arm-none-eabi-g++ -mthumb -mcpu=cortex-m4 --specs=nano.specs"
  "arm-none-eabi-g++ -mthumb -mcpu=cortex-m0plus"
  "riscv64-unknown-elf-g++ -march=rv32imc -mabi=ilp32 --specs=picolibc.specs"
  "riscv64-unknown-elf-g++ -march=rv32imac -mabi=ilp32 --specs=picolibc.specs"
)
passed=0 failed=0
for cc in "${compilers[@]}"; do
  if log=$($cc "${flags[@]}" -c "$src" -o "$out/posix_sink.o" 2>&1); then
    passed=$((passed + 1))
    echo "PASS $cc: $src compiles"
  else
    failed=$((failed + 1))
    echo "FAIL $cc: $src does not compile"
    sed 's/^/    /' <<<"$log" | grep -E 'error' | head -n 10
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
