// The sink contract (tests/support/sink_contract.h) for the FatFs port on the FatFs
// stand-in, built with FF_USE_LFN = 0 (8.3 names) and 1 (long names) like the rest of
// fatfs_tests_lfn0/1. A file size limit (FAT32's 4 GiB - 1, scaled down) stands in for a
// full card; a power cut returns every file to its last f_sync, as FatFs does.
#include <ctype.h>

#include "fatfs_sink.h"
#include "fatfs_standin.h"
#include "sink_contract.h"

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

class FatfsPort : public tinytb_test::SinkContractPort {
 public:
  FatfsPort() { fatfs_standin::reset(); }

  tinytb::Sink& sink() { return sink_; }
  std::string root() { return "contract"; }

  // FAT compares names without case (and keeps 8.3 names in upper case).
  bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
    const std::string key = upper(dir + "/" + name);
    for (const auto& f : fatfs_standin::files()) {
      if (upper(f.path) == key) {
        *bytes = f.bytes;
        return true;
      }
    }
    return false;
  }

  bool limit_file_size(uint64_t bytes) {
    fatfs_standin::set_max_file_size(bytes == kNoLimit ? 0xFFFFFFFFull : bytes);
    return true;
  }

  void power_cut() { fatfs_standin::power_loss(); }

 private:
  tinytb::FatfsSink sink_;
};

}  // namespace

#if FF_USE_LFN
INSTANTIATE_TYPED_TEST_SUITE_P(FatfsLongNames, SinkContract, ::testing::Types<FatfsPort>);
#else
INSTANTIATE_TYPED_TEST_SUITE_P(FatfsShortNames, SinkContract, ::testing::Types<FatfsPort>);
#endif
