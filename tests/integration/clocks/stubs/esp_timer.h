// Stub of ESP-IDF's esp_timer.h (ESP-IDF is not on this machine): the one call
// ports/clocks/esp_idf_clock.cc makes, with ESP-IDF's signature.
#pragma once
#include <stdint.h>
extern "C" int64_t esp_timer_get_time(void);
