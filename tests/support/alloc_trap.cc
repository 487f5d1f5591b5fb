// No heap, proven on the host: malloc, calloc, realloc, free and every operator new/delete
// are replaced by counting versions (glibc's __libc_* do the work); a test arms the counter
// (tinytb_test::Armed) around the calls under test and requires zero. Used by
// tests/writer/alloc_trap_test.cc and the render tests; linked into non-sanitised binaries
// only: ASan brings its own allocator.
#include <stdlib.h>

#include <atomic>
#include <new>

#include "alloc_trap.h"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void __libc_free(void*);
}

namespace tinytb_test {
std::atomic<bool> g_alloc_armed{false};
std::atomic<int> g_alloc_calls{0};
}  // namespace tinytb_test

namespace {
void count() {
  if (tinytb_test::g_alloc_armed.load(std::memory_order_relaxed)) {
    tinytb_test::g_alloc_calls.fetch_add(1, std::memory_order_relaxed);
  }
}
}  // namespace

extern "C" {
void* malloc(size_t n) {
  count();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t m) {
  count();
  return __libc_calloc(n, m);
}
void* realloc(void* p, size_t n) {
  count();
  return __libc_realloc(p, n);
}
void free(void* p) {
  if (p != nullptr) count();
  __libc_free(p);
}
}

void* operator new(size_t n) {
  count();
  if (void* p = __libc_malloc(n ? n : 1)) return p;
  abort();
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  count();
  return __libc_malloc(n ? n : 1);
}
void* operator new[](size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept {
  if (p != nullptr) count();
  __libc_free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }
