// tinytb clock for Zephyr (zephyr_clock.h).
// Compiles to nothing except for Zephyr (__ZEPHYR__ defined), so that build systems
// which compile every file of a folder (Arduino, PlatformIO) can carry all the clocks.
#if defined(__ZEPHYR__)

#include "zephyr_clock.h"

#include <stdint.h>
#include <zephyr/device.h>
#include <zephyr/kernel.h>
#if defined(CONFIG_RTC)
#include <zephyr/drivers/rtc.h>
#include <zephyr/sys/timeutil.h>
#endif

#include "wrap_counter.h"

namespace tinytb {
namespace {

const struct device* g_rtc = nullptr;

uint64_t zephyr_uptime_ms() { return static_cast<uint64_t>(k_uptime_get()); }

#if defined(CONFIG_RTC)
WallTime zephyr_wall_time() {
  rtc_time now{};
  if (g_rtc == nullptr || rtc_get_time(g_rtc, &now) != 0) return WallTime{};
  const int64_t seconds = timeutil_timegm64(rtc_time_to_tm(&now));
  return wall_time_or_unknown(seconds, now.tm_nsec);
}
#endif

}  // namespace

Clock zephyr_clock(const struct device* rtc) {
  Clock clock;
  clock.uptime_ms = zephyr_uptime_ms;
#if defined(CONFIG_RTC)
  if (rtc != nullptr && device_is_ready(rtc)) {
    g_rtc = rtc;
    clock.wall_time = zephyr_wall_time;
  }
#else
  (void)rtc;
  (void)g_rtc;
#endif
  return clock;
}

}  // namespace tinytb

#endif
