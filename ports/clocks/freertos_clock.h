// tinytb clock for FreeRTOS: uptime from the scheduler's tick count, extended past its
// wrap (a 32-bit TickType_t at 1 kHz wraps after 49.7 days). No wall time: FreeRTOS keeps
// none; pair it with your RTC's reading if the board has one:
//
//   tinytb::Clock clock = tinytb::freertos_clock();
//   clock.wall_time = my_rtc_time;   // optional: returns a tinytb::WallTime
//   options.clock = clock;
//
// uptime_ms  xTaskGetTickCount() * 1000 / configTICK_RATE_HZ (ticks_to_ms, exact); call
//            it at least once per tick-counter wrap. Safe from tasks, not from ISRs.
#ifndef TINYTB_PORTS_CLOCKS_FREERTOS_CLOCK_H_
#define TINYTB_PORTS_CLOCKS_FREERTOS_CLOCK_H_

#include "tinytb/writer/clock.h"

namespace tinytb {

Clock freertos_clock();

}  // namespace tinytb

#endif  // TINYTB_PORTS_CLOCKS_FREERTOS_CLOCK_H_
