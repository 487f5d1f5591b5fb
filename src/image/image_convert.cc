// tinytb: pixels from frames and tensors, row by row (rules in docs/images.md).
#include "image/image_convert.h"

#include <math.h>
#include <string.h>

namespace tinytb {
namespace detail {
namespace {

// ---- camera formats ---------------------------------------------------------------------

uint8_t expand5(uint32_t v) { return static_cast<uint8_t>((v << 3) | (v >> 2)); }
uint8_t expand6(uint32_t v) { return static_cast<uint8_t>((v << 2) | (v >> 4)); }

uint8_t clamp255(int32_t v) { return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v)); }

// floor(x / 65536), also for negative x (>> of a negative int is implementation-defined
// before C++20).
int32_t floor_div65536(int32_t x) { return x >= 0 ? x / 65536 : -((-x + 65535) / 65536); }

// Full-range BT.601 (JFIF, what ESP32 camera drivers assume), 16-bit fixed point,
// rounded half up: R = Y + 1.402 E, G = Y - 0.344136 D - 0.714136 E, B = Y + 1.772 D.
void yuv_to_rgb(int32_t y, int32_t u, int32_t v, uint8_t* out) {
  const int32_t d = u - 128;
  const int32_t e = v - 128;
  out[0] = clamp255(y + floor_div65536(91881 * e + 32768));
  out[1] = clamp255(y + floor_div65536(-22554 * d - 46802 * e + 32768));
  out[2] = clamp255(y + floor_div65536(116130 * d + 32768));
}

// `count` pixels of frame row `y` from column `x`, as output pixels.
void frame_pixels(const ImageView& v, uint32_t y, uint32_t x, uint32_t count, uint8_t* out) {
  const uint32_t bpp = frame_pixel_bytes(v.format);
  const int64_t stride = v.row_stride != 0 ? v.row_stride : static_cast<int64_t>(v.width) * bpp;
  const uint8_t* row = static_cast<const uint8_t*>(v.data) + static_cast<int64_t>(y) * stride;
  switch (v.format) {
    case PixelFormat::kGray8:
      memcpy(out, row + x, count);
      return;
    case PixelFormat::kRgb888:
      memcpy(out, row + 3 * static_cast<size_t>(x), 3 * static_cast<size_t>(count));
      return;
    case PixelFormat::kRgba8888:
      memcpy(out, row + 4 * static_cast<size_t>(x), 4 * static_cast<size_t>(count));
      return;
    case PixelFormat::kBgr888:
      for (uint32_t i = 0; i < count; ++i, out += 3) {
        const uint8_t* p = row + 3 * static_cast<size_t>(x + i);
        out[0] = p[2];
        out[1] = p[1];
        out[2] = p[0];
      }
      return;
    case PixelFormat::kRgb565Le:
    case PixelFormat::kRgb565Be: {
      const bool big = v.format == PixelFormat::kRgb565Be;
      for (uint32_t i = 0; i < count; ++i, out += 3) {
        const uint8_t* p = row + 2 * static_cast<size_t>(x + i);
        const uint32_t w = big ? (uint32_t{p[0]} << 8) | p[1] : (uint32_t{p[1]} << 8) | p[0];
        out[0] = expand5(w >> 11);
        out[1] = expand6((w >> 5) & 63);
        out[2] = expand5(w & 31);
      }
      return;
    }
    case PixelFormat::kYuyv:
    case PixelFormat::kUyvy: {
      const bool yuyv = v.format == PixelFormat::kYuyv;
      for (uint32_t i = 0; i < count; ++i, out += 3) {
        const uint32_t px = x + i;
        const uint8_t* pair = row + 4 * static_cast<size_t>(px / 2);
        const uint8_t luma = yuyv ? pair[(px & 1) ? 2 : 0] : pair[(px & 1) ? 3 : 1];
        const uint8_t u = yuyv ? pair[1] : pair[0];
        const uint8_t vv = yuyv ? pair[3] : pair[2];
        yuv_to_rgb(luma, u, vv, out);
      }
      return;
    }
    default:
      return;
  }
}

// ---- tensors -------------------------------------------------------------------------------

// Element index of (y, x, c) in a packed tensor.
size_t tensor_index(const ImageView& v, uint32_t y, uint32_t x, uint32_t c) {
  if (v.layout == TensorLayout::kChw) {
    return (static_cast<size_t>(c) * v.height + y) * v.width + x;
  }
  return (static_cast<size_t>(y) * v.width + x) * v.channels + c;
}

float dequantize(const Quantization& q, int32_t value) {
  return q.scale * static_cast<float>(value - q.zero_point);
}

void tensor_pixels(const RowReader& r, uint32_t y, uint32_t x, uint32_t count, uint8_t* out) {
  const ImageView& v = *r.view;
  const uint32_t ch = v.channels;
  for (uint32_t i = 0; i < count; ++i) {
    for (uint32_t c = 0; c < ch; ++c, ++out) {
      const size_t at = tensor_index(v, y, x + i, c);
      switch (v.format) {
        case PixelFormat::kTensorU8:
          *out = static_cast<const uint8_t*>(v.data)[at];
          break;
        case PixelFormat::kTensorI8:
          *out = r.lut[static_cast<uint8_t>(static_cast<const int8_t*>(v.data)[at] + 128)];
          break;
        default:
          *out = map_real(static_cast<const float*>(v.data)[at], r.lo, r.hi, r.k);
          break;
      }
    }
  }
}

// The window's smallest and largest finite values (tensor views with a per-image range).
void scan_range(const ImageView& v, float* lo, float* hi) {
  const uint32_t x0 = v.crop_x, y0 = v.crop_y;
  const uint32_t w = v.output_width() * v.downscale, h = v.output_height() * v.downscale;
  bool any = false;
  float mn = 0.0f, mx = 0.0f;
  int32_t qmin = 127, qmax = -128;
  for (uint32_t y = y0; y < y0 + h; ++y) {
    for (uint32_t x = x0; x < x0 + w; ++x) {
      for (uint32_t c = 0; c < v.channels; ++c) {
        const size_t at = tensor_index(v, y, x, c);
        if (v.format == PixelFormat::kTensorI8) {
          const int32_t q = static_cast<const int8_t*>(v.data)[at];
          if (q < qmin) qmin = q;
          if (q > qmax) qmax = q;
          continue;
        }
        const float f = static_cast<const float*>(v.data)[at];
        if (!isfinite(f)) continue;
        if (!any || f < mn) mn = f;
        if (!any || f > mx) mx = f;
        any = true;
      }
    }
  }
  if (v.format == PixelFormat::kTensorI8) {
    // scale > 0, so dequantisation keeps the order.
    mn = dequantize(v.quantization, qmin);
    mx = dequantize(v.quantization, qmax);
  }
  *lo = mn;
  *hi = mx;
}

void pixels(const RowReader& r, uint32_t y, uint32_t x, uint32_t count, uint8_t* out) {
  if (r.view->format >= PixelFormat::kTensorU8) {
    tensor_pixels(r, y, x, count, out);
  } else {
    frame_pixels(*r.view, y, x, count, out);
  }
}

}  // namespace

uint32_t frame_pixel_bytes(PixelFormat format) {
  switch (format) {
    case PixelFormat::kGray8: return 1;
    case PixelFormat::kRgb888:
    case PixelFormat::kBgr888: return 3;
    case PixelFormat::kRgba8888: return 4;
    case PixelFormat::kRgb565Le:
    case PixelFormat::kRgb565Be:
    case PixelFormat::kYuyv:
    case PixelFormat::kUyvy: return 2;
    default: return 0;
  }
}

uint8_t map_real(float v, float lo, float hi, float k) {
  if (isnan(v) || v <= lo) return 0;
  if (v >= hi) return 255;
  // NaN only when lo and hi are so far apart that hi - lo overflowed (k = 0, v - lo = inf).
  const float scaled = (v - lo) * k;
  if (!(scaled > 0.0f)) return 0;
  return scaled >= 255.0f ? 255 : static_cast<uint8_t>(static_cast<int32_t>(scaled));  // > 0: truncation is floor
}

void prepare_rows(const ImageView& view, uint8_t* scratch, uint32_t* sums, RowReader* reader) {
  RowReader& r = *reader;
  r = RowReader{};
  r.view = &view;
  r.channels = view.output_channels();
  r.width = view.output_width();
  r.lut = scratch;
  r.chunk = scratch + kLutBytes;
  r.sums = sums;
  if (view.format != PixelFormat::kTensorI8 && view.format != PixelFormat::kTensorF32) return;
  if (view.range.per_image) {
    scan_range(view, &r.lo, &r.hi);
  } else {
    r.lo = view.range.lo;
    r.hi = view.range.hi;
  }
  r.k = r.hi > r.lo ? 255.5f / (r.hi - r.lo) : 0.0f;
  if (view.format == PixelFormat::kTensorI8) {
    for (int32_t q = -128; q <= 127; ++q) {
      r.lut[q + 128] = map_real(dequantize(view.quantization, q), r.lo, r.hi, r.k);
    }
  }
}

const uint8_t* direct_row(const RowReader& r, uint32_t y) {
  const ImageView& v = *r.view;
  if (v.downscale != 1) return nullptr;
  const uint8_t* data = static_cast<const uint8_t*>(v.data);
  switch (v.format) {
    case PixelFormat::kGray8:
    case PixelFormat::kRgb888:
    case PixelFormat::kRgba8888: {
      const uint32_t bpp = frame_pixel_bytes(v.format);
      const int64_t stride = v.row_stride != 0 ? v.row_stride : static_cast<int64_t>(v.width) * bpp;
      return data + static_cast<int64_t>(v.crop_y + y) * stride + static_cast<size_t>(v.crop_x) * bpp;
    }
    case PixelFormat::kTensorU8:
      if (v.layout != TensorLayout::kHwc) return nullptr;
      return data + (static_cast<size_t>(v.crop_y + y) * v.width + v.crop_x) * v.channels;
    default:
      return nullptr;
  }
}

// Output row `y` of a down-scaled view. A few output pixels at a time, their sums on the
// stack instead of a row of sums in the arena (7.5 KiB for a VGA RGB row); the sums are
// integers, so every pixel is the same as from a whole row of them. Out of line so that
// read_row()'s common path (no down-scaling, inside the record encoder) does not carry
// this frame.
static __attribute__((noinline)) void read_row_downscaled(const RowReader& r, uint32_t y, uint8_t* out) {
  const ImageView& v = *r.view;
  const uint32_t f = v.downscale;
  const uint32_t ch = r.channels;
  constexpr uint32_t kGroup = 8;  // even: a group starts on a YUV pair when the window does
  uint32_t sums[kGroup * 4];
  const uint32_t area = f * f;
  for (uint32_t gx = 0; gx < r.width; gx += kGroup) {
    const uint32_t group = r.width - gx < kGroup ? r.width - gx : kGroup;
    const size_t n = static_cast<size_t>(group) * ch;
    memset(sums, 0, n * sizeof(uint32_t));
    const uint32_t first = gx * f;  // the group's first source column in the window
    const uint32_t span = group * f;
    for (uint32_t dy = 0; dy < f; ++dy) {
      const uint32_t sy = v.crop_y + y * f + dy;
      for (uint32_t x = 0; x < span; x += kChunkPixels) {
        const uint32_t count = span - x < kChunkPixels ? span - x : kChunkPixels;
        pixels(r, sy, v.crop_x + first + x, count, r.chunk);
        for (uint32_t i = 0; i < count; ++i) {
          uint32_t* sum = sums + static_cast<size_t>((x + i) / f) * ch;
          for (uint32_t c = 0; c < ch; ++c) sum[c] += r.chunk[i * ch + c];
        }
      }
    }
    uint8_t* o = out + static_cast<size_t>(gx) * ch;
    for (size_t i = 0; i < n; ++i) o[i] = static_cast<uint8_t>((sums[i] + area / 2) / area);
  }
}

void read_row(const RowReader& r, uint32_t y, uint8_t* out) {
  const ImageView& v = *r.view;
  if (v.downscale != 1) {
    read_row_downscaled(r, y, out);
    return;
  }
  pixels(r, v.crop_y + y, v.crop_x, r.width, out);
}

}  // namespace detail
}  // namespace tinytb
