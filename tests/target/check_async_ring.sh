#!/usr/bin/env bash
# The async writer on every target class (docs/async.md, "Every target"): compiles
# src/writer/async_writer.cc for ARMv6-M, ARMv7E-M, RV32IMC and RV32IMAC and checks in the
# disassembly that the ring's compare-and-swap took the path busy_flag.h selects:
#   cortex-m0plus  PRIMASK masking (cpsid i), no exclusive access instruction
#   cortex-m4      ldrex/strex, no masking
#   rv32imc        mstatus.MIE masking (csrrci: objdump prints it csrrc), no lr/sc/amo
#   rv32imac       lr.w/sc.w (and amo*), no masking
# A last line checks the checker: the M0+ object must fail the M4's expectation.
# Usage: check_async_ring.sh WORKDIR. Prints "N passed, M failed".
set -u
work=${1:?usage: check_async_ring.sh WORKDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work"
passed=0
failed=0
flags=(-std=c++17 -Os -Wall -Wextra -Wconversion -Werror -fno-exceptions -fno-rtti -I"$root/include" -I"$root/src")
build() {  # name compiler objdump flags...
  local name=$1 cxx=$2 dump=$3
  shift 3
  "$cxx" "$@" "${flags[@]}" -c "$root/src/writer/async_writer.cc" -o "$work/$name.o" &&
    "$dump" -d "$work/$name.o" >"$work/$name.dis"
}
# name, must match (ERE), must not match (ERE)
expect() {
  local name=$1 want=$2 refuse=$3
  if [ ! -s "$work/$name.dis" ]; then
    echo "FAIL $name: not built"; failed=$((failed + 1)); return 1
  fi
  if grep -qE "$want" "$work/$name.dis" && ! grep -qE "$refuse" "$work/$name.dis"; then
    echo "ok   $name: $(grep -cE "$want" "$work/$name.dis") x /$want/, no /$refuse/"; passed=$((passed + 1)); return 0
  fi
  echo "FAIL $name: wanted /$want/ and no /$refuse/"; failed=$((failed + 1)); return 1
}
build m0plus arm-none-eabi-g++ arm-none-eabi-objdump -mthumb -mcpu=cortex-m0plus
build m4 arm-none-eabi-g++ arm-none-eabi-objdump -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
build rv32imc riscv64-unknown-elf-g++ riscv64-unknown-elf-objdump -march=rv32imc_zicsr -mabi=ilp32 --specs=picolibc.specs
build rv32imac riscv64-unknown-elf-g++ riscv64-unknown-elf-objdump -march=rv32imac_zicsr -mabi=ilp32 --specs=picolibc.specs
expect m0plus 'cpsid' 'ldrex|strex'
expect m4 'ldrex' 'cpsid'
expect rv32imc 'csrrci?[[:space:]]+[a-z0-9]+,mstatus' 'lr\.w|sc\.w|amo'
expect rv32imac 'lr\.w' 'mstatus'
# The checker can fail: the M0+ object does not pass as an M4 one.
if grep -qE 'ldrex' "$work/m0plus.dis"; then
  echo "FAIL the checker: the M0+ object has ldrex"; failed=$((failed + 1))
else
  echo "ok   the checker fails an M0+ object held to the M4's expectation"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
