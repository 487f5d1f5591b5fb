// tinytb AsyncOs for Zephyr: k_is_in_isr, k_msleep, k_uptime_get, and a semaphore the drain
// thread takes. Written against Zephyr's API but NOT built or run in this project's tests
// (Zephyr is not in Debian's archive): docs/async.md.
//
//   K_SEM_DEFINE(drain_sem, 0, 1);          // the drain thread: k_sem_take(&drain_sem, K_MSEC(100)); async.drain();
//   options.os = tinytb::zephyr_os(&drain_sem);
#ifndef TINYTB_ZEPHYR_OS_H_
#define TINYTB_ZEPHYR_OS_H_

#include "tinytb/writer/async_os.h"

namespace tinytb {

// `drain_sem` is a struct k_sem* (may be null: no wake-up). Only compiled with Zephyr.
AsyncOs zephyr_os(void* drain_sem);

}  // namespace tinytb

#endif  // TINYTB_ZEPHYR_OS_H_
