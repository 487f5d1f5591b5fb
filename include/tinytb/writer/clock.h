// tinytb: time sources, injected by the application.
//
// Both functions are optional. With neither, wall_time is 0 and there is no timed
// flush; file names then come from WriterOptions::file_stamp (a boot counter).
// On Linux and other POSIX systems, ports/posix gives both: tinytb::posix_clock().
#ifndef TINYTB_CLOCK_H_
#define TINYTB_CLOCK_H_

#include <stdint.h>

namespace tinytb {

struct Clock {
  // Seconds since the Unix epoch, or any value <= 0, NaN or infinite when the time
  // is not known (no RTC, not yet set by NTP/GPS). May be null.
  double (*wall_seconds)() = nullptr;
  // Milliseconds since boot; must never go backwards. May be null.
  uint64_t (*uptime_ms)() = nullptr;
};

}  // namespace tinytb

#endif  // TINYTB_CLOCK_H_
