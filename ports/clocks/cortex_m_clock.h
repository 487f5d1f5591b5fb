// tinytb clock for bare-metal Cortex-M3/M4/M7/M33: uptime from the core's cycle counter
// (DWT CYCCNT), for boards with no RTOS and no timer interrupt to spare. No wall time:
// add your RTC's reading to the Clock if the board has one.
//
//   options.clock = tinytb::cortex_m_cycle_clock(SystemCoreClock);   // e.g. 168000000
//
// The call enables the trace block (DEMCR.TRCENA) and the counter. uptime_ms counts
// cycles through WrapCounter32: read it at least once per 2^32 cycles (25 s at 168 MHz,
// 8.9 s at 480 MHz) or time is lost (never a step back). The counter stops while the core
// sleeps (WFI) on most parts and halts under a debugger: it is uptime of a running core.
// Cortex-M0/M0+ have no CYCCNT: keep a millisecond count in SysTick's handler instead
// (examples/cortex_m/board.cc counts an external timer the same way).
#ifndef TINYTB_PORTS_CLOCKS_CORTEX_M_CLOCK_H_
#define TINYTB_PORTS_CLOCKS_CORTEX_M_CLOCK_H_

#include <stdint.h>

#include "tinytb/writer/clock.h"

namespace tinytb {

// core_hz: the frequency CYCCNT counts at (the core clock), >= 1000.
Clock cortex_m_cycle_clock(uint32_t core_hz);

}  // namespace tinytb

#endif  // TINYTB_PORTS_CLOCKS_CORTEX_M_CLOCK_H_
