// Stand-in (README.md): the Arduino core calls the sketch and arduino_clock.cc make.
#pragma once
#include <stddef.h>
#include <stdint.h>
unsigned long millis();
void delay(unsigned long ms);
class HardwareSerial {
 public:
  void begin(unsigned long baud);
  size_t println(const char* text);
  int printf(const char* format, ...) __attribute__((format(printf, 2, 3)));
};
extern HardwareSerial Serial;
