// tinytb: CRC-32 and Adler-32 for PNG (contracts in png_checksum.h).
#include "png/png_checksum.h"

#include <string.h>

#include "tinytb/config.h"
#if TINYTB_DEFLATE_SIMD32
#include <arm_acle.h>
#endif

namespace tinytb {
namespace detail {
namespace {

// t[0] is the classic byte-at-a-time table; t[k][i] is the CRC of byte i followed by k
// zero bytes, so kSlices bytes can be folded in with kSlices independent look-ups.
// TINYTB_CRC32_SLICES (tinytb/config.h) sets kSlices: eight (8 KiB of tables) on hosts,
// where the CRC runs over every PNG of a log and the tables sit in cache; four (4 KiB of
// flash) on Cortex-M. The same switch picks Adler-32's form on hosts: sixteen-byte
// weighted sums. Cores with the DSP instructions (TINYTB_DEFLATE_SIMD32: M4, M7, M33) take
// four bytes a step with USADA8 and SMLAD (9 instructions, the plain chain took 18); other
// Cortex-M cores keep the plain chain (written in C, the weighted form cost a Cortex-M4
// about 4% more instructions).
constexpr int kSlices = TINYTB_CRC32_SLICES;
struct Crc32Tables {
  uint32_t t[kSlices][256];
};
constexpr Crc32Tables make_crc32_tables() {
  Crc32Tables x{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    x.t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int k = 1; k < kSlices; ++k) x.t[k][i] = (x.t[k - 1][i] >> 8) ^ x.t[0][x.t[k - 1][i] & 0xFFu];
  }
  return x;
}
constexpr Crc32Tables kCrc32 = make_crc32_tables();

constexpr uint32_t kAdlerMod = 65521u;
// The most bytes that can be summed before b (the larger sum) could pass 2^32 - 1 when
// both start just below the modulus (RFC 1950's NMAX).
constexpr size_t kAdlerRun = 5552;

// Four bytes, the first the least significant.
inline uint32_t load_le32(const uint8_t* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  memcpy(&v, p, 4);  // one load where unaligned loads are allowed
  return v;
#else
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
#endif
}

#if TINYTB_DEFLATE_SIMD32
// SMLAD on unsigned words: lo(x) * lo(w) + hi(x) * hi(w) + acc, halfwords read as signed
// (here all below 2^15).
inline uint32_t smlad(uint32_t x, uint32_t w, uint32_t acc) {
  return static_cast<uint32_t>(__smlad(static_cast<int32_t>(x), static_cast<int32_t>(w), static_cast<int32_t>(acc)));
}
// UXTB16 of x rotated by 8: bytes 1 and 3 into halfwords, in one instruction (GCC 12
// does not fold the shift into it).
inline uint32_t uxtb16_ror8(uint32_t x) {
#if defined(__ARM_ARCH) && defined(__GNUC__)
  uint32_t r;
  __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
#else
  return __uxtb16(x >> 8);
#endif
}
#endif

constexpr bool kHaveSimd32 = TINYTB_DEFLATE_SIMD32 != 0;

}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = crc ^ 0xFFFFFFFFu;
  // One pointer per table: an index into kCrc32.t[k] is then one LDR with a shifted
  // register, without adding k * 1 KiB first (GCC -Os did that on every look-up).
  const uint32_t* const t0 = kCrc32.t[0];
#if TINYTB_CRC32_SLICES >= 4
  const uint32_t* const t1 = kCrc32.t[1];
  const uint32_t* const t2 = kCrc32.t[2];
  const uint32_t* const t3 = kCrc32.t[3];
#endif
#if TINYTB_CRC32_SLICES == 8
  const uint32_t* const t4 = kCrc32.t[4];
  const uint32_t* const t5 = kCrc32.t[5];
  const uint32_t* const t6 = kCrc32.t[6];
  const uint32_t* const t7 = kCrc32.t[7];
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t lo = c ^ load_le32(p);
    const uint32_t hi = load_le32(p + 4);
    c = t7[lo & 0xFFu] ^ t6[(lo >> 8) & 0xFFu] ^ t5[(lo >> 16) & 0xFFu] ^ t4[lo >> 24] ^ t3[hi & 0xFFu] ^
        t2[(hi >> 8) & 0xFFu] ^ t1[(hi >> 16) & 0xFFu] ^ t0[hi >> 24];
  }
#endif
#if TINYTB_CRC32_SLICES >= 4
  if (n >= 4) {
    const uint8_t* const stop = p + (n & ~size_t{3});
    n &= 3;
    do {  // the test at the bottom: -Os otherwise branches twice a step
      c ^= load_le32(p);
      c = t3[c & 0xFFu] ^ t2[(c >> 8) & 0xFFu] ^ t1[(c >> 16) & 0xFFu] ^ t0[c >> 24];
      p += 4;
    } while (p != stop);
  }
#endif
  for (; n > 0; --n, ++p) c = t0[(c ^ *p) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

namespace {

// Adler-32 in the target's best form (kSimd32: the Arm DSP instructions) or the portable
// one; the sums are the same (png_checksum_paths() lets a test compare them on the target).
template <bool kSimd32>
uint32_t adler32(uint32_t adler, const uint8_t* p, size_t n) {
  uint32_t a = adler & 0xFFFFu, b = adler >> 16;
  while (n > 0) {
    size_t run = n < kAdlerRun ? n : kAdlerRun;
    n -= run;
#if TINYTB_DEFLATE_SIMD32
    if (kSimd32) {
      // Four bytes x0..x3 a step: b grows by 4 a (a before the step) plus 4 x0 + 3 x1 +
      // 2 x2 + x3, a by their sum (USADA8 against zero). UXTB16 spreads x0, x2 (x1, x3
      // after a shift) into halfwords and SMLAD multiplies both by their weights and adds.
      // The totals are the byte-by-byte ones, so the deferred modulo's bound holds (SMLAD's
      // overflow flag is irrelevant: the bits are those of the unsigned sum).
      // In registers, not constants: -Os would otherwise load them again on every step.
      uint32_t zero = 0, w42 = 0x00020004u, w31 = 0x00010003u;
#if defined(__GNUC__)
      __asm__("" : "+r"(zero), "+r"(w42), "+r"(w31));
#endif
      if (run >= 4) {
        const uint8_t* const stop = p + (run & ~size_t{3});
        do {  // the test at the bottom: -Os otherwise branches twice a step
          const uint32_t x = load_le32(p);
          b += a << 2;
          a = __usada8(x, zero, a);
          b = smlad(__uxtb16(x), w42, b);
          b = smlad(uxtb16_ror8(x), w31, b);
          p += 4;
        } while (p != stop);
      }
      run &= 3;
    }
#endif
#if TINYTB_CRC32_SLICES == 8  // hosts (vector units); a Cortex-M keeps the plain chain below for what is left
    // Sixteen bytes at a time: a grows by their sum, b by 16 a plus each byte weighted by
    // how many of the sixteen sums it enters (16 for the first, 1 for the last). Two
    // independent sums that compilers vectorise, instead of one chain through every byte;
    // the totals are the byte-by-byte ones, so the deferred modulo's bound still holds.
    for (; run >= 16; run -= 16, p += 16) {
      uint32_t sum = 0, weighted = 0;
      for (uint32_t i = 0; i < 16; ++i) {
        sum += p[i];
        weighted += (16u - i) * p[i];
      }
      b += 16u * a + weighted;
      a += sum;
    }
#endif
    for (; run >= 4; run -= 4, p += 4) {
      a += p[0];
      b += a;
      a += p[1];
      b += a;
      a += p[2];
      b += a;
      a += p[3];
      b += a;
    }
    for (; run > 0; --run, ++p) {
      a += *p;
      b += a;
    }
    a %= kAdlerMod;
    b %= kAdlerMod;
  }
  return (b << 16) | a;
}

}  // namespace

uint32_t adler32_update(uint32_t adler, const uint8_t* p, size_t n) { return adler32<kHaveSimd32>(adler, p, n); }

bool png_checksum_paths(uint32_t adler, const uint8_t* p, size_t n, uint32_t* target, uint32_t* portable) {
  *target = adler32<kHaveSimd32>(adler, p, n);
  *portable = adler32<false>(adler, p, n);
  return kHaveSimd32;
}

}  // namespace detail
}  // namespace tinytb
