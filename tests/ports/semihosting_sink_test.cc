// The semihosting port's own behaviour on the host, against a simulated debug host (the
// real one is exercised under QEMU: tests/target/run_qemu_semihosting.sh): the probe before
// every create, the host's errno, and the writer without truncate. What every port
// promises is checked by the contract suite (semihosting_contract.cc).
#include "semihosting_sink.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_reader.h"
#include "semihosting_host.h"
#include "tinytb/writer/event_writer.h"

namespace {

using semihosting_test::Host;
using tinytb::Status;
namespace sh = tinytb::semihosting;

class SemihostingTest : public ::testing::Test {
 protected:
  void SetUp() override { semihosting_test::bound_host() = &host; }
  void TearDown() override { semihosting_test::bound_host() = nullptr; }
  Host host;
  tinytb::SemihostingSink sink{semihosting_test::host_call};
};

TEST_F(SemihostingTest, CreatesOnlyNamesProbedFree) {
  ASSERT_EQ(sink.open("logs/run", "a"), Status::kOk);
  ASSERT_EQ(host.opens.size(), 2u);
  EXPECT_EQ(host.opens[0], std::make_pair(std::string("logs/run/a"), sh::kModeReadBinary));
  EXPECT_EQ(host.opens[1], std::make_pair(std::string("logs/run/a"), sh::kModeWriteBinary));
  ASSERT_EQ(sink.close(), Status::kOk);
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

TEST_F(SemihostingTest, TheHostsErrnoIsTheNativeCode) {
  EXPECT_EQ(sink.open("logs/none", "a"), Status::kIoError);  // no mkdir in semihosting
  EXPECT_EQ(sink.last_error(), sh::kENOENT);
  ASSERT_EQ(sink.open("logs/run", "b"), Status::kOk);
  host.space = 2;
  const uint8_t data[3] = {1, 2, 3};
  EXPECT_EQ(sink.write(data, 3), Status::kNoSpace);
  EXPECT_EQ(sink.last_error(), sh::kENOSPC);
  ASSERT_EQ(sink.close(), Status::kOk);
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
