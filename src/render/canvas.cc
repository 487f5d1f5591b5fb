// tinytb: the canvas and its primitives. Every shape is clipped to the canvas in 64-bit
// arithmetic first; the loops then touch only pixels that exist.
#include "tinytb/render/canvas.h"

namespace tinytb {
namespace {

// The part of `r` on a width x height canvas, as half-open bounds; false when empty.
struct Span {
  int32_t x0, y0, x1, y1;
};
bool clip(const Rect& r, uint16_t width, uint16_t height, Span* out) {
  if (r.width <= 0 || r.height <= 0) return false;
  const int64_t x0 = r.x < 0 ? 0 : r.x;
  const int64_t y0 = r.y < 0 ? 0 : r.y;
  int64_t x1 = static_cast<int64_t>(r.x) + r.width;
  int64_t y1 = static_cast<int64_t>(r.y) + r.height;
  if (x1 > width) x1 = width;
  if (y1 > height) y1 = height;
  if (x0 >= x1 || y0 >= y1) return false;
  *out = Span{static_cast<int32_t>(x0), static_cast<int32_t>(y0), static_cast<int32_t>(x1),
              static_cast<int32_t>(y1)};
  return true;
}

Status check_shape(size_t buffer_bytes, uint16_t width, uint16_t height, CanvasFormat format) {
  if (format != CanvasFormat::kGray8 && format != CanvasFormat::kRgb888) return Status::kInvalidArgument;
  if (width == 0 || height == 0 || width > kMaxCanvasSide || height > kMaxCanvasSide) {
    return Status::kInvalidArgument;
  }
  if (canvas_bytes(width, height, format) > buffer_bytes) return Status::kTooLarge;
  return Status::kOk;
}

}  // namespace

Status Canvas::init(uint8_t* buffer, size_t buffer_bytes, uint16_t width, uint16_t height, CanvasFormat format) {
  if (buffer == nullptr) return Status::kInvalidArgument;
  const Status s = check_shape(buffer_bytes, width, height, format);
  if (s != Status::kOk) return s;
  pixels_ = buffer;
  capacity_ = buffer_bytes;
  width_ = width;
  height_ = height;
  format_ = format;
  return Status::kOk;
}

Status Canvas::resize(uint16_t width, uint16_t height) {
  if (!valid()) return Status::kNotOpen;
  const Status s = check_shape(capacity_, width, height, format_);
  if (s != Status::kOk) return s;
  width_ = width;
  height_ = height;
  return Status::kOk;
}

void Canvas::clear(Rgb color) { fill_rect(Rect{0, 0, width_, height_}, color); }

void Canvas::set_pixel(int32_t x, int32_t y, Rgb color) { fill_rect(Rect{x, y, 1, 1}, color); }

void Canvas::fill_rect(const Rect& rect, Rgb color) {
  Span s;
  if (!valid() || !clip(rect, width_, height_, &s)) return;
  const size_t row_bytes = stride();
  if (format_ == CanvasFormat::kGray8) {
    const uint8_t y = luma(color);
    for (int32_t row = s.y0; row < s.y1; ++row) {
      uint8_t* p = pixels_ + static_cast<size_t>(row) * row_bytes + static_cast<size_t>(s.x0);
      for (int32_t col = s.x0; col < s.x1; ++col) *p++ = y;
    }
    return;
  }
  for (int32_t row = s.y0; row < s.y1; ++row) {
    uint8_t* p = pixels_ + static_cast<size_t>(row) * row_bytes + static_cast<size_t>(s.x0) * 3;
    for (int32_t col = s.x0; col < s.x1; ++col) {
      *p++ = color.r;
      *p++ = color.g;
      *p++ = color.b;
    }
  }
}

void Canvas::draw_rect(const Rect& rect, Rgb color, int32_t thickness) {
  if (thickness <= 0 || rect.width <= 0 || rect.height <= 0) return;
  const int32_t tx = thickness < rect.width ? thickness : rect.width;
  const int32_t ty = thickness < rect.height ? thickness : rect.height;
  const int64_t right = static_cast<int64_t>(rect.x) + rect.width - tx;
  const int64_t bottom = static_cast<int64_t>(rect.y) + rect.height - ty;
  // Top and bottom bands span the full width; the sides fill the rows between them.
  fill_rect(Rect{rect.x, rect.y, rect.width, ty}, color);
  if (bottom > rect.y) fill_rect(Rect{rect.x, static_cast<int32_t>(bottom), rect.width, ty}, color);
  const int32_t inner = rect.height - 2 * ty;
  if (inner > 0) {
    fill_rect(Rect{rect.x, rect.y + ty, tx, inner}, color);
    if (right > rect.x) fill_rect(Rect{static_cast<int32_t>(right), rect.y + ty, tx, inner}, color);
  }
}

void Canvas::blend_rect(const Rect& rect, Rgb color, uint8_t alpha) {
  Span s;
  if (!valid() || !clip(rect, width_, height_, &s)) return;
  const size_t row_bytes = stride();
  const size_t bpp = bytes_per_pixel(format_);
  const uint8_t over[3] = {color.r, color.g, color.b};
  const uint8_t gray = luma(color);
  for (int32_t row = s.y0; row < s.y1; ++row) {
    uint8_t* p = pixels_ + static_cast<size_t>(row) * row_bytes + static_cast<size_t>(s.x0) * bpp;
    for (int32_t col = s.x0; col < s.x1; ++col) {
      if (bpp == 1) {
        *p = blend(*p, gray, alpha);
        ++p;
      } else {
        for (int k = 0; k < 3; ++k, ++p) *p = blend(*p, over[k], alpha);
      }
    }
  }
}

Rgb Canvas::pixel(int32_t x, int32_t y) const {
  if (!valid() || x < 0 || y < 0 || x >= width_ || y >= height_) return kBlack;
  const uint8_t* p = pixels_ + static_cast<size_t>(y) * stride() + static_cast<size_t>(x) * bytes_per_pixel(format_);
  if (format_ == CanvasFormat::kGray8) return Rgb{p[0], p[0], p[0]};
  return Rgb{p[0], p[1], p[2]};
}

ImageView Canvas::view() const {
  if (!valid()) return ImageView{};
  return ImageView::frame(format_ == CanvasFormat::kGray8 ? PixelFormat::kGray8 : PixelFormat::kRgb888, pixels_,
                          width_, height_);
}

}  // namespace tinytb
