// tinytb AsyncOs for FreeRTOS (freertos_os.h). Compiles to nothing without FreeRTOS.h, like
// ports/clocks/freertos_clock.cc. Not built here: FreeRTOS is not in Debian's archive.
// ESP-IDF's FreeRTOS exports its headers as freertos/*.h only (a component sees no FreeRTOS.h) and
// names the in-interrupt test xPortInIsrContext (its Xtensa and RISC-V ports have no
// xPortIsInsideInterrupt); checked only against stand-ins (tests/integration/esp_idf).
#if defined(ESP_PLATFORM) && __has_include(<freertos/FreeRTOS.h>)
#define TINYTB_FREERTOS_OS_ESP_IDF 1
#elif __has_include(<FreeRTOS.h>) && __has_include(<task.h>)
#define TINYTB_FREERTOS_OS_ESP_IDF 0
#endif
#ifdef TINYTB_FREERTOS_OS_ESP_IDF

#include "freertos_os.h"

#include <stdint.h>

#if TINYTB_FREERTOS_OS_ESP_IDF
#include <freertos/FreeRTOS.h>
#include <freertos/task.h>
#define TINYTB_IN_INTERRUPT() xPortInIsrContext()
#else
#include <FreeRTOS.h>
#include <task.h>
#define TINYTB_IN_INTERRUPT() xPortIsInsideInterrupt()
#endif

namespace tinytb {
namespace {

void* const* g_drain_task = nullptr;

bool freertos_in_interrupt() { return TINYTB_IN_INTERRUPT() != pdFALSE; }
void freertos_sleep_ms(uint32_t ms) {
  const TickType_t ticks = pdMS_TO_TICKS(ms);
  vTaskDelay(ticks > 0 ? ticks : 1);
}
uint64_t freertos_uptime_ms() {
  // Wraps with the tick counter (49 days at 1 kHz with 32-bit ticks); a wait only needs
  // differences, which unsigned arithmetic keeps right across one wrap.
  return static_cast<uint64_t>(xTaskGetTickCount()) * 1000u / configTICK_RATE_HZ;
}
void freertos_wake_drain() {
  if (g_drain_task == nullptr || *g_drain_task == nullptr) return;
  TaskHandle_t task = static_cast<TaskHandle_t>(*g_drain_task);
  if (TINYTB_IN_INTERRUPT() != pdFALSE) {
    BaseType_t woken = pdFALSE;
    vTaskNotifyGiveFromISR(task, &woken);
    portYIELD_FROM_ISR(woken);
  } else {
    xTaskNotifyGive(task);
  }
}

}  // namespace

AsyncOs freertos_os(void* const* drain_task) {
  g_drain_task = drain_task;
  AsyncOs os;
  os.in_interrupt = freertos_in_interrupt;
  os.sleep_ms = freertos_sleep_ms;
  os.uptime_ms = freertos_uptime_ms;
  os.wake_drain = freertos_wake_drain;
  return os;
}

}  // namespace tinytb

#endif
