// tinytb clock for ESP-IDF (esp_idf_clock.h).
// Compiles to nothing except for ESP-IDF (ESP_PLATFORM defined), so that build systems
// which compile every file of a folder (Arduino, PlatformIO) can carry all the clocks.
#if defined(ESP_PLATFORM)

#include "esp_idf_clock.h"

#include <stdint.h>
#include <sys/time.h>

#include <esp_timer.h>
#include "wrap_counter.h"

namespace tinytb {
namespace {

WallTime esp_wall_time() {
  timeval tv{};
  if (gettimeofday(&tv, nullptr) != 0) return WallTime{};
  return wall_time_or_unknown(static_cast<int64_t>(tv.tv_sec), static_cast<int64_t>(tv.tv_usec) * 1000);
}

uint64_t esp_uptime_ms() {
  // Microseconds since boot as int64_t: never negative, 292,000 years to wrap.
  return static_cast<uint64_t>(esp_timer_get_time()) / 1000u;
}

}  // namespace

Clock esp_idf_clock() {
  Clock clock;
  clock.wall_time = esp_wall_time;
  clock.uptime_ms = esp_uptime_ms;
  return clock;
}

}  // namespace tinytb

#endif
