// A host twin of examples/esp32_cam/main/main.cc: the same frame logger, writer, PNG
// encoder, POSIX port and ESP-IDF clock, built by the stub ESP-IDF build (stub_idf/) from
// the component's own source list, fed frames from files instead of the camera:
//   step 0: a grayscale frame (PIXFORMAT_GRAYSCALE), step 1: the same as big-endian RGB565
//   (PIXFORMAT_RGB565), step 2: a JPEG (PIXFORMAT_JPEG).
// Usage: esp32_cam_host LOGDIR GRAY_RAW WIDTH HEIGHT JPEG_FILE JPEG_WIDTH JPEG_HEIGHT
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "esp_idf_clock.h"
#include "frame_logger.h"
#include "posix_sink.h"

// esp_timer on the host: microseconds since an arbitrary start, like since boot.
extern "C" int64_t esp_timer_get_time(void) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

namespace {

tinytb::PosixSink g_sink;
cam::Png g_png;
cam::Writer g_writer;
uint8_t g_gray[cam::kMaxWidth * cam::kMaxHeight];
uint8_t g_rgb565[cam::kMaxWidth * cam::kMaxHeight * 2];
uint8_t g_jpeg[64 * 1024];

size_t read_file(const char* path, uint8_t* buf, size_t cap) {
  FILE* f = fopen(path, "rb");
  if (f == nullptr) return 0;
  const size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

bool ok(tinytb::Status s, const char* what) {
  if (s == tinytb::Status::kOk) return true;
  fprintf(stderr, "%s: %s\n", what, tinytb::status_name(s));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s LOGDIR GRAY_RAW W H JPEG W H\n", argv[0]);
    return 2;
  }
  const uint32_t w = static_cast<uint32_t>(atoi(argv[3]));
  const uint32_t h = static_cast<uint32_t>(atoi(argv[4]));
  const size_t gray_size = read_file(argv[2], g_gray, sizeof(g_gray));
  const size_t jpeg_size = read_file(argv[5], g_jpeg, sizeof(g_jpeg));
  if (w * h == 0 || gray_size != static_cast<size_t>(w) * h || jpeg_size == 0) {
    fprintf(stderr, "bad inputs\n");
    return 2;
  }
  // RGB565 as the OV2640 delivers it: big-endian words.
  for (size_t i = 0; i < gray_size; ++i) {
    const unsigned g = g_gray[i];
    const unsigned word = ((g >> 3) << 11) | ((g >> 2) << 5) | (g >> 3);
    g_rgb565[2 * i] = static_cast<uint8_t>(word >> 8);
    g_rgb565[2 * i + 1] = static_cast<uint8_t>(word & 0xFF);
  }
  tinytb::WriterOptions options;
  options.logdir = argv[1];
  options.run = "esp32cam";
  options.host = "esp32cam";
  options.clock = tinytb::esp_idf_clock();
  if (!ok(g_writer.open(g_sink, options), "open")) return 1;
  const cam::Frame frames[] = {
      {cam::FrameFormat::kGrayscale, g_gray, gray_size, w, h},
      {cam::FrameFormat::kRgb565, g_rgb565, gray_size * 2, w, h},
      {cam::FrameFormat::kJpeg, g_jpeg, jpeg_size, static_cast<uint32_t>(atoi(argv[6])),
       static_cast<uint32_t>(atoi(argv[7]))},
  };
  for (int64_t step = 0; step < 3; ++step) {
    if (!ok(cam::log_frame(g_writer, g_png, frames[step], step), "log_frame")) return 1;
  }
  return ok(g_writer.close(), "close") ? 0 : 1;
}
