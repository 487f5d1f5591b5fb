// Stub of Zephyr's kernel.h (Zephyr is not on this machine): k_uptime_get() only.
#pragma once
#include <stdint.h>
extern "C" int64_t k_uptime_get(void);
