// The sink contract's canary: two ports that break sink.h in ways a port really can, run
// through tests/support/sink_contract.h. This program must FAIL; tests/run_all.sh runs it
// expecting that, once per broken port, and names the contract test that must catch it.
// If it ever passes, the contract suite has stopped checking what it claims to.
//
//   ShortWrite  a RAM file whose write() keeps at most 512 bytes of each call but still
//               answers kOk (a port that forgot to loop over short writes)
//   NoSync      the fault-injecting file system, with a sync() that answers kOk without
//               syncing (a port that "optimised" f_sync away); a power cut then loses
//               bytes the writer was told were durable
#include <algorithm>
#include <cstring>

#include "faulty_fs.h"
#include "sink_contract.h"

namespace {

using tinytb::Status;

// ---- ShortWrite ---------------------------------------------------------------------------------

class ShortWriteSink : public tinytb::Sink {
 public:
  Status open(const char* dir, const char* file_name) override {
    if (open_) return Status::kAlreadyOpen;
    if (dir == nullptr || file_name == nullptr) return Status::kInvalidArgument;
    bytes.clear();
    open_ = true;
    return Status::kOk;
  }
  Status write(const uint8_t* data, size_t size) override {
    if (!open_) return Status::kNotOpen;
    if (data == nullptr) return Status::kInvalidArgument;
    bytes.insert(bytes.end(), data, data + std::min<size_t>(size, 512));  // the bug
    return Status::kOk;
  }
  Status sync() override { return open_ ? Status::kOk : Status::kNotOpen; }
  Status truncate(uint64_t size) override {
    if (!open_) return Status::kNotOpen;
    if (size > bytes.size()) return Status::kInvalidArgument;
    bytes.resize(static_cast<size_t>(size));
    return Status::kOk;
  }
  Status close() override {
    if (!open_) return Status::kNotOpen;
    open_ = false;
    return Status::kOk;
  }

  std::vector<uint8_t> bytes;

 private:
  bool open_ = false;
};

class ShortWritePort : public tinytb_test::SinkContractPort {
 public:
  static constexpr bool kNamedFiles = false;
  static constexpr bool kNativeErrors = false;
  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "ram"; }
  bool read(const std::string&, const std::string&, std::vector<uint8_t>* bytes) {
    *bytes = sink_.bytes;
    return true;
  }

 private:
  ShortWriteSink sink_;
};

// ---- NoSync ---------------------------------------------------------------------------------------

// Passes every call through to a FaultySink, except sync() on an open file.
class NoSyncSink : public tinytb::Sink {
 public:
  explicit NoSyncSink(tinytb::FaultyFs& fs) : inner_(fs) {}
  Status open(const char* dir, const char* file_name) override {
    const Status s = inner_.open(dir, file_name);
    if (s == Status::kOk) open_ = true;
    return s;
  }
  Status write(const uint8_t* data, size_t size) override { return inner_.write(data, size); }
  Status sync() override { return open_ ? Status::kOk : inner_.sync(); }  // the bug
  Status truncate(uint64_t size) override { return inner_.truncate(size); }
  Status close() override {
    open_ = false;
    return inner_.close();
  }
  int32_t last_error() const override { return inner_.last_error(); }

 private:
  tinytb::FaultySink inner_;
  bool open_ = false;
};

class NoSyncPort : public tinytb_test::SinkContractPort {
 public:
  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "logs"; }
  bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
    const size_t i = fs_.find((dir + "/" + name).c_str());
    if (i == fs_.file_count()) return false;
    bytes->assign(fs_.data(i), fs_.data(i) + fs_.file(i).size);
    return true;
  }
  void power_cut() { fs_.reboot(tinytb::FaultyFs::PowerLoss::kDropUnsynced, 0); }

 private:
  std::vector<uint8_t> arena_ = std::vector<uint8_t>(256 * 1024);
  std::vector<tinytb::FaultyFs::File> table_ = std::vector<tinytb::FaultyFs::File>(16);
  tinytb::FaultyFs fs_{arena_.data(), arena_.size(), table_.data(), table_.size()};
  NoSyncSink sink_{fs_};
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(ShortWrite, SinkContract, ::testing::Types<ShortWritePort>);
INSTANTIATE_TYPED_TEST_SUITE_P(NoSync, SinkContract, ::testing::Types<NoSyncPort>);
