# tinytb: the pass/fail counting the integration check scripts share (tests/integration/*/run.sh,
# cmake/run_consumers.sh, zephyr/run_zephyr_checks.sh). Sourced, after the script has set
# CHECK_LOGS, the folder each check's output goes to:
#   step NAME COMMAND...     one check, its exit status decides; output in $CHECK_LOGS/NAME.log
#                            (a / in NAME becomes _), its last 15 lines shown when it fails
#   counted NAME COMMAND...  a command that prints its own "N passed, M failed": its output is
#                            shown (and kept in $CHECK_LOGS/NAME.log) and its counts added; no
#                            such line counts as one failure
#   failed_check MESSAGE     a check that could not run: one failure, "FAIL MESSAGE"
#   checks_done              prints "N passed, M failed" (last); status 0 only if none failed
pass=0
fail=0

step() {
  local name=$1 log=$CHECK_LOGS/${1//\//_}.log
  shift
  if "$@" >"$log" 2>&1; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name   ($log)"
    tail -n 15 "$log" | sed 's/^/       /'
  fi
}

counted() {
  local name=$1 log=$CHECK_LOGS/${1//\//_}.log line p f
  shift
  "$@" >"$log" 2>&1
  cat "$log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  p=$(sed -nE 's/^([0-9]+) passed.*/\1/p' <<<"$line")
  f=$(sed -nE 's/^[0-9]+ passed, ([0-9]+) failed$/\1/p' <<<"$line")
  pass=$((pass + ${p:-0}))
  fail=$((fail + ${f:-1}))
}

failed_check() {
  fail=$((fail + 1))
  echo "FAIL $1"
}

checks_done() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
