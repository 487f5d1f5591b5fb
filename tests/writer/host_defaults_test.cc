// The writer's defaults on a host (TINYTB_SMALL_TARGET 0, as this test binary is built):
// a 64 KiB EventWriter<> queue written when full or every 5 s, no fsync but at open(),
// sync(), close(), rotation and a tag's first record in a file (event_writer.h,
// kDefaultQueueBytes; docs/storage.md, "Writer policies"). The microcontrollers' set is
// pinned at compile time by tests/writer/config_link_main.cc, which
// tests/writer/check_config_link.sh also builds with -DTINYTB_SMALL_TARGET=1.
#include <gtest/gtest.h>

#include <string>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/summary/sizing.h"
#include "tinytb/writer/event_writer.h"
#include "wall_clock.h"

namespace {

using tinytb::Status;
using tinytb_test::parse_file;
using tinytb_test::TestSink;

static_assert(TINYTB_SMALL_TARGET == 0, "this test is about the host defaults");
static_assert(tinytb::kDefaultQueueBytes == 64 * 1024, "hosts: a 64 KiB queue");
static_assert(tinytb::EventWriter<>::kQueueBytes == tinytb::kDefaultQueueBytes, "EventWriter<> takes the default");
static_assert(tinytb::kDefaultMaxQueue == 0, "hosts: no record count");
static_assert(tinytb::kDefaultFlushMillis == 5000, "hosts: records reach the OS within 5 s");
static_assert(tinytb::kDefaultSyncEvery == 0, "hosts: no fsync per flush");

// A fake clock the test moves by hand.
uint64_t g_uptime = 1000;
double g_wall = 1765000000.0;
uint64_t uptime() { return g_uptime; }
tinytb::WallTime wall() { return wall_time_of(g_wall); }
void advance_ms(uint64_t ms) {
  g_uptime += ms;
  g_wall += static_cast<double>(ms) / 1000.0;
}

class HostDefaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_uptime = 1000;
    g_wall = 1765000000.0;
    options.logdir = "logs";
    run = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    options.run = run.c_str();  // a run of its own: the static writer keeps a run's steps
    options.clock.wall_time = wall;
    options.clock.uptime_ms = uptime;
    ASSERT_EQ(writer.open(sink, options), Status::kOk);
    writes_at_open = sink.writes;
    syncs_at_open = sink.syncs;
    bytes_at_open = writer.file_bytes();
  }
  void TearDown() override {
    if (writer.is_open()) (void)writer.close();
  }
  size_t events_in_file() const { return parse_file(sink.last().bytes).events.size(); }

  TestSink sink;
  std::string run;
  tinytb::WriterOptions options;  // every policy option at its default
  static tinytb::EventWriter<> writer;
  int writes_at_open = 0;
  int syncs_at_open = 0;
  uint64_t bytes_at_open = 0;
};
tinytb::EventWriter<> HostDefaultsTest::writer;  // 64 KiB: static, not on the stack

TEST(HostDefaults, OptionValues) {
  const tinytb::WriterOptions options;
  EXPECT_EQ(options.max_queue, 0u);
  EXPECT_EQ(options.flush_millis, 5000u);
  EXPECT_EQ(options.sync_every, 0u);
  EXPECT_EQ(tinytb::EventWriter<>::kQueueBytes, 65536u);
}

TEST_F(HostDefaultsTest, NothingIsWrittenUntilTheQueueIsFull) {
  EXPECT_EQ(writes_at_open, 1);  // file_version
  EXPECT_EQ(syncs_at_open, 1);
  const size_t record = tinytb::scalar_record_bytes(4);  // the largest record "loss" can have
  int64_t step = 0;
  // Far more than the microcontrollers' 10 records, well short of 64 KiB.
  for (; step < 1000; ++step) ASSERT_EQ(writer.scalar("loss", step, 0.5f), Status::kOk);
  EXPECT_EQ(sink.writes, writes_at_open);
  EXPECT_GT(writer.queued_bytes(), 1000u * 20);
  // Go on until the queue no longer takes a record: one write, of nearly 64 KiB.
  while (sink.writes == writes_at_open) {
    ASSERT_EQ(writer.scalar("loss", step, 0.5f), Status::kOk);
    ++step;
    ASSERT_LT(step, 100000);
  }
  EXPECT_EQ(sink.writes, writes_at_open + 1);
  const uint64_t flushed = writer.file_bytes() - bytes_at_open;
  EXPECT_GT(flushed, 64u * 1024 - record);
  EXPECT_LE(flushed, 64u * 1024);
  EXPECT_GT(writer.queued_bytes(), 0u);  // the record that did not fit waits in the emptied queue
  // The flush that brought the tag's metadata to the file synced; nothing else did.
  EXPECT_EQ(sink.syncs, syncs_at_open + 1);
  EXPECT_EQ(static_cast<int64_t>(events_in_file()), step);  // file_version + every record but the last
}

TEST_F(HostDefaultsTest, QueuedRecordsReachTheSinkAfterFiveSeconds) {
  ASSERT_EQ(writer.scalar("loss", 0, 1.0f), Status::kOk);
  advance_ms(4999);
  ASSERT_EQ(writer.scalar("loss", 1, 1.0f), Status::kOk);
  EXPECT_EQ(writer.poll(), Status::kOk);
  EXPECT_EQ(sink.writes, writes_at_open);  // 4.999 s: still queued
  advance_ms(1);
  ASSERT_EQ(writer.scalar("loss", 2, 1.0f), Status::kOk);  // 5 s: this record's call writes all three
  EXPECT_EQ(sink.writes, writes_at_open + 1);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(events_in_file(), 4u);
  // poll() alone does it too once 5 s pass with records queued.
  ASSERT_EQ(writer.scalar("loss", 3, 1.0f), Status::kOk);
  advance_ms(4000);
  EXPECT_EQ(writer.poll(), Status::kOk);
  EXPECT_EQ(sink.writes, writes_at_open + 1);
  advance_ms(1000);
  EXPECT_EQ(writer.poll(), Status::kOk);
  EXPECT_EQ(sink.writes, writes_at_open + 2);
  EXPECT_EQ(events_in_file(), 5u);
  // Only the flush with the tag's metadata synced.
  EXPECT_EQ(sink.syncs, syncs_at_open + 1);
}

TEST_F(HostDefaultsTest, FlushSyncAndCloseHandOverEverything) {
  for (int64_t step = 0; step < 50; ++step) ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
  EXPECT_EQ(sink.writes, writes_at_open);
  ASSERT_EQ(writer.flush(), Status::kOk);
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(events_in_file(), 51u);
  EXPECT_EQ(sink.syncs, syncs_at_open + 1);  // "a"'s metadata came with it
  for (int64_t step = 50; step < 60; ++step) ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
  ASSERT_EQ(writer.flush(), Status::kOk);
  EXPECT_EQ(sink.syncs, syncs_at_open + 1);  // a flush does not fsync
  EXPECT_LT(sink.last().synced, sink.last().bytes.size());
  ASSERT_EQ(writer.scalar("a", 60, 1.0f), Status::kOk);
  ASSERT_EQ(writer.sync(), Status::kOk);  // sync() writes and makes durable
  EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
  EXPECT_EQ(writer.synced_bytes(), writer.file_bytes());
  for (int64_t step = 61; step < 70; ++step) ASSERT_EQ(writer.scalar("a", step, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);  // close() too
  EXPECT_TRUE(sink.last().closed);
  EXPECT_EQ(sink.last().synced, sink.last().bytes.size());
  EXPECT_EQ(events_in_file(), 71u);
}

// max_queue 0 is a valid value anywhere (it was kInvalidArgument): no record count, so with
// flush_millis 0 a small queue is written only when full.
TEST(HostDefaults, MaxQueueZeroMeansWhenTheQueueIsFull) {
  TestSink sink;
  static tinytb::EventWriter<1024> small;
  tinytb::WriterOptions options;
  options.max_queue = 0;
  options.flush_millis = 0;
  ASSERT_EQ(small.open(sink, options), Status::kOk);
  const int writes_at_open = sink.writes;
  int64_t step = 0;
  while (sink.writes == writes_at_open) {
    ASSERT_EQ(small.scalar("x", step, 2.0f), Status::kOk);
    ++step;
    ASSERT_LT(step, 1000);
  }
  EXPECT_GT(step, 10);  // not the old ten
  EXPECT_GT(small.file_bytes() + tinytb::scalar_record_bytes(1), 1024u);
  ASSERT_EQ(small.close(), Status::kOk);
  EXPECT_EQ(parse_file(sink.last().bytes).events.size(), static_cast<size_t>(step) + 1);
  // And max_queue 1 still writes every record at once.
  TestSink sink1;
  options.max_queue = 1;
  options.run = "every_record";
  ASSERT_EQ(small.open(sink1, options), Status::kOk);
  ASSERT_EQ(small.scalar("x", 0, 2.0f), Status::kOk);
  ASSERT_EQ(small.scalar("x", 1, 2.0f), Status::kOk);
  EXPECT_EQ(sink1.writes, 3);
  ASSERT_EQ(small.close(), Status::kOk);
}

}  // namespace
