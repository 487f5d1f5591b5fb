// tinytb: the shared PNG checksums (src/png/png_checksum.h) against published check values,
// against zlib's own crc32()/adler32() on random data, and split anywhere (incremental use
// must give the same value as one call).
#include "png/png_checksum.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace {

using tinytb::detail::adler32_update;
using tinytb::detail::crc32_update;
using tinytb::detail::kAdler32Init;
using tinytb::detail::kCrc32Init;

const uint8_t* bytes(const char* s) { return reinterpret_cast<const uint8_t*>(s); }

TEST(PngChecksum, KnownValues) {
  // The catalogue check value of CRC-32/ISO-HDLC (PNG's CRC) over "123456789".
  EXPECT_EQ(crc32_update(kCrc32Init, bytes("123456789"), 9), 0xCBF43926u);
  EXPECT_EQ(crc32_update(kCrc32Init, nullptr, 0), 0u);
  EXPECT_EQ(crc32_update(kCrc32Init, bytes("IEND"), 4), 0xAE426082u);  // every PNG ends with it
  EXPECT_EQ(adler32_update(kAdler32Init, nullptr, 0), 1u);
  EXPECT_EQ(adler32_update(kAdler32Init, bytes("Wikipedia"), 9), 0x11E60398u);
  EXPECT_EQ(adler32_update(kAdler32Init, bytes("123456789"), 9), 0x091E01DEu);
}

// Worst case for the deferred modulo: long runs of 0xFF from sums just below the modulus.
TEST(PngChecksum, AdlerLongRunsOfFF) {
  std::vector<uint8_t> ff(100000, 0xFF);
  for (size_t n : {5551u, 5552u, 5553u, 11104u, 100000u}) {
    EXPECT_EQ(adler32_update(kAdler32Init, ff.data(), n), adler32(1, ff.data(), static_cast<uInt>(n))) << n;
    const uint32_t high = (65520u << 16) | 65520u;  // both sums at their largest
    EXPECT_EQ(adler32_update(high, ff.data(), n), adler32(high, ff.data(), static_cast<uInt>(n))) << n;
  }
}

TEST(PngChecksum, MatchesZlibAtEverySplit) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(20000);
  for (uint8_t& b : data) b = static_cast<uint8_t>(rng());
  for (size_t n : {0u, 1u, 3u, 4u, 5u, 7u, 8u, 15u, 16u, 17u, 63u, 4096u, 5552u, 20000u}) {
    const uint32_t zc = static_cast<uint32_t>(crc32(0, data.data(), static_cast<uInt>(n)));
    const uint32_t za = static_cast<uint32_t>(adler32(1, data.data(), static_cast<uInt>(n)));
    EXPECT_EQ(crc32_update(kCrc32Init, data.data(), n), zc) << n;
    EXPECT_EQ(adler32_update(kAdler32Init, data.data(), n), za) << n;
    // The same bytes in two calls, split at a spread of places, and misaligned.
    for (size_t cut = 0; cut <= n; cut += 1 + n / 37) {
      EXPECT_EQ(crc32_update(crc32_update(kCrc32Init, data.data(), cut), data.data() + cut, n - cut), zc) << n;
      EXPECT_EQ(adler32_update(adler32_update(kAdler32Init, data.data(), cut), data.data() + cut, n - cut), za) << n;
    }
  }
  // One byte at a time, from an odd address.
  uint32_t c = kCrc32Init, a = kAdler32Init;
  for (size_t i = 1; i < 3001; ++i) {
    c = crc32_update(c, data.data() + i, 1);
    a = adler32_update(a, data.data() + i, 1);
  }
  EXPECT_EQ(c, static_cast<uint32_t>(crc32(0, data.data() + 1, 3000)));
  EXPECT_EQ(a, static_cast<uint32_t>(adler32(1, data.data() + 1, 3000)));
}

}  // namespace
