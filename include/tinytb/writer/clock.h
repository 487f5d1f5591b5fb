// tinytb: time sources, injected by the application.
//
// Both functions are optional. With neither, wall_time is 0 and there is no timed
// flush; file names then come from WriterOptions::file_stamp (a boot counter).
// On Linux and other POSIX systems, ports/posix gives both: tinytb::posix_clock().
//
// Wall time is integers (whole seconds and nanoseconds), never a double: the Event's
// double wall_time field is built from them bit by bit (wall_time_bits()), so a firmware
// that logs links no software double-precision arithmetic (docs/firmware.md).
#ifndef TINYTB_CLOCK_H_
#define TINYTB_CLOCK_H_

#include <stdint.h>

namespace tinytb {

// A moment as seconds since the Unix epoch plus nanoseconds. Known when it lies in
// (0, kMaxWallSeconds) seconds and nanos < 1e9; anything else (the default {0, 0}
// included) means "not known" (no RTC, not yet set by NTP/GPS) and is written as 0,
// which TensorBoard shows as 1970.
struct WallTime {
  int64_t seconds = 0;
  uint32_t nanos = 0;
};

// 10^12 s (year 33658): keeps seconds below 2^40, so the encoding below is exact integer
// work in 64 bits.
constexpr int64_t kMaxWallSeconds = 1000000000000;
constexpr uint32_t kNanosPerSecond = 1000000000u;

constexpr bool wall_time_known(WallTime t) {
  return t.nanos < kNanosPerSecond && t.seconds < kMaxWallSeconds &&
         (t.seconds > 0 || (t.seconds == 0 && t.nanos > 0));
}

// From a seconds + microseconds reading (gettimeofday, most RTC drivers).
constexpr WallTime wall_time_from_micros(int64_t seconds, uint32_t micros) {
  return WallTime{seconds, micros < 1000000u ? micros * 1000u : kNanosPerSecond};
}

// The IEEE-754 binary64 bits of seconds + nanos / 1e9, rounded to nearest (ties to
// even), or 0 when the time is not known. Integer arithmetic only: the same bits a
// correctly rounded double computation gives (tests/writer/wall_time_test.cc).
uint64_t wall_time_bits(WallTime t);

struct Clock {
  // The current wall time, or one that is not known (see WallTime). May be null.
  WallTime (*wall_time)() = nullptr;
  // Milliseconds since boot; must never go backwards. May be null.
  uint64_t (*uptime_ms)() = nullptr;
};

// The time a value logged now carries: the clock's wall time when known, else its uptime
// as seconds since boot, else not known. The one rule for the writer, the async producers
// and the flight recorder, so their values line up. Calls only the clock's functions and
// 32-bit divisions, so it is safe wherever they are (interrupts included).
WallTime clock_time(const Clock& clock);

}  // namespace tinytb

#endif  // TINYTB_CLOCK_H_
