// tinytb tests: a simulated debug host for the semihosting port, so its logic runs on
// the host (the real one is exercised under QEMU: tests/target/run_qemu_semihosting.sh).
// Used by semihosting_sink_test.cc and the contract suite's semihosting_contract.cc.
#ifndef TINYTB_TESTS_PORTS_SEMIHOSTING_HOST_H_
#define TINYTB_TESTS_PORTS_SEMIHOSTING_HOST_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "semihosting_sink.h"

namespace semihosting_test {

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

  // mkdir -p on the host's side (semihosting itself has no call for it).
  void make_dirs(const std::string& dir) {
    for (size_t slash = dir.find('/'); slash != std::string::npos; slash = dir.find('/', slash + 1)) {
      dirs.insert(dir.substr(0, slash));
    }
    dirs.insert(dir);
  }

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

// The sink takes a plain function, so the host it talks to is a global: bind one per test.
inline Host*& bound_host() {
  static Host* host = nullptr;
  return host;
}
inline intptr_t host_call(uint32_t op, uintptr_t* args) { return bound_host()->call(op, args); }

}  // namespace semihosting_test

#endif  // TINYTB_TESTS_PORTS_SEMIHOSTING_HOST_H_
