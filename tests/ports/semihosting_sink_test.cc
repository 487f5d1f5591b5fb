// The semihosting port's logic on the host, against a simulated debug host (the real
// one is exercised under QEMU: tests/target/run_qemu_semihosting.sh).
#include "semihosting_sink.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "event_reader.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb::Status;
namespace sh = tinytb::semihosting;

// A host with files in memory, answering SYS_OPEN, SYS_WRITE, SYS_CLOSE, SYS_ERRNO as
// ARM's semihosting specification describes them.
struct Host {
  std::map<std::string, std::vector<uint8_t>> files;
  std::set<std::string> dirs = {"logs", "logs/run"};
  std::set<std::string> unreadable;  // exist, but opening them for reading fails (EACCES)
  std::map<intptr_t, std::string> handles;
  intptr_t next = 3;
  int32_t err = 0;
  size_t space = 1 << 20;
  std::vector<std::pair<std::string, uintptr_t>> opens;  // (path, mode) in order

  intptr_t call(uint32_t op, uintptr_t* a) {
    switch (op) {
      case sh::kSysOpen: {
        const std::string path(reinterpret_cast<const char*>(a[0]), a[2]);
        opens.push_back({path, a[1]});
        const std::string dir = path.substr(0, path.rfind('/'));
        if (a[1] == sh::kModeReadBinary) {
          if (unreadable.count(path)) return err = 13, -1;
          if (!files.count(path)) return err = sh::kENOENT, -1;
        } else if (a[1] == sh::kModeWriteBinary) {
          if (!dirs.count(dir)) return err = sh::kENOENT, -1;
          files[path].clear();  // "wb" truncates: the port must never get here for an existing file
        } else {
          return err = sh::kEINVAL, -1;
        }
        handles[next] = path;
        return next++;
      }
      case sh::kSysWrite: {
        auto h = handles.find(static_cast<intptr_t>(a[0]));
        if (h == handles.end()) return err = 9, static_cast<intptr_t>(a[2]);
        const uint8_t* p = reinterpret_cast<const uint8_t*>(a[1]);
        const size_t n = a[2] < space ? a[2] : space;
        files[h->second].insert(files[h->second].end(), p, p + n);
        space -= n;
        if (n < a[2]) err = sh::kENOSPC;
        return static_cast<intptr_t>(a[2] - n);  // bytes NOT written
      }
      case sh::kSysClose:
        return handles.erase(static_cast<intptr_t>(a[0])) ? 0 : (err = 9, -1);
      case sh::kSysErrno:
        return err;
      default:
        return -1;
    }
  }
};

Host* g_host = nullptr;
intptr_t host_call(uint32_t op, uintptr_t* args) { return g_host->call(op, args); }

class SemihostingTest : public ::testing::Test {
 protected:
  void SetUp() override { g_host = &host; }
  void TearDown() override { g_host = nullptr; }
  Host host;
  tinytb::SemihostingSink sink{host_call};
};

TEST_F(SemihostingTest, CreatesOnlyNamesProbedFree) {
  ASSERT_EQ(sink.open("logs/run", "a"), Status::kOk);
  ASSERT_EQ(host.opens.size(), 2u);
  EXPECT_EQ(host.opens[0], std::make_pair(std::string("logs/run/a"), sh::kModeReadBinary));
  EXPECT_EQ(host.opens[1], std::make_pair(std::string("logs/run/a"), sh::kModeWriteBinary));
  const uint8_t data[3] = {1, 2, 3};
  ASSERT_EQ(sink.write(data, 3), Status::kOk);
  ASSERT_EQ(sink.sync(), Status::kOk);
  EXPECT_EQ(sink.truncate(0), Status::kUnsupported);
  ASSERT_EQ(sink.close(), Status::kOk);
  EXPECT_EQ(host.files["logs/run/a"], (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_TRUE(host.handles.empty());
}

TEST_F(SemihostingTest, AnExistingFileIsNeverOpenedForWriting) {
  host.files["logs/run/a"] = {9, 9};
  EXPECT_EQ(sink.open("logs/run", "a"), Status::kExists);
  EXPECT_EQ(sink.last_error(), sh::kEEXIST);
  EXPECT_EQ(host.files["logs/run/a"], (std::vector<uint8_t>{9, 9}));
  for (const auto& o : host.opens) EXPECT_NE(o.second, sh::kModeWriteBinary);
  EXPECT_TRUE(host.handles.empty());  // the probe's handle was closed
}

TEST_F(SemihostingTest, AProbeThatFailsForAnotherReasonCreatesNothing) {
  host.files["logs/run/a"] = {7};
  host.unreadable.insert("logs/run/a");
  EXPECT_EQ(sink.open("logs/run", "a"), Status::kIoError);
  EXPECT_EQ(sink.last_error(), 13);
  EXPECT_EQ(host.files["logs/run/a"], (std::vector<uint8_t>{7}));
}

TEST_F(SemihostingTest, MissingDirectoryAndFullDisk) {
  EXPECT_EQ(sink.open("logs/none", "a"), Status::kIoError);
  EXPECT_EQ(sink.last_error(), sh::kENOENT);
  ASSERT_EQ(sink.open("logs/run", "b"), Status::kOk);
  host.space = 2;
  const uint8_t data[3] = {1, 2, 3};
  EXPECT_EQ(sink.write(data, 3), Status::kNoSpace);
  EXPECT_EQ(sink.last_error(), sh::kENOSPC);
  EXPECT_EQ(sink.open("logs/run", "c"), Status::kAlreadyOpen);
  ASSERT_EQ(sink.close(), Status::kOk);
  EXPECT_EQ(sink.close(), Status::kNotOpen);
  EXPECT_EQ(sink.write(data, 3), Status::kNotOpen);
}

TEST_F(SemihostingTest, ErrnoMapping) {
  EXPECT_EQ(sh::status_for(sh::kENOSPC), Status::kNoSpace);
  EXPECT_EQ(sh::status_for(sh::kEDQUOT), Status::kNoSpace);
  EXPECT_EQ(sh::status_for(sh::kEFBIG), Status::kNoSpace);
  EXPECT_EQ(sh::status_for(sh::kEEXIST), Status::kExists);
  EXPECT_EQ(sh::status_for(sh::kEINVAL), Status::kInvalidArgument);
  EXPECT_EQ(sh::status_for(sh::kENAMETOOLONG), Status::kInvalidArgument);
  EXPECT_EQ(sh::status_for(sh::kEIO), Status::kIoError);
  EXPECT_EQ(sh::status_for(0), Status::kIoError);
}

TEST_F(SemihostingTest, TheWriterSkipsExistingNamesAndLeavesTornFilesForNewOnes) {
  host.files["logs/run/events.out.tfevents.0000000003.board.0000.v2"] = {};
  tinytb::WriterOptions o;
  o.logdir = "logs";
  o.run = "run";
  o.host = "board";
  o.file_stamp = 3;
  o.max_queue = 1;
  tinytb::EventWriter<1024, 4, 16> w;
  ASSERT_EQ(w.open(sink, o), Status::kOk);
  EXPECT_STREQ(w.file_name(), "events.out.tfevents.0000000003.board.0001.v2");
  ASSERT_EQ(w.scalar("x", 0, 1.0f), Status::kOk);
  host.space = 10;  // a torn record reaches the host; truncate is not possible
  ASSERT_EQ(w.scalar("x", 1, 2.0f), Status::kOk);
  EXPECT_EQ(w.last_flush_status(), Status::kNoSpace);
  host.space = 1 << 20;
  ASSERT_EQ(w.close(), Status::kOk);  // the queue went to a new file
  const auto& second = host.files["logs/run/events.out.tfevents.0000000003.board.0002.v2"];
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(second);
  EXPECT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].step, 1);
}

}  // namespace
