// tinytb (internal): fixed-width integers to and from bytes, in one place.
//
// TFRecord framing, protobuf fixed fields and WAV headers are little-endian; PNG chunks
// are big-endian. Every layer (and the host tool) reads and writes them through these,
// byte by byte, so the result does not depend on the CPU's byte order or alignment.
// Compilers turn each into one load or store where the target allows it.
#ifndef TINYTB_SRC_BASE_BYTES_H_
#define TINYTB_SRC_BASE_BYTES_H_

#include <stdint.h>
#include <string.h>

#include "tinytb/config.h"

namespace tinytb {
namespace detail {

inline uint32_t get_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

inline uint64_t get_le64(const uint8_t* p) { return get_le32(p) | static_cast<uint64_t>(get_le32(p + 4)) << 32; }

inline uint32_t get_be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 |
         static_cast<uint32_t>(p[3]);
}

inline uint32_t get_be16(const uint8_t* p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }

// Writes the low `bytes` bytes of v, least significant first; returns the end.
inline uint8_t* put_le(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) *p++ = static_cast<uint8_t>(v >> (8 * i));
  return p;
}

#if !TINYTB_SMALL_TARGET && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
// Hosts: one store (GCC keeps put_le()'s 8-byte loop as a loop, 8 x 7 instructions, on
// every record's length and every scalar's wall time). Microcontrollers keep the loop and
// its few bytes of flash. The same bytes either way.
inline uint8_t* put_le32(uint8_t* p, uint32_t v) {
  memcpy(p, &v, 4);
  return p + 4;
}
inline uint8_t* put_le64(uint8_t* p, uint64_t v) {
  memcpy(p, &v, 8);
  return p + 8;
}
#else
inline uint8_t* put_le32(uint8_t* p, uint32_t v) { return put_le(p, v, 4); }
inline uint8_t* put_le64(uint8_t* p, uint64_t v) { return put_le(p, v, 8); }
#endif

inline uint8_t* put_be32(uint8_t* p, uint32_t v) {
  for (int i = 3; i >= 0; --i) *p++ = static_cast<uint8_t>(v >> (8 * i));
  return p;
}

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_BASE_BYTES_H_
