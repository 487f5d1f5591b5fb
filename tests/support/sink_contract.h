// tinytb tests: one GoogleTest suite for every promise include/tinytb/writer/sink.h makes
// that a test can observe, run against any port.
//
// A port takes part through a small "port" class, the type parameter of the suite. The
// suite makes a fresh one for every test, so it owns fresh storage each time. It must be
// default-constructible, derive from tinytb_test::SinkContractPort (which gives the
// defaults) and provide:
//
//   tinytb::Sink& sink();        the sink under test (no file open yet)
//   std::string root();          a directory on the storage the sink may create files in,
//                                without a trailing '/', at most TINYTB_MAX_DIR_LEN - 9
//                                characters, every level an 8.3 name if the port needs one
//   bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes);
//                                what the storage holds in dir/name now (the suite clears
//                                `bytes` first); false if there is no such file
//
// and, where the defaults in SinkContractPort do not describe it, its own kTruncates,
// kMakesDirectories, kNamedFiles, kNativeErrors, make_dirs(), limit_file_size() and
// power_cut(). Tests adapt to what a port says it lacks, or are skipped saying why.
//
// Example: the whole contract for a port of your own, in its own test file, linked with
// -lgtest -lgtest_main:
//
//   #include "sink_contract.h"
//   #include "sd_sink.h"
//
//   class SdPort : public tinytb_test::SinkContractPort {
//    public:
//     SdPort() { sd_format_ram_disk(); }          // fresh storage for every test
//     tinytb::Sink& sink() { return sink_; }
//     std::string root() { return "0:/TEST"; }
//     bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
//       return sd_read_whole_file((dir + "/" + name).c_str(), bytes);
//     }
//    private:
//     SdSink sink_;
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Sd, SinkContract, ::testing::Types<SdPort>);
//
// tests/ports/*_contract.cc and tests/ports/fatfs/fatfs_contract.cc instantiate it for the
// ports in ports/; tests/ports/broken_sink_canary.cc shows it fails for ports that break it.
// Test-only code: uses the standard library freely.
#ifndef TINYTB_TESTS_SINK_CONTRACT_H_
#define TINYTB_TESTS_SINK_CONTRACT_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "event_reader.h"
#include "test_sink.h"
#include "tinytb/config.h"
#include "tinytb/status.h"
#include "tinytb/writer/event_writer.h"
#include "tinytb/writer/file_name.h"
#include "tinytb/writer/sink.h"
#include "wall_clock.h"

namespace tinytb {
// Failure messages name the Status ("no space") instead of printing its byte.
inline void PrintTo(Status status, std::ostream* os) { *os << status_name(status); }
}  // namespace tinytb

namespace tinytb_test {

// The defaults a port's class inherits: a port that meets the whole contract on storage
// that can neither run out of space nor lose power on command. Hide a member to change it.
struct SinkContractPort {
  // truncate() cuts the file back. false: it answers kUnsupported and changes nothing
  // (sink.h allows that; the writer then moves on to a new file).
  static constexpr bool kTruncates = true;
  // open() creates missing directories, as sink.h asks. false: the suite expects open()
  // in a missing directory to fail without creating anything, and makes the directories
  // it needs with make_dirs().
  static constexpr bool kMakesDirectories = true;
  // Files are kept by name: several at once, a taken name is kExists, a name the storage
  // cannot hold is kInvalidArgument. false for a port that keeps one nameless file (the
  // memory port): the tests about names are skipped.
  static constexpr bool kNamedFiles = true;
  // last_error() is non-zero after a failed call (a port without native codes keeps 0).
  static constexpr bool kNativeErrors = true;

  static constexpr uint64_t kNoLimit = UINT64_MAX;

  // Create `dir` and its parents on the storage, behind the sink's back. Only called
  // when kMakesDirectories is false.
  void make_dirs(const std::string& dir) { (void)dir; }
  // From now on a file may hold at most `bytes` bytes: writes past that fail as on full
  // storage. kNoLimit lifts the limit again (a port that cannot lift it while a file is
  // open may ignore that: the suite stays below the old limit afterwards). Called before
  // open(). false: the port cannot, and the test is skipped.
  bool limit_file_size(uint64_t bytes) { return bytes == kNoLimit; }
  // The power fails now: afterwards read() shows what survived (the suite makes no more
  // calls on the sink). A port that cannot model a power cut does nothing, and the
  // durability tests then only check what a reader sees.
  void power_cut() {}
};

}  // namespace tinytb_test

// The suite lives in the global namespace: INSTANTIATE_TYPED_TEST_SUITE_P names it unqualified.
template <typename Port>
class SinkContract : public ::testing::Test {
 protected:
  using Status = tinytb::Status;

  tinytb::Sink& sink() { return port_.sink(); }

  // `sub` below the root (the root itself when empty), made on the storage first when
  // the port cannot make directories.
  std::string dir(const std::string& sub = "") {
    std::string d = port_.root();
    if (!sub.empty()) d += "/" + sub;
    if (!Port::kMakesDirectories) port_.make_dirs(d);
    return d;
  }

  bool exists(const std::string& dir, const std::string& name) {
    std::vector<uint8_t> ignored;
    return port_.read(dir, name, &ignored);
  }

  // The file's bytes; a missing file fails the test and reads as empty.
  std::vector<uint8_t> bytes(const std::string& dir, const std::string& name) {
    std::vector<uint8_t> out;
    EXPECT_TRUE(port_.read(dir, name, &out)) << "no file " << dir << "/" << name;
    return out;
  }

  Status open(const std::string& dir, const std::string& name) { return sink().open(dir.c_str(), name.c_str()); }
  Status write(const std::vector<uint8_t>& data) { return sink().write(data.data(), data.size()); }

  // Calls that need an open file, on a sink that has none.
  void expect_not_open() {
    const uint8_t byte = 1;
    EXPECT_EQ(sink().write(&byte, 1), Status::kNotOpen);
    EXPECT_EQ(sink().sync(), Status::kNotOpen);
    const Status truncated = sink().truncate(0);
    if (Port::kTruncates) {
      EXPECT_EQ(truncated, Status::kNotOpen);
    } else {
      EXPECT_TRUE(truncated == Status::kNotOpen || truncated == Status::kUnsupported) << tinytb::status_name(truncated);
    }
    EXPECT_EQ(sink().close(), Status::kNotOpen);
  }

  static std::vector<uint8_t> text(const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); }

  // Bytes that differ from their neighbours and from other seeds, so a lost, repeated or
  // reordered piece shows.
  static std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
    std::vector<uint8_t> out(n);
    uint32_t x = seed * 2654435761u + 1;
    for (auto& b : out) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      b = static_cast<uint8_t>(x);
    }
    return out;
  }

  static std::vector<uint8_t> join(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  static bool starts_with(const std::vector<uint8_t>& all, const std::vector<uint8_t>& head) {
    return all.size() >= head.size() && std::equal(head.begin(), head.end(), all.begin());
  }

  Port port_;
};

TYPED_TEST_SUITE_P(SinkContract);

// ---- open: a new, empty file; the strings are only read during the call ---------------------

TYPED_TEST_P(SinkContract, OpenCreatesANewEmptyFile) {
  using Status = tinytb::Status;
  EXPECT_EQ(this->sink().last_error(), 0) << "no call has failed yet";
  const std::string dir = this->dir();
  std::string dir_copy = dir;
  std::string name = "new_file";
  ASSERT_EQ(this->sink().open(&dir_copy[0], &name[0]), Status::kOk);
  EXPECT_TRUE(this->bytes(dir, "new_file").empty());
  // A sink that kept the pointers would now write, sync or close under another name.
  std::fill(dir_copy.begin(), dir_copy.end(), 'x');
  std::fill(name.begin(), name.end(), 'x');
  std::vector<uint8_t> data = this->text("abc");
  ASSERT_EQ(this->write(data), Status::kOk);
  std::fill(data.begin(), data.end(), 'x');  // the bytes too are only read during the call
  ASSERT_EQ(this->sink().sync(), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "new_file"), this->text("abc"));
  EXPECT_EQ(this->sink().last_error(), 0);
}

TYPED_TEST_P(SinkContract, OpenMakesMissingDirectories) {
  using Status = tinytb::Status;
  const std::string deep = this->port_.root() + "/a1/b2/c3";
  if (!TypeParam::kMakesDirectories) {
    EXPECT_NE(this->open(deep, "f"), Status::kOk) << "the port says it cannot make directories";
    EXPECT_FALSE(this->exists(deep, "f"));
    this->expect_not_open();
    this->port_.make_dirs(deep);
  }
  ASSERT_EQ(this->open(deep, "f"), Status::kOk);
  ASSERT_EQ(this->write(this->text("in c3")), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(deep, "f"), this->text("in c3"));
  ASSERT_EQ(this->open(deep, "g"), Status::kOk);  // the directories exist now: still fine
  ASSERT_EQ(this->sink().close(), Status::kOk);
}

// ---- write: every byte, in order, appended -----------------------------------------------------

TYPED_TEST_P(SinkContract, WritesAppendInOrder) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "appends"), Status::kOk);
  std::vector<uint8_t> expected;
  uint32_t seed = 1;
  for (size_t size : {1, 7, 300, 4096, 1, 65536, 13, 512, 511, 513}) {
    const std::vector<uint8_t> piece = this->pattern(size, seed++);
    ASSERT_EQ(this->write(piece), Status::kOk) << size << " bytes";
    expected = this->join(expected, piece);
    if (size == 4096) {
      ASSERT_EQ(this->sink().sync(), Status::kOk);  // appends go on after a sync
    }
  }
  EXPECT_EQ(this->bytes(dir, "appends"), expected) << "written so far, before sync or close";
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "appends"), expected);
}

// sink.h asks for size > 0, so a zero-byte write is the caller's mistake: the sink may
// accept or refuse it, but must not change the file or stop working.
TYPED_TEST_P(SinkContract, AZeroByteWriteChangesNothing) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "zero"), Status::kOk);
  ASSERT_EQ(this->write(this->text("abc")), Status::kOk);
  const uint8_t byte = 'z';
  const Status s = this->sink().write(&byte, 0);
  EXPECT_TRUE(s == Status::kOk || s == Status::kInvalidArgument) << tinytb::status_name(s);
  EXPECT_EQ(this->bytes(dir, "zero"), this->text("abc"));
  ASSERT_EQ(this->write(this->text("d")), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "zero"), this->text("abcd"));
}

// Misuse is a Status, never a crash or a changed file (docs/security.md: the caller is
// trusted, but its mistakes still get an answer).
TYPED_TEST_P(SinkContract, MisuseIsAStatus) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  EXPECT_EQ(this->sink().open(nullptr, "f"), Status::kInvalidArgument);
  EXPECT_EQ(this->sink().open(dir.c_str(), nullptr), Status::kInvalidArgument);
  this->expect_not_open();
  ASSERT_EQ(this->open(dir, "f"), Status::kOk);
  ASSERT_EQ(this->write(this->text("abc")), Status::kOk);
  EXPECT_NE(this->sink().write(nullptr, 4), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "f"), this->text("abc"));
}

// ---- sync and the power-loss model --------------------------------------------------------------

TYPED_TEST_P(SinkContract, SyncedBytesSurviveAPowerCut) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  const std::vector<uint8_t> closed = this->pattern(700, 1), synced = this->pattern(300, 2),
                             unsynced = this->pattern(200, 3);
  if (TypeParam::kNamedFiles) {  // a finished file, synced before it was closed
    ASSERT_EQ(this->open(dir, "done"), Status::kOk);
    ASSERT_EQ(this->write(closed), Status::kOk);
    ASSERT_EQ(this->sink().sync(), Status::kOk);
    ASSERT_EQ(this->sink().close(), Status::kOk);
  }
  ASSERT_EQ(this->open(dir, "open"), Status::kOk);
  ASSERT_EQ(this->write(synced), Status::kOk);
  ASSERT_EQ(this->sink().sync(), Status::kOk);
  ASSERT_EQ(this->write(unsynced), Status::kOk);
  this->port_.power_cut();
  if (TypeParam::kNamedFiles) {
    EXPECT_EQ(this->bytes(dir, "done"), closed);
  }
  // What came after the sync may be gone, cut short or garbled; the synced bytes may not.
  const std::vector<uint8_t> left = this->bytes(dir, "open");
  EXPECT_TRUE(this->starts_with(left, synced)) << left.size() << " bytes left, " << synced.size() << " were synced";
  EXPECT_LE(left.size(), synced.size() + unsynced.size());
}

TYPED_TEST_P(SinkContract, ASyncedNewFileKeepsItsName) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "empty"), Status::kOk);
  ASSERT_EQ(this->sink().sync(), Status::kOk);  // nothing written: the name alone is made durable
  this->port_.power_cut();
  EXPECT_TRUE(this->exists(dir, "empty")) << "a synced file's name must survive a power cut";
}

// ---- close, one file at a time, opening again --------------------------------------------------

TYPED_TEST_P(SinkContract, CallsWithoutAnOpenFileAreNotOpen) {
  using Status = tinytb::Status;
  this->expect_not_open();  // never opened
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "f"), Status::kOk);
  ASSERT_EQ(this->write(this->text("abc")), Status::kOk);
  ASSERT_EQ(this->sink().sync(), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  this->expect_not_open();  // closed
  EXPECT_EQ(this->bytes(dir, "f"), this->text("abc"));
}

TYPED_TEST_P(SinkContract, OneFileAtATime) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "first"), Status::kOk);
  ASSERT_EQ(this->write(this->text("1")), Status::kOk);
  EXPECT_EQ(this->open(dir, "second"), Status::kAlreadyOpen);
  ASSERT_EQ(this->write(this->text("2")), Status::kOk);  // still the first file
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "first"), this->text("12"));
  if (TypeParam::kNamedFiles) {
    EXPECT_FALSE(this->exists(dir, "second"));
  }
}

TYPED_TEST_P(SinkContract, OpensAgainAfterClose) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  const char* names[] = {"f0", "f1", "f2"};
  for (uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(this->open(dir, names[i]), Status::kOk) << i;
    ASSERT_EQ(this->write(this->pattern(100 + i, i)), Status::kOk);
    ASSERT_EQ(this->sink().sync(), Status::kOk);
    ASSERT_EQ(this->sink().close(), Status::kOk);
    EXPECT_EQ(this->bytes(dir, names[i]), this->pattern(100 + i, i)) << "a new file starts empty";
  }
  if (TypeParam::kNamedFiles) {
    for (uint32_t i = 0; i < 3; ++i) {
      EXPECT_EQ(this->bytes(dir, names[i]), this->pattern(100 + i, i)) << i;
    }
  }
}

// ---- names ----------------------------------------------------------------------------------------

TYPED_TEST_P(SinkContract, AnExistingFileIsNeverOpened) {
  using Status = tinytb::Status;
  if (!TypeParam::kNamedFiles) GTEST_SKIP() << "the port keeps one nameless file";
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "taken"), Status::kOk);
  ASSERT_EQ(this->write(this->text("old")), Status::kOk);
  ASSERT_EQ(this->sink().sync(), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->open(dir, "taken"), Status::kExists);
  if (TypeParam::kNativeErrors) {
    EXPECT_NE(this->sink().last_error(), 0) << "the native code behind kExists";
  }
  this->expect_not_open();  // not opened, let alone appended to
  EXPECT_EQ(this->bytes(dir, "taken"), this->text("old"));
  ASSERT_EQ(this->open(dir, "free"), Status::kOk);  // the sink is usable as before
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "taken"), this->text("old"));
}

TYPED_TEST_P(SinkContract, NamesTheStorageCannotHoldAreInvalidArgument) {
  using Status = tinytb::Status;
  if (!TypeParam::kNamedFiles) GTEST_SKIP() << "the port keeps one nameless file";
  const std::string dir = this->dir();
  const std::string too_long(300, 'n');  // over every file system's 255
  EXPECT_EQ(this->open(dir, too_long), Status::kInvalidArgument);
  EXPECT_FALSE(this->exists(dir, too_long));
  EXPECT_EQ(this->open(dir, ""), Status::kInvalidArgument);
  EXPECT_EQ(this->open("", "f"), Status::kInvalidArgument);
  this->expect_not_open();
  ASSERT_EQ(this->open(dir, "f"), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
}

// The longest path the writer can ask for: a TINYTB_MAX_DIR_LEN directory and the
// longest name the port's name_file() makes.
TYPED_TEST_P(SinkContract, TheLongestNamesTheWriterMakesFit) {
  using Status = tinytb::Status;
  std::string dir = this->port_.root();
  ASSERT_LE(dir.size() + 9, static_cast<size_t>(TINYTB_MAX_DIR_LEN)) << "root() is too long for this test";
  for (int level = 0; dir.size() < TINYTB_MAX_DIR_LEN; ++level) {
    // Levels of up to 8 characters (8.3-safe), the last ones sized to end exactly at the limit.
    const size_t room = TINYTB_MAX_DIR_LEN - dir.size();
    const size_t len = room >= 11 ? 8 : room == 10 ? 4 : room - 1;
    dir += "/" + ("D" + std::to_string(1000000 + level)).substr(0, len);
  }
  ASSERT_EQ(dir.size(), static_cast<size_t>(TINYTB_MAX_DIR_LEN));
  if (!TypeParam::kMakesDirectories) this->port_.make_dirs(dir);
  const std::string host(TINYTB_MAX_HOST_LEN, 'h'), suffix(TINYTB_MAX_SUFFIX_LEN, 's');
  const tinytb::FileNameParts parts{0xFFFFFFFFu, tinytb::kMaxFileSequence, host.c_str(), suffix.c_str()};
  char name[tinytb::kMaxFileNameLen + 1];
  ASSERT_EQ(this->sink().name_file(parts, name, sizeof(name)), Status::kOk);
  ASSERT_EQ(this->open(dir, name), Status::kOk) << dir << "/" << name;
  ASSERT_EQ(this->write(this->text("long")), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, name), this->text("long"));
}

// ---- errors: a failed write, and truncate ------------------------------------------------------

TYPED_TEST_P(SinkContract, AFailedWriteIsAStatusAndLeavesAPrefix) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  const std::vector<uint8_t> head = this->text("0123"), tail = this->pattern(16, 9);
  if (!this->port_.limit_file_size(10)) GTEST_SKIP() << "the port cannot limit the space";
  // No assertion until the limit is lifted: on a host it may cover the test's log too.
  const Status opened = this->open(dir, "full");
  const Status first = this->write(head);
  const Status second = this->write(tail);
  const int32_t native = this->sink().last_error();
  const bool lifted = this->port_.limit_file_size(TypeParam::kNoLimit);
  ASSERT_TRUE(lifted);
  ASSERT_EQ(opened, Status::kOk);
  ASSERT_EQ(first, Status::kOk);
  EXPECT_EQ(second, Status::kNoSpace) << "16 bytes into a file limited to 10";
  if (TypeParam::kNativeErrors) {
    EXPECT_NE(native, 0);
  }
  // Any prefix of the failed write's bytes may have reached the file; nothing else.
  const std::vector<uint8_t> left = this->bytes(dir, "full");
  const std::vector<uint8_t> all = this->join(head, tail);
  EXPECT_TRUE(left.size() >= head.size() && left.size() <= all.size() && std::equal(left.begin(), left.end(), all.begin()))
      << left.size() << " bytes: not the 4 written before and a prefix of the failed write";
  // The writer's repair: cut back to before the failed write, and go on there.
  if (TypeParam::kTruncates) {
    ASSERT_EQ(this->sink().truncate(head.size()), Status::kOk);
    ASSERT_EQ(this->write(this->text("xy")), Status::kOk);
    EXPECT_EQ(this->bytes(dir, "full"), this->text("0123xy"));
  } else {
    EXPECT_EQ(this->sink().truncate(head.size()), Status::kUnsupported);
  }
  EXPECT_EQ(this->sink().close(), Status::kOk);
}

TYPED_TEST_P(SinkContract, TruncateCutsBackAndWritesGoOnAtTheCut) {
  using Status = tinytb::Status;
  const std::string dir = this->dir();
  ASSERT_EQ(this->open(dir, "cut"), Status::kOk);
  ASSERT_EQ(this->write(this->text("0123456789")), Status::kOk);
  if (!TypeParam::kTruncates) {
    EXPECT_EQ(this->sink().truncate(4), Status::kUnsupported);
    ASSERT_EQ(this->sink().close(), Status::kOk);
    EXPECT_EQ(this->bytes(dir, "cut"), this->text("0123456789")) << "an unsupported truncate changes nothing";
    return;
  }
  ASSERT_EQ(this->sink().truncate(10), Status::kOk);  // to its length: no change
  EXPECT_EQ(this->bytes(dir, "cut"), this->text("0123456789"));
  ASSERT_EQ(this->sink().truncate(4), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "cut"), this->text("0123"));
  // At the new end, not at the old offset (which would leave a hole of zeros).
  ASSERT_EQ(this->write(this->text("xy")), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "cut"), this->text("0123xy"));
  ASSERT_EQ(this->sink().truncate(0), Status::kOk);
  ASSERT_EQ(this->write(this->text("z")), Status::kOk);
  ASSERT_EQ(this->sink().sync(), Status::kOk);
  ASSERT_EQ(this->sink().close(), Status::kOk);
  EXPECT_EQ(this->bytes(dir, "cut"), this->text("z"));
}

// ---- end to end: the writer on this port ---------------------------------------------------------

inline tinytb::WallTime sink_contract_wall_seconds() { return wall_time_of(1732241520.25); }

// The same values logged through the same writer, once into this port and once into a
// TestSink (tests/support/test_sink.h): the port must store exactly the records the writer
// handed it, in a file it named with its own name_file().
TYPED_TEST_P(SinkContract, AWritersRecordsReadBackExactly) {
  using Status = tinytb::Status;
  this->dir("run");
  tinytb::WriterOptions options;
  const std::string root = this->port_.root();
  options.logdir = root.c_str();
  options.run = "run";
  options.host = "board";
  options.file_stamp = 7;
  options.clock.wall_time = sink_contract_wall_seconds;
  options.max_queue = 4;
  options.flush_millis = 0;
  auto log = [](auto& w) {
    for (int64_t step = 0; step < 40; ++step) {
      if (w.scalar("loss", step, 1.0f / static_cast<float>(step + 1)) != Status::kOk) return false;
      if (step % 8 == 0 && w.text("notes", step, "checkpoint") != Status::kOk) return false;
      if (step == 20 && w.sync() != Status::kOk) return false;
    }
    return true;
  };
  tinytb_test::TestSink reference;
  {
    tinytb::EventWriter<2048, 8> w;
    ASSERT_EQ(w.open(reference, options), Status::kOk);
    ASSERT_TRUE(log(w));
    ASSERT_EQ(w.close(), Status::kOk);
  }
  tinytb::EventWriter<2048, 8> w;
  ASSERT_EQ(w.open(this->sink(), options), Status::kOk);
  const std::string dir = w.dir(), name = w.file_name();
  ASSERT_TRUE(log(w));
  EXPECT_EQ(w.last_flush_status(), Status::kOk);
  ASSERT_EQ(w.close(), Status::kOk);
  ASSERT_EQ(reference.order.size(), 1u);
  const std::vector<uint8_t> stored = this->bytes(dir, name);
  EXPECT_EQ(stored, reference.last().bytes);
  const tinytb_test::ParsedFile parsed = tinytb_test::parse_file(stored);
  EXPECT_FALSE(parsed.torn || parsed.corrupt);
  EXPECT_EQ(parsed.events.size(), 1u + 40u + 5u);  // the file version, then every value
}

REGISTER_TYPED_TEST_SUITE_P(SinkContract, OpenCreatesANewEmptyFile, OpenMakesMissingDirectories, WritesAppendInOrder,
                            AZeroByteWriteChangesNothing, MisuseIsAStatus, SyncedBytesSurviveAPowerCut,
                            ASyncedNewFileKeepsItsName, CallsWithoutAnOpenFileAreNotOpen, OneFileAtATime,
                            OpensAgainAfterClose, AnExistingFileIsNeverOpened,
                            NamesTheStorageCannotHoldAreInvalidArgument, TheLongestNamesTheWriterMakesFit,
                            AFailedWriteIsAStatusAndLeavesAPrefix, TruncateCutsBackAndWritesGoOnAtTheCut,
                            AWritersRecordsReadBackExactly);

#endif  // TINYTB_TESTS_SINK_CONTRACT_H_
