// A bare-metal application built against tinytb through CMake for Cortex-M4 or RV32
// (tests/integration/cmake): a scalar, a text and a compressed PNG through the memory
// port, on Arm timed by the cycle-counter clock (ports/clocks). It is linked, not run
// (examples/cortex_m runs the same library under QEMU); the test asks `nm` whether
// anything pulled in a heap or the C++ runtime.
#include <stdint.h>

#include "memory_sink.h"
#include "tinytb/tinytb.h"
#if CONSUMER_CORTEX_M_CLOCK
#include "cortex_m_clock.h"
#endif

namespace {

uint8_t g_file[8192];
tinytb::MemorySink g_sink(g_file, sizeof(g_file));
tinytb::EventWriter<2048, 4, 32> g_writer;
tinytb::PngEncoder<16, 16, 3, tinytb::PngMode::kCompressed> g_png;
uint8_t g_frame[16 * 16 * 2];

int run() {
  tinytb::WriterOptions options;
  options.logdir = "logs";
  options.run = "m4";
#if CONSUMER_CORTEX_M_CLOCK
  options.clock = tinytb::cortex_m_cycle_clock(25000000);
#endif
  if (g_writer.open(g_sink, options) != tinytb::Status::kOk) return 1;
  for (int64_t step = 0; step < 4; ++step) {
    if (g_writer.scalar("train/loss", step, 1.0f / static_cast<float>(step + 1)) != tinytb::Status::kOk) return 2;
  }
  if (g_writer.text("notes", 0, "bare metal") != tinytb::Status::kOk) return 3;
  for (unsigned i = 0; i < sizeof(g_frame); ++i) g_frame[i] = static_cast<uint8_t>(i * 7);
  const auto view = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb565Be, g_frame, 16, 16);
  if (g_writer.image("camera/frame", 0, view, g_png) != tinytb::Status::kOk) return 4;
  return g_writer.close() == tinytb::Status::kOk ? 0 : 5;
}

}  // namespace

extern "C" {
volatile int g_result;

[[noreturn]] void Reset_Handler() {
  g_result = run();
  for (;;) {
  }
}
}
