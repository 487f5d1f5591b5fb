#!/usr/bin/env bash
# tinytb: a configuration mismatch between the application and the library must not
# link (tinytb/config.h, "one configuration"). Builds tests/writer/config_link_main.cc
# against BUILD/host/libtinytb.a (built with the defaults):
#   - as it is: it must link and run;
#   - with each layout knob changed by -D: the link must fail, and the linker must name
#     the knob with the application's value;
#   - with each other knob changed: it must link and run (under ASan too, when
#     BUILD/asan/libtinytb.a exists), because those knobs size nothing the two share.
# Usage: check_config_link.sh [BUILD]       (from the repository root; CXX is honoured)
set -uo pipefail

BUILD=${1:-build}
CXX=${CXX:-g++}
LIB=$BUILD/host/libtinytb.a
ASAN_LIB=$BUILD/asan/libtinytb.a
SRC=tests/writer/config_link_main.cc
PNG_SRC=tests/writer/config_link_png_main.cc  # a PngEncoder with no writer
FLAGS=(-std=c++17 -O1 -Wall -Wextra -Werror -Iinclude -Iports/memory)
SAN=(-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all)

[ -f "$LIB" ] || { echo "FAIL: $LIB is missing (make BUILD=$BUILD test-programs)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

links_and_runs() {  # label lib extra-flags... (the last flags may be empty)
  local label=$1 lib=$2
  shift 2
  if ! "$CXX" "${FLAGS[@]}" "$@" "$SRC" "$lib" -o "$tmp/app" >"$tmp/out" 2>&1; then
    fail "$label: did not link"
    sed 's/^/    /' "$tmp/out" | head -n 5
  elif ! "$tmp/app" >"$tmp/out" 2>&1; then
    fail "$label: linked, but the program failed"
    sed 's/^/    /' "$tmp/out" | head -n 10
  else
    echo "ok   $label: links and runs ($(head -n 1 "$tmp/out"))"
  fi
}

# The knobs that size arrays in types the application lays out and the library fills (or change
# what its options mean), and
# the others. A knob config.h gains must be put in one list (with the reason in config.h).
LAYOUT=(MAX_SCOPE_LEN=8 MAX_DIR_LEN=8 MAX_HOST_LEN=8 MAX_SUFFIX_LEN=8 DEFLATE_BUFFER=4096 DEFLATE_MAX_RUNS=512 SUMMARY_FORMS=2 DEFLATE_FRAME_BLOCKS=0)
OTHERS=(DEFAULT_MAX_TAG_LEN=32 MAX_RANK=2 RENDER_STACK_SCRATCH=4096 CRC32C_SLICES=1 CRC32C_HARDWARE=0 CRC32_SLICES=4)
# Knobs that only pick other knobs' defaults: TINYTB_SMALL_TARGET picks the CRC tables'
# (inside the library) and TINYTB_DEFLATE_FRAME_BLOCKS's (a layout knob).
DEFAULTS=(SMALL_TARGET=1)
for knob in $(sed -nE 's/^#ifndef TINYTB_([A-Z0-9_]+)$/\1/p' include/tinytb/config.h); do
  [ "$knob" = CONFIG_H_ ] && continue
  case " ${LAYOUT[*]} ${OTHERS[*]} ${DEFAULTS[*]} " in
    *" $knob="*) ;;
    *) fail "TINYTB_$knob (config.h) is in neither list of this check" ;;
  esac
done

links_and_runs "same configuration" "$LIB"
SRC=$PNG_SRC links_and_runs "same configuration, PNG only" "$LIB"
[ -f "$ASAN_LIB" ] && links_and_runs "same configuration, ASan+UBSan" "$ASAN_LIB" "${SAN[@]}"

for knob in "${LAYOUT[@]}"; do
  name=TINYTB_${knob%=*}
  value=${knob#*=}
  apps=("$SRC")
  case $name in TINYTB_DEFLATE_*) apps+=("$PNG_SRC") ;; esac  # the knobs that size PngEncoder's arena
  for app in "${apps[@]}"; do
    if "$CXX" "${FLAGS[@]}" "-D$name=$value" "$app" "$LIB" -o "$tmp/app" >"$tmp/out" 2>&1; then
      fail "-D$name=$value ($app): linked against a library built with the default"
    elif ! grep -q "undefined reference to .*${name}_is<${value}>" "$tmp/out"; then
      fail "-D$name=$value ($app): the build failed, but the linker's message does not name ${name}_is<${value}>"
      sed 's/^/    /' "$tmp/out" | head -n 5
    else
      echo "ok   -D$name=$value ($app): the link fails naming ${name}_is<${value}>"
    fi
  done
done

# Knobs read only inside the library, or only by the application's own templates.
for knob in "${OTHERS[@]}"; do
  links_and_runs "-DTINYTB_$knob" "$LIB" "-DTINYTB_$knob"
  if [ -f "$ASAN_LIB" ]; then
    links_and_runs "-DTINYTB_$knob, ASan+UBSan" "$ASAN_LIB" "-DTINYTB_$knob" "${SAN[@]}"
  fi
done

# TINYTB_SMALL_TARGET=1 alone changes TINYTB_DEFLATE_FRAME_BLOCKS's default on a host: the
# link fails naming it; with that knob pinned to the library's value it links and runs.
if "$CXX" "${FLAGS[@]}" -DTINYTB_SMALL_TARGET=1 "$SRC" "$LIB" -o "$tmp/app" >"$tmp/out" 2>&1; then
  fail "-DTINYTB_SMALL_TARGET=1: linked, though it changes TINYTB_DEFLATE_FRAME_BLOCKS's default"
elif ! grep -q "undefined reference to .*TINYTB_DEFLATE_FRAME_BLOCKS_is<0>" "$tmp/out"; then
  fail "-DTINYTB_SMALL_TARGET=1: the linker's message does not name TINYTB_DEFLATE_FRAME_BLOCKS_is<0>"
else
  echo "ok   -DTINYTB_SMALL_TARGET=1: the link fails naming TINYTB_DEFLATE_FRAME_BLOCKS_is<0> (its default)"
fi
links_and_runs "-DTINYTB_SMALL_TARGET=1 -DTINYTB_DEFLATE_FRAME_BLOCKS=1" "$LIB" -DTINYTB_SMALL_TARGET=1 \
  -DTINYTB_DEFLATE_FRAME_BLOCKS=1
if [ -f "$ASAN_LIB" ]; then
  links_and_runs "-DTINYTB_SMALL_TARGET=1 -DTINYTB_DEFLATE_FRAME_BLOCKS=1, ASan+UBSan" "$ASAN_LIB" \
    -DTINYTB_SMALL_TARGET=1 -DTINYTB_DEFLATE_FRAME_BLOCKS=1 "${SAN[@]}"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "every layout knob mismatch fails to link; the others link and run"
