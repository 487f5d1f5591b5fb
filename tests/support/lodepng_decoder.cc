// tinytb tests: a decoder-only lodepng, in its own namespace (see lodepng_decoder.h).
#include "lodepng_decoder.h"

// lodepng.cpp's own includes, first and outside the namespace, so that their include
// guards keep them out of it.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
namespace tinytb_test {
namespace lodepng_decoder {
#define LODEPNG_NO_COMPILE_ENCODER
#define LODEPNG_NO_COMPILE_DISK
#define LODEPNG_NO_COMPILE_CPP
#include "lodepng.cpp"
#undef LODEPNG_NO_COMPILE_ENCODER
#undef LODEPNG_NO_COMPILE_DISK
#undef LODEPNG_NO_COMPILE_CPP
}  // namespace lodepng_decoder
}  // namespace tinytb_test
#pragma GCC diagnostic pop

namespace tinytb_test {

bool decode_png(const uint8_t* data, size_t size, DecodedPng* out) {
  namespace lp = lodepng_decoder;
  *out = DecodedPng{};
  lp::LodePNGState state;
  lp::lodepng_state_init(&state);
  unsigned w = 0, h = 0;
  unsigned error = lp::lodepng_inspect(&w, &h, &state, data, size);
  const lp::LodePNGColorType type = state.info_png.color.colortype;
  const unsigned depth = state.info_png.color.bitdepth;
  lp::lodepng_state_cleanup(&state);
  if (error == 0 && depth != 8) error = 9999;
  unsigned channels = 0;
  if (error == 0) {
    switch (type) {
      case lp::LCT_GREY: channels = 1; break;
      case lp::LCT_GREY_ALPHA: channels = 2; break;
      case lp::LCT_RGB: channels = 3; break;
      case lp::LCT_RGBA: channels = 4; break;
      default: error = 9998; break;
    }
  }
  unsigned char* pixels = nullptr;
  if (error == 0) error = lp::lodepng_decode_memory(&pixels, &w, &h, data, size, type, 8);
  if (error != 0) {
    out->error = error >= 9998 ? "not an 8-bit gray/RGB/RGBA PNG" : lp::lodepng_error_text(error);
    free(pixels);
    return false;
  }
  out->width = w;
  out->height = h;
  out->channels = channels;
  out->pixels.assign(pixels, pixels + static_cast<size_t>(w) * h * channels);
  free(pixels);
  return true;
}

}  // namespace tinytb_test
