// tinytb (internal): turning an ImageView into rows of 8-bit PNG pixels, one output row
// at a time, straight from the caller's memory (docs/images.md states every rule).
#ifndef TINYTB_SRC_IMAGE_CONVERT_H_
#define TINYTB_SRC_IMAGE_CONVERT_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/image/image_view.h"

namespace tinytb {
namespace detail {

// Source pixels converted per call while down-scaling; scratch holds this many pixels
// of up to 4 channels, after a 256-entry lookup table.
constexpr uint32_t kChunkPixels = 64;
constexpr size_t kLutBytes = 256;

// Bytes one source pixel takes in a frame format (YUV 4:2:2: 2, a pair is 4); 0 for
// tensors and unknown formats.
uint32_t frame_pixel_bytes(PixelFormat format);

// How the values of one image become pixels; set up by prepare_rows() for each image
// (per-image ranges scan the window once). Lives in the encoder's arena.
struct RowReader {
  const ImageView* view = nullptr;
  uint8_t channels = 0;  // output channels
  uint32_t width = 0;    // output width
  float lo = 0.0f;       // real value mapped to 0
  float hi = 0.0f;       // real value mapped to 255
  float k = 0.0f;        // 255.5 / (hi - lo), or 0 when hi <= lo
  uint8_t* lut = nullptr;    // kTensorI8: pixel for q + 128
  uint8_t* chunk = nullptr;  // kChunkPixels * 4 bytes
  uint32_t* sums = nullptr;  // unused: read_row() sums a few pixels at a time on its stack
};

// `view` must have passed validate(). `scratch` is kLutBytes + kChunkPixels * 4 bytes;
// `sums` is no longer read (may be null; kept so the render layer's calls still build).
void prepare_rows(const ImageView& view, uint8_t* scratch, uint32_t* sums, RowReader* reader);

// Output row `y` (0-based, below output_height()) into `out` (width * channels bytes).
void read_row(const RowReader& reader, uint32_t y, uint8_t* out);

// Output row `y` where it lies in the caller's memory, when the view needs no conversion:
// a packed 8-bit gray, RGB or RGBA frame (any stride and window) or a uint8 HWC tensor,
// not down-scaled. Null otherwise: use read_row().
const uint8_t* direct_row(const RowReader& reader, uint32_t y);

// The float rule, exposed for the int8 table and for tests.
uint8_t map_real(float v, float lo, float hi, float k);

}  // namespace detail
}  // namespace tinytb

#endif  // TINYTB_SRC_IMAGE_CONVERT_H_
