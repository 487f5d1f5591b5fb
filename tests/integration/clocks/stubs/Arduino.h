// Stub of the one Arduino core function ports/clocks/arduino_clock.cc calls (the real
// core is not on this machine); tests/integration/clocks/clocks_test.cc defines it.
#pragma once
unsigned long millis();
