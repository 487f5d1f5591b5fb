// Test helpers for the rendering suites: canvases with their own storage, pixel access.
#ifndef TINYTB_TESTS_RENDER_RENDER_TEST_UTIL_H_
#define TINYTB_TESTS_RENDER_RENDER_TEST_UTIL_H_

#include <stdint.h>

#include <ostream>
#include <string>
#include <vector>

#include "tinytb/render/canvas.h"

namespace tinytb {
inline std::ostream& operator<<(std::ostream& os, Rgb c) {
  return os << "(" << int(c.r) << ", " << int(c.g) << ", " << int(c.b) << ")";
}
}  // namespace tinytb

namespace tinytb_test {

// A canvas over a std::vector (test code may allocate; the library may not).
struct RgbCanvas {
  RgbCanvas(uint16_t width, uint16_t height, size_t capacity = 0,
            tinytb::CanvasFormat format = tinytb::CanvasFormat::kRgb888)
      : storage(capacity != 0 ? capacity : tinytb::canvas_bytes(width, height, format)) {
    if (canvas.init(storage.data(), storage.size(), width, height, format) != tinytb::Status::kOk) abort();
  }
  std::vector<uint8_t> bytes() const {
    return std::vector<uint8_t>(canvas.pixels(), canvas.pixels() + canvas.size_bytes());
  }
  std::vector<uint8_t> storage;
  tinytb::Canvas canvas;
};

inline tinytb::Rgb at(const tinytb::Canvas& c, int x, int y) {
  const uint8_t* p = c.pixels() + static_cast<size_t>(y) * c.stride() +
                     static_cast<size_t>(x) * tinytb::bytes_per_pixel(c.format());
  if (c.format() == tinytb::CanvasFormat::kGray8) return tinytb::Rgb{p[0], p[0], p[0]};
  return tinytb::Rgb{p[0], p[1], p[2]};
}

// The documented formulas, written out again here so tests do not lean on the library's.
inline uint8_t spec_luma(tinytb::Rgb c) { return static_cast<uint8_t>((77 * c.r + 150 * c.g + 29 * c.b + 128) >> 8); }
inline tinytb::Rgb spec_blend(tinytb::Rgb u, tinytb::Rgb o, int a) {
  auto one = [a](int x, int y) { return static_cast<uint8_t>((x * (255 - a) + y * a + 127) / 255); };
  return tinytb::Rgb{one(u.r, o.r), one(u.g, o.g), one(u.b, o.b)};
}
inline int spec_text_width(const std::string& s, int scale = 1) {
  return s.empty() ? 0 : (6 * static_cast<int>(s.size()) - 1) * scale;
}

// matplotlib's tab10, written out from its published hex values.
inline tinytb::Rgb tab10(size_t i) {
  static const uint32_t hex[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                   0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
  const uint32_t h = hex[i % 10];
  return tinytb::Rgb{static_cast<uint8_t>(h >> 16), static_cast<uint8_t>(h >> 8), static_cast<uint8_t>(h)};
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_RENDER_RENDER_TEST_UTIL_H_
