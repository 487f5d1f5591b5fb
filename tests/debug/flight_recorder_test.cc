// The flight recorder (include/tinytb/debug/flight_recorder.h), read back from the event
// file: nothing before a trigger, the last N frames at their own steps and record-time wall
// times, outputs and note, a resumed trigger after a sink failure, marks from a handler.
#include <gtest/gtest.h>

#include <string.h>

#include <string>
#include <vector>

#include "event_reader.h"
#include "lodepng_decoder.h"
#include "test_sink.h"
#include "tinytb/debug/flight_recorder.h"
#include "tinytb/debug/sampling.h"
#include "wall_clock.h"

namespace {

using tinytb::Status;
using tinytb_test::ParsedEvent;
using tinytb_test::ParsedFile;
using tinytb_test::TestSink;

double g_wall = 1732241520.0;
tinytb::WallTime wall() { return wall_time_of(g_wall); }

constexpr uint32_t kSide = 8;
using Recorder = tinytb::FlightRecorder<3, tinytb::flight_frame_bytes(kSide, kSide, 1), 4>;

struct Found {
  int64_t step;
  double wall_time;
  const tinytb_test::ParsedValue* value;
};

class FlightRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_wall = 1732241520.0;
    options = tinytb_test::tensor_form();
    options.clock.wall_time = wall;
    options.max_queue = 1000;
    options.flush_millis = 0;
    ASSERT_EQ(writer.open(sink, options), Status::kOk);
    recorder.set_clock(writer.clock());
    for (uint32_t i = 0; i < kSide * kSide; ++i) pixels[i] = static_cast<uint8_t>(i * 3);
  }

  // Frame i: pixels shifted by i, so each kept PNG is different; scores peak at class i % 4.
  Status record(int64_t step, int i) {
    for (uint32_t p = 0; p < kSide * kSide; ++p) pixels[p] = static_cast<uint8_t>(p * 3 + static_cast<uint32_t>(i));
    for (int c = 0; c < 4; ++c) scores[c] = static_cast<int8_t>(c == i % 4 ? 100 - i : -50 + c);
    return recorder.record(step, tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, pixels, kSide, kSide), png,
                           tinytb::Values{scores, 4, {0.01f, -28}});
  }

  ParsedFile parsed() {
    EXPECT_EQ(writer.flush(), Status::kOk);
    return tinytb_test::parse_file(sink.file(0).bytes);
  }

  static std::vector<Found> values(const ParsedFile& f, const std::string& tag) {
    std::vector<Found> out;
    for (const ParsedEvent& e : f.events) {
      for (const auto& v : e.values) {
        if (v.tag == tag) out.push_back(Found{e.step, e.wall_time, &v});
      }
    }
    return out;
  }

  TestSink sink;
  tinytb::WriterOptions options;
  tinytb::EventWriter<16384, 32, 64> writer;
  tinytb::PngEncoder<kSide, kSide, 1> png;
  Recorder recorder;
  uint8_t pixels[kSide * kSide];
  int8_t scores[4];
};

TEST_F(FlightRecorderTest, NothingIsWrittenBeforeATrigger) {
  for (int i = 0; i < 10; ++i) {
    g_wall += 1.0;
    ASSERT_EQ(record(i, i), Status::kOk);
  }
  EXPECT_EQ(recorder.frames(), 3u);
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 1u);  // the file_version record only
  EXPECT_FALSE(f.events[0].has_summary);
}

TEST_F(FlightRecorderTest, TriggerWritesTheLastFramesAtTheirStepsAndRecordTimes) {
  const char* const labels[] = {"yes", "no", "left", "right"};
  ASSERT_EQ(recorder.set_labels(labels, 2), Status::kOk);
  for (int i = 0; i < 5; ++i) {
    g_wall = 1732241520.0 + i;  // frame i recorded at +i s
    ASSERT_EQ(record(10 + i, i), Status::kOk);
  }
  g_wall = 1732241600.5;  // the trigger, much later
  ASSERT_EQ(recorder.trigger(writer, "low_score", "top score 0.3 < 0.6"), Status::kOk);
  EXPECT_EQ(recorder.frames(), 0u);
  EXPECT_EQ(recorder.triggers(), 1u);

  const ParsedFile f = parsed();
  const std::vector<Found> frames = values(f, "flight/low_score/frame");
  ASSERT_EQ(frames.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const int i = 2 + k;  // frames 2, 3, 4 are the last three
    EXPECT_EQ(frames[k].step, 10 + i);
    EXPECT_DOUBLE_EQ(frames[k].wall_time, 1732241520.0 + i);
    ASSERT_EQ(frames[k].value->strings.size(), 3u);  // width, height, PNG
    EXPECT_EQ(frames[k].value->strings[0], "8");
    // The PNG is the frame as it was at its step, not the buffer's content now.
    for (uint32_t p = 0; p < kSide * kSide; ++p) pixels[p] = static_cast<uint8_t>(p * 3 + static_cast<uint32_t>(i));
    uint8_t expected[tinytb::flight_frame_bytes(kSide, kSide, 1)];
    size_t size = 0;
    ASSERT_EQ(png.encode(tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, pixels, kSide, kSide), expected,
                         sizeof(expected), &size),
              Status::kOk);
    EXPECT_EQ(frames[k].value->strings[2], std::string(reinterpret_cast<char*>(expected), size));
  }
  const std::vector<Found> score = values(f, "flight/low_score/score");
  ASSERT_EQ(score.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const int i = 2 + k;
    EXPECT_EQ(score[k].step, 10 + i);
    EXPECT_DOUBLE_EQ(score[k].wall_time, 1732241520.0 + i);
    ASSERT_EQ(score[k].value->floats.size(), 1u);
    EXPECT_FLOAT_EQ(score[k].value->floats[0], 0.01f * static_cast<float>(100 - i + 28));
  }
  const std::vector<Found> outputs = values(f, "flight/low_score/outputs");
  ASSERT_EQ(outputs.size(), 3u);
  ASSERT_EQ(outputs[0].value->strings.size(), 1u);
  EXPECT_NE(outputs[0].value->strings[0].find("| left | 1.2600 |"), std::string::npos) << outputs[0].value->strings[0];
  const std::vector<Found> note = values(f, "flight/low_score/note");
  ASSERT_EQ(note.size(), 1u);
  EXPECT_EQ(note[0].step, 14);
  EXPECT_DOUBLE_EQ(note[0].wall_time, 1732241600.5);
  ASSERT_EQ(note[0].value->strings.size(), 1u);
  EXPECT_EQ(note[0].value->strings[0],
            "Trigger **low_score** fired at step 14.\n\ntop score 0.3 < 0.6\n\nFrames before it: 3, steps 12 to 14.");
}

TEST_F(FlightRecorderTest, ASecondTriggerWritesOnlyNewFrames) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(record(i, i), Status::kOk);
  ASSERT_EQ(recorder.trigger(writer, "flip"), Status::kOk);
  ASSERT_EQ(record(3, 3), Status::kOk);
  ASSERT_EQ(recorder.trigger(writer, "flip"), Status::kOk);
  const ParsedFile f = parsed();
  const std::vector<Found> frames = values(f, "flight/flip/frame");
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[3].step, 3);
  ASSERT_EQ(values(f, "flight/flip/note").size(), 2u);
}

TEST_F(FlightRecorderTest, AFailedTriggerKeepsTheFramesAndResumesWithoutDuplicates) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(record(i, i), Status::kOk);
  // A queue too small for every value: the trigger must flush part-way, and the sink fails then.
  TestSink sink2;
  tinytb::EventWriter<1024, 32, 64> small;
  ASSERT_EQ(small.open(sink2, options), Status::kOk);
  sink2.fail_write = Status::kIoError;
  EXPECT_EQ(recorder.trigger(small, "low"), Status::kIoError);
  EXPECT_EQ(recorder.frames(), 3u);  // kept for a retry
  sink2.fail_write = Status::kOk;
  ASSERT_EQ(recorder.trigger(small, "low"), Status::kOk);
  EXPECT_EQ(recorder.frames(), 0u);
  ASSERT_EQ(small.flush(), Status::kOk);
  const ParsedFile f = tinytb_test::parse_file(sink2.file(0).bytes);
  ASSERT_FALSE(f.corrupt);
  for (const char* tag : {"flight/low/frame", "flight/low/score", "flight/low/outputs"}) {
    const std::vector<Found> got = values(f, tag);
    ASSERT_EQ(got.size(), 3u) << tag;
    for (int k = 0; k < 3; ++k) EXPECT_EQ(got[k].step, k) << tag;
  }
  EXPECT_EQ(values(f, "flight/low/note").size(), 1u);
}

TEST_F(FlightRecorderTest, ArgumentsAreCheckedFirst) {
  ASSERT_EQ(record(5, 0), Status::kOk);
  EXPECT_EQ(record(5, 1), Status::kStepNotIncreasing);
  EXPECT_EQ(record(4, 1), Status::kStepNotIncreasing);
  int8_t many[5] = {};
  const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, pixels, kSide, kSide);
  EXPECT_EQ(recorder.record(6, view, png, tinytb::Values{many, 5}), Status::kTooLarge);
  EXPECT_EQ(recorder.record(6, view, png, tinytb::Values{many, 4, {0.0f, 0}}), Status::kInvalidArgument);
  EXPECT_EQ(recorder.record(6, tinytb::ImageView{}, png, tinytb::Values{}), Status::kInvalidArgument);
  // A frame larger than the slot: the encoder says kTooLarge.
  static uint8_t big[64 * 64];
  tinytb::PngEncoder<64, 64, 1> big_png;
  EXPECT_EQ(recorder.record(6, tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, big, 64, 64), big_png,
                            tinytb::Values{}),
            Status::kTooLarge);
  EXPECT_EQ(recorder.frames(), 1u);
  // Encoded bytes: a PNG or JPEG whose header gives the size said (a SOF0 for 2x2 here).
  const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 2, 0, 2, 1, 1, 0x11, 0, 0xFF, 0xD9};
  const uint8_t junk[] = {1, 2, 3, 4};
  EXPECT_EQ(recorder.record(7, tinytb::EncodedImage{junk, 4}, 2, 2, tinytb::Values{}), Status::kInvalidArgument);
  EXPECT_EQ(recorder.record(7, tinytb::EncodedImage{jpeg, sizeof(jpeg)}, 0, 2, tinytb::Values{}),
            Status::kInvalidArgument);
  EXPECT_EQ(recorder.record(7, tinytb::EncodedImage{jpeg, sizeof(jpeg)}, 3, 2, tinytb::Values{}),
            Status::kInvalidArgument);
  EXPECT_EQ(recorder.record(7, tinytb::EncodedImage{jpeg, sizeof(jpeg)}, 2, 2, tinytb::Values{}), Status::kOk);
  EXPECT_EQ(recorder.frames(), 2u);
  // Reasons are one tag component.
  EXPECT_EQ(recorder.trigger(writer, nullptr), Status::kInvalidArgument);
  EXPECT_EQ(recorder.trigger(writer, "a/b"), Status::kInvalidTag);
  EXPECT_EQ(recorder.trigger(writer, ""), Status::kInvalidTag);
  EXPECT_EQ(recorder.set_labels(nullptr, 0), Status::kInvalidArgument);
  EXPECT_EQ(recorder.frames(), 2u);
  // Frames without outputs: only the frame and the note are written.
  ASSERT_EQ(recorder.trigger(writer, "app"), Status::kOk);
  const ParsedFile f = parsed();
  EXPECT_EQ(values(f, "flight/app/frame").size(), 2u);
  EXPECT_EQ(values(f, "flight/app/score").size(), 1u);  // frame 5 had outputs, the JPEG none
}

TEST_F(FlightRecorderTest, MarkFromAHandlerIsWrittenByPoll) {
  ASSERT_EQ(record(1, 1), Status::kOk);
  EXPECT_EQ(recorder.poll(writer), Status::kOk);  // nothing pending: nothing written
  EXPECT_TRUE(recorder.mark("hard fault!"));
  EXPECT_FALSE(recorder.mark("second"));  // one pending mark at a time
  EXPECT_TRUE(recorder.marked());
  ASSERT_EQ(recorder.poll(writer), Status::kOk);
  EXPECT_FALSE(recorder.marked());
  EXPECT_TRUE(recorder.mark("a_reason_much_longer_than_twenty_three"));
  ASSERT_EQ(record(2, 2), Status::kOk);
  ASSERT_EQ(recorder.poll(writer), Status::kOk);
  const ParsedFile f = parsed();
  EXPECT_EQ(values(f, "flight/hard_fault_/frame").size(), 1u);
  const std::vector<Found> note = values(f, "flight/hard_fault_/note");
  ASSERT_EQ(note.size(), 1u);
  EXPECT_NE(note[0].value->strings[0].find("Marked by a handler."), std::string::npos);
  EXPECT_EQ(values(f, "flight/a_reason_much_longer_th/frame").size(), 1u);
}

TEST_F(FlightRecorderTest, CompressedFramesTakeLessRoomAndDecodeToTheFrame) {
  // 48x48 RGB frames in slots of 2 KiB, under a third of their stored size: smooth frames compress into them.
  constexpr uint32_t kW = 48;
  static_assert(tinytb::flight_frame_bytes(kW, kW, 3) > 3 * 2048, "");
  static tinytb::FlightRecorder<2, 2048> compressed;
  static tinytb::PngEncoder<kW, kW, 3, tinytb::PngMode::kCompressed> deflate;
  static uint8_t rgb[3][kW * kW * 3];
  compressed.set_clock(writer.clock());
  for (int f = 0; f < 3; ++f) {
    for (uint32_t i = 0; i < kW * kW * 3; ++i) rgb[f][i] = static_cast<uint8_t>(i / 3 / kW * 5 + f * 20 + i % 3);
    ASSERT_EQ(compressed.record(f, tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, rgb[f], kW, kW), deflate,
                                tinytb::Values{}),
              Status::kOk);
    EXPECT_LT(compressed.frame(compressed.frames() - 1)->bytes, 2048u);
  }
  // Noise does not compress into 2 KiB: kTooLarge, and the oldest frame (its slot) is gone.
  static uint8_t noise[kW * kW * 3];
  uint32_t x = 1;
  for (uint8_t& v : noise) v = static_cast<uint8_t>((x = x * 1664525u + 1013904223u) >> 24);
  EXPECT_EQ(compressed.record(3, tinytb::ImageView::frame(tinytb::PixelFormat::kRgb888, noise, kW, kW), deflate,
                              tinytb::Values{}),
            Status::kTooLarge);
  ASSERT_EQ(compressed.frames(), 1u);
  ASSERT_EQ(compressed.trigger(writer, "compressed"), Status::kOk);
  const ParsedFile f = parsed();
  const std::vector<Found> frames = values(f, "flight/compressed/frame");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].step, 2);
  const std::string& png_bytes = frames[0].value->strings[2];
  tinytb_test::DecodedPng decoded;
  ASSERT_TRUE(tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(png_bytes.data()), png_bytes.size(), &decoded))
      << decoded.error;
  ASSERT_EQ(decoded.channels, 3u);
  EXPECT_EQ(decoded.pixels, std::vector<uint8_t>(rgb[2], rgb[2] + sizeof(rgb[2])));
}

TEST(FlightRecorderSize, StorageIsKnownAtCompileTime) {
  using R = tinytb::FlightRecorder<8, tinytb::flight_frame_bytes(96, 96, 1), 12>;
  static_assert(R::storage_bytes() >= 8 * (tinytb::flight_frame_bytes(96, 96, 1) + 12 * 4), "");
  static_assert(R::storage_bytes() <= 8 * (tinytb::flight_frame_bytes(96, 96, 1) + 12 * 4 + 48) + 128, "");
  EXPECT_GT(R::storage_bytes(), 8u * 96u * 96u);
}

}  // namespace
