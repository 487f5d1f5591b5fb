// Stub of FreeRTOS's task.h: the one call ports/clocks/freertos_clock.cc makes.
#pragma once
#include "FreeRTOS.h"
extern "C" TickType_t xTaskGetTickCount(void);
