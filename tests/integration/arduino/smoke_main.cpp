// The assembled Arduino library linked on the host: what a sketch does, from <tinytb.h>
// and the flattened ports and clock only. millis() is the stand-in for the Arduino core.
#include <stdio.h>
#include <time.h>
#include <tinytb.h>

#include "arduino_clock.h"
#include "memory_sink.h"
#include "posix_sink.h"

unsigned long millis() { return static_cast<unsigned long>(clock()) / (CLOCKS_PER_SEC / 1000); }

static tinytb::PosixSink sink;
static tinytb::PngEncoder<16, 16, 1, tinytb::PngMode::kLodepng> png;  // the lodepng unit, linked
static tinytb::EventWriter<8192> writer;
static uint8_t frame[16 * 16];

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  for (int i = 0; i < 256; ++i) frame[i] = static_cast<uint8_t>(i);
  tinytb::WriterOptions options;
  options.logdir = argv[1];
  options.clock = tinytb::arduino_clock();
  if (writer.open(sink, options) != tinytb::Status::kOk) return 1;
  for (int step = 0; step < 3; ++step) {
    if (writer.scalar("sketch/value", step, step * 0.5f) != tinytb::Status::kOk) return 1;
  }
  const auto view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, frame, 16, 16);
  if (writer.image("sketch/frame", 0, view, png) != tinytb::Status::kOk) return 1;
  printf("tinytb %s\n", TINYTB_VERSION_STRING);
  return writer.close() == tinytb::Status::kOk ? 0 : 1;
}
