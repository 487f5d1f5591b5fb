// tinytb tests: the one malloc/new trap (tests/support/alloc_trap.cc). Armed counts every heap
// call made while it is alive; link alloc_trap.cc and define TINYTB_ALLOC_TRAP to get it.
// In a sanitised build (ASan brings its own allocator) there is no trap and allocs() is -1.
#ifndef TINYTB_TESTS_SUPPORT_ALLOC_TRAP_H_
#define TINYTB_TESTS_SUPPORT_ALLOC_TRAP_H_

#include <atomic>

namespace tinytb_test {

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
