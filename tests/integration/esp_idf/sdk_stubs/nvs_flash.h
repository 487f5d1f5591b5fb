// Stand-in (README.md).
#pragma once
#include "esp_camera.h"
esp_err_t nvs_flash_init(void);
