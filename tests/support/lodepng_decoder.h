// tinytb tests: lodepng's PNG decoder, for checking what the encoder wrote.
//
// The core compiles lodepng encoder-only with tinytb's arena allocator. This is a second,
// decoder-only build of the same lodepng.cpp, with lodepng's own malloc-based allocator,
// inside a namespace so its symbols cannot meet the core's. Test and tool code only.
#ifndef TINYTB_TESTS_SUPPORT_LODEPNG_DECODER_H_
#define TINYTB_TESTS_SUPPORT_LODEPNG_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinytb_test {

struct DecodedPng {
  unsigned width = 0;
  unsigned height = 0;
  unsigned channels = 0;        // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (8-bit files)
  std::vector<uint8_t> pixels;  // rows top to bottom, channels interleaved
  std::string error;            // empty on success
};

// Decodes an 8-bit gray, gray+alpha, RGB or RGBA PNG as it is stored (no conversion).
bool decode_png(const uint8_t* data, size_t size, DecodedPng* out);

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_SUPPORT_LODEPNG_DECODER_H_
