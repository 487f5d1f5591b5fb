// Host tests: a tinytb::WallTime from seconds written as a double (1.7e9, 1732241520.25),
// so a test's fixed clock reads as the value it expects back from the Event's wall_time.
// Exact for every value whose fraction is a whole number of nanoseconds.
#ifndef TINYTB_TESTS_SUPPORT_WALL_CLOCK_H_
#define TINYTB_TESTS_SUPPORT_WALL_CLOCK_H_

#include <math.h>
#include <stdint.h>

#include "tinytb/writer/clock.h"

inline tinytb::WallTime wall_time_of(double seconds) {
  if (!(seconds > 0.0) || !(seconds < 1e12)) return tinytb::WallTime{};  // not known
  const double whole = floor(seconds);
  int64_t s = static_cast<int64_t>(whole);
  int64_t nanos = llround((seconds - whole) * 1e9);
  if (nanos >= 1000000000) {
    ++s;
    nanos -= 1000000000;
  }
  return tinytb::WallTime{s, static_cast<uint32_t>(nanos)};
}

#endif  // TINYTB_TESTS_SUPPORT_WALL_CLOCK_H_
