// The FatFs port on ChaN's FatFs R0.15 over the host block device (host_disk.h), on cards
// made by mkfs.fat: what is particular to FAT (8.3 names, drive prefixes, a full card, a
// failing sector write) and every SD-card layout checked by fsck.fat and read by mtools.
// Built per configuration of ffconf.h: lfn0 (8.3 names), lfn1 (long names), tiny
// (FF_FS_TINY). What every port promises: fatfs_contract.cc. Power cuts at every sector
// write: tests/power/fatfs_sector_sweep.cc.
#include "fatfs_sink.h"

#include <gtest/gtest.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <memory>
#include <set>
#include <string>

#include "../../power/sweep_common.h"
#include "event_reader.h"
#include "fat_names.h"
#include "host_disk.h"
#include "tinytb/writer/event_writer.h"
#include "wall_clock.h"

namespace {

using tinytb::Status;

tinytb::WallTime wall() { return wall_time_of(1732241520.0); }  // 0x673FE870

tinytb::WriterOptions options(const char* logdir = "logs", const char* run = "run1") {
  tinytb::WriterOptions o;
  o.logdir = logdir;
  o.run = run;
  o.host = "board";
  o.file_stamp = 42;
  o.max_queue = 1000;
  o.flush_millis = 0;
  o.sync_every = 1;  // a card's writer: the microcontrollers' default (hosts default to 0), set explicitly
  return o;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Every file on the card, read through FatFs, sorted by path.
std::vector<host_disk::FoundFile> files() {
  std::vector<host_disk::FoundFile> out;
  std::string error;
  EXPECT_TRUE(host_disk::read_tree("", &out, &error)) << error;
  return out;
}

bool dir_exists(const char* path) {
  FILINFO info;
  return f_stat(path, &info) == FR_OK && (info.fattrib & AM_DIR) != 0;
}

std::vector<sweep::FileImage> images_of(const std::vector<host_disk::FoundFile>& found) {
  std::vector<sweep::FileImage> images;
  for (const auto& f : found) images.push_back({base_name(f.path), f.bytes});
  return images;
}

class FatfsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(host_disk::use_card(host_disk::kFat16Cluster4k)); }
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
  o.clock.wall_time = wall;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  ASSERT_EQ(writer.scalar("loss", 0, 1.0f), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(writer.open(sink, o), Status::kOk);  // a second file, same second
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto found = files();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_TRUE(dir_exists("logs/run1"));
  if (tinytb::FatfsSink::kShortNames) {  // FAT keeps 8.3 names in upper case
    EXPECT_EQ(found[0].path, "LOGS/RUN1/673FE870.000");
    EXPECT_EQ(found[1].path, "LOGS/RUN1/673FE870.001");
  } else {
    EXPECT_EQ(found[0].path, "logs/run1/events.out.tfevents.1732241520.board.0000.v2");
    EXPECT_EQ(found[1].path, "logs/run1/events.out.tfevents.1732241520.board.0001.v2");
  }
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(found[0].bytes);
  EXPECT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].values[0].tag, "loss");
}

TEST_F(FatfsTest, BootCounterStampAndDrivePrefix) {
  ASSERT_EQ(writer.open(sink, options("0:/logs", "")), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto found = files();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(base_name(found[0].path),
            tinytb::FatfsSink::kShortNames ? "0000002A.000" : "events.out.tfevents.0000000042.board.0000.v2");
}

TEST_F(FatfsTest, DirectoryNamesMustFitTheVolume) {
  const Status s = writer.open(sink, options("logs", "esp32s3-cam/int8"));
  if (tinytb::FatfsSink::kShortNames) {
    EXPECT_EQ(s, Status::kInvalidArgument);  // "esp32s3-cam" is 11 characters: not 8.3
    EXPECT_EQ(host_disk::sector_writes(), 0u);  // refused before touching the card
    EXPECT_FALSE(dir_exists("logs"));
    EXPECT_FALSE(writer.is_open());
  } else {
    ASSERT_EQ(s, Status::kOk);
    ASSERT_EQ(writer.close(), Status::kOk);
    EXPECT_TRUE(dir_exists("logs/esp32s3-cam/int8"));
  }
}

TEST_F(FatfsTest, ExistingFilesAreNeverOpened) {
  const std::string first = tinytb::FatfsSink::kShortNames ? "logs/run1/0000002A.000"
                                                            : "logs/run1/events.out.tfevents.0000000042.board.0000.v2";
  ASSERT_EQ(f_mkdir("logs"), FR_OK);
  ASSERT_EQ(f_mkdir("logs/run1"), FR_OK);
  {  // left by an earlier boot, maybe torn
    FIL f;
    ASSERT_EQ(f_open(&f, first.c_str(), FA_CREATE_NEW | FA_WRITE), FR_OK);
    UINT bw = 0;
    ASSERT_EQ(f_write(&f, "\x01\x02\x03", 3, &bw), FR_OK);
    ASSERT_EQ(f_close(&f), FR_OK);
  }
  ASSERT_EQ(writer.open(sink, options()), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto found = files();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].bytes, (std::vector<uint8_t>{1, 2, 3}));  // untouched
  EXPECT_LT(base_name(found[0].path), base_name(found[1].path));
}

// A real full card: a FAT12 card of 1 KiB clusters, filled by another file but for a few
// clusters; FatFs's f_write then writes what fits (bw < btw), and once the other file is
// deleted the writer goes on.
TEST_F(FatfsTest, FullCardIsNoSpaceAndTheWriterRecovers) {
  ASSERT_TRUE(host_disk::use_card(host_disk::kFat12Tiny));
  {
    FIL filler;
    ASSERT_EQ(f_open(&filler, "FILLER.BIN", FA_CREATE_NEW | FA_WRITE), FR_OK);
    const std::vector<uint8_t> block(1024, 0xEE);
    while (true) {
      DWORD free_clusters = 0;
      FATFS* fs = nullptr;
      ASSERT_EQ(f_getfree("", &free_clusters, &fs), FR_OK);
      if (free_clusters <= 6) break;  // two directories, then four clusters for the log
      UINT bw = 0;
      ASSERT_EQ(f_write(&filler, block.data(), static_cast<UINT>(block.size()), &bw), FR_OK);
      ASSERT_EQ(f_sync(&filler), FR_OK);
    }
    ASSERT_EQ(f_close(&filler), FR_OK);
  }
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
  EXPECT_EQ(sink.last_error(), FR_DENIED);  // a short f_write: the card is full
  auto found = files();
  ASSERT_EQ(found.size(), 2u);  // FILLER.BIN and the log
  const auto& log = found[0].path == "FILLER.BIN" ? found[1] : found[0];
  tinytb_test::ParsedFile f = tinytb_test::parse_file(log.bytes);
  EXPECT_FALSE(f.torn || f.corrupt);  // cut back to the last complete record
  const size_t before = f.events.size();
  EXPECT_GT(before, 5u);
  ASSERT_EQ(f_unlink("FILLER.BIN"), FR_OK);  // old logs deleted
  ASSERT_EQ(writer.text("t", step + 1, "after"), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  found = files();
  ASSERT_EQ(found.size(), 1u);
  f = tinytb_test::parse_file(found[0].bytes);
  EXPECT_FALSE(f.torn || f.corrupt);
  EXPECT_EQ(f.events.size(), before + 2);  // the queued record and the new one
}

TEST_F(FatfsTest, RotationMakesOrderedCompleteFiles) {
  tinytb::WriterOptions o = options();
  o.max_queue = 1;
  o.rotate_bytes = 1900;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  for (int64_t step = 0; step < 200; ++step) {
    ASSERT_EQ(writer.scalar("x", step, 1.0f), Status::kOk);
    ASSERT_EQ(writer.last_flush_status(), Status::kOk);
  }
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto found = files();
  ASSERT_GT(found.size(), 3u);
  size_t records = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_LE(found[i].bytes.size(), 1900u);
    if (i > 0) {
      EXPECT_LT(base_name(found[i - 1].path), base_name(found[i].path));
    }
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(found[i].bytes);
    EXPECT_FALSE(f.torn || f.corrupt);
    EXPECT_EQ(f.events[0].file_version, "brain.Event:2");
    // Metadata again in every file (a classic simple_value has none to repeat).
    EXPECT_TRUE(f.events[1].values[0].has_metadata || f.events[1].values[0].classic != 0);
    records += f.events.size() - 1;
  }
  EXPECT_EQ(records, 200u);
}

// A sector write fails inside f_write: FatFs aborts the file object (FR_DISK_ERR from then
// on), the writer's truncate fails, and it moves on to a new file with the queued records.
TEST_F(FatfsTest, AFailedSectorWriteAbortsTheFileAndTheWriterMovesOn) {
  tinytb::WriterOptions o = options();
  o.max_queue = 1;
  ASSERT_EQ(writer.open(sink, o), Status::kOk);
  ASSERT_EQ(writer.scalar("x", 0, 1.0f), Status::kOk);
  host_disk::fail_write(1);  // the next sector write: when this record fills the first sector
  const std::string text(700, 'y');
  ASSERT_EQ(writer.text("t", 1, text.c_str()), Status::kOk);  // accepted; its flush failed
  EXPECT_EQ(writer.last_flush_status(), Status::kIoError);
  EXPECT_EQ(sink.last_error(), FR_DISK_ERR);
  ASSERT_EQ(writer.scalar("x", 2, 3.0f), Status::kOk);  // a new file takes the queue
  EXPECT_EQ(writer.last_flush_status(), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  const auto found = files();
  ASSERT_EQ(found.size(), 2u);
  const tinytb_test::ParsedFile second = tinytb_test::parse_file(found[1].bytes);
  ASSERT_EQ(second.events.size(), 3u);
  EXPECT_EQ(second.events[1].step, 1);
  EXPECT_EQ(second.events[2].step, 2);
}

// Every SD-card layout: the camera session through the port, then the card image checked
// from outside: fsck.fat -n finds nothing, mtools copies every file out byte for byte.
TEST(FatfsCards, EveryLayoutPassesFsckAndMtools) {
  const sweep::Policy policy{"cards", 4, 1, 6000, 40};
  for (const host_disk::Card& card : {host_disk::kFat16Cluster4k, host_disk::kFat16Cluster32k,
                                      host_disk::kFat32Cluster4k, host_disk::kFat32Cluster32k}) {
    SCOPED_TRACE(card.name);
    ASSERT_TRUE(host_disk::use_card(card));
    ASSERT_EQ(host_disk::fat_bits(), card.fat_bits);  // FatFs sees the FAT type mkfs.fat made
    sweep::Claims c;
    {
      tinytb::FatfsSink s;
      auto w = std::make_unique<sweep::Writer>();
      ASSERT_EQ(w->open(s, sweep::options_for(policy, 7)), Status::kOk);
      sweep::run_session(*w, policy, 0, policy.steps, &c, [] { return false; });
      ASSERT_TRUE(c.closed);
    }
    const auto found = files();
    ASSERT_GE(found.size(), 2u);  // rotation made several files
    std::vector<sweep::Logged> seen;
    const sweep::Verdict v = sweep::check_files(images_of(found), c.accepted, false, [](size_t) { return false; }, &seen);
    ASSERT_TRUE(v.errors.empty()) << v.errors[0];
    EXPECT_EQ(seen.size(), c.accepted.size());

    const std::string dir = host_disk::scratch_dir() + "/" + card.name;
    const std::string img = dir + ".out.img";
    ASSERT_TRUE(host_disk::export_image(img));
    std::string out;
    EXPECT_EQ(host_disk::run("fsck.fat -n '" + img + "'", &out), 0) << out;
    // mcopy names the copy of a directory as it is asked to, and the rest as the card spells them.
    const std::string top = found[0].path.substr(0, found[0].path.find('/'));
    ASSERT_EQ(host_disk::run("rm -rf '" + dir + "' && mkdir -p '" + dir + "' && MTOOLS_SKIP_CHECK=1 mcopy -s -n -i '" +
                                 img + "' '::/" + top + "' '" + dir + "/'", &out), 0) << out;
    for (const auto& f : found) {
      const std::string& rel = f.path;
      FILE* in = fopen((dir + "/" + rel).c_str(), "rb");
      ASSERT_NE(in, nullptr) << rel << " not copied out by mcopy";
      std::vector<uint8_t> bytes;
      int ch;
      while ((ch = fgetc(in)) != EOF) bytes.push_back(static_cast<uint8_t>(ch));
      fclose(in);
      EXPECT_EQ(bytes, f.bytes) << rel;
    }
  }
}

}  // namespace
