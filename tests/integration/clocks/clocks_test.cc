// The platform clocks of ports/clocks, run on the host against stub SDK headers (stubs/):
// the real ESP-IDF, Arduino core, FreeRTOS and Zephyr are not on this machine. What runs
// here is each clock's own code: the wrap of a 32-bit counter, the tick conversion, the
// "not known before 2020" rule and the RTC path. Prints "N passed, M failed".
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "arduino_clock.h"
#include "esp_idf_clock.h"
#include "freertos_clock.h"
#include "task.h"
#include "wrap_counter.h"
#include "zephyr/drivers/rtc.h"
#include "zephyr_clock.h"

// ---- the stubs' state and definitions --------------------------------------------------
static unsigned long g_millis = 0;
static int64_t g_esp_us = 0;
static uint32_t g_ticks = 0;
static int64_t g_k_uptime = 0;
static int g_rtc_rc = 0;
static rtc_time g_rtc_time{};

unsigned long millis() { return g_millis; }
extern "C" int64_t esp_timer_get_time(void) { return g_esp_us; }
extern "C" TickType_t xTaskGetTickCount(void) { return g_ticks; }
extern "C" int64_t k_uptime_get(void) { return g_k_uptime; }
extern "C" bool device_is_ready(const struct device* dev) { return dev->ready; }
extern "C" int rtc_get_time(const struct device*, struct rtc_time* t) {
  *t = g_rtc_time;
  return g_rtc_rc;
}
extern "C" struct tm* rtc_time_to_tm(struct rtc_time* t) { return reinterpret_cast<struct tm*>(t); }
extern "C" int64_t timeutil_timegm64(const struct tm* tm) {
  struct tm copy = *tm;
  return static_cast<int64_t>(timegm(&copy));
}

static int g_pass = 0;
static int g_fail = 0;
static void check(bool ok, const char* what) {
  if (ok) {
    ++g_pass;
  } else {
    ++g_fail;
    printf("FAIL %s\n", what);
  }
}

static void test_wrap_counter() {
  tinytb::WrapCounter32 c;
  check(c.extend(5) == 5, "wrap: first reading");
  check(c.extend(0xFFFFFFF0u) == 0xFFFFFFF0u, "wrap: before the wrap");
  check(c.extend(0x10u) == (uint64_t{1} << 32) + 0x10u, "wrap: after one wrap");
  check(c.extend(0x10u) == (uint64_t{1} << 32) + 0x10u, "wrap: same reading, same count");
  check(c.extend(0x0Fu) == (uint64_t{2} << 32) + 0x0Fu, "wrap: a smaller reading is the next wrap");
}

static void test_ticks_to_ms() {
  check(tinytb::ticks_to_ms(0, 1000) == 0, "ticks: zero");
  check(tinytb::ticks_to_ms(999, 1000) == 999, "ticks: 1 kHz is identity");
  check(tinytb::ticks_to_ms(1, 100) == 10, "ticks: 100 Hz");
  check(tinytb::ticks_to_ms(167999999, 168000000) == 999, "ticks: rounds down");
  // Where the naive ticks * 1000 / hz overflows: compare with 128-bit arithmetic.
  const uint64_t samples[] = {UINT64_MAX, UINT64_MAX / 999, (uint64_t{1} << 60) + 12345, 0x0123456789ABCDEFull};
  const uint32_t rates[] = {1, 3, 1000, 32768, 168000000, 4294967295u};
  bool exact = true;
  for (uint64_t t : samples) {
    for (uint32_t hz : rates) {
      const unsigned __int128 want = static_cast<unsigned __int128>(t) * 1000u / hz;
      if (want > UINT64_MAX) continue;  // not representable: no caller reaches it
      if (tinytb::ticks_to_ms(t, hz) != static_cast<uint64_t>(want)) exact = false;
    }
  }
  check(exact, "ticks: exact against 128-bit arithmetic");
}

static void test_wall_rule() {
  check(!tinytb::wall_time_known(tinytb::wall_time_or_unknown(0, 0)), "wall: 1970 is not known");
  check(!tinytb::wall_time_known(tinytb::wall_time_or_unknown(1577836799, 999999999)),
        "wall: the second before 2020 is not known");
  check(!tinytb::wall_time_known(tinytb::wall_time_or_unknown(1577836800, 1000000000)),
        "wall: nanoseconds beyond a second are not known");
  const tinytb::WallTime t = tinytb::wall_time_or_unknown(1577836800, 500000000);
  check(t.seconds == 1577836800 && t.nanos == 500000000u, "wall: 2020 onwards is known");
}

static void test_arduino() {
  g_millis = 0xFFFFFF00ul;
  const tinytb::Clock clock = tinytb::arduino_clock();
  check(clock.uptime_ms != nullptr, "arduino: has uptime");
  check(clock.wall_time == nullptr, "arduino: no wall time on a core without one");
  const uint64_t before = clock.uptime_ms();
  g_millis = 0x100ul;  // millis() wrapped (day 49.7)
  const uint64_t after = clock.uptime_ms();
  check(after - before == 0x200u, "arduino: millis() wrap adds 512 ms, not -4294966784");
  check(after >= before, "arduino: never backwards");
}

static void test_freertos() {
  g_ticks = 0xFFFFFFFEu;
  const tinytb::Clock clock = tinytb::freertos_clock();
  check(clock.wall_time == nullptr, "freertos: no wall time");
  const uint64_t before = clock.uptime_ms();
  check(before == uint64_t{0xFFFFFFFEu} * 10u, "freertos: 100 Hz ticks are 10 ms");
  g_ticks = 3;
  check(clock.uptime_ms() - before == 50u, "freertos: tick wrap adds 5 ticks = 50 ms");
}

static void test_esp_idf() {
  const tinytb::Clock clock = tinytb::esp_idf_clock();
  g_esp_us = 123456789;
  check(clock.uptime_ms() == 123456u, "esp-idf: esp_timer microseconds to ms");
  timeval tv{};
  gettimeofday(&tv, nullptr);
  const tinytb::WallTime wall = clock.wall_time();
  check(wall.seconds > tv.tv_sec - 5 && wall.seconds < tv.tv_sec + 5,
        "esp-idf: wall time is gettimeofday (this host's clock is set)");
}

static void test_zephyr() {
  g_k_uptime = 86400000;
  device rtc{true};
  tinytb::Clock clock = tinytb::zephyr_clock(nullptr);
  check(clock.uptime_ms() == 86400000u, "zephyr: k_uptime_get");
  check(clock.wall_time == nullptr, "zephyr: no RTC given, no wall time");
  device not_ready{false};
  clock = tinytb::zephyr_clock(&not_ready);
  check(clock.wall_time == nullptr, "zephyr: an RTC that is not ready gives no wall time");
  clock = tinytb::zephyr_clock(&rtc);
  check(clock.wall_time != nullptr, "zephyr: a ready RTC gives wall time");
  memset(&g_rtc_time, 0, sizeof(g_rtc_time));
  g_rtc_time.tm_year = 2026 - 1900;
  g_rtc_time.tm_mon = 11;
  g_rtc_time.tm_mday = 7;
  g_rtc_time.tm_hour = 1;
  g_rtc_time.tm_nsec = 250000000;
  g_rtc_rc = 0;
  const tinytb::WallTime now = clock.wall_time();
  check(now.seconds == 1796605200 && now.nanos == 250000000u, "zephyr: 2026-12-07T01:00:00.25Z from the RTC");
  g_rtc_rc = -ENODATA;
  check(!tinytb::wall_time_known(clock.wall_time()), "zephyr: an RTC with no time yet is not known");
  g_rtc_rc = 0;
  g_rtc_time.tm_year = 70;
  check(!tinytb::wall_time_known(clock.wall_time()), "zephyr: an RTC at 1970 is not known");
}

int main() {
  test_wrap_counter();
  test_ticks_to_ms();
  test_wall_rule();
  test_arduino();
  test_freertos();
  test_esp_idf();
  test_zephyr();
  printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail == 0 ? 0 : 1;
}
