// tinytb: a read-only view of an image in the caller's memory: a camera frame or a
// model tensor, plus the window (crop) and integer down-scaling to apply when it is
// turned into a PNG. Nothing is copied: rows are read and converted one at a time
// while the image is encoded (docs/images.md has every conversion rule).
//
//   // ESP32 camera driver, QQVGA RGB565 (big-endian words), the middle 96x96, halved:
//   tinytb::ImageView v = tinytb::ImageView::frame(tinytb::PixelFormat::kRgb565Be, fb->buf, 160, 120)
//                             .cropped(32, 12, 96, 96).downscaled(2);            // a 48x48 RGB PNG
//   // TensorFlow Lite Micro int8 input tensor, 96x96x1:
//   tinytb::ImageView in = tinytb::ImageView::tensor(input->data.int8, 96, 96, 1,
//                              {input->params.scale, input->params.zero_point});
//   // A float feature map, 12x12x8 in CHW order, channel 3 alone, normalised per image:
//   tinytb::ImageView fm = tinytb::ImageView::tensor(fmap + 3 * 144, 12, 12, 1,
//                              tinytb::ValueRange::min_max());
//
// A view is a small value (64 bytes on a 64-bit host); it points at the caller's memory, which must
// stay valid and unchanged during the logging call that reads it, and no longer.
// validate() says whether a view is usable; the logging calls check it too and return
// kInvalidArgument for a bad one, before anything is encoded or written.
#ifndef TINYTB_IMAGE_VIEW_H_
#define TINYTB_IMAGE_VIEW_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/status.h"
#include "tinytb/values.h"

namespace tinytb {

// How the pixels are laid out in memory. The PNG gets 1 channel (gray), 3 (RGB) or 4
// (RGBA): output_channels() says which. 0 is no format (a view nobody filled in).
enum class PixelFormat : uint8_t {
  // Camera frames: rows of interleaved pixels.
  kGray8 = 1,  // 1 byte a pixel                                   -> gray
  kRgb888,     // R, G, B                                          -> RGB
  kBgr888,     // B, G, R (OpenCV order, some DVP sensors)         -> RGB
  kRgba8888,   // R, G, B, A; alpha is kept                        -> RGBA
  kRgb565Le,   // 16-bit words rrrrrggggggbbbbb, low byte first    -> RGB
  kRgb565Be,   // the same words, high byte first (ESP32 cameras)  -> RGB
  kYuyv,       // YUV 4:2:2, a pixel pair is Y0 U Y1 V (width even) -> RGB
  kUyvy,       // YUV 4:2:2, a pixel pair is U Y0 V Y1 (width even) -> RGB
  // Model tensors: 1, 3 or 4 channels, HWC or CHW, packed (no padding between rows).
  kTensorU8,   // uint8: the values are the pixels
  kTensorI8,   // int8: real = scale * (q - zero_point), then mapped by a ValueRange
  kTensorF32,  // float32: mapped by a ValueRange
};

// Element order of a tensor: HWC (TensorFlow, TFLite: a pixel's channels together) or
// CHW (PyTorch-style: one plane per channel).
enum class TensorLayout : uint8_t { kHwc, kChw };

// How real values (int8 after dequantisation, float32) become 0..255:
//   fixed [lo, hi]: tf.summary.image's rule for floats when lo = 0, hi = 1 (the default);
//   min_max():      lo and hi are the image's own smallest and largest finite values
//                   (over the source values it is made of: the window, without the
//                   rows and columns a down-scale drops), for feature maps of any scale.
// Then, in float32: NaN -> 0, v <= lo -> 0, v >= hi -> 255, otherwise
// floor((v - lo) * (255.5f / (hi - lo))) (0 if that product is NaN: hi - lo overflowed).
// A fixed range needs finite lo < hi.
struct ValueRange {
  float lo = 0.0f;
  float hi = 1.0f;
  bool per_image = false;

  static constexpr ValueRange fixed(float lo, float hi) { return ValueRange{lo, hi, false}; }
  static constexpr ValueRange min_max() { return ValueRange{0.0f, 0.0f, true}; }
};

struct ImageView {
  // The first byte of the top row. With a negative row_stride the rows go up in memory
  // (a bottom-up BMP: pass the address of its last stored row).
  const void* data = nullptr;
  uint32_t width = 0;   // pixels, 1..kMaxImageSide
  uint32_t height = 0;  // pixels, 1..kMaxImageSide
  // Bytes from one row to the next; 0 means packed (width * bytes per pixel). Its
  // magnitude must be at least a row's bytes. Tensors are always packed.
  int32_t row_stride = 0;
  // The size of the buffer the rows are in; needed with a row_stride, so that a stride
  // that does not fit is refused instead of read: the rows must span at most this many
  // bytes, (height - 1) * |row_stride| + a row's bytes (a row_stride without it is
  // kInvalidArgument). Packed frames span exactly their pixels and need none (if given, it
  // is checked); tensors, always packed, ignore it.
  uint32_t data_bytes = 0;
  PixelFormat format{};
  uint8_t channels = 0;  // tensors: 1, 3 or 4; frames: 0 (the format says)
  TensorLayout layout = TensorLayout::kHwc;
  uint8_t downscale = 1;  // 1..255: see the window below
  Quantization quantization;  // kTensorI8: scale finite and above zero
  ValueRange range;           // kTensorI8, kTensorF32
  // The window of the source that becomes the image: crop_width/height 0 mean "to the
  // right/bottom edge". Then every downscale x downscale block of the window becomes
  // one pixel (the rounded mean); columns and rows that do not fill a block are dropped.
  uint32_t crop_x = 0;
  uint32_t crop_y = 0;
  uint32_t crop_width = 0;
  uint32_t crop_height = 0;

  static constexpr uint32_t kMaxImageSide = 16384;

  // A camera frame (any format up to kUyvy): packed rows, or rows row_stride bytes apart
  // in a buffer of data_bytes bytes (a negative stride: data is the top row, stored last).
  static ImageView frame(PixelFormat format, const void* data, uint32_t width, uint32_t height,
                         int32_t row_stride = 0, uint32_t data_bytes = 0);
  // Model tensors of shape [height, width, channels] (kHwc) or [channels, height, width]
  // (kChw). The size is given width first, like every size in tinytb (frame(),
  // cropped(), PngEncoder<MaxWidth, MaxHeight>): tensor(data, width, height, channels).
  static ImageView tensor(const uint8_t* data, uint32_t width, uint32_t height, uint8_t channels,
                          TensorLayout layout = TensorLayout::kHwc);
  static ImageView tensor(const int8_t* data, uint32_t width, uint32_t height, uint8_t channels,
                          Quantization quantization, ValueRange range = ValueRange{},
                          TensorLayout layout = TensorLayout::kHwc);
  static ImageView tensor(const float* data, uint32_t width, uint32_t height, uint8_t channels,
                          ValueRange range = ValueRange{}, TensorLayout layout = TensorLayout::kHwc);

  // Copies with a window / a down-scale factor set (the arguments are checked by validate()).
  ImageView cropped(uint32_t x, uint32_t y, uint32_t w, uint32_t h) const;
  ImageView downscaled(uint8_t factor) const;

  // kOk, or kInvalidArgument: null data, a zero or too large size, an unknown format,
  // a stride smaller than a row, a stride whose rows do not fit data_bytes (or without
  // data_bytes), an odd YUV width, tensor channels other than 1/3/4, a
  // bad scale or range, a window outside the image, a factor of 0 or larger than the window.
  Status validate() const;

  // The PNG this view becomes (valid views only): size after crop and down-scale, and
  // 1 (gray), 3 (RGB) or 4 (RGBA) channels.
  uint32_t output_width() const;
  uint32_t output_height() const;
  uint8_t output_channels() const;
};

// Already encoded image bytes (a JPEG from an OV2640, a PNG made elsewhere), logged as
// they are. The bytes must start with a PNG or JPEG signature.
struct EncodedImage {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

}  // namespace tinytb

#endif  // TINYTB_IMAGE_VIEW_H_
