// tinytb AsyncOs for Zephyr (zephyr_os.h). Compiles to nothing outside Zephyr, like
// ports/clocks/zephyr_clock.cc. Not built here: Zephyr is not in Debian's archive.
#if __has_include(<zephyr/kernel.h>)

#include "zephyr_os.h"

#include <stdint.h>

#include <zephyr/kernel.h>

namespace tinytb {
namespace {

struct k_sem* g_drain_sem = nullptr;

bool zephyr_in_interrupt() { return k_is_in_isr(); }
void zephyr_sleep_ms(uint32_t ms) { (void)k_msleep(static_cast<int32_t>(ms)); }
uint64_t zephyr_uptime_ms() { return static_cast<uint64_t>(k_uptime_get()); }
void zephyr_wake_drain() {
  if (g_drain_sem != nullptr) k_sem_give(g_drain_sem);  // ISR-safe
}

}  // namespace

AsyncOs zephyr_os(void* drain_sem) {
  g_drain_sem = static_cast<struct k_sem*>(drain_sem);
  AsyncOs os;
  os.in_interrupt = zephyr_in_interrupt;
  os.sleep_ms = zephyr_sleep_ms;
  os.uptime_ms = zephyr_uptime_ms;
  os.wake_drain = zephyr_wake_drain;
  return os;
}

}  // namespace tinytb

#endif
