#!/usr/bin/env bash
# tinytb: scalar(tag, step, value) with the step and the value swapped must not compile,
# and must say why; every good call must compile without a warning. Compiles
# tests/writer/scalar_order_cases.cc with the strictest warnings the library's users may
# have (-Wall -Wextra -Wconversion -Werror), with g++ and, when present, clang++.
# Usage: check_scalar_order.sh          (from the repository root)
set -uo pipefail

SRC=tests/writer/scalar_order_cases.cc
FLAGS=(-std=c++17 -fsyntax-only -Wall -Wextra -Wshadow -Wconversion -Werror -Iinclude)
MESSAGE="step comes before value"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

compilers=(g++)
command -v clang++ >/dev/null && compilers+=(clang++)
for cxx in "${compilers[@]}"; do
  if "$cxx" "${FLAGS[@]}" "$SRC" >"$out" 2>&1 && [ ! -s "$out" ]; then
    echo "ok   $cxx: the good calls compile without a warning"
  else
    fail "$cxx: the good calls do not compile cleanly"
    sed 's/^/    /' "$out" | head -n 20
  fi
  for n in 1 2 3 4 5; do
    call=$(sed -n "/^#if CASE == $n\$/,/^#/p; /^#elif CASE == $n\$/,/^#/p" "$SRC" | sed -n 2p | sed 's/^ *return //')
    if "$cxx" "${FLAGS[@]}" -DCASE=$n "$SRC" >"$out" 2>&1; then
      fail "$cxx: '$call' compiled"
    elif ! grep -q "$MESSAGE" "$out"; then
      fail "$cxx: '$call' failed to compile, but without \"$MESSAGE\""
      sed 's/^/    /' "$out" | head -n 10
    else
      echo "ok   $cxx: '$call' does not compile: $(grep -m1 -o "scalar(tag, step, value): $MESSAGE[^\"]*" "$out")"
    fi
  done
done

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "swapped steps and values do not compile; good calls compile cleanly"
