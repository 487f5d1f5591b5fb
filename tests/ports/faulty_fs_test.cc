// The fault-injecting port's own behaviour (ports/faulty/faulty_fs.h): its two power-loss
// models, the fault plan (failures and power cuts at the N-th operation), a full arena.
// What every port promises is checked by the contract suite (faulty_contract.cc).
#include "faulty_fs.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

using tinytb::Status;

struct Faulty {
  std::vector<uint8_t> arena = std::vector<uint8_t>(4096);
  tinytb::FaultyFs::File table[8];
  tinytb::FaultyFs fs{arena.data(), arena.size(), table, 8};
};

TEST(FaultyFs, DropModelKeepsOnlySyncedBytesAndNames) {
  Faulty f;
  tinytb::FaultySink a(f.fs);
  const uint8_t data[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_EQ(a.open("d", "synced"), Status::kOk);
  ASSERT_EQ(a.write(data, 4), Status::kOk);
  ASSERT_EQ(a.sync(), Status::kOk);
  ASSERT_EQ(a.write(data, 2), Status::kOk);
  ASSERT_EQ(a.close(), Status::kOk);
  ASSERT_EQ(a.open("d", "never-synced"), Status::kOk);
  ASSERT_EQ(a.write(data, 6), Status::kOk);
  EXPECT_EQ(a.open("d", "x"), Status::kAlreadyOpen);
  f.fs.reboot(tinytb::FaultyFs::PowerLoss::kDropUnsynced, 1);
  ASSERT_EQ(f.fs.file_count(), 1u);
  EXPECT_STREQ(f.fs.file(0).path, "d/synced");
  EXPECT_EQ(f.fs.file(0).size, 4u);
  tinytb::FaultySink b(f.fs);
  EXPECT_EQ(b.open("d", "synced"), Status::kExists);
  EXPECT_EQ(b.last_error(), tinytb::FaultyFs::kErrExists);
}

TEST(FaultyFs, GarbleModelNeverTouchesSyncedBytes) {
  for (uint32_t seed = 0; seed < 200; ++seed) {
    Faulty f;
    tinytb::FaultySink s(f.fs);
    uint8_t data[64];
    for (int i = 0; i < 64; ++i) data[i] = static_cast<uint8_t>(i + 1);
    ASSERT_EQ(s.open("d", "f"), Status::kOk);
    ASSERT_EQ(s.write(data, 32), Status::kOk);
    ASSERT_EQ(s.sync(), Status::kOk);
    ASSERT_EQ(s.write(data + 32, 32), Status::kOk);
    f.fs.reboot(tinytb::FaultyFs::PowerLoss::kGarbleUnsynced, seed);
    ASSERT_EQ(f.fs.file_count(), 1u);
    ASSERT_GE(f.fs.file(0).size, 32u);
    ASSERT_LE(f.fs.file(0).size, 64u);
    ASSERT_EQ(memcmp(f.fs.data(0), data, 32), 0) << seed;
  }
}

TEST(FaultyFs, InjectedFailuresAndPowerCuts) {
  Faulty f;
  tinytb::FaultySink s(f.fs);
  const uint8_t data[10] = {};
  f.fs.fail_at(2, Status::kNoSpace, 2);
  ASSERT_EQ(s.open("d", "f"), Status::kOk);                // operation 1
  EXPECT_EQ(s.write(data, 10), Status::kNoSpace);          // 2: half of it got through
  EXPECT_EQ(s.last_error(), tinytb::FaultyFs::kErrNoSpace);
  EXPECT_EQ(f.fs.file(0).size, 5u);
  EXPECT_EQ(s.truncate(0), Status::kNoSpace);              // 3
  EXPECT_EQ(s.truncate(0), Status::kOk);                   // 4: works again
  EXPECT_EQ(s.truncate(1), Status::kInvalidArgument);      // 5: past the end
  EXPECT_EQ(f.fs.contract_violations(), 1u);
  f.fs.cut_power_at(7);
  EXPECT_EQ(s.write(data, 10), Status::kOk);               // 6
  EXPECT_EQ(s.sync(), Status::kIoError);                   // 7: the cut
  EXPECT_TRUE(f.fs.powered_off());
  EXPECT_EQ(s.write(data, 1), Status::kIoError);           // dead until reboot
  EXPECT_EQ(f.fs.ops(), 7u);
  f.fs.reboot(tinytb::FaultyFs::PowerLoss::kDropUnsynced, 0);
  EXPECT_FALSE(f.fs.powered_off());
  EXPECT_EQ(f.fs.file_count(), 0u);  // never synced: the name did not survive
}

TEST(FaultyFs, FullDiskWritesWhatFits) {
  Faulty f;
  f.fs.set_capacity(8);
  tinytb::FaultySink s(f.fs);
  const uint8_t data[10] = {};
  ASSERT_EQ(s.open("d", "f"), Status::kOk);
  EXPECT_EQ(s.write(data, 10), Status::kNoSpace);
  EXPECT_EQ(f.fs.file(0).size, 8u);
  f.fs.set_capacity(4096);
  EXPECT_EQ(s.truncate(0), Status::kOk);
  EXPECT_EQ(s.write(data, 10), Status::kOk);
}

}  // namespace
