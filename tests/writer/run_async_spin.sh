#!/usr/bin/env bash
# The async ring's protocol model (tests/writer/async_ring.pml) checked by spin: exhaustive
# safety runs (assertions, invalid end states) for kDropNew and kDropOldest, and one run with
# a planted bug (a slot published before it is written) that must be caught, so the model
# is shown able to fail. Usage: run_async_spin.sh WORKDIR. Prints "N passed, M failed".
set -u
work=${1:?usage: run_async_spin.sh WORKDIR}
model=$(cd "$(dirname "$0")" && pwd)/async_ring.pml
mkdir -p "$work"
cd "$work" || exit 1
passed=0
failed=0
# name, spin defines, expected: clean | caught
run() {
  local name=$1 defines=$2 expect=$3
  rm -f pan pan.c ./*.trail
  if ! spin -a $defines "$model" >spin.log 2>&1 || ! ${CC:-cc} -O2 -DSAFETY -DVECTORSZ=4096 -o pan pan.c >>spin.log 2>&1; then
    echo "FAIL $name: spin or cc failed"; cat spin.log; failed=$((failed + 1)); return
  fi
  ./pan -m100000 >pan.log 2>&1
  local errors states
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.log | head -1)
  states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' pan.log | head -1)
  if [ -z "$errors" ]; then
    echo "FAIL $name: no verdict"; cat pan.log; failed=$((failed + 1))
  elif [ "$expect" = clean ] && [ "$errors" = 0 ] && ! grep -q "depth too small\|max search depth too small" pan.log; then
    echo "ok   $name: $states states, no assertion violated, no invalid end state"; passed=$((passed + 1))
  elif [ "$expect" = caught ] && [ "$errors" != 0 ]; then
    echo "ok   $name: the planted bug is caught ($(grep -m1 'assertion violated' pan.log | sed 's/^pan:1: //'))"
    passed=$((passed + 1))
  else
    echo "FAIL $name (expected $expect, errors: $errors)"; cat pan.log; failed=$((failed + 1))
  fi
}
run "drop-new, 2 producers x 3 values, 2 slots" "-DVALS=3" clean
run "drop-oldest, 2 producers x 2 values, 2 slots" "-DVALS=2 -DDROP_OLDEST" clean
run "planted bug: publish before write" "-DVALS=3 -DBUG_PUBLISH_EARLY" caught
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
