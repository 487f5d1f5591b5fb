# tinytb: the bounded libFuzzer run every tests/fuzz/run_*.sh ends with (sourced, not run).
#
#   fuzz_for LOG FAILED PASSED FUZZER-ARGS...
#
# Runs $FUZZER for $SECONDS_TO_RUN s with the limits all of them share (2 GB RSS, 10 s per
# input, final stats) plus FUZZER-ARGS (their own limits, artifact prefix, corpus, seeds),
# stderr to LOG. On a finding: LOG's tail, "FAIL: FAILED", exit 1. Else the run's coverage
# and executions, then PASSED.
fuzz_for() {
  local log=$1 failed=$2 passed=$3
  shift 3
  "$FUZZER" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$@" 2>"$log" || {
    tail -n 40 "$log"
    echo "FAIL: $failed"
    exit 1
  }
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov:' "$log" | tail -n 3
  echo "$passed"
}
