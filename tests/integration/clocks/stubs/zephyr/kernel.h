// Stub of Zephyr's kernel.h (Zephyr is not on this machine): k_uptime_get() for
// ports/clocks/zephyr_clock.cc, and the calls ports/os/zephyr_os.cc makes.
#pragma once
#include <stdint.h>
extern "C" int64_t k_uptime_get(void);
struct k_sem;
extern "C" bool k_is_in_isr(void);
extern "C" int32_t k_msleep(int32_t ms);
extern "C" void k_sem_give(struct k_sem* sem);
