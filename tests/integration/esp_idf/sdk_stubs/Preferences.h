// Stand-in (README.md): Arduino-ESP32's Preferences as the sketch uses it.
#pragma once
#include <stdint.h>
class Preferences {
 public:
  bool begin(const char* name, bool read_only);
  uint32_t getUInt(const char* key, uint32_t default_value);
  size_t putUInt(const char* key, uint32_t value);
  void end();
};
