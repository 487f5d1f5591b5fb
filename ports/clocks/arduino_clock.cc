// tinytb clock for Arduino (arduino_clock.h).
// Compiles to nothing except for an Arduino core (ARDUINO defined), so that build systems
// which compile every file of a folder (Arduino, PlatformIO) can carry all the clocks.
#if defined(ARDUINO)

#include "arduino_clock.h"

#include <Arduino.h>
#include <stdint.h>

#include "wrap_counter.h"

#if defined(ESP_PLATFORM) || defined(ARDUINO_ARCH_ESP32) || defined(ARDUINO_ARCH_ESP8266)
#include <sys/time.h>
#define TINYTB_ARDUINO_HAS_SYSTEM_TIME 1
#endif

namespace tinytb {
namespace {

WrapCounter32 g_millis;

uint64_t arduino_uptime_ms() { return g_millis.extend(static_cast<uint32_t>(millis())); }

#if defined(TINYTB_ARDUINO_HAS_SYSTEM_TIME)
WallTime arduino_wall_time() {
  timeval tv{};
  if (gettimeofday(&tv, nullptr) != 0) return WallTime{};
  return wall_time_or_unknown(static_cast<int64_t>(tv.tv_sec), static_cast<int64_t>(tv.tv_usec) * 1000);
}
#endif

}  // namespace

Clock arduino_clock() {
  Clock clock;
  clock.uptime_ms = arduino_uptime_ms;
#if defined(TINYTB_ARDUINO_HAS_SYSTEM_TIME)
  clock.wall_time = arduino_wall_time;
#endif
  return clock;
}

}  // namespace tinytb

#endif
