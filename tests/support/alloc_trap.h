// tinytb tests: the one malloc/new trap (tests/support/alloc_trap.cc). Armed counts every heap
// call made while it is alive; link alloc_trap.cc and define TINYTB_ALLOC_TRAP to get it.
// In a sanitised build (ASan brings its own allocator) there is no trap and allocs() is -1.
#ifndef TINYTB_TESTS_SUPPORT_ALLOC_TRAP_H_
#define TINYTB_TESTS_SUPPORT_ALLOC_TRAP_H_

#include <atomic>

#include "tinytb/status.h"

namespace tinytb_test {

// A trapped run checks every call without returning early (that would disarm the trap
// around less code than the test claims); this keeps the first failure to report after.
class FirstError {
 public:
  void operator()(tinytb::Status s) {
    if (s != tinytb::Status::kOk && first_ == tinytb::Status::kOk) first_ = s;
  }
  tinytb::Status status() const { return first_; }

 private:
  tinytb::Status first_ = tinytb::Status::kOk;
};

#ifdef TINYTB_ALLOC_TRAP
extern std::atomic<bool> g_alloc_armed;
extern std::atomic<int> g_alloc_calls;
struct Armed {
  Armed() {
    g_alloc_calls = 0;
    g_alloc_armed = true;
  }
  ~Armed() { g_alloc_armed = false; }
  int allocs() const { return g_alloc_calls.load(); }
};
#else
struct Armed {
  int allocs() const { return -1; }
};
#endif

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_SUPPORT_ALLOC_TRAP_H_
