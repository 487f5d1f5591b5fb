// tinytb: CRC-32C (Castagnoli) and TFRecord's masked form.
//
// Hand-written (on Cortex-M a 256-entry table, 1 KiB of flash; elsewhere slicing by 8,
// 8 KiB: TINYTB_CRC32C_SLICES in tinytb/config.h; on hosts with a CRC-32C instruction,
// that instruction: TINYTB_CRC32C_HARDWARE) because the core must not depend on
// zlib (which only has the IEEE polynomial) and the checksum runs over every byte logged.
// Cross-checked against the published test vectors in tests/format/crc32c_test.cc.
#ifndef TINYTB_CRC32C_H_
#define TINYTB_CRC32C_H_

#include <stddef.h>
#include <stdint.h>

namespace tinytb {

// Continue a CRC-32C over `size` bytes. Start with crc = 0; the value returned is the
// finished CRC of everything passed so far (init and final xor are applied inside).
uint32_t crc32c_extend(uint32_t crc, const uint8_t* data, size_t size);

inline uint32_t crc32c(const uint8_t* data, size_t size) { return crc32c_extend(0, data, size); }

// The same CRC from the table alone, whatever the CPU has: the portable path that
// crc32c_extend() takes where crc32c_hardware() is false. Tests and fuzzers compare the two.
uint32_t crc32c_extend_portable(uint32_t crc, const uint8_t* data, size_t size);

// Whether crc32c_extend() uses the CPU's CRC-32C instruction (SSE4.2 on x86, ARMv8's CRC
// extension), which needs TINYTB_CRC32C_HARDWARE (tinytb/config.h). Constant for the process.
bool crc32c_hardware();

// TFRecord's mask: rotate right by 15 bits, add 0xA282EAD8.
constexpr uint32_t mask_crc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u; }

// The inverse of mask_crc().
constexpr uint32_t unmask_crc(uint32_t masked) {
  return ((masked - 0xA282EAD8u) << 15) | ((masked - 0xA282EAD8u) >> 17);
}

}  // namespace tinytb

#endif  // TINYTB_CRC32C_H_
