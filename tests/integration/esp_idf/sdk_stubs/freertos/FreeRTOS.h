// Stand-in (README.md).
#pragma once
#include <stdint.h>
typedef uint32_t TickType_t;
typedef int BaseType_t;
#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define configTICK_RATE_HZ 1000
#define pdMS_TO_TICKS(ms) ((TickType_t)(ms))
BaseType_t xPortInIsrContext(void);
void vPortYieldFromISR(void);
#define portYIELD_FROM_ISR(woken) \
  do {                            \
    if (woken) vPortYieldFromISR(); \
  } while (0)
