// tinytb (internal): the two checksums a PNG needs, shared by every PNG writer in src/.
//
// CRC-32 as PNG (and zlib, and gzip) uses it: reflected polynomial 0xEDB88320, register
// preset to all ones and inverted at the end. Adler-32 as zlib (RFC 1950) uses it: two
// sums modulo 65521, a starting at 1.
//
// Both are incremental in zlib's convention: the value passed in is the finished checksum
// of everything before (kCrc32Init / kAdler32Init for nothing), the value returned is the
// finished checksum including p[0, n). So update(update(init, a), b) == update(init, a||b)
// and any split of the input gives the same result. n == 0 returns the value unchanged
// (p may then be null). Pure functions: no state, no heap, safe from any thread.
//
// Cost: the CRC reads TINYTB_CRC32_SLICES bytes a step (tinytb/config.h: 4 on Cortex-M,
// 8 elsewhere) through as many 1 KiB tables, built at compile time; the Adler sums reduce
// modulo 65521 once per 5552 bytes, the most that cannot overflow 32 bits.
#ifndef TINYTB_SRC_PNG_CHECKSUM_H_
#define TINYTB_SRC_PNG_CHECKSUM_H_

#include <stddef.h>
#include <stdint.h>

// The Armv7E-M / Armv8-M DSP instructions (Cortex-M4, M7, M33, M55...) through
// arm_acle.h: Adler-32 here, the filters in png_deflate.cc. TINYTB_DEFLATE_SIMD32=0 keeps
// the portable code on such a core; =1 with tests/fuzz/acle_model runs the DSP paths on a
// host.
#if !defined(TINYTB_DEFLATE_SIMD32)
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32
#define TINYTB_DEFLATE_SIMD32 1
#else
#define TINYTB_DEFLATE_SIMD32 0
#endif
#endif

namespace tinytb {
namespace detail {

constexpr uint32_t kCrc32Init = 0;
constexpr uint32_t kAdler32Init = 1;

// CRC-32 of p[0, n) continued from `crc` (the CRC-32 of the bytes before them).
uint32_t crc32_update(uint32_t crc, const uint8_t* p, size_t n);

// Adler-32 of p[0, n) continued from `adler` (the Adler-32 of the bytes before them).
// On cores with the DSP instructions (TINYTB_DEFLATE_SIMD32) four bytes a step.
uint32_t adler32_update(uint32_t adler, const uint8_t* p, size_t n);

// For tests: adler32_update() as this target computes it into *target and with the
// portable loop into *portable (they must be equal); returns whether the two are
// different code (the DSP path).
bool png_checksum_paths(uint32_t adler, const uint8_t* p, size_t n, uint32_t* target, uint32_t* portable);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_PNG_CHECKSUM_H_
