// The sink contract (tests/support/sink_contract.h) for the POSIX port, on the real file
// system under /tmp. The kernel's per-process file size limit (RLIMIT_FSIZE) stands in for
// a full disk; a power cut cannot be modelled here (tests/power/ sweeps the writer's side).
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "posix_sink.h"
#include "sink_contract.h"

namespace {

class PosixPort : public tinytb_test::SinkContractPort {
 public:
  PosixPort() {
    char tmpl[] = "/tmp/tinytb_contract_XXXXXX";
    if (mkdtemp(tmpl) != nullptr) root_ = tmpl;
    signal(SIGXFSZ, SIG_IGN);  // past the limit: EFBIG, not death
    getrlimit(RLIMIT_FSIZE, &saved_);
  }
  ~PosixPort() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  tinytb::Sink& sink() { return sink_; }
  std::string root() { return root_; }

  bool read(const std::string& dir, const std::string& name, std::vector<uint8_t>* bytes) {
    const std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    std::ifstream in(path, std::ios::binary);
    bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
  }

  bool limit_file_size(uint64_t bytes) {
    rlimit limit = saved_;
    if (bytes != kNoLimit) limit.rlim_cur = static_cast<rlim_t>(bytes);
    return setrlimit(RLIMIT_FSIZE, &limit) == 0;
  }

 private:
  std::string root_;
  rlimit saved_ = {};
  tinytb::PosixSink sink_;
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(Posix, SinkContract, ::testing::Types<PosixPort>);
