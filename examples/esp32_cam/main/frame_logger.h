// examples/esp32_cam: logging one camera frame, the part of the example that needs no
// ESP-IDF header (main.cc turns esp32-camera's camera_fb_t into a Frame). The host build
// of tests/integration/esp_idf compiles and runs this file as it is.
#ifndef TINYTB_EXAMPLES_ESP32_CAM_FRAME_LOGGER_H_
#define TINYTB_EXAMPLES_ESP32_CAM_FRAME_LOGGER_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/tinytb.h"

namespace cam {

// The formats of esp32-camera's pixformat_t this example logs.
enum class FrameFormat : uint8_t {
  kRgb565,     // PIXFORMAT_RGB565: big-endian words (the sensor's byte order)
  kGrayscale,  // PIXFORMAT_GRAYSCALE
  kJpeg,       // PIXFORMAT_JPEG: the sensor's own encoder; logged as it is, no re-encoding
};

struct Frame {
  FrameFormat format;
  const uint8_t* data;
  size_t size;  // bytes in data (a JPEG's length; width * height * bpp otherwise)
  uint32_t width;
  uint32_t height;
};

// FRAMESIZE_QQVGA. The PNG encoder and the queue below hold one frame of this size; a
// larger frame is kTooLarge (JPEG frames only need to fit the queue).
constexpr uint32_t kMaxWidth = 160;
constexpr uint32_t kMaxHeight = 120;
constexpr const char* kFrameTag = "camera/frame";

using Png = tinytb::PngEncoder<kMaxWidth, kMaxHeight, 3, tinytb::PngMode::kCompressed>;
// One RGB frame at its stored worst case, plus room for the scalars around it.
constexpr size_t kQueueBytes = tinytb::image_record_bytes(16, kMaxWidth, kMaxHeight, 3) + 1024;
using Writer = tinytb::EventWriter<kQueueBytes>;

// Logs `frame` at `step` as "camera/frame" (PNG for RGB565 and gray, the JPEG as it is)
// and its size as "camera/frame_bytes". Returns the first failure; on failure nothing of
// that call is half-written (the writer's contract).
tinytb::Status log_frame(tinytb::EventWriterBase& writer, Png& png, const Frame& frame, int64_t step);

}  // namespace cam

#endif  // TINYTB_EXAMPLES_ESP32_CAM_FRAME_LOGGER_H_
