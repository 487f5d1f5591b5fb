// tinytb Cortex-M firmware: console, counter and stack measurement on the mps2 boards (and
// QEMU's RISC-V virt machine, examples/riscv).
#include "board.h"

#include "semihosting_sink.h"

extern "C" {
extern uint32_t __stack_bottom__[], __stack_top__[];
}

namespace board {
namespace {

constexpr uint32_t kSysWrite0 = 0x04;  // semihosting: write a NUL-terminated string
// Unlikely as real data (not 0, not all ones, not a small integer, not an address).
constexpr uint32_t kPaint = 0xC5ACCE55u;

uint32_t g_last_ticks = 0;
uint64_t g_wrapped_ticks = 0;
// The deepest word found written so far: painting again must not forget it.
const uint32_t* g_deepest = nullptr;

// The deepest word written since the last paint, at or below `top`.
const uint32_t* deepest_below(const uint32_t* top) {
  const uint32_t* p = __stack_bottom__;
  while (p < top && *p == kPaint) ++p;
  if (g_deepest == nullptr || p < g_deepest) g_deepest = p;
  return p;
}

// Inlined into its callers: a frame of its own would lie in the range it paints.
__attribute__((always_inline)) inline void paint_below(uint32_t* end) {
  for (uint32_t* p = __stack_bottom__; p < end; ++p) *p = kPaint;
}

}  // namespace

void print(const char* text) {
  (void)tinytb::semihosting::native_call(kSysWrite0, reinterpret_cast<uintptr_t*>(const_cast<char*>(text)));
}

void print_uint(uint32_t value) {
  char buf[11];
  size_t n = sizeof(buf) - 1;
  buf[n] = '\0';
  do {
    buf[--n] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  print(buf + n);
}

void print_hex(uint32_t value) {
  char buf[11] = "0x";
  for (int i = 0; i < 8; ++i) buf[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xF];
  buf[10] = '\0';
  print(buf);
}

uint32_t counter_ticks() { return *reinterpret_cast<volatile const uint32_t*>(kCounterAddress); }

uint64_t uptime_ms() {
  const uint32_t now = counter_ticks();
  if (now < g_last_ticks) g_wrapped_ticks += uint64_t{1} << 32;
  g_last_ticks = now;
  // ticks / (ticks per ms) 16 bits at a time, in 32-bit divisions: a 64-bit `/` would link
  // libgcc's __aeabi_uldivmod (0.75 KB), which tinytb itself no longer needs.
  constexpr uint32_t kTicksPerMs = kCounterHz / 1000;
  static_assert(kTicksPerMs < 65536, "the divisor must fit 16 bits");
  const uint64_t ticks = g_wrapped_ticks + now;
  uint64_t ms = 0;
  uint32_t rest = 0;
  for (int shift = 48; shift >= 0; shift -= 16) {
    const uint32_t part = (rest << 16) | static_cast<uint32_t>((ticks >> shift) & 0xFFFF);
    ms = (ms << 16) | (part / kTicksPerMs);
    rest = part % kTicksPerMs;
  }
  return ms;
}

void stack_paint_at_reset() {
  // Never above this function's own frame, which is live.
  paint_below(reinterpret_cast<uint32_t*>(stack_pointer() & ~uintptr_t{3}));
}

void stack_paint_below(uintptr_t sp) {
  const uintptr_t own = stack_pointer();  // this frame lies below the caller's sp, and is live
  uint32_t* const end = reinterpret_cast<uint32_t*>((own < sp ? own : sp) & ~uintptr_t{3});
  (void)deepest_below(end);
  paint_below(end);
}

size_t stack_used_below(uintptr_t sp) {
  const uint32_t* const top = reinterpret_cast<const uint32_t*>(sp & ~uintptr_t{3});
  return static_cast<size_t>(reinterpret_cast<uintptr_t>(top) - reinterpret_cast<uintptr_t>(deepest_below(top)));
}

size_t stack_high_water() {
  const uint32_t* const top = reinterpret_cast<const uint32_t*>(__stack_top__);
  (void)deepest_below(top);
  return static_cast<size_t>(reinterpret_cast<uintptr_t>(top) - reinterpret_cast<uintptr_t>(g_deepest));
}

size_t stack_size() {
  return static_cast<size_t>(reinterpret_cast<uintptr_t>(__stack_top__) -
                             reinterpret_cast<uintptr_t>(__stack_bottom__));
}

}  // namespace board
