// tinytb (internal): unsigned integers as decimal text, the one way every layer does it
// (file names, top-k tables, chart labels, image sizes). No printf: newlib-nano's is
// large, and none of these callers needs more than digits.
#ifndef TINYTB_SRC_BASE_DECIMAL_H_
#define TINYTB_SRC_BASE_DECIMAL_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {
namespace detail {

// The most digits a uint64_t takes.
constexpr size_t kMaxDecimalDigits = 20;

// v / d, with v % d in *rem, for a divisor below 2^16, in 32-bit divisions only: on a
// 32-bit core the 64-bit `/` and `%` call libgcc's __aeabi_uldivmod (0.75 KB of flash).
inline uint64_t divide_small(uint64_t v, uint32_t d, uint32_t* rem) {
  if ((v >> 32) == 0) {
    const uint32_t v32 = static_cast<uint32_t>(v);
    *rem = v32 % d;
    return v32 / d;
  }
  uint32_t r = 0;
  uint64_t q = 0;
  for (int shift = 48; shift >= 0; shift -= 16) {  // long division, 16 bits at a time: r < d < 2^16
    const uint32_t part = (r << 16) | static_cast<uint32_t>((v >> shift) & 0xFFFF);
    q = (q << 16) | (part / d);
    r = part % d;
  }
  *rem = r;
  return q;
}

// Writes the decimal digits of v (no sign, no NUL, at least `min_digits` with leading
// zeros, at most kMaxDecimalDigits) at out; returns how many. `out` must hold that many.
inline size_t format_decimal(uint64_t v, char* out, size_t min_digits = 1) {
  char reversed[kMaxDecimalDigits];
  size_t n = 0;
  do {
    uint32_t digit = 0;
    v = divide_small(v, 10, &digit);
    reversed[n++] = static_cast<char>('0' + digit);
  } while (v != 0);
  while (n < min_digits && n < kMaxDecimalDigits) reversed[n++] = '0';
  for (size_t i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_BASE_DECIMAL_H_
