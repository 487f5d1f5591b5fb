// The FatFs port against the FatFs stand-in (not ChaN's FatFs: see fatfs_standin.h), what
// is particular to FAT: 8.3 names, drive prefixes, full volumes, aborted file objects, and
// power and error sweeps through the real port code. Built twice: with FF_USE_LFN = 0 (8.3
// names) and = 1 (long names). What every port promises: fatfs_contract.cc.
#include "fatfs_sink.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "../../power/sweep_common.h"
#include "event_reader.h"
#include "fat_names.h"
#include "fatfs_standin.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb::Status;
namespace standin = fatfs_standin;

double wall() { return 1732241520.0; }  // 0x673FE870

tinytb::WriterOptions options(const char* logdir = "logs", const char* run = "run1") {
  tinytb::WriterOptions o;
  o.logdir = logdir;
  o.run = run;
  o.host = "board";
  o.file_stamp = 42;
  o.max_queue = 1000;
  o.flush_millis = 0;
  return o;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

class FatfsTest : public ::testing::Test {
 protected:
  void SetUp() override { standin::reset(); }
  tinytb::FatfsSink sink;
  tinytb::EventWriter<1024, 8, 32> writer;
};

// ---- names --------------------------------------------------------------------------------

TEST(FatNames, ShortNamesSortInCreationOrder) {
  char a[13], b[13];
  tinytb::FileNameParts p{0x6740A1B0u, 0, "h", "v2"};
  ASSERT_EQ(tinytb::short_file_name(p, a, sizeof(a)), Status::kOk);
  EXPECT_STREQ(a, "6740A1B0.000");
  p = {42, 71, "h", "v2"};
  ASSERT_EQ(tinytb::short_file_name(p, a, sizeof(a)), Status::kOk);
  EXPECT_STREQ(a, "0000002A.01Z");
  p.sequence = tinytb::kMaxShortNameSequence;
  ASSERT_EQ(tinytb::short_file_name(p, a, sizeof(a)), Status::kOk);
  EXPECT_STREQ(a, "0000002A.ZZZ");
  p.sequence = tinytb::kMaxShortNameSequence + 1;
  EXPECT_EQ(tinytb::short_file_name(p, a, sizeof(a)), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::short_file_name(p, a, 12), Status::kInvalidArgument);
  // Every consecutive pair, across stamps too, compares in order as strings.
  for (uint32_t stamp : {0u, 9u, 10u, 0xFFFFFFFEu}) {
    for (uint32_t seq = 0; seq < 2000; ++seq) {
      tinytb::FileNameParts x{stamp, seq, "h", "v2"}, y{stamp, seq + 1, "h", "v2"};
      ASSERT_EQ(tinytb::short_file_name(x, a, sizeof(a)), Status::kOk);
      ASSERT_EQ(tinytb::short_file_name(y, b, sizeof(b)), Status::kOk);
      ASSERT_LT(std::string(a), std::string(b));
    }
    tinytb::FileNameParts last{stamp, tinytb::kMaxShortNameSequence, "h", "v2"}, next{stamp + 1, 0, "h", "v2"};
    ASSERT_EQ(tinytb::short_file_name(last, a, sizeof(a)), Status::kOk);
    ASSERT_EQ(tinytb::short_file_name(next, b, sizeof(b)), Status::kOk);
    EXPECT_LT(std::string(a), std::string(b));
  }
}

TEST(FatNames, ShortNameValidation) {
  for (const char* ok : {"LOGS", "logs", "A", "RUN_1", "12345678", "FILE.TXT", "A.B", "X-Y~1", "0000002A.01Z"}) {
    EXPECT_TRUE(tinytb::is_short_name(ok, strlen(ok))) << ok;
  }
  for (const char* bad : {"", ".", "..", "123456789", "FILE.TEXT", "A.", ".A", "A.B.C", "a b", "a+b", "esp32s3-cam",
                          "caf\xC3\xA9", "a:b", "a*"}) {
    EXPECT_FALSE(tinytb::is_short_name(bad, strlen(bad))) << bad;
  }
}

TEST(FatfsStatus, MapsEveryResult) {
  EXPECT_EQ(tinytb::fatfs_status(FR_OK), Status::kOk);
  EXPECT_EQ(tinytb::fatfs_status(FR_DENIED), Status::kNoSpace);
  EXPECT_EQ(tinytb::fatfs_status(FR_EXIST), Status::kExists);
  EXPECT_EQ(tinytb::fatfs_status(FR_INVALID_NAME), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::fatfs_status(FR_INVALID_PARAMETER), Status::kInvalidArgument);
  for (FRESULT r : {FR_DISK_ERR, FR_INT_ERR, FR_NOT_READY, FR_NO_FILE, FR_NO_PATH, FR_INVALID_OBJECT,
                    FR_WRITE_PROTECTED, FR_INVALID_DRIVE, FR_NOT_ENABLED, FR_NO_FILESYSTEM, FR_TIMEOUT, FR_LOCKED,
                    FR_NOT_ENOUGH_CORE, FR_TOO_MANY_OPEN_FILES}) {
    EXPECT_EQ(tinytb::fatfs_status(r), Status::kIoError) << r;
  }
}

// ---- the writer on FatFs --------------------------------------------------------------------

TEST_F(FatfsTest, NamesAndDirectories) {
  tinytb::WriterOptions o = options();
  o.clock.wall_seconds = wall;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  ASSERT_EQ(writer.scalar("loss", 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(writer.open(sink, o), Status::kOk);  // a second file, same second
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto files = standin::files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(standin::dir_exists("logs/run1"));
  if (tinytb::FatfsSink::kShortNames) {
    EXPECT_EQ(files[0].path, "LOGS/RUN1/673FE870.000");
    EXPECT_EQ(files[1].path, "LOGS/RUN1/673FE870.001");
  } else {
    EXPECT_EQ(files[0].path, "logs/run1/events.out.tfevents.1732241520.board.0000.v2");
    EXPECT_EQ(files[1].path, "logs/run1/events.out.tfevents.1732241520.board.0001.v2");
  }
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(files[0].bytes);
  EXPECT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].values[0].tag, "loss");
}

TEST_F(FatfsTest, BootCounterStampAndDrivePrefix) {
  ASSERT_EQ(writer.open(sink, options("0:/logs", "")), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto files = standin::files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(base_name(files[0].path),
            tinytb::FatfsSink::kShortNames ? "0000002A.000" : "events.out.tfevents.0000000042.board.0000.v2");
}

TEST_F(FatfsTest, DirectoryNamesMustFitTheVolume) {
  const Status s = writer.open(sink, options("logs", "esp32s3-cam/int8"));
  if (tinytb::FatfsSink::kShortNames) {
    EXPECT_EQ(s, Status::kInvalidArgument);  // "esp32s3-cam" is 11 characters: not 8.3
    EXPECT_EQ(standin::calls(), 0u);         // refused before touching the volume
    EXPECT_FALSE(standin::dir_exists("logs"));
    EXPECT_FALSE(writer.is_open());
  } else {
    ASSERT_EQ(s, Status::kOk);
    ASSERT_EQ(writer.close(), Status::kOk);
    EXPECT_TRUE(standin::dir_exists("logs/esp32s3-cam/int8"));
  }
}

TEST_F(FatfsTest, ExistingFilesAreNeverOpened) {
  const std::string first = tinytb::FatfsSink::kShortNames ? "LOGS/RUN1/0000002A.000"
                                                            : "logs/run1/events.out.tfevents.0000000042.board.0000.v2";
  ASSERT_EQ(f_mkdir("logs"), FR_OK);
  ASSERT_EQ(f_mkdir("logs/run1"), FR_OK);
  standin::add_file(first, {1, 2, 3});  // left by an earlier boot, maybe torn
  ASSERT_EQ(writer.open(sink, options()), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto files = standin::files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].bytes, (std::vector<uint8_t>{1, 2, 3}));  // untouched
  EXPECT_LT(base_name(files[0].path), base_name(files[1].path));
}

TEST_F(FatfsTest, FullVolumeIsNoSpaceAndTheWriterRecovers) {
  standin::reset(8 * 512, 512);  // 8 clusters: two directories, then 6 for the file
  tinytb::WriterOptions o = options();
  o.max_queue = 1;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  Status s = Status::kOk;
  int64_t step = 0;
  const std::string text(300, 'x');
  for (; step < 100 && s == Status::kOk; ++step) {
    s = writer.text("t", step, text.c_str());
    if (s == Status::kOk) s = writer.last_flush_status();
  }
  EXPECT_EQ(s, Status::kNoSpace);
  EXPECT_EQ(sink.last_error(), FR_DENIED);  // a short f_write: the volume is full
  auto files = standin::files();
  ASSERT_EQ(files.size(), 1u);
  tinytb_test::ParsedFile f = tinytb_test::parse_file(files[0].bytes);
  EXPECT_FALSE(f.torn || f.corrupt);  // cut back to the last complete record
  const size_t before = f.events.size();
  standin::set_volume_bytes(64 * 512);  // old logs deleted
  ASSERT_EQ(writer.text("t", step + 1, "after"), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  files = standin::files();
  ASSERT_EQ(files.size(), 1u);
  f = tinytb_test::parse_file(files[0].bytes);
  EXPECT_FALSE(f.torn || f.corrupt);
  EXPECT_EQ(f.events.size(), before + 2);  // the queued record and the new one
}

TEST_F(FatfsTest, RotationStaysBelowTheLimit) {
  standin::set_max_file_size(2000);
  tinytb::WriterOptions o = options();
  o.max_queue = 1;
  o.rotate_bytes = 1900;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  for (int64_t step = 0; step < 200; ++step) {
    ASSERT_EQ(writer.scalar("x", step, 1.0f), Status::kOk);
    ASSERT_EQ(writer.last_flush_status(), Status::kOk);
  }
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto files = standin::files();
  ASSERT_GT(files.size(), 3u);
  size_t records = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_LE(files[i].bytes.size(), 1900u);
    if (i > 0) {
      EXPECT_LT(base_name(files[i - 1].path), base_name(files[i].path));
    }
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(files[i].bytes);
    EXPECT_FALSE(f.torn || f.corrupt);
    EXPECT_EQ(f.events[0].file_version, "brain.Event:2");
    EXPECT_TRUE(f.events[1].values[0].has_metadata);  // metadata again in every file
    records += f.events.size() - 1;
  }
  EXPECT_EQ(records, 200u);
}

TEST_F(FatfsTest, DiskErrorAbortsTheFileAndTheWriterMovesOn) {
  tinytb::WriterOptions o = options();
  o.max_queue = 1;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  ASSERT_EQ(writer.scalar("x", 0, 1.0f), Status::kOk);
  standin::fail_at(standin::calls() + 1, FR_DISK_ERR, 1);  // the next f_write
  ASSERT_EQ(writer.scalar("x", 1, 2.0f), Status::kOk);   // accepted; its flush failed
  EXPECT_EQ(writer.last_flush_status(), Status::kIoError);
  EXPECT_EQ(sink.last_error(), FR_DISK_ERR);             // the aborted file: truncate failed too
  ASSERT_EQ(writer.scalar("x", 2, 3.0f), Status::kOk);   // a new file takes the queue
  EXPECT_EQ(writer.last_flush_status(), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto files = standin::files();
  ASSERT_EQ(files.size(), 2u);
  const tinytb_test::ParsedFile second = tinytb_test::parse_file(files[1].bytes);
  ASSERT_EQ(second.events.size(), 3u);
  EXPECT_EQ(second.events[1].step, 1);
  EXPECT_EQ(second.events[2].step, 2);
}

// Every storage call of a session cut by a power loss (FatFs: back to the last f_sync),
// then a reboot that logs more: the checks of tests/power/, through the real port code.
TEST_F(FatfsTest, PowerLossSweepAtEveryCall) {
  const sweep::Policy policy{"fatfs", 4, 1, 2048, 30};
  uint32_t total = 0;
  {
    standin::reset();
    tinytb::FatfsSink s;
    auto w = std::make_unique<sweep::Writer>();
    sweep::Claims c;
    ASSERT_EQ(w->open(s, sweep::options_for(policy, 7)), Status::kOk);
    sweep::run_session(*w, policy, 0, policy.steps, &c, [] { return false; });
    ASSERT_TRUE(c.closed);
    total = standin::calls();
  }
  ASSERT_GT(total, 40u);
  for (uint32_t cut = 1; cut <= total; ++cut) {
    standin::reset();
    standin::cut_power_at(cut);
    sweep::Claims c;
    {
      tinytb::FatfsSink s;
      auto w = std::make_unique<sweep::Writer>();
      if (w->open(s, sweep::options_for(policy, 7)) == Status::kOk) {
        sweep::run_session(*w, policy, 0, policy.steps, &c, [] { return standin::powered_off(); });
      }
      ASSERT_TRUE(standin::powered_off()) << cut;
    }
    standin::power_loss();
    sweep::Claims c2;
    {
      tinytb::FatfsSink s;
      auto w = std::make_unique<sweep::Writer>();
      ASSERT_EQ(w->open(s, sweep::options_for(policy, 8)), Status::kOk) << cut;
      for (const char* tag : {"loss", "train/lr", "notes", "camera/frame"}) {
        ASSERT_EQ(w->seed_step(tag, 99), Status::kOk);
      }
      sweep::run_session(*w, policy, 100, 4, &c2, [] { return false; });
      ASSERT_TRUE(c2.closed) << cut;
    }
    std::vector<sweep::FileImage> images;
    for (const auto& f : standin::files()) images.push_back({base_name(f.path), f.bytes});
    std::vector<sweep::Logged> all = c.accepted, found;
    all.insert(all.end(), c2.accepted.begin(), c2.accepted.end());
    // FatFs drops what was not synced: no file has a damaged tail, not even the cut one.
    const sweep::Verdict v = sweep::check_files(images, all, false, [](size_t) { return false; }, &found);
    ASSERT_TRUE(v.errors.empty()) << "cut " << cut << ": " << v.errors[0];
    std::set<std::pair<std::string, int64_t>> have;
    for (const auto& l : found) have.insert({l.tag, l.step});
    for (size_t i = 0; i < c.confirmed; ++i) {
      ASSERT_TRUE(have.count({c.accepted[i].tag, c.accepted[i].step})) << "cut " << cut << ": confirmed record lost";
    }
    for (const auto& l : c2.accepted) ASSERT_TRUE(have.count({l.tag, l.step})) << "cut " << cut;
  }
  printf("FatFs stand-in power sweep: %u cut points (every f_* call of the session), all passed\n", total);
}

// FR_DENIED and FR_DISK_ERR at every call of a session, for one and for four calls in
// a row: Statuses come back, the writer closes once the volume works again, and the
// files hold exactly what was accepted.
TEST_F(FatfsTest, ErrorSweepAtEveryCall) {
  const sweep::Policy policy{"fatfs", 4, 1, 2048, 30};
  uint32_t total = 0;
  {
    standin::reset();
    tinytb::FatfsSink s;
    auto w = std::make_unique<sweep::Writer>();
    sweep::Claims c;
    ASSERT_EQ(w->open(s, sweep::options_for(policy, 7)), Status::kOk);
    sweep::run_session(*w, policy, 0, policy.steps, &c, [] { return false; });
    total = standin::calls();
  }
  size_t cases = 0;
  for (FRESULT r : {FR_DENIED, FR_DISK_ERR}) {
    for (uint32_t count : {1u, 4u}) {
      for (uint32_t at = 1; at <= total; ++at, ++cases) {
        standin::reset();
        standin::fail_at(at, r, count);
        tinytb::FatfsSink s;
        auto w = std::make_unique<sweep::Writer>();
        sweep::Claims c;
        Status st = Status::kIoError;
        for (int tries = 0; tries < 8 && st != Status::kOk; ++tries) st = w->open(s, sweep::options_for(policy, 7));
        ASSERT_EQ(st, Status::kOk) << at;
        sweep::run_session(*w, policy, 0, policy.steps, &c, [] { return false; });
        for (int tries = 0; tries < 8 && w->is_open(); ++tries) (void)w->close();
        ASSERT_FALSE(w->is_open()) << at;
        std::vector<sweep::FileImage> images;
        for (const auto& f : standin::files()) images.push_back({base_name(f.path), f.bytes});
        std::vector<sweep::Logged> found;
        const size_t last = images.size() - 1;
        const sweep::Verdict v = sweep::check_files(images, c.accepted, true, [&](size_t i) { return i != last; }, &found);
        ASSERT_TRUE(v.errors.empty()) << "call " << at << ": " << v.errors[0];
        ASSERT_EQ(found.size(), c.accepted.size()) << "call " << at;
      }
    }
  }
  printf("FatFs stand-in error sweep: %zu cases (FR_DENIED, FR_DISK_ERR x1/x4 at each of %u calls), all passed\n",
         cases, total);
}

}  // namespace
