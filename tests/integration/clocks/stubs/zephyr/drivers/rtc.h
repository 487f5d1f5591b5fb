// Stub of Zephyr's RTC driver API: struct rtc_time (struct tm's fields plus tm_nsec, in
// the same order) and the two calls ports/clocks/zephyr_clock.cc makes.
#pragma once
#include <time.h>
#include "zephyr/device.h"
struct rtc_time {
  int tm_sec;
  int tm_min;
  int tm_hour;
  int tm_mday;
  int tm_mon;
  int tm_year;
  int tm_wday;
  int tm_yday;
  int tm_isdst;
  int tm_nsec;
};
extern "C" int rtc_get_time(const struct device* dev, struct rtc_time* timeptr);
extern "C" struct tm* rtc_time_to_tm(struct rtc_time* timeptr);
