// tinytb AsyncOs for FreeRTOS: xPortIsInsideInterrupt, vTaskDelay, the tick count, and a task
// notification to the drain task. Written against FreeRTOS's API but NOT built or run in this
// project's tests (FreeRTOS is not in Debian's archive): docs/async.md.
//
//   static TaskHandle_t storage_task;     // its loop: ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(100)); async.drain();
//   options.os = tinytb::freertos_os(&storage_task);
#ifndef TINYTB_FREERTOS_OS_H_
#define TINYTB_FREERTOS_OS_H_

#include "tinytb/writer/async_os.h"

namespace tinytb {

// `drain_task` points to the drain task's handle (a TaskHandle_t, set once it is created;
// may be null: no wake-up). Only compiled with FreeRTOS.h on the include path.
AsyncOs freertos_os(void* const* drain_task);

}  // namespace tinytb

#endif  // TINYTB_FREERTOS_OS_H_
