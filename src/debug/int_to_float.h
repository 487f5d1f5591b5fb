// tinytb: int64_t to float without the C library's __aeabi_l2f, which on ARMv6-M (Cortex-M0+)
// is built on software double and pulls 2-4 KB of it into a firmware (docs/firmware.md).
#ifndef TINYTB_DEBUG_INT_TO_FLOAT_H_
#define TINYTB_DEBUG_INT_TO_FLOAT_H_

#include <stdint.h>

namespace tinytb {
namespace detail {

// Exact rounding (the same float as a plain cast) whenever `v` fits in 32 bits, which is
// every sum the debug tools keep for tensors below 2^23 elements; beyond that the two
// halves are rounded one after the other (an error of at most one unit in the last place).
inline float int_to_float(int64_t v) {
  if (v >= INT32_MIN && v <= INT32_MAX) return static_cast<float>(static_cast<int32_t>(v));
  const int32_t high = static_cast<int32_t>(v >> 32);
  const uint32_t low = static_cast<uint32_t>(v);
  return static_cast<float>(high) * 4294967296.0f + static_cast<float>(low);
}

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_DEBUG_INT_TO_FLOAT_H_
