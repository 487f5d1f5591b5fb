// tinytb clock for FreeRTOS (freertos_clock.h).
// Compiles to nothing except for FreeRTOS (FreeRTOS.h on the include path), so that build systems
// which compile every file of a folder (Arduino, PlatformIO) can carry all the clocks.
#if __has_include(<FreeRTOS.h>) && __has_include(<task.h>)

#include "freertos_clock.h"

#include <stdint.h>

#include <FreeRTOS.h>
#include <task.h>
#include "wrap_counter.h"

namespace tinytb {
namespace {

WrapCounter32 g_ticks;
constexpr uint32_t kTickHz = static_cast<uint32_t>(configTICK_RATE_HZ);

uint64_t freertos_uptime_ms() {
  const TickType_t now = xTaskGetTickCount();
  if constexpr (sizeof(TickType_t) >= sizeof(uint64_t)) {
    return ticks_to_ms(static_cast<uint64_t>(now), kTickHz);  // 64-bit ticks never wrap
  } else if constexpr (sizeof(TickType_t) == sizeof(uint32_t)) {
    return ticks_to_ms(g_ticks.extend(static_cast<uint32_t>(now)), kTickHz);
  } else {
    // 16-bit ticks (configUSE_16_BIT_TICKS) wrap at 65536: sum their steps into 32 bits.
    static uint16_t last16 = 0;
    static uint32_t widened = 0;
    widened += static_cast<uint16_t>(static_cast<uint16_t>(now) - last16);
    last16 = static_cast<uint16_t>(now);
    return ticks_to_ms(g_ticks.extend(widened), kTickHz);
  }
}

}  // namespace

Clock freertos_clock() {
  Clock clock;
  clock.uptime_ms = freertos_uptime_ms;
  return clock;
}

}  // namespace tinytb

#endif
