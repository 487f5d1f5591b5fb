// tinytb clock for Arduino: uptime from millis(), extended past its 49.7-day wrap; wall
// time only where the core keeps a system time (ESP32's, once configTime()/SNTP set it).
//
//   options.clock = tinytb::arduino_clock();
//
// uptime_ms    millis() through WrapCounter32 (wrap_counter.h): call anything that reads
//              the clock (any logging call does) at least once per 49.7 days
// wall_time    ESP32 and ESP8266 cores: gettimeofday(), or not known before 2020 (not set);
//              other cores: none, so files are named by WriterOptions::file_stamp
#ifndef TINYTB_PORTS_CLOCKS_ARDUINO_CLOCK_H_
#define TINYTB_PORTS_CLOCKS_ARDUINO_CLOCK_H_

#include "tinytb/writer/clock.h"

namespace tinytb {

Clock arduino_clock();

}  // namespace tinytb

#endif  // TINYTB_PORTS_CLOCKS_ARDUINO_CLOCK_H_
