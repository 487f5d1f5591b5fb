// The async writer (include/tinytb/writer/async_writer.h): each policy, loans, the value's
// own wall time, the drop counters, storage errors at the drain, and bad input as Statuses
// (issue 16 point 6). The threaded stress test is tests/writer/async_stress.cc (TSan).
#include "tinytb/writer/async_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_reader.h"
#include "host_os.h"
#include "test_sink.h"

namespace {

using tinytb::FullPolicy;
using tinytb::Status;
using tinytb_test::parse_file;
using tinytb_test::ParsedFile;

int64_t g_seconds = 1700000000;
tinytb::WallTime wall() { return tinytb::WallTime{g_seconds, 500000000u}; }

// Every value of the file as (tag, step, wall time, simple value or first string).
struct Row {
  std::string tag;
  int64_t step;
  double wall;
  float value;
  std::string text;
};
std::vector<Row> rows(const tinytb_test::TestSink& sink) {
  std::vector<Row> out;
  const ParsedFile f = parse_file(sink.last().bytes);
  EXPECT_FALSE(f.torn || f.corrupt);
  for (const auto& e : f.events) {
    for (const auto& v : e.values) {
      out.push_back(Row{v.tag, e.step, e.wall_time, v.simple_value, v.strings.empty() ? v.content : v.strings[0]});
    }
  }
  return out;
}

class AsyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_seconds = 1700000000;
    wo.logdir = "logs";
    wo.run = "async";
    wo.clock.wall_time = wall;
    wo.max_queue = 1000;
    wo.flush_millis = 0;
    ao.os = tinytb::host_os();
    ao.counter_every_ms = 0;
  }
  Status open_and_start(FullPolicy policy) {
    ao.policy = policy;
    const Status s = writer.open(sink, wo);
    if (s != Status::kOk) return s;
    return async.start(ao);
  }
  std::vector<Row> values_of(const std::string& tag) {
    std::vector<Row> out;
    for (const Row& r : rows(sink)) {
      if (r.tag == tag) out.push_back(r);
    }
    return out;
  }

  tinytb_test::TestSink sink;
  tinytb::WriterOptions wo;
  tinytb::AsyncOptions ao;
  tinytb::EventWriter<2048, 16, 40> writer;
  tinytb::AsyncRing<4, 128> values;
  tinytb::AsyncRing<2, 1024> frames;
  tinytb::AsyncWriter async{writer, values, &frames};
};

TEST_F(AsyncTest, ValuesKeepTheWallTimeTheyWereTakenAt) {
  ASSERT_EQ(open_and_start(FullPolicy::kDropNew), Status::kOk);
  ASSERT_EQ(async.scalar("a", 1, 1.5f), Status::kOk);
  g_seconds += 100;  // the drain runs much later
  ASSERT_EQ(async.text("note", 1, "hello"), Status::kOk);
  g_seconds += 100;
  ASSERT_EQ(async.drain(), Status::kOk);
  ASSERT_EQ(async.close(), Status::kOk);
  const auto a = values_of("a");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_DOUBLE_EQ(a[0].wall, 1700000000.5);
  EXPECT_EQ(a[0].value, 1.5f);
  const auto n = values_of("note");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_DOUBLE_EQ(n[0].wall, 1700000100.5);
  EXPECT_NE(n[0].text.find("hello"), std::string::npos);
  EXPECT_EQ(writer.value_time().seconds, 0);  // the writer is back on its clock
}

TEST_F(AsyncTest, DropNewCountsAndLogsTheCounters) {
  ASSERT_EQ(open_and_start(FullPolicy::kDropNew), Status::kOk);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(async.scalar("a", i, 1.0f * i), Status::kOk);
  EXPECT_EQ(async.scalar("a", 4, 4.0f), Status::kBusy);  // 4 slots
  EXPECT_EQ(async.scalar("a", 5, 5.0f), Status::kBusy);
  EXPECT_EQ(async.stats().dropped_records, 2u);
  EXPECT_EQ(async.stats().dropped_bytes, 2u * tinytb::async_scalar_bytes(1));
  ASSERT_EQ(async.drain(), Status::kOk);
  ASSERT_EQ(async.close(), Status::kOk);
  const auto a = values_of("a");
  ASSERT_EQ(a.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a[static_cast<size_t>(i)].step, i);
  const auto d = values_of("tinytb/dropped_records");
  ASSERT_GE(d.size(), 1u);
  EXPECT_EQ(d.back().value, 2.0f);
  for (size_t i = 1; i < d.size(); ++i) EXPECT_GT(d[i].step, d[i - 1].step);
  const auto b = values_of("tinytb/dropped_bytes");
  ASSERT_GE(b.size(), 1u);
  EXPECT_EQ(b.back().value, static_cast<float>(2 * tinytb::async_scalar_bytes(1)));
}

TEST_F(AsyncTest, DropOldestKeepsTheNewest) {
  ASSERT_EQ(open_and_start(FullPolicy::kDropOldest), Status::kOk);
  for (int i = 0; i < 6; ++i) ASSERT_EQ(async.scalar("a", i, 1.0f * i), Status::kOk);
  EXPECT_EQ(async.stats().dropped_records, 2u);
  ASSERT_EQ(async.close(), Status::kOk);
  const auto a = values_of("a");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a.front().step, 2);
  EXPECT_EQ(a.back().step, 5);
}

TEST_F(AsyncTest, WaitTimesOutAndRefusesInAnInterrupt) {
  ao.wait_ms = 20;
  ASSERT_EQ(open_and_start(FullPolicy::kWait), Status::kOk);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(async.scalar("a", i, 1.0f), Status::kOk);
  EXPECT_EQ(async.scalar("a", 4, 1.0f), Status::kBusy);  // nobody drains: the wait ends
  {
    tinytb::HostInterruptScope irq;
    EXPECT_EQ(async.scalar("a", 5, 1.0f), Status::kUnsupported);  // may not wait here
    EXPECT_EQ(async.drain(), Status::kUnsupported);
    EXPECT_EQ(async.close(), Status::kUnsupported);
    tinytb::FrameLoan loan;
    EXPECT_EQ(async.wait(loan, 10), Status::kUnsupported);
  }
  EXPECT_EQ(async.stats().dropped_records, 2u);
  ASSERT_EQ(async.close(), Status::kOk);
}

TEST_F(AsyncTest, WaitNeedsASleep) {
  ao.policy = FullPolicy::kWait;
  ao.os = tinytb::AsyncOs{};
  ASSERT_EQ(writer.open(sink, wo), Status::kOk);
  EXPECT_EQ(async.start(ao), Status::kInvalidArgument);
}

TEST_F(AsyncTest, BadInputIsAStatus) {
  // Not started, writer closed.
  EXPECT_EQ(async.scalar("a", 1, 1.0f), Status::kNotOpen);
  EXPECT_EQ(async.drain(), Status::kNotOpen);
  EXPECT_EQ(async.start(ao), Status::kNotOpen);
  ASSERT_EQ(open_and_start(FullPolicy::kDropNew), Status::kOk);
  EXPECT_EQ(async.start(ao), Status::kAlreadyOpen);
  EXPECT_EQ(async.scalar(nullptr, 1, 1.0f), Status::kInvalidTag);
  EXPECT_EQ(async.scalar("", 1, 1.0f), Status::kInvalidTag);
  EXPECT_EQ(async.text("t", 1, nullptr), Status::kInvalidArgument);
  const std::string long_text(200, 'x');
  EXPECT_EQ(async.text("t", 1, long_text.c_str()), Status::kTooLarge);  // beyond a 128-byte slot
  uint8_t png[2000] = {};
  EXPECT_EQ(async.encoded_image("i", 1, tinytb::EncodedImage{png, sizeof(png)}, 1, 1), Status::kTooLarge);
  EXPECT_EQ(async.encoded_image("i", 1, tinytb::EncodedImage{nullptr, 3}, 1, 1), Status::kInvalidArgument);
  EXPECT_EQ(async.stats().dropped_records, 0u);  // refusals are not drops
  // The writer refuses at the drain: counted as dropped (rejected).
  ASSERT_EQ(async.scalar("s", 5, 1.0f), Status::kOk);
  ASSERT_EQ(async.scalar("s", 5, 2.0f), Status::kOk);  // step not increasing
  ASSERT_EQ(async.drain(), Status::kOk);
  EXPECT_EQ(async.stats().rejected_records, 1u);
  EXPECT_EQ(async.stats().dropped_records, 1u);
  // A writer closed under the drain.
  ASSERT_EQ(writer.close(), Status::kOk);
  EXPECT_EQ(async.drain(), Status::kNotOpen);
}

TEST_F(AsyncTest, ATooSmallRingIsRefusedAtStart) {
  tinytb::AsyncRing<2, 64> tiny;
  tinytb::AsyncWriter small(writer, tiny);
  ASSERT_EQ(writer.open(sink, wo), Status::kOk);
  EXPECT_EQ(small.start(ao), Status::kTooLarge);
}

TEST_F(AsyncTest, AStorageErrorKeepsTheValueForTheNextDrain) {
  // A writer whose queue holds 3 scalars: the 4th needs a flush, which fails.
  tinytb::EventWriter<160, 4, 16> small_writer;
  tinytb::AsyncRing<8, 128> ring;
  tinytb::AsyncWriter small(small_writer, ring);
  ASSERT_EQ(small_writer.open(sink, wo), Status::kOk);
  ASSERT_EQ(small.start(ao), Status::kOk);
  for (int i = 1; i <= 6; ++i) ASSERT_EQ(small.scalar("a", i, 1.0f * i), Status::kOk);
  sink.fail_write = Status::kIoError;
  size_t written = 0;
  EXPECT_EQ(small.drain(SIZE_MAX, &written), Status::kIoError);
  EXPECT_LT(written, 6u);
  sink.fail_write = Status::kOk;
  ASSERT_EQ(small.drain(SIZE_MAX, &written), Status::kOk);
  ASSERT_EQ(small.close(), Status::kOk);
  const auto a = values_of("a");
  ASSERT_EQ(a.size(), 6u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].step, static_cast<int64_t>(i + 1));
  EXPECT_EQ(small.stats().dropped_records, 0u);
}

TEST_F(AsyncTest, AFailedFlushIsReportedByTheDrain) {
  wo.max_queue = 1;  // the writer flushes after every value; a failed flush keeps it queued
  ASSERT_EQ(open_and_start(FullPolicy::kDropNew), Status::kOk);
  ASSERT_EQ(async.scalar("a", 1, 1.0f), Status::kOk);
  sink.fail_write = Status::kIoError;
  EXPECT_EQ(async.drain(), Status::kIoError);
  sink.fail_write = Status::kOk;
  ASSERT_EQ(async.close(), Status::kOk);
  EXPECT_EQ(values_of("a").size(), 1u);
}

TEST_F(AsyncTest, ImagesEncodedByTheProducerAndLentFrames) {
  ASSERT_EQ(open_and_start(FullPolicy::kDropNew), Status::kOk);
  static uint8_t pixels[16 * 16];
  for (size_t i = 0; i < sizeof(pixels); ++i) pixels[i] = static_cast<uint8_t>(i);
  const tinytb::ImageView view = tinytb::ImageView::frame(tinytb::PixelFormat::kGray8, pixels, 16, 16);
  static tinytb::PngEncoder<16, 16, 1> png;
  ASSERT_EQ(async.image("cam", 1, view, png), Status::kOk);
  // A frame lent: the drain encodes it through the writer.
  tinytb::FrameLoan loan;
  EXPECT_TRUE(loan.done());
  ASSERT_EQ(async.lend_image(loan, "cam", 2, view, png), Status::kOk);
  EXPECT_FALSE(loan.done());
  EXPECT_EQ(async.lend_image(loan, "cam", 3, view, png), Status::kBusy);  // still lent
  EXPECT_EQ(async.wait(loan, 5), Status::kBusy);                         // nobody drained
  ASSERT_EQ(async.drain(), Status::kOk);
  EXPECT_TRUE(loan.done());
  EXPECT_EQ(loan.result(), Status::kOk);
  EXPECT_EQ(async.wait(loan, 5), Status::kOk);
  ASSERT_EQ(async.close(), Status::kOk);
  const ParsedFile f = parse_file(sink.last().bytes);
  int images = 0;
  for (const auto& e : f.events) {
    for (const auto& v : e.values) {
      if (v.tag.rfind("cam", 0) == 0) {
        ++images;
        EXPECT_EQ(e.step, images);
      }
    }
  }
  EXPECT_EQ(images, 2);
}

TEST_F(AsyncTest, ADroppedLoanIsGivenBack) {
  ASSERT_EQ(open_and_start(FullPolicy::kDropOldest), Status::kOk);
  uint8_t bytes[] = {0x89, 'P', 'N', 'G'};
  tinytb::FrameLoan a, b, c;
  ASSERT_EQ(async.lend_encoded_image(a, "x", 1, tinytb::EncodedImage{bytes, 4}, 1, 1), Status::kOk);
  ASSERT_EQ(async.lend_encoded_image(b, "x", 2, tinytb::EncodedImage{bytes, 4}, 1, 1), Status::kOk);
  ASSERT_EQ(async.lend_encoded_image(c, "x", 3, tinytb::EncodedImage{bytes, 4}, 1, 1), Status::kOk);
  EXPECT_TRUE(a.done());  // the oldest was dropped to make room
  EXPECT_EQ(a.result(), Status::kBusy);
  EXPECT_FALSE(b.done());
  ASSERT_EQ(async.close(), Status::kOk);
  EXPECT_TRUE(b.done());
  EXPECT_TRUE(c.done());
}

TEST_F(AsyncTest, CloseWithoutStartLeavesTheWriterAlone) {
  ASSERT_EQ(writer.open(sink, wo), Status::kOk);
  EXPECT_EQ(async.close(), Status::kNotOpen);
  EXPECT_TRUE(writer.is_open());
  ASSERT_EQ(async.start(ao), Status::kOk);
  ASSERT_EQ(async.close(), Status::kOk);
  EXPECT_FALSE(writer.is_open());
  EXPECT_EQ(async.close(), Status::kNotOpen);  // closed already
}

TEST_F(AsyncTest, CloseStopsProducersAndClosesTheWriter) {
  ASSERT_EQ(open_and_start(FullPolicy::kDropNew), Status::kOk);
  ASSERT_EQ(async.scalar("a", 1, 1.0f), Status::kOk);
  ASSERT_EQ(async.close(), Status::kOk);
  EXPECT_FALSE(writer.is_open());
  EXPECT_EQ(async.scalar("a", 2, 1.0f), Status::kNotOpen);
  EXPECT_EQ(async.drain(), Status::kNotOpen);
  EXPECT_EQ(values_of("a").size(), 1u);
  EXPECT_EQ(values_of("tinytb/dropped_records").size(), 1u);  // close logs the final counts
}

}  // namespace
