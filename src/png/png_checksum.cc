// tinytb: CRC-32 and Adler-32 for PNG (contracts in png_checksum.h).
#include "png/png_checksum.h"

#include "tinytb/config.h"

namespace tinytb {
namespace detail {
namespace {

// t[0] is the classic byte-at-a-time table; t[k][i] is the CRC of byte i followed by k
// zero bytes, so kSlices bytes can be folded in with kSlices independent look-ups.
// TINYTB_CRC32_SLICES (tinytb/config.h) sets kSlices: eight (8 KiB of tables) on hosts,
// where the CRC runs over every PNG of a log and the tables sit in cache; four (4 KiB of
// flash) on Cortex-M. The same switch picks Adler-32's form: sixteen-byte weighted sums
// on hosts, the plain chain on Cortex-M (measured under QEMU: the weighted form costs a
// Cortex-M4 about 4% more instructions).
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

}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = crc ^ 0xFFFFFFFFu;
#if TINYTB_CRC32_SLICES == 8
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t lo = c ^ (static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                             (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24));
    const uint32_t hi = static_cast<uint32_t>(p[4]) | (static_cast<uint32_t>(p[5]) << 8) |
                        (static_cast<uint32_t>(p[6]) << 16) | (static_cast<uint32_t>(p[7]) << 24);
    c = kCrc32.t[7][lo & 0xFFu] ^ kCrc32.t[6][(lo >> 8) & 0xFFu] ^ kCrc32.t[5][(lo >> 16) & 0xFFu] ^
        kCrc32.t[4][lo >> 24] ^ kCrc32.t[3][hi & 0xFFu] ^ kCrc32.t[2][(hi >> 8) & 0xFFu] ^
        kCrc32.t[1][(hi >> 16) & 0xFFu] ^ kCrc32.t[0][hi >> 24];
  }
#endif
#if TINYTB_CRC32_SLICES >= 4
  for (; n >= 4; n -= 4, p += 4) {
    c ^= static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
    c = kCrc32.t[3][c & 0xFFu] ^ kCrc32.t[2][(c >> 8) & 0xFFu] ^ kCrc32.t[1][(c >> 16) & 0xFFu] ^
        kCrc32.t[0][c >> 24];
  }
#endif
  for (; n > 0; --n, ++p) c = kCrc32.t[0][(c ^ *p) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t adler32_update(uint32_t adler, const uint8_t* p, size_t n) {
  uint32_t a = adler & 0xFFFFu, b = adler >> 16;
  while (n > 0) {
    size_t run = n < kAdlerRun ? n : kAdlerRun;
    n -= run;
#if TINYTB_CRC32_SLICES == 8  // hosts (vector units); a Cortex-M keeps the plain chain below
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

}  // namespace detail
}  // namespace tinytb
