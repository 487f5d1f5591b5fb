// Stub of FreeRTOS.h (FreeRTOS is not on this machine): a 32-bit tick type and a tick
// rate that is not 1 kHz, so the conversion is exercised; and the few declarations
// ports/os/freertos_os.cc uses, so that it compiles where this folder is on the path.
#pragma once
#include <stdint.h>
typedef uint32_t TickType_t;
typedef long BaseType_t;
#define configTICK_RATE_HZ ((TickType_t)100)
#define pdFALSE ((BaseType_t)0)
#define pdMS_TO_TICKS(ms) ((TickType_t)((uint64_t)(ms) * configTICK_RATE_HZ / 1000u))
extern "C" BaseType_t xPortIsInsideInterrupt(void);
extern "C" void vPortYield(void);
#define portYIELD_FROM_ISR(woken) \
  do {                            \
    if (woken) vPortYield();      \
  } while (0)
