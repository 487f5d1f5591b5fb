// tinytb clock for Zephyr: uptime from k_uptime_get(), wall time from an RTC device.
//
//   // CONFIG_RTC=y and an `rtc` alias in the devicetree, or nullptr for uptime only:
//   options.clock = tinytb::zephyr_clock(DEVICE_DT_GET_OR_NULL(DT_ALIAS(rtc)));
//
// uptime_ms    k_uptime_get(): 64-bit milliseconds since boot, never wraps
// wall_time    rtc_get_time() on the device given, as seconds since 1970
//              (timeutil_timegm64), or "not known" when the RTC has no time yet
//              (-ENODATA), reads before 2020, or no ready device was given
// One RTC for the process: a second call replaces the device of the first.
#ifndef TINYTB_PORTS_CLOCKS_ZEPHYR_CLOCK_H_
#define TINYTB_PORTS_CLOCKS_ZEPHYR_CLOCK_H_

#include "tinytb/writer/clock.h"

struct device;

namespace tinytb {

Clock zephyr_clock(const struct device* rtc);

}  // namespace tinytb

#endif  // TINYTB_PORTS_CLOCKS_ZEPHYR_CLOCK_H_
