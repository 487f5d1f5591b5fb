// tinytb: a WallTime as the bits of the Event's double wall_time, in integer arithmetic.
//
// A double computation (seconds + nanos * 1e-9) would link the soft-float double
// routines on every core without a double-precision FPU (Cortex-M0+/M3/M4F/M33,
// RV32IMC): several KB of flash for one field. The value is built here bit by bit
// instead, correctly rounded, which is also one rounding fewer than that expression.
#include "tinytb/writer/clock.h"

#include "base/decimal.h"
#include "tinytb/config.h"

namespace tinytb {

WallTime clock_time(const Clock& clock) {
  if (clock.wall_time != nullptr) {
    const WallTime t = clock.wall_time();
    if (wall_time_known(t)) return t;
  }
  if (clock.uptime_ms != nullptr) {
    uint32_t ms = 0;
    const uint64_t seconds = detail::divide_small(clock.uptime_ms(), 1000, &ms);
    return WallTime{static_cast<int64_t>(seconds), ms * 1000000u};
  }
  return WallTime{};
}

uint64_t wall_time_bits(WallTime t) {
  if (!wall_time_known(t)) return 0;
  // value = m * 2^-frac, where m collects the integer part and then fraction bits, one
  // per step of a binary long division of nanos by 1e9, until m has 54 significant bits:
  // 53 for the significand and one to round with. `rest` != 0 is the sticky bit.
  // seconds < 2^40, so m never overflows; a value below 1 s (seconds == 0) takes up to
  // 30 + 54 steps, a 2026 time 23.
  constexpr uint64_t kTop = uint64_t{1} << 53;
  uint64_t m = static_cast<uint64_t>(t.seconds);
  uint32_t rest = t.nanos;
  int frac = 0;
#if !TINYTB_SMALL_TARGET && defined(__GNUC__)
  // The loop below in one step, where a 64-bit division is one instruction (it runs for
  // every value logged: 7% of a scalar event's time on x86-64). After f steps the loop
  // holds m = seconds * 2^f + floor(nanos * 2^f / 1e9) and rest = nanos * 2^f mod 1e9,
  // and it stops at the first f with seconds * 2^f >= 2^53 (the fraction part, below
  // 2^f, cannot carry m past a multiple of 2^f). For seconds >= 2^20 that f is at most
  // 33, so nanos * 2^f < 2^63 fits. tests/writer/wall_time_test.cc runs both paths.
  if (m >= (uint64_t{1} << 20)) {
    frac = 54 - (64 - __builtin_clzll(m));
    const uint64_t scaled = uint64_t{t.nanos} << frac;
    m = (m << frac) + scaled / kNanosPerSecond;
    rest = static_cast<uint32_t>(scaled % kNanosPerSecond);
  }
#endif
  while (m < kTop) {
    rest *= 2;  // < 2e9: fits 32 bits
    m = m * 2 + (rest >= kNanosPerSecond ? 1u : 0u);
    if (rest >= kNanosPerSecond) rest -= kNanosPerSecond;
    ++frac;
  }
  // m is in [2^53, 2^54) and seconds < 2^40, so at least 14 fraction bits were produced:
  // nothing of the integer part was shifted out. Round to nearest, ties to even.
  const bool half = (m & 1) != 0;
  m >>= 1;
  --frac;
  if (half && (rest != 0 || (m & 1) != 0)) ++m;
  if (m == kTop) {  // rounding carried into one more bit
    m >>= 1;
    --frac;
  }
  // value = m * 2^(52 - frac) with m in [2^52, 2^53): exponent 52 - frac, biased by 1023.
  const uint64_t exponent = static_cast<uint64_t>(1023 + 52 - frac);
  return (exponent << 52) | (m & (kTop / 2 - 1));
}

}  // namespace tinytb
