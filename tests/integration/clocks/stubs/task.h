// Stub of FreeRTOS's task.h: the call ports/clocks/freertos_clock.cc makes, and the ones
// ports/os/freertos_os.cc makes.
#pragma once
#include "FreeRTOS.h"
typedef struct tskTaskControlBlock* TaskHandle_t;
extern "C" TickType_t xTaskGetTickCount(void);
extern "C" void vTaskDelay(TickType_t ticks);
extern "C" BaseType_t xTaskNotifyGive(TaskHandle_t task);
extern "C" void vTaskNotifyGiveFromISR(TaskHandle_t task, BaseType_t* higher_priority_task_woken);
