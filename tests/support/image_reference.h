// tinytb tests: the pixels an ImageView must become, computed straight from the rules
// in docs/images.md, independently of src/image/image_convert.cc: the whole window is decoded
// pixel by pixel into a plain array first (no rows, no chunks, no lookup tables), then
// box-averaged. Test code: the standard library is fine here.
#ifndef TINYTB_TESTS_SUPPORT_IMAGE_REFERENCE_H_
#define TINYTB_TESTS_SUPPORT_IMAGE_REFERENCE_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tinytb/image/image_view.h"

namespace tinytb_test {

struct ReferenceImage {
  uint32_t width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

namespace reference_detail {

using tinytb::PixelFormat;

inline uint8_t clamp_byte(double v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

// Bytes of source pixel (x, y) of a frame.
inline const uint8_t* frame_at(const tinytb::ImageView& v, uint32_t x, uint32_t y, uint32_t pixel_bytes) {
  const int64_t stride = v.row_stride != 0 ? v.row_stride : static_cast<int64_t>(v.width) * pixel_bytes;
  return static_cast<const uint8_t*>(v.data) + static_cast<int64_t>(y) * stride + int64_t{x} * pixel_bytes;
}

inline void rgb565(uint32_t word, uint8_t* out) {
  const uint32_t r = (word >> 11) & 0x1F, g = (word >> 5) & 0x3F, b = word & 0x1F;
  out[0] = static_cast<uint8_t>((r << 3) | (r >> 2));
  out[1] = static_cast<uint8_t>((g << 2) | (g >> 4));
  out[2] = static_cast<uint8_t>((b << 3) | (b >> 2));
}

// Full-range BT.601 with the documented 16-bit coefficients, rounded half up (floor of
// x + 1/2), clamped.
inline void yuv(int y, int u, int v, uint8_t* out) {
  const double d = u - 128, e = v - 128;
  out[0] = clamp_byte(y + std::floor((91881.0 * e + 32768.0) / 65536.0));
  out[1] = clamp_byte(y + std::floor((-22554.0 * d - 46802.0 * e + 32768.0) / 65536.0));
  out[2] = clamp_byte(y + std::floor((116130.0 * d + 32768.0) / 65536.0));
}

inline float tensor_real(const tinytb::ImageView& v, size_t index) {
  if (v.format == PixelFormat::kTensorF32) return static_cast<const float*>(v.data)[index];
  const int32_t q = static_cast<const int8_t*>(v.data)[index];
  return v.quantization.scale * static_cast<float>(q - v.quantization.zero_point);
}

inline uint8_t real_to_pixel(float value, float lo, float hi) {
  if (std::isnan(value)) return 0;
  if (value <= lo) return 0;
  if (value >= hi) return 255;
  const float k = 255.5f / (hi - lo);
  const float scaled = (value - lo) * k;
  if (std::isnan(scaled) || scaled <= 0.0f) return 0;
  if (scaled >= 255.0f) return 255;
  return static_cast<uint8_t>(std::floor(scaled));
}

}  // namespace reference_detail

// The expected PNG pixels of a valid view.
inline ReferenceImage reference_pixels(const tinytb::ImageView& v) {
  using namespace reference_detail;
  const uint32_t win_w = v.crop_width ? v.crop_width : v.width - v.crop_x;
  const uint32_t win_h = v.crop_height ? v.crop_height : v.height - v.crop_y;
  const uint32_t f = v.downscale;
  const uint32_t out_w = win_w / f, out_h = win_h / f;
  uint32_t ch = 0;
  switch (v.format) {
    case PixelFormat::kGray8: ch = 1; break;
    case PixelFormat::kRgba8888: ch = 4; break;
    case PixelFormat::kTensorU8:
    case PixelFormat::kTensorI8:
    case PixelFormat::kTensorF32: ch = v.channels; break;
    default: ch = 3; break;
  }
  // Per-image range: over every value the image is made of (the window without what the
  // down-scale drops), tensors only.
  float lo = v.range.lo, hi = v.range.hi;
  auto tensor_index = [&](uint32_t x, uint32_t y, uint32_t c) -> size_t {
    if (v.layout == tinytb::TensorLayout::kChw) return (size_t{c} * v.height + y) * v.width + x;
    return (size_t{y} * v.width + x) * v.channels + c;
  };
  if (v.range.per_image && (v.format == PixelFormat::kTensorI8 || v.format == PixelFormat::kTensorF32)) {
    std::vector<float> finite;
    for (uint32_t y = v.crop_y; y < v.crop_y + out_h * f; ++y)
      for (uint32_t x = v.crop_x; x < v.crop_x + out_w * f; ++x)
        for (uint32_t c = 0; c < ch; ++c) {
          const float r = tensor_real(v, tensor_index(x, y, c));
          if (std::isfinite(r)) finite.push_back(r);
        }
    lo = hi = 0.0f;
    if (!finite.empty()) {
      lo = hi = finite[0];
      for (float r : finite) {
        lo = std::min(lo, r);
        hi = std::max(hi, r);
      }
    }
  }
  // The window, every source pixel decoded.
  std::vector<uint8_t> window(size_t{win_w} * win_h * ch);
  for (uint32_t y = 0; y < win_h; ++y) {
    for (uint32_t x = 0; x < win_w; ++x) {
      const uint32_t sx = v.crop_x + x, sy = v.crop_y + y;
      uint8_t* out = &window[(size_t{y} * win_w + x) * ch];
      switch (v.format) {
        case PixelFormat::kGray8: out[0] = *frame_at(v, sx, sy, 1); break;
        case PixelFormat::kRgb888: std::memcpy(out, frame_at(v, sx, sy, 3), 3); break;
        case PixelFormat::kRgba8888: std::memcpy(out, frame_at(v, sx, sy, 4), 4); break;
        case PixelFormat::kBgr888: {
          const uint8_t* p = frame_at(v, sx, sy, 3);
          out[0] = p[2];
          out[1] = p[1];
          out[2] = p[0];
          break;
        }
        case PixelFormat::kRgb565Le: {
          const uint8_t* p = frame_at(v, sx, sy, 2);
          rgb565(p[0] + 256u * p[1], out);
          break;
        }
        case PixelFormat::kRgb565Be: {
          const uint8_t* p = frame_at(v, sx, sy, 2);
          rgb565(256u * p[0] + p[1], out);
          break;
        }
        case PixelFormat::kYuyv:
        case PixelFormat::kUyvy: {
          const uint8_t* pair = frame_at(v, sx - sx % 2, sy, 2);  // the pair's first pixel
          const bool yuyv = v.format == PixelFormat::kYuyv;
          const int luma = yuyv ? pair[sx % 2 == 0 ? 0 : 2] : pair[sx % 2 == 0 ? 1 : 3];
          yuv(luma, yuyv ? pair[1] : pair[0], yuyv ? pair[3] : pair[2], out);
          break;
        }
        case PixelFormat::kTensorU8:
          for (uint32_t c = 0; c < ch; ++c) out[c] = static_cast<const uint8_t*>(v.data)[tensor_index(sx, sy, c)];
          break;
        default:
          for (uint32_t c = 0; c < ch; ++c) out[c] = real_to_pixel(tensor_real(v, tensor_index(sx, sy, c)), lo, hi);
          break;
      }
    }
  }
  // Box average of each f x f block: the mean, rounded half up.
  ReferenceImage img;
  img.width = out_w;
  img.height = out_h;
  img.channels = ch;
  img.pixels.resize(size_t{out_w} * out_h * ch);
  for (uint32_t y = 0; y < out_h; ++y)
    for (uint32_t x = 0; x < out_w; ++x)
      for (uint32_t c = 0; c < ch; ++c) {
        uint64_t sum = 0;
        for (uint32_t dy = 0; dy < f; ++dy)
          for (uint32_t dx = 0; dx < f; ++dx) sum += window[((size_t{y} * f + dy) * win_w + x * f + dx) * ch + c];
        img.pixels[(size_t{y} * out_w + x) * ch + c] =
            static_cast<uint8_t>(std::floor(static_cast<double>(sum) / (f * f) + 0.5));
      }
  return img;
}

}  // namespace tinytb_test

#endif  // TINYTB_TESTS_SUPPORT_IMAGE_REFERENCE_H_
