// Stub of Zephyr's timeutil.h: timegm for 64-bit seconds.
#pragma once
#include <stdint.h>
#include <time.h>
extern "C" int64_t timeutil_timegm64(const struct tm* tm);
