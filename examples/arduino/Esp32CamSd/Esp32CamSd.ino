// tinytb Arduino example: an ESP32-CAM (AI-Thinker, OV2640) logs camera frames to its SD
// card for TensorBoard: each frame as an image (PNG from RGB565, or the sensor's JPEG as it
// is) with its size and capture time as scalars.
//
// Board: "AI Thinker ESP32-CAM" (Arduino-ESP32 2.x or 3.x), PSRAM enabled.
// Library: tinytb (Sketch > Include Library > Add .ZIP Library..., the zip `make arduino`
// writes; docs/integration.md, "Arduino") and Nanopb from the Library Manager.
// Then copy /logs from the card to a PC: tensorboard --logdir logs
#include <Preferences.h>
#include <SD_MMC.h>
#include <esp_camera.h>
#include <tinytb.h>

#include "arduino_clock.h"
#include "posix_sink.h"

// Set to PIXFORMAT_JPEG to log the sensor's JPEG frames instead of PNGs.
static const pixformat_t kPixelFormat = PIXFORMAT_RGB565;
static const uint32_t kWidth = 160;  // FRAMESIZE_QQVGA
static const uint32_t kHeight = 120;

// Static: the writer holds one RGB frame at its stored worst case (58 KB), the encoder
// 11 KB of arena. Neither fits a task's stack.
static tinytb::PosixSink sink;
static tinytb::PngEncoder<kWidth, kHeight, 3, tinytb::PngMode::kCompressed> png;
static tinytb::EventWriter<tinytb::image_record_bytes(16, kWidth, kHeight, 3) + 1024> writer;
static int64_t step = 0;

static bool start_camera() {
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
  c.frame_size = FRAMESIZE_QQVGA;
  c.jpeg_quality = 12;
  c.fb_count = 1;
  c.fb_location = CAMERA_FB_IN_PSRAM;
  c.grab_mode = CAMERA_GRAB_WHEN_EMPTY;
  return esp_camera_init(&c) == ESP_OK;
}

// Without Wi-Fi time the board does not know the date: name files by a boot counter.
static uint32_t next_boot_count() {
  Preferences prefs;
  prefs.begin("tinytb", false);
  const uint32_t boots = prefs.getUInt("boots", 0) + 1;
  prefs.putUInt("boots", boots);
  prefs.end();
  return boots;
}

static tinytb::Status log_frame(const camera_fb_t* fb) {
  tinytb::Status status;
  if (fb->format == PIXFORMAT_JPEG) {
    tinytb::EncodedImage jpeg;
    jpeg.data = fb->buf;
    jpeg.size = fb->len;
    status = writer.encoded_image("camera/frame", step, jpeg, fb->width, fb->height);
  } else {
    const tinytb::PixelFormat format =
        fb->format == PIXFORMAT_GRAYSCALE ? tinytb::PixelFormat::kGray8 : tinytb::PixelFormat::kRgb565Be;
    status = writer.image("camera/frame", step, tinytb::ImageView::frame(format, fb->buf, fb->width, fb->height), png);
  }
  if (status != tinytb::Status::kOk) return status;
  return writer.scalar("camera/frame_bytes", step, fb->len);
}

void setup() {
  Serial.begin(115200);
  // 1-bit mode: on the ESP32-CAM, data line 1 also drives the flash LED.
  if (!start_camera() || !SD_MMC.begin("/sdcard", true)) {
    Serial.println("camera or SD card failed");
    return;
  }
  tinytb::WriterOptions options;
  options.logdir = "/sdcard/logs";
  options.run = "esp32cam";
  options.host = "esp32cam";
  options.file_stamp = next_boot_count();
  options.clock = tinytb::arduino_clock();
  options.flush_millis = 10000;
  const tinytb::Status status = writer.open(sink, options);
  Serial.printf("tinytb %s: open %s\n", TINYTB_VERSION_STRING, tinytb::status_name(status));
}

void loop() {
  if (!writer.is_open() || step >= 300) {
    if (writer.is_open()) Serial.printf("close: %s\n", tinytb::status_name(writer.close()));
    delay(1000);
    return;
  }
  const uint32_t t0 = millis();
  camera_fb_t* fb = esp_camera_fb_get();
  if (fb == nullptr) return;
  tinytb::Status status = log_frame(fb);
  esp_camera_fb_return(fb);
  if (status == tinytb::Status::kOk) status = writer.scalar("camera/capture_ms", step, millis() - t0);
  if (status != tinytb::Status::kOk) {
    Serial.printf("step %d: %s\n", static_cast<int>(step), tinytb::status_name(status));
  }
  ++step;
  delay(1000);
}
