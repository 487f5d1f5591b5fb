// examples/esp32_cam: an ESP32-CAM (AI-Thinker board, OV2640) logs camera frames to its SD
// card for TensorBoard: each frame as an image (PNG from RGB565, or the sensor's JPEG as
// it is), its size and the capture time as scalars. docs/integration.md, "ESP-IDF".
//
//   idf.py set-target esp32 && idf.py build flash monitor
//
// Then copy /logs from the card to a PC: tensorboard --logdir logs
// Switch kPixelFormat to PIXFORMAT_JPEG to log the sensor's JPEG frames instead.
#include <stdint.h>
#include <stdio.h>

#include "driver/sdmmc_host.h"
#include "esp_camera.h"
#include "esp_log.h"
#include "esp_timer.h"
#include "esp_vfs_fat.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs.h"
#include "nvs_flash.h"
#include "sdmmc_cmd.h"

#include "esp_idf_clock.h"
#include "frame_logger.h"
#include "posix_sink.h"

namespace {

constexpr const char* kTag = "tinytb-cam";
constexpr pixformat_t kPixelFormat = PIXFORMAT_RGB565;
constexpr int kFrames = 300;
constexpr const char* kMount = "/sdcard";

// Static: the writer (one frame of queue), the encoder's arena and the sink are 80 KB that
// must not live on a task's stack.
tinytb::PosixSink g_sink;
cam::Png g_png;
cam::Writer g_writer;
sdmmc_card_t* g_card = nullptr;

camera_config_t ai_thinker_camera() {
  camera_config_t c = {};
  c.pin_pwdn = 32;
  c.pin_reset = -1;
  c.pin_xclk = 0;
  c.pin_sccb_sda = 26;
  c.pin_sccb_scl = 27;
  c.pin_d7 = 35;
  c.pin_d6 = 34;
  c.pin_d5 = 39;
  c.pin_d4 = 36;
  c.pin_d3 = 21;
  c.pin_d2 = 19;
  c.pin_d1 = 18;
  c.pin_d0 = 5;
  c.pin_vsync = 25;
  c.pin_href = 23;
  c.pin_pclk = 22;
  c.xclk_freq_hz = 20000000;
  c.ledc_timer = LEDC_TIMER_0;
  c.ledc_channel = LEDC_CHANNEL_0;
  c.pixel_format = kPixelFormat;
  c.frame_size = FRAMESIZE_QQVGA;  // cam::kMaxWidth x cam::kMaxHeight
  c.jpeg_quality = 12;
  c.fb_count = 1;
  c.fb_location = CAMERA_FB_IN_PSRAM;
  c.grab_mode = CAMERA_GRAB_WHEN_EMPTY;
  return c;
}

// The card in 1-bit mode: on the ESP32-CAM, data line 1 also drives the flash LED.
bool mount_sd_card() {
  sdmmc_host_t host = SDMMC_HOST_DEFAULT();
  sdmmc_slot_config_t slot = SDMMC_SLOT_CONFIG_DEFAULT();
  slot.width = 1;
  esp_vfs_fat_sdmmc_mount_config_t mount = {};
  mount.format_if_mount_failed = false;
  mount.max_files = 4;
  mount.allocation_unit_size = 16 * 1024;
  return esp_vfs_fat_sdmmc_mount(kMount, &host, &slot, &mount, &g_card) == ESP_OK;
}

// Without SNTP the ESP32 does not know the date, so event files are named by a boot
// counter kept in NVS: they still sort in creation order (tinytb::WriterOptions::file_stamp).
uint32_t next_boot_count() {
  uint32_t boots = 0;
  nvs_handle_t nvs;
  if (nvs_open("tinytb", NVS_READWRITE, &nvs) != ESP_OK) return 0;
  (void)nvs_get_u32(nvs, "boots", &boots);
  ++boots;
  (void)nvs_set_u32(nvs, "boots", boots);
  (void)nvs_commit(nvs);
  nvs_close(nvs);
  return boots;
}

cam::FrameFormat frame_format(pixformat_t format) {
  if (format == PIXFORMAT_JPEG) return cam::FrameFormat::kJpeg;
  if (format == PIXFORMAT_GRAYSCALE) return cam::FrameFormat::kGrayscale;
  return cam::FrameFormat::kRgb565;
}

}  // namespace

extern "C" void app_main(void) {
  if (nvs_flash_init() != ESP_OK) ESP_LOGW(kTag, "no NVS: file names restart at boot 0");
  camera_config_t camera = ai_thinker_camera();
  if (esp_camera_init(&camera) != ESP_OK || !mount_sd_card()) {
    ESP_LOGE(kTag, "camera or SD card failed");
    return;
  }
  tinytb::WriterOptions options;
  options.logdir = "/sdcard/logs";  // FAT long names: CONFIG_FATFS_LFN_HEAP (sdkconfig.defaults)
  options.run = "esp32cam";
  options.host = "esp32cam";
  options.file_stamp = next_boot_count();
  options.clock = tinytb::esp_idf_clock();
  options.flush_millis = 10000;
  tinytb::Status status = g_writer.open(g_sink, options);
  if (status != tinytb::Status::kOk) {
    ESP_LOGE(kTag, "open: %s", tinytb::status_name(status));
    return;
  }
  for (int64_t step = 0; step < kFrames; ++step) {
    const int64_t t0 = esp_timer_get_time();
    camera_fb_t* fb = esp_camera_fb_get();
    if (fb == nullptr) continue;
    const float capture_ms = static_cast<float>(esp_timer_get_time() - t0) / 1000.0f;
    const cam::Frame frame{frame_format(fb->format), fb->buf, fb->len, static_cast<uint32_t>(fb->width),
                           static_cast<uint32_t>(fb->height)};
    status = cam::log_frame(g_writer, g_png, frame, step);
    esp_camera_fb_return(fb);
    if (status == tinytb::Status::kOk) status = g_writer.scalar("camera/capture_ms", step, capture_ms);
    if (status != tinytb::Status::kOk) {
      ESP_LOGW(kTag, "step %d: %s", static_cast<int>(step), tinytb::status_name(status));
    }
    vTaskDelay(pdMS_TO_TICKS(1000));
  }
  status = g_writer.close();
  ESP_LOGI(kTag, "done: %s", tinytb::status_name(status));
  esp_vfs_fat_sdcard_unmount(kMount, g_card);
}
