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

// Writes the decimal digits of v (no sign, no NUL, at least `min_digits` with leading
// zeros, at most kMaxDecimalDigits) at out; returns how many. `out` must hold that many.
inline size_t format_decimal(uint64_t v, char* out, size_t min_digits = 1) {
  char reversed[kMaxDecimalDigits];
  size_t n = 0;
  do {
    reversed[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < min_digits && n < kMaxDecimalDigits) reversed[n++] = '0';
  for (size_t i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_BASE_DECIMAL_H_
