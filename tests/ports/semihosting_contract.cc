// The sink contract (tests/support/sink_contract.h) for the semihosting port, against the
// simulated debug host of semihosting_host.h. Semihosting has no mkdir and no truncate
// (the port says so); a power cut on the target cannot lose what the host already holds.
#include "semihosting_host.h"
#include "semihosting_sink.h"
#include "sink_contract.h"

namespace {

class SemihostingPort : public tinytb_test::SinkContractPort {
 public:
  static constexpr bool kTruncates = false;
  static constexpr bool kMakesDirectories = false;

  SemihostingPort() {
    host_.dirs = {"logs"};
    semihosting_test::bound_host() = &host_;
  }
  ~SemihostingPort() { semihosting_test::bound_host() = nullptr; }

  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "logs"; }

  bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
    const auto f = host_.files.find(dir + "/" + name);
    if (f == host_.files.end()) return false;
    *bytes = f->second;
    return true;
  }

  void make_dirs(const std::string& dir) { host_.make_dirs(dir); }

  bool limit_file_size(uint64_t bytes) {
    host_.space = bytes == kNoLimit ? size_t{1} << 20 : static_cast<size_t>(bytes);
    return true;
  }

 private:
  semihosting_test::Host host_;
  tinytb::SemihostingSink sink_{semihosting_test::host_call};
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Semihosting, SinkContract, ::testing::Types<SemihostingPort>);
