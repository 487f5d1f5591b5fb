// Stub of FreeRTOS.h (FreeRTOS is not on this machine): a 32-bit tick type and a tick
// rate that is not 1 kHz, so the conversion is exercised.
#pragma once
#include <stdint.h>
typedef uint32_t TickType_t;
#define configTICK_RATE_HZ ((TickType_t)100)
