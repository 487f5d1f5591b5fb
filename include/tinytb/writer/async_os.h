// tinytb: what AsyncWriter (async_writer.h) needs from the operating system, as three
// optional functions. Implementations: ports/os/ (bare metal, host threads, and FreeRTOS and
// Zephyr versions written against those APIs: docs/async.md says what was run where).
#ifndef TINYTB_ASYNC_OS_H_
#define TINYTB_ASYNC_OS_H_

#include <stdint.h>

namespace tinytb {

struct AsyncOs {
  // True when the caller runs in an interrupt handler (Cortex-M: IPSR != 0; FreeRTOS:
  // xPortIsInsideInterrupt; Zephyr: k_is_in_isr). Null: never. A call that may wait
  // refuses to, there (kUnsupported), instead of deadlocking against the drain.
  bool (*in_interrupt)() = nullptr;
  // Let other work run for about `ms` milliseconds (vTaskDelay, k_msleep, a WFI loop), so a
  // waiting producer lets the drain empty the queue. Null: nothing may wait (kUnsupported).
  void (*sleep_ms)(uint32_t ms) = nullptr;
  // Milliseconds since boot, never going backwards: bounds a wait. Null: a wait counts
  // sleep_ms calls instead.
  uint64_t (*uptime_ms)() = nullptr;
  // Called after a record was queued: wake the drain (a task notification, a semaphore
  // give, k_sem_give; interrupt-safe). Null: the drain runs on its own schedule.
  void (*wake_drain)() = nullptr;
};

}  // namespace tinytb

#endif  // TINYTB_ASYNC_OS_H_
