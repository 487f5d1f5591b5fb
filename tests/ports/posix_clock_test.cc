// posix_clock(): the clock a Linux board gives the writer. Wall time is the system's,
// uptime never goes backwards, and with it events carry today's date and flush_millis
// flushes on time (with the default WriterOptions neither happens).
#include "posix_sink.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>

#include "event_reader.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb::Status;

// CLOCK_REALTIME with its fraction: time() may read the coarse clock, which lags the precise one
// by up to a tick, so a reading taken after it could still be a whole second "later" than time().
double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

TEST(PosixClock, WallTimeIsTheSystemClock) {
  const tinytb::Clock clock = tinytb::posix_clock();
  ASSERT_NE(clock.wall_time, nullptr);
  const double before = now_seconds();
  const tinytb::WallTime w = clock.wall_time();
  const double after = now_seconds();
  ASSERT_TRUE(tinytb::wall_time_known(w));
  const double t = static_cast<double>(w.seconds) + static_cast<double>(w.nanos) * 1e-9;
  // Below by up to a second where the port falls back to time() (whole seconds); never after.
  EXPECT_GE(t, before - 1.0);
  EXPECT_LE(t, after + 0.05);
}

TEST(PosixClock, UptimeNeverGoesBackAndFollowsRealTime) {
  const tinytb::Clock clock = tinytb::posix_clock();
  ASSERT_NE(clock.uptime_ms, nullptr);
  uint64_t last = clock.uptime_ms();
  for (int i = 0; i < 100000; ++i) {
    const uint64_t t = clock.uptime_ms();
    ASSERT_GE(t, last);
    last = t;
  }
  const uint64_t start = clock.uptime_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const uint64_t waited = clock.uptime_ms() - start;
  EXPECT_GE(waited, 50u);
  EXPECT_LT(waited, 5000u);
}

TEST(PosixClock, WriterStampsTodayAndFlushesAfterFlushMillis) {
  char tmpl[] = "/tmp/tinytb_clock_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;

  static tinytb::PosixSink sink;
  static tinytb::EventWriter<2048, 4> writer;
  tinytb::WriterOptions options;
  options.logdir = root.c_str();
  options.clock = tinytb::posix_clock();
  options.max_queue = 1000;    // only time can trigger the flush
  options.flush_millis = 400;  // long enough that the first check below comes before it
  const double opened_at = now_seconds();
  ASSERT_EQ(writer.open(sink, options), Status::kOk);

  // The file name's stamp is the wall time at open().
  const std::string name = writer.file_name();
  const std::string prefix = "events.out.tfevents.";
  ASSERT_EQ(name.compare(0, prefix.size(), prefix), 0) << name;
  const double stamp = std::stod(name.substr(prefix.size(), 10));
  EXPECT_LE(std::fabs(stamp - opened_at), 2.0) << name;

  ASSERT_EQ(writer.scalar("loss", 0, 0.5f), Status::kOk);
  ASSERT_EQ(writer.poll(), Status::kOk);
  EXPECT_GT(writer.queued_bytes(), 0u) << "flushed before flush_millis passed";
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  ASSERT_EQ(writer.poll(), Status::kOk);
  EXPECT_EQ(writer.queued_bytes(), 0u) << "flush_millis passed and nothing was flushed";

  // A value logged after flush_millis flushes by itself, without poll().
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  ASSERT_EQ(writer.scalar("loss", 1, 0.25f), Status::kOk);
  EXPECT_EQ(writer.queued_bytes(), 0u);

  const std::string path = std::string(writer.dir()) + "/" + name;
  ASSERT_EQ(writer.close(), Status::kOk);
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  const auto file = tinytb_test::parse_file(bytes);
  ASSERT_FALSE(file.torn || file.corrupt);
  ASSERT_EQ(file.events.size(), 3u);  // file_version and two scalars
  for (const auto& e : file.events) {
    EXPECT_GE(e.wall_time, opened_at - 1.0);
    EXPECT_LE(e.wall_time, now_seconds() + 1.0);
  }
  EXPECT_GT(file.events[2].wall_time - file.events[1].wall_time, 0.8);  // two sleeps of 450 ms apart
}

}  // namespace
