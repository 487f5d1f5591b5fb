// The two clocks the host benchmarks read (e2e_bench.cc, native_scalar_bench.cc).
#ifndef TINYTB_TESTS_BENCH_BENCH_CLOCK_H_
#define TINYTB_TESTS_BENCH_BENCH_CLOCK_H_

#include <time.h>

#include <chrono>

namespace bench {

// Wall time in seconds from a monotonic clock: what a user waits for.
inline double now_s() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

// CPU time of the whole process, every thread: on a shared machine it does not count the
// time this process waited for a CPU (nor the time it waited for the disk).
inline double cpu_s() {
  timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0.0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace bench

#endif  // TINYTB_TESTS_BENCH_BENCH_CLOCK_H_
