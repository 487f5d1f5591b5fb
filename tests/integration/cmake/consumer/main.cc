// A host application built against tinytb through CMake (tests/integration/cmake): logs a
// scalar series, a text and two small PNG images (tinytb's deflate and lodepng's) with the
// POSIX port and the system clock. tests/integration/cmake/check_events.py reads the file
// back with TensorBoard and knows every value written here.
//
//   consumer LOGDIR
#include <stdint.h>
#include <stdio.h>

#include "posix_sink.h"
#include "tinytb/tinytb.h"

namespace {

constexpr uint32_t kWidth = 24;
constexpr uint32_t kHeight = 16;
uint8_t g_frame[kWidth * kHeight * 3];

tinytb::PosixSink g_sink;
tinytb::EventWriter<8192> g_writer;
tinytb::PngEncoder<kWidth, kHeight, 3, tinytb::PngMode::kCompressed> g_png;
tinytb::PngEncoder<kWidth, kHeight, 3, tinytb::PngMode::kLodepng> g_png_lodepng;

bool ok(tinytb::Status status, const char* what) {
  if (status == tinytb::Status::kOk) return true;
  fprintf(stderr, "consumer: %s: %s\n", what, tinytb::status_name(status));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: consumer LOGDIR\n");
    return 2;
  }
  // The pattern check_events.py expects: R = 10 * x, G = 15 * y, B = 255 - 10 * x.
  for (uint32_t y = 0; y < kHeight; ++y) {
    for (uint32_t x = 0; x < kWidth; ++x) {
      uint8_t* p = &g_frame[(y * kWidth + x) * 3];
      p[0] = static_cast<uint8_t>(10 * x);
      p[1] = static_cast<uint8_t>(15 * y);
      p[2] = static_cast<uint8_t>(255 - 10 * x);
    }
  }
  tinytb::WriterOptions options;
  options.logdir = argv[1];
  options.run = "cmake";
  options.host = "consumer";
  options.clock = tinytb::posix_clock();
  if (!ok(g_writer.open(g_sink, options), "open")) return 1;
  for (int64_t step = 0; step < 10; ++step) {
    if (!ok(g_writer.scalar("train/loss", step, 1.0f / static_cast<float>(step + 1)), "scalar")) return 1;
  }
  if (!ok(g_writer.text("notes", 0, "built with **CMake**"), "text")) return 1;
  const auto view = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, g_frame, kWidth, kHeight);
  if (!ok(g_writer.image("camera/compressed", 0, view, g_png), "image")) return 1;
  if (!ok(g_writer.image("camera/lodepng", 0, view, g_png_lodepng), "image (lodepng)")) return 1;
  printf("consumer: writing %s/%s\n", g_writer.dir(), g_writer.file_name());
  return ok(g_writer.close(), "close") ? 0 : 1;
}
