// CRC-32C and TFRecord masking against the published vectors (docs/format.md).
#include "tinytb/format/crc32c.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "tinytb/config.h"
#include "tinytb/format/record.h"

namespace {

const uint8_t* bytes(const char* s) { return reinterpret_cast<const uint8_t*>(s); }

TEST(Crc32c, CheckValue) { EXPECT_EQ(tinytb::crc32c(bytes("123456789"), 9), 0xE3069283u); }

TEST(Crc32c, MaskedVectorsFromTensorBoard) {
  const uint8_t len24[8] = {0x18, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(tinytb::mask_crc(tinytb::crc32c(len24, 8)), 0x224B7FA3u);
  const char payload[] = "\x1a\x11" "CRC test, one two";
  EXPECT_EQ(tinytb::mask_crc(tinytb::crc32c(bytes(payload), sizeof(payload) - 1)), 0x5794D08Au);
  EXPECT_EQ(tinytb::mask_crc(tinytb::crc32c(nullptr, 0)), 0xA282EAD8u);
  const uint8_t zeros[8] = {};
  EXPECT_EQ(tinytb::mask_crc(tinytb::crc32c(zeros, 8)), 0x07980329u);
}

TEST(Crc32c, ExtendInPiecesEqualsWhole) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(1000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  const uint32_t whole = tinytb::crc32c(data.data(), data.size());
  for (size_t cut : {0u, 1u, 3u, 500u, 999u, 1000u}) {
    uint32_t c = tinytb::crc32c_extend(0, data.data(), cut);
    c = tinytb::crc32c_extend(c, data.data() + cut, data.size() - cut);
    EXPECT_EQ(c, whole) << "cut at " << cut;
  }
}

// A bit-at-a-time reference, written from the definition, for random inputs.
uint32_t reference_crc32c(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
  }
  return ~c;
}

TEST(Crc32c, MatchesBitwiseReferenceOnRandomData) {
  std::mt19937 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> data(rng() % 300);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    EXPECT_EQ(tinytb::crc32c(data.data(), data.size()), reference_crc32c(data.data(), data.size()));
    EXPECT_EQ(tinytb::crc32c_extend_portable(0, data.data(), data.size()), reference_crc32c(data.data(), data.size()));
  }
}

// The hardware path (SSE4.2 / ARMv8 CRC, where this host has it) against the table on
// every length 0..300 at every start offset 0..15 (the word loop's head, body and tail,
// aligned or not), from many seeds, then long buffers and chained pieces. Where the host
// has no such instruction both sides are the table, and the test says so.
TEST(Crc32c, HardwareMatchesTable) {
  if (!tinytb::crc32c_hardware()) printf("[ note     ] no CRC-32C instruction here: the table is compared with itself\n");
  std::mt19937 rng(19);
  std::vector<uint8_t> buf(4096 + 64);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  size_t compared = 0;
  for (size_t offset = 0; offset < 16; ++offset) {
    for (size_t len = 0; len <= 300; ++len) {
      const uint32_t seed = (len % 3 == 0) ? 0u : static_cast<uint32_t>(rng());
      const uint8_t* p = buf.data() + offset;
      ASSERT_EQ(tinytb::crc32c_extend(seed, p, len), tinytb::crc32c_extend_portable(seed, p, len))
          << "offset " << offset << " length " << len << " seed " << seed;
      ++compared;
    }
  }
  for (int round = 0; round < 200; ++round) {
    const size_t offset = rng() % 64, len = rng() % 4097;
    const uint32_t seed = static_cast<uint32_t>(rng());
    const uint8_t* p = buf.data() + offset;
    ASSERT_EQ(tinytb::crc32c_extend(seed, p, len), tinytb::crc32c_extend_portable(seed, p, len));
    // Pieces of any size chain the same way on both paths.
    const size_t cut = len == 0 ? 0 : rng() % len;
    uint32_t c = tinytb::crc32c_extend(seed, p, cut);
    c = tinytb::crc32c_extend_portable(c, p + cut, len - cut);
    ASSERT_EQ(c, tinytb::crc32c_extend_portable(seed, p, len));
    ++compared;
  }
  EXPECT_EQ(compared, 16u * 301u + 200u);
  EXPECT_EQ(tinytb::crc32c_extend_portable(0, bytes("123456789"), 9), 0xE3069283u);
}

// On x86-64 with SSE4.2, the library must actually take the instruction: a build that
// silently lost it (TINYTB_CRC32C_HARDWARE unset, a broken cpuid check) fails here.
TEST(Crc32c, HardwarePathTakenWhereTheCpuHasIt) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && TINYTB_CRC32C_HARDWARE
  __builtin_cpu_init();
  EXPECT_EQ(tinytb::crc32c_hardware(), __builtin_cpu_supports("sse4.2") != 0);
#else
  GTEST_SKIP() << "not an x86-64 build with TINYTB_CRC32C_HARDWARE";
#endif
}

TEST(Crc32c, UnmaskInvertsMask) {
  for (uint32_t v : {0u, 1u, 0xE3069283u, 0xFFFFFFFFu, 0x80000000u}) {
    EXPECT_EQ(tinytb::unmask_crc(tinytb::mask_crc(v)), v);
  }
}

TEST(Record, FramesInPlace) {
  const char payload[] = "\x1a\x11" "CRC test, one two";
  const size_t n = sizeof(payload) - 1;
  std::vector<uint8_t> rec(n + tinytb::kRecordOverheadBytes, 0xEE);
  std::memcpy(rec.data() + tinytb::kRecordHeaderBytes, payload, n);
  tinytb::frame_record(rec.data(), n);
  const uint8_t expected_len[8] = {19, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(0, std::memcmp(rec.data(), expected_len, 8));
  const uint32_t len_crc = tinytb::mask_crc(tinytb::crc32c(expected_len, 8));
  EXPECT_EQ(rec[8] | rec[9] << 8 | rec[10] << 16 | static_cast<uint32_t>(rec[11]) << 24, len_crc);
  const uint8_t* t = rec.data() + tinytb::kRecordHeaderBytes + n;
  EXPECT_EQ(t[0] | t[1] << 8 | t[2] << 16 | static_cast<uint32_t>(t[3]) << 24, 0x5794D08Au);
  EXPECT_EQ(0, std::memcmp(rec.data() + 12, payload, n));  // payload untouched
}

}  // namespace
