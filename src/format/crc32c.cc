// tinytb: CRC-32C (Castagnoli, reflected), table driven.
//
// Three forms, chosen at compile time by TINYTB_CRC32C_SLICES (tinytb/config.h):
//   0  one 16-entry table (64 bytes), half a byte per lookup: 960 bytes of flash less than
//      1 for two dependent lookups per byte (the Cortex-M example firmware takes it).
//   1  one 256-entry table (1 KiB of flash), one lookup per byte. The default on
//      microcontrollers (TINYTB_SMALL_TARGET: Cortex-M, 32-bit RISC-V, Xtensa), where
//      flash is scarce and the checksum is a small part of a record's cost next to encoding.
//   8  "slicing by 8": eight tables (8 KiB), eight bytes per step with eight independent
//      lookups, so the loop is no longer one long chain of dependent loads. The default
//      everywhere else (Linux boards, hosts): about 4-5x faster on x86-64, where the
//      byte-wise form took 40% of an image event's time in tests/bench/e2e_bench.cc.
// Both give the same CRC for any input (tests/format/crc32c_test.cc runs against a
// bit-at-a-time reference). Input bytes are read one by one (no unaligned or
// endian-dependent word loads), so the same code is correct on every target.
// The tables are computed by the compiler and land in .rodata.
#include "tinytb/format/crc32c.h"

#include "tinytb/config.h"

namespace tinytb {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, reflected

#if TINYTB_CRC32C_SLICES == 0
// entry[0][n]: the CRC register after shifting the 4 bits of n through.
struct Tables {
  uint32_t entry[1][16];
  constexpr Tables() : entry() {
    for (uint32_t i = 0; i < 16; ++i) {
      uint32_t c = i;
      for (int bit = 0; bit < 4; ++bit) c = (c & 1u) ? (c >> 1) ^ kPolynomial : c >> 1;
      entry[0][i] = c;
    }
  }
};
#else

// entry[0] is the classic byte table: the CRC register after shifting one byte through.
// entry[k][b] is the effect of byte b followed by k zero bytes: entry[k-1][b] shifted
// through one more (zero) byte.
struct Tables {
  uint32_t entry[TINYTB_CRC32C_SLICES][256];
  constexpr Tables() : entry() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kPolynomial : c >> 1;
      entry[0][i] = c;
    }
    for (int k = 1; k < TINYTB_CRC32C_SLICES; ++k) {
      for (uint32_t i = 0; i < 256; ++i) {
        const uint32_t prev = entry[k - 1][i];
        entry[k][i] = entry[0][prev & 0xFFu] ^ (prev >> 8);
      }
    }
  }
};
#endif

constexpr Tables kTables;

#if TINYTB_CRC32C_SLICES == 8
uint32_t load_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
#endif

}  // namespace

uint32_t crc32c_extend(uint32_t crc, const uint8_t* data, size_t size) {
  const auto& t = kTables.entry;
  uint32_t c = ~crc;
#if TINYTB_CRC32C_SLICES == 8
  // Eight bytes a step: the first four are folded into the register, and each byte's
  // contribution is looked up in the table for the number of bytes that follow it.
  while (size >= 8) {
    const uint32_t lo = c ^ load_le32(data);
    const uint32_t hi = load_le32(data + 4);
    c = t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFFu] ^ t[2][(hi >> 8) & 0xFFu] ^ t[1][(hi >> 16) & 0xFFu] ^ t[0][hi >> 24];
    data += 8;
    size -= 8;
  }
#endif
#if TINYTB_CRC32C_SLICES == 0
  for (size_t i = 0; i < size; ++i) {
    c ^= data[i];
    c = t[0][c & 0xFu] ^ (c >> 4);
    c = t[0][c & 0xFu] ^ (c >> 4);
  }
#else
  for (size_t i = 0; i < size; ++i) c = t[0][(c ^ data[i]) & 0xFFu] ^ (c >> 8);
#endif
  return ~c;
}

}  // namespace tinytb
