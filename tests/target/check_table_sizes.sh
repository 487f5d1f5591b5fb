#!/usr/bin/env bash
# The checksum tables are sized per target (tinytb/config.h: TINYTB_SMALL_TARGET picks
# TINYTB_CRC32C_SLICES and TINYTB_CRC32_SLICES). Checks (1) what config.h chooses under
# every compiler and core make test has, and (2) the tables really linked into built
# firmware, by their symbol sizes: CRC-32C 1 KiB (one table), CRC-32 4 KiB (four).
# Usage: check_table_sizes.sh BUILD      (INCLUDE=dir checks another include/ tree's config.h)
# Prints "N passed, M failed".
set -uo pipefail
build=${1:?usage: check_table_sizes.sh BUILD}
include=${INCLUDE:-include}
passed=0 failed=0
verdict() {  # name ok(0/1) detail
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "PASS $1: $3"; else failed=$((failed + 1)); echo "FAIL $1: $3"; fi
}

# compiler and flags | small crc32c crc32 (what config.h must pick)
configs=(
  "g++|0 8 8"
  "arm-none-eabi-g++ -mthumb -mcpu=cortex-m0plus|1 1 4"
  "arm-none-eabi-g++ -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard|1 1 4"
  "arm-none-eabi-g++ -mthumb -mcpu=cortex-m33|1 1 4"
  "arm-none-eabi-g++ -marm -mcpu=cortex-a7|0 8 8"
  "riscv64-unknown-elf-g++ -march=rv32imc -mabi=ilp32|1 1 4"
  "riscv64-unknown-elf-g++ -march=rv32imac -mabi=ilp32|1 1 4"
  "riscv64-unknown-elf-g++ -march=rv64imac -mabi=lp64|0 8 8"
)
for entry in "${configs[@]}"; do
  cc=${entry%%|*} want=${entry#*|}
  got=$(printf '#include "tinytb/config.h"\nTINYTB_SMALL_TARGET TINYTB_CRC32C_SLICES TINYTB_CRC32_SLICES\n' |
        $cc -std=c++17 -I"$include" -E -P -x c++ - 2>&1 | tail -n 1)
  [ "$got" = "$want" ]
  verdict "config.h under $cc" $? "small, CRC-32C slices, CRC-32 slices: $got (want $want)"
done

# The tables in the firmware: tinytb's kTables (crc32c.cc) and kCrc32 (png_checksum.cc).
for elf in "$build"/fw/{cortex-m0plus,cortex-m4f,rv32imc,rv32imac}/stored-rgb160/firmware.elf; do
  case $(od -An -tu2 -j18 -N2 "$elf" | tr -d ' ') in
    243) nm=riscv64-unknown-elf-nm ;;
    *) nm=arm-none-eabi-nm ;;
  esac
  symbols=$($nm -S -C "$elf")
  crc32c=$(awk '/tinytb::\(anonymous namespace\)::kTables$/ {print $2}' <<<"$symbols")
  crc32=$(awk '/tinytb::detail::\(anonymous namespace\)::kCrc32$/ {print $2}' <<<"$symbols")
  sizes="$((16#${crc32c:-0})) $((16#${crc32:-0}))"
  # The example firmware takes TINYTB_CRC32C_SLICES=0 and TINYTB_CRC32_SLICES=1 (the Makefile's FW_FLAGS:
  # flash over speed).
  [ "$sizes" = "64 1024" ]
  verdict "tables in $elf" $? "CRC-32C, CRC-32 table bytes: $sizes (want 64 1024)"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
