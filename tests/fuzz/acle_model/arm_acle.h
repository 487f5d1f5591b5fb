// tinytb tests: a host model of the few arm_acle.h SIMD32 intrinsics the deflate uses
// (src/png/png_deflate.cc, TINYTB_DEFLATE_SIMD32), byte by byte as the Arm ARM defines
// them, so the fuzzer can run the DSP code paths on the host (png_deflate_fuzz_dsp). The
// real instructions are checked on the Cortex-M4 under QEMU (make bench-qemu). Not for
// firmware: the GE flags are one global, as a single core has them.
#ifndef TINYTB_TESTS_FUZZ_ACLE_MODEL_ARM_ACLE_H_
#define TINYTB_TESTS_FUZZ_ACLE_MODEL_ARM_ACLE_H_

#include <stdint.h>

namespace acle_model {
inline uint32_t& ge() {
  static uint32_t flags = 0;  // bit k: the GE flag of byte k
  return flags;
}
inline uint32_t lane(uint32_t v, int k) { return (v >> (8 * k)) & 0xFFu; }
}  // namespace acle_model

// Byte-wise a - b mod 256; GE[k] = a[k] >= b[k].
inline uint32_t __usub8(uint32_t a, uint32_t b) {
  uint32_t r = 0, flags = 0;
  for (int k = 0; k < 4; ++k) {
    const uint32_t x = acle_model::lane(a, k), y = acle_model::lane(b, k);
    r |= ((x - y) & 0xFFu) << (8 * k);
    if (x >= y) flags |= 1u << k;
  }
  acle_model::ge() = flags;
  return r;
}
// Byte-wise (a + b) >> 1.
inline uint32_t __uhadd8(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (int k = 0; k < 4; ++k) r |= ((acle_model::lane(a, k) + acle_model::lane(b, k)) >> 1) << (8 * k);
  return r;
}
// acc + sum of |a[k] - b[k]|.
inline uint32_t __usada8(uint32_t a, uint32_t b, uint32_t acc) {
  for (int k = 0; k < 4; ++k) {
    const uint32_t x = acle_model::lane(a, k), y = acle_model::lane(b, k);
    acc += x > y ? x - y : y - x;
  }
  return acc;
}
// Byte-wise saturating a - b and a + b.
inline uint32_t __uqsub8(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (int k = 0; k < 4; ++k) {
    const uint32_t x = acle_model::lane(a, k), y = acle_model::lane(b, k);
    r |= (x > y ? x - y : 0u) << (8 * k);
  }
  return r;
}
inline uint32_t __uqadd8(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (int k = 0; k < 4; ++k) {
    const uint32_t s = acle_model::lane(a, k) + acle_model::lane(b, k);
    r |= (s > 255u ? 255u : s) << (8 * k);
  }
  return r;
}
// Byte k from a where GE[k] is set, else from b.
inline uint32_t __sel(uint32_t a, uint32_t b) {
  uint32_t r = 0;
  for (int k = 0; k < 4; ++k) r |= (((acle_model::ge() >> k) & 1u) ? acle_model::lane(a, k) : acle_model::lane(b, k)) << (8 * k);
  return r;
}

// Bytes 0 and 2 zero-extended into the two halfwords.
inline uint32_t __uxtb16(uint32_t x) { return x & 0x00FF00FFu; }
// Signed halfword products added to acc: lo(a) * lo(b) + hi(a) * hi(b) + acc (the bits of
// the 32-bit sum; the Q flag is not modelled).
inline int32_t __smlad(int32_t a, int32_t b, int32_t acc) {
  const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
  const int32_t lo = static_cast<int16_t>(ua & 0xFFFFu) * static_cast<int16_t>(ub & 0xFFFFu);
  const int32_t hi = static_cast<int16_t>(ua >> 16) * static_cast<int16_t>(ub >> 16);
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(lo) + static_cast<uint32_t>(hi));
}

#endif  // TINYTB_TESTS_FUZZ_ACLE_MODEL_ARM_ACLE_H_
