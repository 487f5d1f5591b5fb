// The sink contract (tests/support/sink_contract.h) for the fault-injecting port with no
// fault armed: its capacity is the full disk, and a power cut reboots it with the harsher
// of its two models (unsynced bytes partly kept and garbled). tests/ports/faulty_fs_test.cc
// checks the fault plan itself.
#include "faulty_fs.h"
#include "sink_contract.h"

namespace {

class FaultyPort : public tinytb_test::SinkContractPort {
 public:
  ~FaultyPort() { EXPECT_EQ(fs_.contract_violations(), 0u) << "the suite itself broke the contract"; }

  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "logs"; }

  bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
    const size_t i = fs_.find((dir + "/" + name).c_str());
    if (i == fs_.file_count()) return false;
    bytes->assign(fs_.data(i), fs_.data(i) + fs_.file(i).size);
    return true;
  }

  bool limit_file_size(uint64_t bytes) {
    size_t used = 0;
    for (size_t i = 0; i < fs_.file_count(); ++i) used += fs_.file(i).size;
    fs_.set_capacity(bytes == kNoLimit ? arena_.size() : used + static_cast<size_t>(bytes));
    return true;
  }

  void power_cut() { fs_.reboot(tinytb::FaultyFs::PowerLoss::kGarbleUnsynced, 11); }

 private:
  std::vector<uint8_t> arena_ = std::vector<uint8_t>(256 * 1024);
  std::vector<tinytb::FaultyFs::File> table_ = std::vector<tinytb::FaultyFs::File>(16);
  tinytb::FaultyFs fs_{arena_.data(), arena_.size(), table_.data(), table_.size()};
  tinytb::FaultySink sink_{fs_};
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Faulty, SinkContract, ::testing::Types<FaultyPort>);
