// The sink contract (tests/support/sink_contract.h) for the memory port. It keeps one
// nameless file in the caller's buffer, so the tests about names are skipped; a power cut
// keeps what synced_size() says was synced.
#include <algorithm>

#include "memory_sink.h"
#include "sink_contract.h"

namespace {

class MemoryPort : public tinytb_test::SinkContractPort {
 public:
  static constexpr bool kNamedFiles = false;
  static constexpr bool kNativeErrors = false;

  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "ram"; }

  bool read(const std::string&, const std::string&, std::vector<uint8_t>* bytes) {
    const size_t n = powered_off_ ? sink_.synced_size() : sink_.size();
    bytes->assign(sink_.data(), sink_.data() + n);
    return true;
  }

  // The buffer's capacity is the limit; it is set before open() and stays.
  bool limit_file_size(uint64_t bytes) {
    if (bytes == kNoLimit) return true;
    if (sink_.is_open()) return false;
    sink_ = tinytb::MemorySink(buffer_.data(), static_cast<size_t>(std::min<uint64_t>(bytes, buffer_.size())));
    return true;
  }

  void power_cut() { powered_off_ = true; }

 private:
  std::vector<uint8_t> buffer_ = std::vector<uint8_t>(256 * 1024);
  tinytb::MemorySink sink_{buffer_.data(), buffer_.size()};
  bool powered_off_ = false;
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, SinkContract, ::testing::Types<MemoryPort>);
