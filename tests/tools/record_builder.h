// tinytb tool tests: build event files byte by byte, including wrong ones.
//
// A tiny protobuf encoder and TFRecord framer for the tests (the framing CRC comes from
// the core, whose vectors tests/format/crc32c_test.cc checks), so each test can make
// exactly the record it needs: a NaN wall_time, invalid UTF-8, a bad wire type.
#ifndef TINYTB_TESTS_TOOLS_RECORD_BUILDER_H_
#define TINYTB_TESTS_TOOLS_RECORD_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tinytb/format/crc32c.h"

namespace tinytb_test {

using Bytes = std::vector<uint8_t>;

class Pb {
 public:
  Pb& varint_field(uint32_t field, uint64_t v) {
    key(field, 0);
    varint(v);
    return *this;
  }
  Pb& double_field(uint32_t field, double d) {
    key(field, 1);
    uint64_t x;
    std::memcpy(&x, &d, 8);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(x >> (8 * i)));
    return *this;
  }
  Pb& float_field(uint32_t field, float f) {
    key(field, 5);
    uint32_t x;
    std::memcpy(&x, &f, 4);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(x >> (8 * i)));
    return *this;
  }
  Pb& bytes_field(uint32_t field, const Bytes& b) {
    key(field, 2);
    varint(b.size());
    out.insert(out.end(), b.begin(), b.end());
    return *this;
  }
  Pb& string_field(uint32_t field, const std::string& s) { return bytes_field(field, Bytes(s.begin(), s.end())); }
  Pb& message_field(uint32_t field, const Pb& m) { return bytes_field(field, m.out); }
  Pb& raw(const Bytes& b) {
    out.insert(out.end(), b.begin(), b.end());
    return *this;
  }
  void key(uint32_t field, int type) { varint((static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(type)); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<uint8_t>(v));
  }
  Bytes out;
};

inline void put_le(Bytes& b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// One TFRecord around `payload`.
inline Bytes frame(const Bytes& payload) {
  Bytes r;
  put_le(r, payload.size(), 8);
  put_le(r, tinytb::mask_crc(tinytb::crc32c(r.data(), 8)), 4);
  r.insert(r.end(), payload.begin(), payload.end());
  put_le(r, tinytb::mask_crc(tinytb::crc32c(payload.data(), payload.size())), 4);
  return r;
}

// A 12-byte header declaring `length`, with a correct length CRC.
inline Bytes header_only(uint64_t length) {
  Bytes r;
  put_le(r, length, 8);
  put_le(r, tinytb::mask_crc(tinytb::crc32c(r.data(), 8)), 4);
  return r;
}

inline Pb file_version_event(double wall = 1700000000.0, const std::string& version = "brain.Event:2") {
  Pb e;
  e.double_field(1, wall).string_field(3, version);
  return e;
}

// Summary.Value with a TF2 scalar tensor (DT_FLOAT rank 0) and optional metadata.
inline Pb scalar_value(const std::string& tag, float v, bool metadata, uint64_t dtype = 1) {
  Pb tensor;
  tensor.varint_field(1, dtype);
  Pb packed;
  uint32_t x;
  std::memcpy(&x, &v, 4);
  for (int i = 0; i < 4; ++i) packed.out.push_back(static_cast<uint8_t>(x >> (8 * i)));
  tensor.bytes_field(5, packed.out);
  Pb value;
  value.string_field(1, tag).message_field(8, tensor);
  if (metadata) {
    Pb plugin;
    plugin.string_field(1, "scalars");
    Pb meta;
    meta.message_field(1, plugin).varint_field(4, 1);
    value.message_field(9, meta);
  }
  return value;
}

inline Pb summary_event(double wall, int64_t step, const Pb& value) {
  Pb summary;
  summary.message_field(1, value);
  Pb e;
  e.double_field(1, wall).varint_field(2, static_cast<uint64_t>(step)).message_field(5, summary);
  return e;
}

inline Bytes operator+(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A small valid file: file_version, then `n` scalars on two tags with metadata on the first.
// *boundaries gets the end offset of every record.
inline Bytes small_file(int n, std::vector<size_t>* boundaries = nullptr) {
  Bytes f = frame(file_version_event().out);
  if (boundaries) boundaries->assign(1, f.size());
  for (int i = 0; i < n; ++i) {
    const std::string tag = (i % 2) ? "train/loss" : "model/latency_ms";
    f = f + frame(summary_event(1700000001.0 + i, i / 2, scalar_value(tag, 0.5f * static_cast<float>(i), i < 2)).out);
    if (boundaries) boundaries->push_back(f.size());
  }
  return f;
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_TOOLS_RECORD_BUILDER_H_
