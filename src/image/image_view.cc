// tinytb: ImageView, what a view describes and whether it can be read.
#include "tinytb/image/image_view.h"

#include <math.h>

#include "image/image_convert.h"

namespace tinytb {
namespace {

bool is_frame(PixelFormat f) { return f >= PixelFormat::kGray8 && f <= PixelFormat::kUyvy; }
bool is_tensor(PixelFormat f) { return f >= PixelFormat::kTensorU8 && f <= PixelFormat::kTensorF32; }

// The fields every factory sets; the rest keep ImageView's defaults.
ImageView make_view(PixelFormat format, const void* data, uint32_t width, uint32_t height) {
  ImageView v;
  v.format = format;
  v.data = data;
  v.width = width;
  v.height = height;
  return v;
}

ImageView make_tensor(PixelFormat format, const void* data, uint32_t width, uint32_t height, uint8_t channels,
                      TensorLayout layout) {
  ImageView v = make_view(format, data, width, height);
  v.channels = channels;
  v.layout = layout;
  return v;
}

uint32_t window_width(const ImageView& v) { return v.crop_width != 0 ? v.crop_width : v.width - v.crop_x; }
uint32_t window_height(const ImageView& v) { return v.crop_height != 0 ? v.crop_height : v.height - v.crop_y; }

}  // namespace

ImageView ImageView::frame(PixelFormat format, const void* data, uint32_t width, uint32_t height,
                           int32_t row_stride, uint32_t data_bytes) {
  ImageView v = make_view(format, data, width, height);
  v.row_stride = row_stride;
  v.data_bytes = data_bytes;
  return v;
}

ImageView ImageView::tensor(const uint8_t* data, uint32_t width, uint32_t height, uint8_t channels,
                            TensorLayout layout) {
  return make_tensor(PixelFormat::kTensorU8, data, width, height, channels, layout);
}

ImageView ImageView::tensor(const int8_t* data, uint32_t width, uint32_t height, uint8_t channels,
                            Quantization quantization, ValueRange range, TensorLayout layout) {
  ImageView v = make_tensor(PixelFormat::kTensorI8, data, width, height, channels, layout);
  v.quantization = quantization;
  v.range = range;
  return v;
}

ImageView ImageView::tensor(const float* data, uint32_t width, uint32_t height, uint8_t channels,
                            ValueRange range, TensorLayout layout) {
  ImageView v = make_tensor(PixelFormat::kTensorF32, data, width, height, channels, layout);
  v.range = range;
  return v;
}

ImageView ImageView::cropped(uint32_t x, uint32_t y, uint32_t w, uint32_t h) const {
  ImageView v = *this;
  v.crop_x = x;
  v.crop_y = y;
  v.crop_width = w;
  v.crop_height = h;
  return v;
}

ImageView ImageView::downscaled(uint8_t factor) const {
  ImageView v = *this;
  v.downscale = factor;
  return v;
}

Status ImageView::validate() const {
  if (data == nullptr || width == 0 || height == 0 || width > kMaxImageSide || height > kMaxImageSide) {
    return Status::kInvalidArgument;
  }
  if (is_frame(format)) {
    const uint64_t row = static_cast<uint64_t>(width) * detail::frame_pixel_bytes(format);
    const uint64_t stride = row_stride < 0 ? static_cast<uint64_t>(-static_cast<int64_t>(row_stride))
                                           : static_cast<uint64_t>(row_stride);
    if (row_stride != 0 && stride < row) return Status::kInvalidArgument;
    // The rows must lie in the buffer: a view cannot know where its memory ends unless
    // told, and a stride of INT32_MIN over 64 bytes would otherwise be read.
    // (height - 1) * stride <= 16383 * 2^31: no overflow in 64 bits.
    const uint64_t span = static_cast<uint64_t>(height - 1) * (row_stride != 0 ? stride : row) + row;
    if (row_stride != 0 && span > data_bytes) return Status::kInvalidArgument;
    if (row_stride == 0 && data_bytes != 0 && span > data_bytes) return Status::kInvalidArgument;
    if ((format == PixelFormat::kYuyv || format == PixelFormat::kUyvy) && width % 2 != 0) {
      return Status::kInvalidArgument;
    }
  } else if (is_tensor(format)) {
    if (row_stride != 0 || (channels != 1 && channels != 3 && channels != 4)) return Status::kInvalidArgument;
    if (layout != TensorLayout::kHwc && layout != TensorLayout::kChw) return Status::kInvalidArgument;
    if (format == PixelFormat::kTensorI8 &&
        !(isfinite(quantization.scale) && quantization.scale > 0.0f)) {
      return Status::kInvalidArgument;
    }
    if (format != PixelFormat::kTensorU8 && !range.per_image &&
        !(isfinite(range.lo) && isfinite(range.hi) && range.lo < range.hi)) {
      return Status::kInvalidArgument;
    }
  } else {
    return Status::kInvalidArgument;  // unknown format
  }
  if (crop_x >= width || crop_y >= height) return Status::kInvalidArgument;
  if (crop_width > width - crop_x || crop_height > height - crop_y) return Status::kInvalidArgument;
  if (downscale == 0 || window_width(*this) / downscale == 0 || window_height(*this) / downscale == 0) {
    return Status::kInvalidArgument;
  }
  return Status::kOk;
}

uint32_t ImageView::output_width() const { return window_width(*this) / (downscale == 0 ? 1 : downscale); }

uint32_t ImageView::output_height() const { return window_height(*this) / (downscale == 0 ? 1 : downscale); }

uint8_t ImageView::output_channels() const {
  switch (format) {
    case PixelFormat::kGray8: return 1;
    case PixelFormat::kRgba8888: return 4;
    case PixelFormat::kRgb888:
    case PixelFormat::kBgr888:
    case PixelFormat::kRgb565Le:
    case PixelFormat::kRgb565Be:
    case PixelFormat::kYuyv:
    case PixelFormat::kUyvy: return 3;
    case PixelFormat::kTensorU8:
    case PixelFormat::kTensorI8:
    case PixelFormat::kTensorF32: return channels;
  }
  return 0;
}

}  // namespace tinytb
