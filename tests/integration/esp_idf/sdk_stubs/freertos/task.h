// Stand-in (README.md).
#pragma once
#include "freertos/FreeRTOS.h"
typedef struct tskTaskControlBlock* TaskHandle_t;
void vTaskDelay(TickType_t ticks);
TickType_t xTaskGetTickCount(void);
BaseType_t xTaskNotifyGive(TaskHandle_t task);
void vTaskNotifyGiveFromISR(TaskHandle_t task, BaseType_t* higher_priority_task_woken);
