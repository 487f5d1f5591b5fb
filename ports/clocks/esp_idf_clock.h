// tinytb clock for ESP-IDF: uptime from esp_timer, wall time from the system time once
// SNTP (esp_netif_sntp / esp_sntp) or the application (settimeofday) has set it.
//
//   options.clock = tinytb::esp_idf_clock();
//
// uptime_ms   esp_timer_get_time() / 1000: 64-bit microseconds since boot, never wraps
// wall_time   gettimeofday(), or "not known" while it reads before 2020, which is
//             what an ESP32 without SNTP reads: the writer then names files by
//             WriterOptions::file_stamp, and stamps events with 0 until time is set.
#ifndef TINYTB_PORTS_CLOCKS_ESP_IDF_CLOCK_H_
#define TINYTB_PORTS_CLOCKS_ESP_IDF_CLOCK_H_

#include "tinytb/writer/clock.h"

namespace tinytb {

Clock esp_idf_clock();

}  // namespace tinytb

#endif  // TINYTB_PORTS_CLOCKS_ESP_IDF_CLOCK_H_
