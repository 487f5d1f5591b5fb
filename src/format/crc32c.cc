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
// bit-at-a-time reference). The tables read input bytes one by one (no unaligned or
// endian-dependent word loads), so the same code is correct on every target.
// The tables are computed by the compiler and land in .rodata.
//
// On top of the table, the CPU's own CRC-32C instruction where there is one and
// TINYTB_CRC32C_HARDWARE is 1 (docs/format.md, "CRC-32C in hardware"): SSE4.2's crc32 on
// x86 (compiled in with a target attribute, used only when cpuid says the CPU has it,
// asked once), ARMv8's crc32c when the compiler targets it (__ARM_FEATURE_CRC32, a
// compile-time fact: no check at run time). Eight bytes per instruction: about 4x the
// slicing-by-8 table on the development VM, measured. No Cortex-M or 32-bit RISC-V core has such an instruction, so
// firmware builds compile exactly the table code they did before.
#include "tinytb/format/crc32c.h"

#include <string.h>

#include "tinytb/config.h"

#if TINYTB_CRC32C_HARDWARE && (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define TINYTB_CRC32C_X86 1
#include <nmmintrin.h>
#elif TINYTB_CRC32C_HARDWARE && defined(__ARM_FEATURE_CRC32)
#define TINYTB_CRC32C_ARM 1
#include <arm_acle.h>
#endif

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

#if TINYTB_CRC32C_X86
// `c` is the register (already inverted). memcpy is the unaligned little-endian load x86
// allows; the compiler turns it into one mov.
__attribute__((target("sse4.2"))) uint32_t crc32c_x86(uint32_t c, const uint8_t* data, size_t size) {
#if defined(__x86_64__)
  uint64_t c64 = c;
  while (size >= 8) {
    uint64_t word;
    memcpy(&word, data, 8);
    c64 = _mm_crc32_u64(c64, word);
    data += 8;
    size -= 8;
  }
  c = static_cast<uint32_t>(c64);
#endif
  while (size >= 4) {
    uint32_t word;
    memcpy(&word, data, 4);
    c = _mm_crc32_u32(c, word);
    data += 4;
    size -= 4;
  }
  while (size > 0) {
    c = _mm_crc32_u8(c, *data++);
    --size;
  }
  return c;
}

// crc32c_extend() on the instruction, the inversions inside, so that crc32c_extend() only
// jumps here (a tail call: no registers saved, about 15 instructions less a call, twice a
// record; docs/bench.md, "Third pass").
__attribute__((target("sse4.2"))) uint32_t crc32c_x86_extend(uint32_t crc, const uint8_t* data, size_t size) {
  return ~crc32c_x86(~crc, data, size);
}

// cpuid once (cpu_init first: this may run before libgcc's own constructor does, from
// another constructor); every later call reads the cached answer: -1 not asked yet, else
// 0 or 1. Not a function-local static: its guard made every crc32c_extend() save and
// restore four registers around the tail call. Threads asking at once store the same answer.
signed char g_has_crc32c = -1;

__attribute__((noinline, cold)) bool ask_cpu_crc32c() {
  __builtin_cpu_init();
  const bool has = __builtin_cpu_supports("sse4.2") != 0;
  __atomic_store_n(&g_has_crc32c, static_cast<signed char>(has ? 1 : 0), __ATOMIC_RELAXED);
  return has;
}

bool cpu_has_crc32c() {
  const signed char has = __atomic_load_n(&g_has_crc32c, __ATOMIC_RELAXED);
  return has >= 0 ? has != 0 : ask_cpu_crc32c();
}
#elif TINYTB_CRC32C_ARM
uint32_t crc32c_arm(uint32_t c, const uint8_t* data, size_t size) {
  while (size >= 8) {
    uint64_t word;
    memcpy(&word, data, 8);
#if defined(__ARM_BIG_ENDIAN)
    word = __builtin_bswap64(word);
#endif
    c = __crc32cd(c, word);
    data += 8;
    size -= 8;
  }
  while (size > 0) {
    c = __crc32cb(c, *data++);
    --size;
  }
  return c;
}
#endif

}  // namespace

bool crc32c_hardware() {
#if TINYTB_CRC32C_X86
  return cpu_has_crc32c();
#elif TINYTB_CRC32C_ARM
  return true;
#else
  return false;
#endif
}

#if TINYTB_CRC32C_X86 || TINYTB_CRC32C_ARM
uint32_t crc32c_extend(uint32_t crc, const uint8_t* data, size_t size) {
#if TINYTB_CRC32C_X86
  if (cpu_has_crc32c()) return crc32c_x86_extend(crc, data, size);
  return crc32c_extend_portable(crc, data, size);
#else
  return ~crc32c_arm(~crc, data, size);
#endif
}
#define TINYTB_CRC32C_TABLE_FUNCTION crc32c_extend_portable
#else
// No instruction: the table is crc32c_extend() itself, so a firmware build compiles to the
// same code as before the hardware paths existed, and the portable name forwards to it
// (the linker drops it where nothing calls it).
uint32_t crc32c_extend_portable(uint32_t crc, const uint8_t* data, size_t size) {
  return crc32c_extend(crc, data, size);
}
#define TINYTB_CRC32C_TABLE_FUNCTION crc32c_extend
#endif

uint32_t TINYTB_CRC32C_TABLE_FUNCTION(uint32_t crc, const uint8_t* data, size_t size) {
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
