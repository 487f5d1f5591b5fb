// The debug layer allocation-free, in the alloc-trap binary (tests/writer/alloc_trap_test.cc
// holds main() and the control test that proves the trap counts): sampling, the flight
// recorder (record, trigger, mark, poll) and the tensor inspector (every tag, the layer mode)
// through the real POSIX port, with malloc and new trapped.
#include <gtest/gtest.h>

#include <math.h>
#include <stdlib.h>

#include "alloc_trap.h"
#include "posix_sink.h"
#include "tinytb/debug/flight_recorder.h"
#include "tinytb/debug/sampling.h"
#include "tinytb/debug/tensor_inspector.h"
#include "tinytb/tinytb.h"

namespace {

using tinytb::Status;
using tinytb_test::Armed;

tinytb::WallTime debug_wall() { return tinytb::WallTime{1732241520, 0}; }
uint64_t debug_uptime() {
  static uint64_t t = 0;
  return t += 300;
}

tinytb::PosixSink g_debug_sink;
tinytb::EventWriter<32768, 48> g_debug_writer;
tinytb::PngEncoder<32, 32, 3> g_debug_png;
tinytb::FlightRecorder<4, tinytb::flight_frame_bytes(32, 32, 1), 5> g_debug_recorder;
tinytb::Histogram<16> g_debug_hist;
tinytb::StaticCanvas<64, 64, tinytb::CanvasFormat::kRgb888> g_debug_canvas;
uint8_t g_debug_frame[32 * 32];

TEST(AllocTrap, FlightRecorderSamplingAndInspectorAllocateNothing) {
  char dir_template[] = "/tmp/tinytb_alloc_debug_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  for (int i = 0; i < 32 * 32; ++i) g_debug_frame[i] = static_cast<uint8_t>(i * 7);
  int calls = -1;
  int steps_logged = 0;
  tinytb_test::FirstError check;
  {
    Armed armed;
    tinytb::WriterOptions options;
    options.logdir = dir_template;
    options.run = "device/debug";
    options.clock.wall_time = debug_wall;
    options.clock.uptime_ms = debug_uptime;
    check(g_debug_writer.open(g_debug_sink, options));
    g_debug_recorder.set_clock(g_debug_writer.clock());
    tinytb::TensorInspector inspector{g_debug_writer, g_debug_hist, &g_debug_canvas, &g_debug_png};
    tinytb::ScoreBelow low{0.5f};
    tinytb::ClassFlip flip;
    tinytb::AtMostPerSecond<2> rate{g_debug_writer.clock()};
    tinytb::AllOf<tinytb::AnyOf<tinytb::EveryNSteps, tinytb::OnChange>, tinytb::AtMostPerSecond<2>&> sampled{
        {tinytb::EveryNSteps{4}, tinytb::OnChange{0.1f}}, rate};
    tinytb::AnyOf<tinytb::ScoreBelow&, tinytb::ClassFlip&> dump{low, flip};
    for (int64_t step = 0; step < 12; ++step) {
      int8_t scores[5];
      for (int c = 0; c < 5; ++c) scores[c] = static_cast<int8_t>(c == (step / 6) ? 100 - step * 10 : -100 + c);
      const tinytb::Values outputs{scores, 5, {1.0f / 256, -128}};
      check(g_debug_recorder.record(
          step, tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, g_debug_frame, 32, 32), g_debug_png, outputs));
      const tinytb::Sample s = tinytb::Sample::top1(step, outputs);
      if (sampled.sample(s)) {
        check(inspector.inspect("model/scores", step, outputs));
        ++steps_logged;
      }
      if (dump.sample(s)) check(g_debug_recorder.trigger(g_debug_writer, "dump", "from the trap test"));
      float fmap[4 * 4 * 3];
      for (int i = 0; i < 48; ++i) fmap[i] = sinf(static_cast<float>(i + step));
      check(inspector.layer(step, 1, "CONV_2D", {fmap, 48}, tinytb::HwcShape{4, 4, 3}));
    }
    (void)g_debug_recorder.mark("hard_fault");
    check(g_debug_recorder.poll(g_debug_writer));
    // Refused calls must not allocate either.
    (void)g_debug_recorder.trigger(g_debug_writer, "bad/reason");
    (void)inspector.inspect("x", 99, tinytb::Values{});
    check(g_debug_writer.close());
    calls = armed.allocs();
  }
  EXPECT_EQ(check.status(), Status::kOk) << tinytb::status_name(check.status());
  EXPECT_GT(steps_logged, 0);
  EXPECT_GE(g_debug_recorder.triggers(), 2u);
  EXPECT_EQ(calls, 0) << "heap calls while recording, triggering and inspecting";
}

}  // namespace
