// tinytb AsyncOs for bare metal (an interrupt-driven main loop, no RTOS).
//
//   in_interrupt  Cortex-M: IPSR != 0 (any exception, SysTick included). RISC-V: no register
//                 tells, so null (never); a producer in a RISC-V trap handler must not use
//                 FullPolicy::kWait.
//   sleep_ms      null: with no tasks, nothing drains while a producer waits unless the drain
//                 runs from an interrupt, so kWait is refused (kInvalidArgument at start()).
//                 An application whose drain is a timer interrupt passes its own sleep (a WFI
//                 loop over its tick) instead.
//   uptime_ms     the caller's (e.g. cortex_m_clock's), or null.
#ifndef TINYTB_BARE_METAL_OS_H_
#define TINYTB_BARE_METAL_OS_H_

#include <stdint.h>

#include "tinytb/writer/async_os.h"

namespace tinytb {

AsyncOs bare_metal_os(uint64_t (*uptime_ms)() = nullptr);

}  // namespace tinytb

#endif  // TINYTB_BARE_METAL_OS_H_
