// The event writer: forms, tags, steps, time, queue, flush policy, failures.
#include "tinytb/writer/event_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "event_reader.h"
#include "test_sink.h"
#include "wall_clock.h"

namespace {

using tinytb_test::tensor_form;

using tinytb::Status;
using tinytb_test::parse_file;
using tinytb_test::ParsedFile;
using tinytb_test::TestSink;

// A controllable clock (one per binary, like the real one).
double g_wall = 1732241520.25;
uint64_t g_uptime = 5000;
tinytb::WallTime wall() { return wall_time_of(g_wall); }
uint64_t g_uptime_reads = 0;
uint64_t uptime() {
  ++g_uptime_reads;
  return g_uptime;
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_wall = 1732241520.25;
    g_uptime = 5000;
    options.logdir = "logs";
    options.run = "run1";
    options.host = "board";
    options.clock.wall_time = wall;
    options.clock.uptime_ms = uptime;
    options.max_queue = 1000;
    options.flush_millis = 0;
  }

  ParsedFile parsed(size_t i = 0) { return parse_file(sink.file(i).bytes); }

  TestSink sink;
  tinytb::WriterOptions options = tensor_form();
  tinytb::EventWriter<1024, 8, 40> writer;
};

TEST_F(WriterTest, OpenWritesFileVersionFirstAndSyncsIt) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(sink.current_name, "logs/run1/events.out.tfevents.1732241520.board.0000.v2");
  EXPECT_EQ(std::string(writer.dir()), "logs/run1");
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 1u);
  EXPECT_FALSE(f.torn || f.corrupt);
  EXPECT_EQ(f.events[0].file_version, "brain.Event:2");
  EXPECT_DOUBLE_EQ(f.events[0].wall_time, 1732241520.25);
  EXPECT_EQ(sink.file(0).synced, sink.file(0).bytes.size());
  EXPECT_EQ(writer.file_bytes(), sink.file(0).bytes.size());
  EXPECT_EQ(writer.close(), Status::kOk);
  EXPECT_TRUE(sink.file(0).closed);
}

TEST_F(WriterTest, WithoutClockTheNameUsesTheBootCounterAndTimeIsZero) {
  options.clock = tinytb::Clock{};
  options.file_stamp = 417;
  options.run = "";
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(sink.current_name, "logs/events.out.tfevents.0000000417.board.0000.v2");
  ASSERT_EQ(writer.scalar("x", 1, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  for (const auto& e : parsed().events) EXPECT_EQ(e.wall_time, 0.0);
}

// Readings that are not a known time: 1970, before 1970, nanoseconds out of range, and
// seconds beyond kMaxWallSeconds.
tinytb::WallTime unset_clock() { return tinytb::WallTime{}; }
tinytb::WallTime negative_clock() { return tinytb::WallTime{-5, 0}; }
tinytb::WallTime bad_nanos_clock() { return tinytb::WallTime{1732241520, 1000000000u}; }
tinytb::WallTime far_clock() { return tinytb::WallTime{tinytb::kMaxWallSeconds, 0}; }

TEST_F(WriterTest, BadWallClockFallsBackToUptime) {
  for (auto clock : {unset_clock, negative_clock, bad_nanos_clock, far_clock}) {
    TestSink s;
    tinytb::EventWriter<512, 4> w;
    options.clock.wall_time = clock;
    options.file_stamp = 9;
    g_uptime = 12345;
    ASSERT_EQ(w.open(s, options), Status::kOk);
    ASSERT_EQ(w.scalar("x", 0, 2.0f), Status::kOk);
    ASSERT_EQ(w.close(), Status::kOk);
    EXPECT_NE(s.current_name.find(".0000000009."), std::string::npos) << s.current_name;
    const ParsedFile f = parse_file(s.file(0).bytes);
    ASSERT_EQ(f.events.size(), 2u);
    for (const auto& e : f.events) {
      EXPECT_TRUE(std::isfinite(e.wall_time));
      EXPECT_DOUBLE_EQ(e.wall_time, 12.345);
    }
  }
}

TEST_F(WriterTest, ScalarIsTf2FormWithMetadataOnFirstValueOnly) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("loss", 0, 0.5f), Status::kOk);
  ASSERT_EQ(writer.scalar("loss", 1, 0.25f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 3u);
  for (int i = 1; i <= 2; ++i) {
    const auto& e = f.events[static_cast<size_t>(i)];
    EXPECT_EQ(e.step, i - 1);
    ASSERT_EQ(e.values.size(), 1u);
    const auto& v = e.values[0];
    EXPECT_EQ(v.tag, "loss");
    EXPECT_TRUE(v.has_tensor);
    EXPECT_EQ(v.dtype, 1);  // DT_FLOAT
    EXPECT_TRUE(v.dims.empty());
    ASSERT_EQ(v.floats.size(), 1u);
    EXPECT_EQ(v.floats[0], i == 1 ? 0.5f : 0.25f);
  }
  EXPECT_TRUE(f.events[1].values[0].has_metadata);
  EXPECT_EQ(f.events[1].values[0].plugin_name, "scalars");
  EXPECT_EQ(f.events[1].values[0].data_class, 1);  // SCALAR
  EXPECT_FALSE(f.events[2].values[0].has_metadata);
}

TEST_F(WriterTest, NonFiniteScalarsAreWrittenAsTheyAre) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const float inf = std::numeric_limits<float>::infinity();
  ASSERT_EQ(writer.scalar("v", 0, std::numeric_limits<float>::quiet_NaN()), Status::kOk);
  ASSERT_EQ(writer.scalar("v", 1, inf), Status::kOk);
  ASSERT_EQ(writer.scalar("v", 2, -inf), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 4u);
  EXPECT_TRUE(std::isnan(f.events[1].values[0].floats[0]));
  EXPECT_EQ(f.events[2].values[0].floats[0], inf);
  EXPECT_EQ(f.events[3].values[0].floats[0], -inf);
}

TEST_F(WriterTest, TextRanksZeroOneTwo) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.text("notes", 0, "**bold** and\nnew line \xE2\x9C\x93"), Status::kOk);
  const char* const items[] = {"a", "", "c"};
  ASSERT_EQ(writer.text_list("list", 0, items, 3), Status::kOk);
  const char* const cells[] = {"class", "score", "person", "0.93"};
  ASSERT_EQ(writer.text_table("table", 0, cells, 2, 2), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 4u);
  const auto& t0 = f.events[1].values[0];
  EXPECT_EQ(t0.dtype, 7);
  EXPECT_TRUE(t0.dims.empty());
  EXPECT_EQ(t0.strings, (std::vector<std::string>{"**bold** and\nnew line \xE2\x9C\x93"}));
  EXPECT_EQ(t0.plugin_name, "text");
  EXPECT_EQ(t0.data_class, 2);  // TENSOR
  const auto& t1 = f.events[2].values[0];
  EXPECT_EQ(t1.dims, (std::vector<int64_t>{3}));
  EXPECT_EQ(t1.strings, (std::vector<std::string>{"a", "", "c"}));
  const auto& t2 = f.events[3].values[0];
  EXPECT_EQ(t2.dims, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(t2.strings, (std::vector<std::string>{"class", "score", "person", "0.93"}));
}

TEST_F(WriterTest, ScopesPrefixTagsAndNest) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  tinytb::Scope train(writer, "train");
  tinytb::Scope val(writer, "val/");
  tinytb::Scope layer(tinytb::Scope(writer, "model"), "conv1");
  ASSERT_EQ(train.status(), Status::kOk);
  EXPECT_STREQ(val.prefix(), "val");
  EXPECT_STREQ(layer.prefix(), "model/conv1");
  ASSERT_EQ(train.scalar("loss", 0, 1.0f), Status::kOk);
  ASSERT_EQ(val.scalar("loss", 0, 2.0f), Status::kOk);
  ASSERT_EQ(layer.text("kernel", 0, "3x3"), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 4u);
  EXPECT_EQ(f.events[1].values[0].tag, "train/loss");
  EXPECT_EQ(f.events[2].values[0].tag, "val/loss");
  EXPECT_EQ(f.events[3].values[0].tag, "model/conv1/kernel");
}

TEST_F(WriterTest, InvalidScopesRefuseEveryCall) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const std::string too_long(TINYTB_MAX_SCOPE_LEN + 1, 'a');
  for (const char* prefix : {"", "/", "/abs", "a//", "a//b", "bad\xC3", "tab\there", too_long.c_str()}) {
    tinytb::Scope s(writer, prefix);
    EXPECT_EQ(s.status(), Status::kInvalidTag) << prefix;
    EXPECT_EQ(s.scalar("x", 0, 1.0f), Status::kInvalidTag);
  }
  tinytb::Scope null_scope(writer, nullptr);
  EXPECT_EQ(null_scope.scalar("x", 0, 1.0f), Status::kInvalidTag);
  tinytb::Scope child(null_scope, "ok");
  EXPECT_EQ(child.status(), Status::kInvalidTag);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.tag_count(), 0u);
}

TEST_F(WriterTest, StepsStrictlyIncreasePerTag) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 5, 1.0f), Status::kOk);
  ASSERT_EQ(writer.scalar("b", 0, 1.0f), Status::kOk);  // other tags have their own steps
  const size_t queued = writer.queued_bytes();
  EXPECT_EQ(writer.scalar("a", 5, 2.0f), Status::kStepNotIncreasing);
  EXPECT_EQ(writer.scalar("a", 4, 2.0f), Status::kStepNotIncreasing);
  EXPECT_EQ(writer.text("a", -1, "t"), Status::kStepNotIncreasing);
  EXPECT_EQ(writer.queued_bytes(), queued);  // refused calls change nothing
  EXPECT_EQ(writer.scalar("a", 6, 3.0f), Status::kOk);
  EXPECT_EQ(writer.scalar("b", -5, 1.0f), Status::kStepNotIncreasing);
  EXPECT_EQ(writer.scalar("c", std::numeric_limits<int64_t>::min(), 1.0f), Status::kOk);
  EXPECT_EQ(writer.scalar("c", std::numeric_limits<int64_t>::max(), 1.0f), Status::kOk);
  EXPECT_EQ(writer.scalar("c", std::numeric_limits<int64_t>::max(), 1.0f), Status::kStepNotIncreasing);
  ASSERT_EQ(writer.close(), Status::kOk);
  const ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 6u);
  EXPECT_EQ(f.events[4].step, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(f.events[5].step, std::numeric_limits<int64_t>::max());
}

TEST_F(WriterTest, StepsContinueAcrossFilesOfTheSameRunAndResetForAnotherRun) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 3, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(writer.scalar("a", 3, 1.0f), Status::kStepNotIncreasing);
  ASSERT_EQ(writer.scalar("a", 4, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  // The second file is a new name (sequence 0001) and carries the metadata again.
  ASSERT_EQ(sink.order.size(), 2u);
  EXPECT_NE(sink.order[1].find(".board.0001.v2"), std::string::npos);
  const ParsedFile second = parsed(1);
  ASSERT_EQ(second.events.size(), 2u);
  EXPECT_TRUE(second.events[1].values[0].has_metadata);
  options.run = "run2";
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
}

TEST_F(WriterTest, BadTagsAreRefusedAndChangeNothing) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const std::string longest(40, 'x');
  const std::string too_long(41, 'x');
  EXPECT_EQ(writer.scalar(nullptr, 0, 1.0f), Status::kInvalidArgument);
  EXPECT_EQ(writer.scalar("", 0, 1.0f), Status::kInvalidTag);
  EXPECT_EQ(writer.scalar(too_long.c_str(), 0, 1.0f), Status::kInvalidTag);
  EXPECT_EQ(writer.scalar("bad\xC3\x28", 0, 1.0f), Status::kInvalidTag);
  EXPECT_EQ(writer.scalar("\xED\xA0\x80", 0, 1.0f), Status::kInvalidTag);
  EXPECT_EQ(writer.scalar("new\nline", 0, 1.0f), Status::kInvalidTag);
  tinytb::Scope scope(writer, "scope");
  EXPECT_EQ(scope.scalar(std::string(35, 'y').c_str(), 0, 1.0f), Status::kInvalidTag);  // 6 + 35 > 40
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.tag_count(), 0u);
  EXPECT_EQ(writer.scalar(longest.c_str(), 0, 1.0f), Status::kOk);
  EXPECT_EQ(scope.scalar(std::string(34, 'y').c_str(), 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  EXPECT_EQ(parsed().events.size(), 3u);
}

TEST_F(WriterTest, TooManyTags) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  for (int i = 0; i < 8; ++i) ASSERT_EQ(writer.scalar(("t" + std::to_string(i)).c_str(), 0, 1.0f), Status::kOk);
  EXPECT_EQ(writer.scalar("t8", 0, 1.0f), Status::kTooManyTags);
  EXPECT_EQ(writer.scalar("t3", 1, 1.0f), Status::kOk);  // known tags still work
  ASSERT_EQ(writer.close(), Status::kOk);
}

TEST_F(WriterTest, BadTextArgumentsAndTooLargeValues) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(writer.text("t", 0, nullptr), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_list("t", 0, nullptr, 2), Status::kInvalidArgument);
  const char* const with_null[] = {"a", nullptr};
  EXPECT_EQ(writer.text_list("t", 0, with_null, 2), Status::kInvalidArgument);
  const char* const one[] = {"a"};
  EXPECT_EQ(writer.text_list("t", 0, one, 0), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_table("t", 0, one, 0, 1), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_table("t", 0, one, 1, 0), Status::kInvalidArgument);
  EXPECT_EQ(writer.text_table("t", 0, one, SIZE_MAX, 2), Status::kTooLarge);
  EXPECT_EQ(writer.text("t", 0, "bad \xC0\xAF utf8"), Status::kInvalidArgument);
  const std::string huge(100000, 'x');  // a string longer than the whole queue
  EXPECT_EQ(writer.text("t", 0, huge.c_str()), Status::kTooLarge);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.tag_count(), 0u);
  // A record > the 1024-byte queue once framed, its string not: text never streams (a
  // scalars-and-text build links no streaming path: docs/firmware.md, "Scalars and text
  // without nanopb"), so it is kTooLarge with nothing written, and the refused step 0 was
  // not consumed. A string whose text_record_bytes() fits the queue is taken.
  ASSERT_EQ(writer.text("t", 0, "before"), Status::kOk);
  const size_t queued = writer.queued_bytes();
  const std::string big(1000, 'x');
  EXPECT_EQ(writer.text("t", 1, big.c_str()), Status::kTooLarge);
  EXPECT_EQ(writer.queued_bytes(), queued);
  size_t fits = 1000;
  while (tinytb::text_record_bytes(1, 1, fits, 0) > 1024) --fits;
  const std::string largest(fits, 'y');
  EXPECT_EQ(writer.text("t", 1, largest.c_str()), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto& events = parsed().events;
  ASSERT_EQ(events.size(), 3u);  // file_version, "before", the largest
  EXPECT_EQ(events[2].step, 1);
}

TEST_F(WriterTest, ClosedWriterAndBadOptions) {
  EXPECT_EQ(writer.scalar("x", 0, 1.0f), Status::kNotOpen);
  EXPECT_EQ(writer.text("x", 0, "t"), Status::kNotOpen);
  EXPECT_EQ(writer.flush(), Status::kNotOpen);
  EXPECT_EQ(writer.poll(), Status::kNotOpen);
  EXPECT_EQ(writer.close(), Status::kNotOpen);
  tinytb::WriterOptions bad = options;
  bad.logdir = nullptr;
  EXPECT_EQ(writer.open(sink, bad), Status::kInvalidArgument);
  bad = options;
  bad.logdir = "";
  EXPECT_EQ(writer.open(sink, bad), Status::kInvalidArgument);
  bad = options;
  bad.run = "../escape";
  EXPECT_EQ(writer.open(sink, bad), Status::kInvalidArgument);
  bad = options;
  bad.host = "my host";
  EXPECT_EQ(writer.open(sink, bad), Status::kInvalidArgument);
  bad = options;
  bad.suffix = "";
  EXPECT_EQ(writer.open(sink, bad), Status::kInvalidArgument);
  bad = options;
  bad = options;
  const std::string long_dir(TINYTB_MAX_DIR_LEN, 'd');
  bad.logdir = long_dir.c_str();
  EXPECT_EQ(writer.open(sink, bad), Status::kInvalidArgument);
  EXPECT_EQ(sink.opens, 0);
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_EQ(writer.open(sink, options), Status::kAlreadyOpen);
  ASSERT_EQ(writer.close(), Status::kOk);
  EXPECT_EQ(writer.scalar("x", 0, 1.0f), Status::kNotOpen);
}

TEST_F(WriterTest, ExistingNamesAreSkippedNeverOpened) {
  sink.exists_left = 3;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  EXPECT_NE(sink.current_name.find(".board.0003.v2"), std::string::npos) << sink.current_name;
  ASSERT_EQ(writer.close(), Status::kOk);
  sink.exists_left = 1000000;
  EXPECT_EQ(writer.open(sink, options), Status::kExists);
  EXPECT_FALSE(writer.is_open());
}

TEST_F(WriterTest, MaxQueueFlushesInOneAppendAndSyncs) {
  options.max_queue = 3;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const int writes_after_open = sink.writes;
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 1, 1.0f), Status::kOk);
  EXPECT_EQ(sink.writes, writes_after_open);
  EXPECT_EQ(parsed().events.size(), 1u);
  ASSERT_EQ(writer.scalar("a", 2, 1.0f), Status::kOk);
  EXPECT_EQ(sink.writes, writes_after_open + 1);  // three records, one append
  EXPECT_EQ(parsed().events.size(), 4u);
  EXPECT_EQ(sink.file(0).synced, sink.file(0).bytes.size());
  EXPECT_EQ(writer.queued_bytes(), 0u);
  ASSERT_EQ(writer.close(), Status::kOk);
}

TEST_F(WriterTest, FlushMillisUsesTheClockAndPollFlushes) {
  options.flush_millis = 1000;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  g_uptime += 999;
  ASSERT_EQ(writer.scalar("a", 1, 1.0f), Status::kOk);
  EXPECT_EQ(parsed().events.size(), 1u);
  g_uptime += 1;
  ASSERT_EQ(writer.scalar("a", 2, 1.0f), Status::kOk);  // 1000 ms since open: flush
  EXPECT_EQ(parsed().events.size(), 4u);
  ASSERT_EQ(writer.scalar("a", 3, 1.0f), Status::kOk);
  EXPECT_EQ(writer.poll(), Status::kOk);
  EXPECT_EQ(parsed().events.size(), 4u);  // not due yet
  g_uptime += 1000;
  EXPECT_EQ(writer.poll(), Status::kOk);
  EXPECT_EQ(parsed().events.size(), 5u);
  ASSERT_EQ(writer.close(), Status::kOk);
}

// Classic scalars on a host take the fast path (log_simple_scalar, after_scalar): the
// uptime clock is read only when the wall time reaches the hint it left. With both clocks
// moving together, the timed flush comes at exactly the same record as before.
TEST_F(WriterTest, ClassicScalarsReadTheUptimeClockRarelyAndFlushOnTime) {
  options.form = tinytb::SummaryForm::kClassic;
  options.flush_millis = 1000;
  tinytb::EventWriter<16384, 8, 40> writer;  // never full here: only the timer flushes
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const uint64_t reads_after_open = g_uptime_reads;
  // 4 ms a record on both clocks (the wall time computed afresh, so no rounding piles up):
  // record 250 comes 1000 ms after open.
  const auto tick = [](int64_t records) {
    g_uptime = 5000 + static_cast<uint64_t>(records) * 4;
    g_wall = 1732241520.25 + static_cast<double>(records) * 4 / 1000.0;
  };
  for (int64_t step = 0; step < 200; ++step) {
    ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
    tick(step + 1);
  }
  EXPECT_EQ(parsed().events.size(), 1u);  // nothing due yet
#if !TINYTB_SMALL_TARGET
  // One read sets the hint; after that one read per kTimerSkipMax + 1 (64) records at most.
  EXPECT_LE(g_uptime_reads - reads_after_open, 4u);
#endif
  for (int64_t step = 200; step < 250; ++step) {
    ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
    tick(step + 1);
  }
  EXPECT_EQ(parsed().events.size(), 1u);  // the 250th record was logged at 996 ms
  ASSERT_EQ(writer.scalar("a", 250, 1.0f), Status::kOk);  // 1000 ms: due
  EXPECT_EQ(parsed().events.size(), 252u);
  ASSERT_EQ(writer.close(), Status::kOk);
}

// A wall clock that stops (set back, or coarser than the uptime clock) while the uptime
// clock runs: the due flush waits for at most 64 records (docs/bench.md).
TEST_F(WriterTest, ClassicScalarsFlushWithinTheBoundWhenTheWallClockLags) {
  options.form = tinytb::SummaryForm::kClassic;
  options.flush_millis = 1000;
  tinytb::EventWriter<16384, 8, 40> writer;  // never full here: only the timer flushes
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);  // sets the hint at wall + 1000 ms
  g_uptime += 5000;                                      // due, but the wall clock stands still
  int64_t step = 1;
  while (parsed().events.size() == 1u && step < 1000) {
    ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
    ++step;
  }
  EXPECT_GT(parsed().events.size(), 1u);
  EXPECT_LE(step - 1, 64);  // records logged after the deadline until the flush
  // A value time (the async writer's) gives no wall reading to hint with: exact again.
  g_uptime += 5000;
  writer.set_value_time(tinytb::WallTime{1700000000, 0});
  const size_t before = parsed().events.size();
  ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
  EXPECT_EQ(parsed().events.size(), before + 1);
  ASSERT_EQ(writer.close(), Status::kOk);
}

TEST_F(WriterTest, FullQueueFlushesBeforeTheNextRecord) {
  tinytb::EventWriter<256, 4, 16> small;
  ASSERT_EQ(small.open(sink, options), Status::kOk);
  for (int64_t step = 0; step < 50; ++step) ASSERT_EQ(small.scalar("loss", step, 0.5f), Status::kOk);
  EXPECT_LE(small.queue_high_water(), 256u);
  ASSERT_EQ(small.close(), Status::kOk);
  const ParsedFile f = parsed();
  EXPECT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 51u);
  for (int64_t step = 0; step < 50; ++step) EXPECT_EQ(f.events[static_cast<size_t>(step) + 1].step, step);
}

TEST_F(WriterTest, FullDiskKeepsRecordsAndRecoversWhenSpaceReturns) {
  options.max_queue = 2;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const size_t good = sink.file(0).bytes.size();
  sink.fail_write = Status::kNoSpace;
  sink.partial_bytes = 7;  // a torn piece reaches the file
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 1, 2.0f), Status::kOk);  // accepted; the automatic flush failed
  EXPECT_EQ(writer.last_flush_status(), Status::kNoSpace);
  EXPECT_EQ(sink.file(0).bytes.size(), good);  // cut back to the last complete record
  EXPECT_EQ(writer.flush(), Status::kNoSpace);
  EXPECT_EQ(sink.file(0).bytes.size(), good);
  // Keep logging until the queue is full: then the value is refused with the sink's error.
  Status s = Status::kOk;
  int64_t step = 2;
  for (; step < 100 && s == Status::kOk; ++step) s = writer.scalar("a", step, static_cast<float>(step));
  EXPECT_EQ(s, Status::kNoSpace);
  const int64_t refused = step - 1;
  // Space is back: everything accepted lands, in order, in the same file.
  sink.fail_write = Status::kOk;
  EXPECT_EQ(writer.scalar("a", refused, 5.0f), Status::kOk);  // the refused step is still free
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(sink.order.size(), 1u);
  const ParsedFile f = parsed();
  EXPECT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), static_cast<size_t>(refused) + 2);
  for (int64_t i = 0; i <= refused; ++i) EXPECT_EQ(f.events[static_cast<size_t>(i) + 1].step, i);
}

TEST_F(WriterTest, WithoutTruncateATornFileIsAbandonedForANewOne) {
  options.max_queue = 1;
  sink.can_truncate = false;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  sink.fail_write = Status::kIoError;
  sink.partial_bytes = 5;
  ASSERT_EQ(writer.scalar("a", 1, 2.0f), Status::kOk);
  EXPECT_EQ(writer.last_flush_status(), Status::kIoError);
  sink.fail_write = Status::kOk;
  ASSERT_EQ(writer.scalar("a", 2, 3.0f), Status::kOk);  // flushes into a new file
  EXPECT_EQ(writer.last_flush_status(), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(sink.order.size(), 2u);
  EXPECT_LT(sink.order[0], sink.order[1]);  // the new name sorts after the old one
  const ParsedFile old_file = parsed(0);
  EXPECT_TRUE(old_file.torn);
  EXPECT_EQ(old_file.events.size(), 2u);  // file_version + step 0, then the torn piece
  const ParsedFile new_file = parsed(1);
  EXPECT_FALSE(new_file.torn || new_file.corrupt);
  ASSERT_EQ(new_file.events.size(), 3u);
  EXPECT_EQ(new_file.events[0].file_version, "brain.Event:2");
  EXPECT_EQ(new_file.events[1].step, 1);
  EXPECT_EQ(new_file.events[2].step, 2);
  EXPECT_TRUE(new_file.events[2].values[0].has_metadata);
}

TEST_F(WriterTest, FailingOpenLeavesTheWriterClosedAndReusable) {
  sink.fail_open = Status::kIoError;
  EXPECT_EQ(writer.open(sink, options), Status::kIoError);
  EXPECT_FALSE(writer.is_open());
  sink.fail_open = Status::kOk;
  sink.fail_sync = Status::kIoError;
  EXPECT_EQ(writer.open(sink, options), Status::kIoError);  // the first record could not be synced
  EXPECT_FALSE(writer.is_open());
  sink.fail_sync = Status::kOk;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
}

TEST_F(WriterTest, CloseFailsWhileStorageIsDownAndSucceedsLater) {
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.scalar("a", 0, 1.0f), Status::kOk);
  sink.fail_write = Status::kNoSpace;
  EXPECT_EQ(writer.close(), Status::kNoSpace);
  EXPECT_TRUE(writer.is_open());
  sink.fail_write = Status::kOk;
  EXPECT_EQ(writer.close(), Status::kOk);
  EXPECT_EQ(parsed().events.size(), 2u);
}

TEST(StatusNames, EveryStatusHasAName) {
  for (int i = 0; i <= static_cast<int>(Status::kDataLost); ++i) {  // kDataLost is the last value
    const std::string name = tinytb::status_name(static_cast<Status>(i));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown status") << i;
  }
  EXPECT_STREQ(tinytb::status_name(Status::kStepNotIncreasing), "step not increasing");
}

}  // namespace
