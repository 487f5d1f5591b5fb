// tinytb: CRC-32 and Adler-32 for PNG (contracts in png_checksum.h).
#include "png_checksum.h"

namespace tinytb {
namespace detail {
namespace {

// t[0] is the classic byte-at-a-time table; t[k][i] is the CRC of byte i followed by k
// zero bytes, so four bytes can be folded in with four independent look-ups.
struct Crc32Tables {
  uint32_t t[4][256];
};
constexpr Crc32Tables make_crc32_tables() {
  Crc32Tables x{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    x.t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int k = 1; k < 4; ++k) x.t[k][i] = (x.t[k - 1][i] >> 8) ^ x.t[0][x.t[k - 1][i] & 0xFFu];
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
  for (; n >= 4; n -= 4, p += 4) {
    c ^= static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
    c = kCrc32.t[3][c & 0xFFu] ^ kCrc32.t[2][(c >> 8) & 0xFFu] ^ kCrc32.t[1][(c >> 16) & 0xFFu] ^
        kCrc32.t[0][c >> 24];
  }
  for (; n > 0; --n, ++p) c = kCrc32.t[0][(c ^ *p) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t adler32_update(uint32_t adler, const uint8_t* p, size_t n) {
  uint32_t a = adler & 0xFFFFu, b = adler >> 16;
  while (n > 0) {
    size_t run = n < kAdlerRun ? n : kAdlerRun;
    n -= run;
    // Unrolled by four (the sums stay exact: the modulo is deferred to the run's end).
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
