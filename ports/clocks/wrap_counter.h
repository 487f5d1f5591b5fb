// tinytb clocks: a 32-bit counter that wraps (Arduino's millis(), FreeRTOS ticks, the
// Cortex-M cycle counter) made into a 64-bit count that never goes backwards, and counts
// turned into milliseconds without overflow. Header only, no platform headers: the host
// unit tests run exactly this code (tests/ports/clocks_test.cc).
//
// extend() must see the counter at least once per wrap (49.7 days for millis(), 2^32
// ticks, 2^32 cycles: 25 s at 168 MHz); a wrap it did not see is lost time, never a step
// backwards. Not thread-safe: call it from one task, as a writer is used from one task.
#ifndef TINYTB_PORTS_CLOCKS_WRAP_COUNTER_H_
#define TINYTB_PORTS_CLOCKS_WRAP_COUNTER_H_

#include <stdint.h>

#include "tinytb/writer/clock.h"

namespace tinytb {

class WrapCounter32 {
 public:
  // The 64-bit count for a fresh reading `now` of the 32-bit counter.
  uint64_t extend(uint32_t now) {
    if (now < last_) high_ += uint64_t{1} << 32;
    last_ = now;
    return high_ + now;
  }

 private:
  uint32_t last_ = 0;
  uint64_t high_ = 0;
};

// ticks * 1000 / hz, exact (rounded down), for any 64-bit tick count and hz >= 1: the
// naive product overflows after 2^64 / 1000 ticks (213 days of a 1 GHz counter).
constexpr uint64_t ticks_to_ms(uint64_t ticks, uint32_t hz) {
  return (ticks / hz) * 1000u + (ticks % hz) * 1000u / hz;
}

// Wall time from a seconds + nanoseconds reading (gettimeofday's microseconds times 1000,
// an RTC), or "not known" ({0, 0}, clock.h) while it reads before 2020-01-01: a board
// whose clock SNTP, GPS or a battery-backed RTC has not set yet counts from 1970.
// Integers only, as WallTime is: no double arithmetic on the board.
constexpr int64_t kFirstPlausibleSecond = 1577836800;  // 2020-01-01T00:00:00Z, as ports/posix
constexpr WallTime wall_time_or_unknown(int64_t seconds, int64_t nanos) {
  return seconds < kFirstPlausibleSecond || nanos < 0 || nanos >= kNanosPerSecond
             ? WallTime{}
             : WallTime{seconds, static_cast<uint32_t>(nanos)};
}

}  // namespace tinytb

#endif  // TINYTB_PORTS_CLOCKS_WRAP_COUNTER_H_
