// tinytb: lodepng compiled the one way the core's PNG code expects, for build systems that
// cannot give one file its own flags (PlatformIO's library.json, STM32CubeIDE's managed
// build; tools/make_arduino_library.py writes the same for Arduino). Needs -Isrc and
// lodepng's folder on the include path (docs/integration.md).
//
// The Makefile and CMake compile third_party/lodepng/lodepng.cpp with
// `-include src/png/lodepng_config.h`; including the config first and then the source is
// the same translation unit. Never add this file to a build that also compiles
// lodepng.cpp itself: lodepng's functions would be defined twice.
#include "png/lodepng_config.h"
#include "lodepng.cpp"
