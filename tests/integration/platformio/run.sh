#!/usr/bin/env bash
# The PlatformIO library (docs/integration.md, "PlatformIO"), offline: PyPI's platformio
# packs it (`pio pkg pack`, which validates library.json) from a clean copy of the tree;
# check_package.py validates the manifest with PlatformIO's schema and checks the tarball;
# then the files library.json's srcFilter selects in the unpacked tarball are compiled
# with its flags (relative -I resolved against the library, as PlatformIO does), for the
# host, Cortex-M4 and RV32IMC. No PlatformIO platform or board package is installed (they
# come from PlatformIO's registry, which this machine cannot reach): `pio run` is not run.
# Prints "N passed, M failed". Usage: tests/integration/platformio/run.sh BUILD_DIR PYTHON
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
base=${1:-build}
[[ $base == /* ]] || base=$root/$base
out=$base/platformio
deps=${DEPS:-third_party}
[[ $deps == /* ]] || deps=$root/$deps
py=${2:-build/venv/bin/python}
pio=$(cd "$(dirname "$py")" && pwd)/pio
rm -rf "$out" && mkdir -p "$out"
# PlatformIO's state stays in the build tree; no update check, no telemetry.
export PLATFORMIO_CORE_DIR=$out/core PLATFORMIO_SETTING_ENABLE_TELEMETRY=No \
  PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL=3650 PLATFORMIO_DISABLE_PROGRESSBAR=true
CHECK_LOGS=$out
. tests/integration/checks.sh

stage=$out/stage
mkdir -p "$stage" && tar -C "$root" --exclude='./build' --exclude='./build-*' --exclude=./.git --exclude=./logs -cf - . |
  tar -C "$stage" -xf -
if [ ! -f "$stage/third_party/lodepng/lodepng.cpp" ]; then mkdir -p "$stage/third_party" && cp -r "$deps/lodepng" "$stage/third_party/"; fi
step pio-pkg-pack "$pio" pkg pack "$stage" -o "$out/"
tarball=$(ls "$out"/tinytb-*.tar.gz 2>/dev/null | head -n 1)
mkdir -p "$out/unpacked" && [ -n "$tarball" ] && tar -C "$out/unpacked" -xzf "$tarball"
# pack must refuse a manifest its schema rejects (here: a version that is not semver).
pack_refuses_bad() {
  local bad=$out/bad-stage
  rm -rf "$bad" && mkdir -p "$bad" && cp -r "$stage/include" "$stage/src" "$bad/" &&
    sed 's/"version": "[^"]*"/"version": "one"/' "$stage/library.json" >"$bad/library.json" &&
    ! "$pio" pkg pack "$bad" -o "$out/bad-out/"
}
step pio-pkg-pack-refuses-bad-manifest pack_refuses_bad

counted check-package "$py" tests/integration/platformio/check_package.py --root "$stage" \
  --tarball "${tarball:-/missing}" --unpacked "$out/unpacked" --list "$out/sources.txt" --flags "$out/flags.txt"

compile_selected() {  # name c++-compiler flags...
  local name=$1 cxx=$2 cc flags=() cflags=() flag failed=0
  shift 2
  cc=${cxx%++}cc
  [ "$cxx" = g++ ] && cc=gcc
  mapfile -t flags <"$out/flags.txt"
  for flag in "$@"; do [[ $flag == -fno-rtti ]] || cflags+=("$flag"); done
  mkdir -p "$out/obj-$name"
  while IFS= read -r src; do
    local obj=$out/obj-$name/$(basename "$src").o
    if [[ $src == *.c ]]; then
      "$cc" "${cflags[@]}" -std=gnu11 "${flags[@]}" -I"$deps/nanopb" -c "$src" -o "$obj" || failed=1
    else
      "$cxx" "$@" -std=gnu++17 "${flags[@]}" -I"$deps/nanopb" -c "$src" -o "$obj" || failed=1
    fi
  done <"$out/sources.txt"
  [ -s "$out/sources.txt" ] && return $failed
}
step compile-host compile_selected host g++ -O1 -Wall -Werror
step compile-cortex-m4 compile_selected m4 arm-none-eabi-g++ -mcpu=cortex-m4 -mthumb -Os -Wall -Werror -fno-exceptions \
  -fno-rtti
step compile-rv32imc compile_selected rv32 riscv64-unknown-elf-g++ --specs=picolibc.specs -march=rv32imc -mabi=ilp32 -Os \
  -Wall -Werror -fno-exceptions -fno-rtti

checks_done
