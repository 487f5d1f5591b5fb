// tinytb: an HWC tensor as a grid of per-channel normalised, color-mapped tiles.
#include "render_internal.h"
#include "tinytb/render/charts.h"

namespace tinytb {
namespace {

constexpr uint8_t kMaxZoom = 16;
constexpr Rgb kNanColor{255, 0, 255};
constexpr float kFloatMax = 3.4028235e38f;

bool is_integer(ValueType t) { return t != ValueType::kFloat32; }

int64_t raw_int(const Values& v, size_t i) {
  switch (v.type) {
    case ValueType::kInt8: return static_cast<const int8_t*>(v.data)[i];
    case ValueType::kUint8: return static_cast<const uint8_t*>(v.data)[i];
    case ValueType::kInt16: return static_cast<const int16_t*>(v.data)[i];
    case ValueType::kInt32: return static_cast<const int32_t*>(v.data)[i];
    case ValueType::kFloat32: break;
  }
  return 0;
}

bool known_type(ValueType t) {
  return t == ValueType::kFloat32 || t == ValueType::kInt8 || t == ValueType::kUint8 || t == ValueType::kInt16 ||
         t == ValueType::kInt32;
}

Status layout(HwcShape shape, const FeatureMapOptions& o, render::TileLayout* out) {
  if (shape.height == 0 || shape.width == 0 || shape.channels == 0 || o.zoom == 0 || o.zoom > kMaxZoom ||
      o.text_scale == 0 || o.text_scale > kMaxTextScale) {
    return Status::kInvalidArgument;
  }
  render::TileLayout t{};
  t.cols = o.cols != 0 ? (o.cols < shape.channels ? o.cols : shape.channels) : render::ceil_sqrt(shape.channels);
  t.rows = (shape.channels + t.cols - 1) / t.cols;
  t.cell_width = shape.width * o.zoom;
  t.cell_height = shape.height * o.zoom;
  if (o.labels) {
    char widest[render::kNumberChars];
    render::format_uint(static_cast<uint64_t>(shape.channels - 1), widest);
    const int32_t w = text_width(widest, o.text_scale);
    if (w > t.cell_width) t.cell_width = w;
    t.band = (2 + kGlyphHeight) * o.text_scale;
  }
  t.gap = o.gap;
  t.margin = o.margin;
  const Status s = render::check_size(t.width(), t.height());
  if (s != Status::kOk) return s;
  *out = t;
  return Status::kOk;
}

// How one channel maps its values to levels.
struct Scale {
  bool constant;
  int64_t lo;      // integers: qmin (min-max) or the zero point (symmetric)
  int64_t span;    // integers: qmax - qmin, or max |q - zero point|
  float flo;       // floats: min, or 0
  float fspan;     // floats: max - min, or max |v|
  bool halved;     // floats: the span overflowed, so values are halved first
};

Scale channel_scale(const Values& v, HwcShape shape, size_t c, Normalization norm) {
  const size_t step = shape.channels;
  const size_t n = static_cast<size_t>(shape.height) * shape.width;
  Scale s{};
  if (is_integer(v.type)) {
    const int64_t zp = v.quantization.zero_point;
    int64_t lo = raw_int(v, c), hi = lo, far = 0;
    for (size_t i = 0; i < n; ++i) {
      const int64_t q = raw_int(v, i * step + c);
      if (q < lo) lo = q;
      if (q > hi) hi = q;
      const int64_t d = q >= zp ? q - zp : zp - q;
      if (d > far) far = d;
    }
    if (norm == Normalization::kSymmetric) {
      s.lo = zp;
      s.span = far;
    } else {
      s.lo = lo;
      s.span = hi - lo;
    }
    s.constant = s.span == 0;
    return s;
  }
  const auto* f = static_cast<const float*>(v.data);
  bool any = false;
  float lo = 0.0f, hi = 0.0f, far = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float x = f[i * step + c];
    if (!(x >= -kFloatMax && x <= kFloatMax)) continue;  // NaN and infinities take no part
    if (!any || x < lo) lo = x;
    if (!any || x > hi) hi = x;
    const float d = x < 0.0f ? -x : x;
    if (d > far) far = d;
    any = true;
  }
  if (norm == Normalization::kSymmetric) {
    s.flo = 0.0f;
    s.fspan = far;
  } else {
    s.flo = lo;
    s.fspan = hi - lo;
    if (s.fspan > kFloatMax) {  // e.g. -3e38 .. 3e38
      s.halved = true;
      s.fspan = hi * 0.5f - lo * 0.5f;
    }
  }
  s.constant = !any || s.fspan == 0.0f;
  return s;
}

int32_t clamp_level(int64_t level) { return level < 0 ? 0 : level > 255 ? 255 : static_cast<int32_t>(level); }

// The level of value i, or -1 for NaN.
int32_t level_of(const Values& v, size_t i, const Scale& s, Normalization norm) {
  const bool symmetric = norm == Normalization::kSymmetric;
  if (is_integer(v.type)) {
    if (s.constant) return symmetric ? 128 : 0;
    const int64_t q = raw_int(v, i);
    if (symmetric) return clamp_level((255 * (s.span + (q - s.lo)) + s.span) / (2 * s.span));
    return clamp_level(((q - s.lo) * 510 + s.span) / (2 * s.span));
  }
  const float x = static_cast<const float*>(v.data)[i];
  if (x != x) return -1;
  if (x > kFloatMax) return 255;
  if (x < -kFloatMax) return 0;
  if (s.constant) return symmetric ? 128 : 0;
  float t;
  if (symmetric) {
    t = 127.5f + 127.5f * (x / s.fspan);
  } else {
    t = 255.0f * ((s.halved ? x * 0.5f - s.flo * 0.5f : x - s.flo) / s.fspan);
  }
  return clamp_level(static_cast<int64_t>(t + 0.5f));
}

}  // namespace

Status feature_maps_size(HwcShape shape, const FeatureMapOptions& options, Size* size) {
  if (size == nullptr) return Status::kInvalidArgument;
  render::TileLayout t;
  const Status s = layout(shape, options, &t);
  if (s != Status::kOk) return s;
  *size = Size{static_cast<uint16_t>(t.width()), static_cast<uint16_t>(t.height())};
  return Status::kOk;
}

Status draw_feature_maps(Canvas& canvas, const Values& tensor, HwcShape shape, const FeatureMapOptions& options) {
  if (!canvas.valid() || tensor.data == nullptr || !known_type(tensor.type)) return Status::kInvalidArgument;
  if (static_cast<uint64_t>(shape.height) * shape.width * shape.channels != tensor.count) {
    return Status::kInvalidArgument;
  }
  if (is_integer(tensor.type) && !(tensor.quantization.scale > 0.0f && tensor.quantization.scale <= kFloatMax)) {
    return Status::kInvalidArgument;
  }
  render::TileLayout t;
  Status s = layout(shape, options, &t);
  if (s != Status::kOk) return s;
  s = render::fit_canvas(canvas, t.width(), t.height());
  if (s != Status::kOk) return s;
  canvas.clear(options.background);

  const int32_t z = options.zoom;
  const int32_t tile_w = shape.width * z;
  for (size_t c = 0; c < shape.channels; ++c) {
    const Rect cell = t.cell(c);
    const int32_t x0 = render::centered(cell.x, cell.width, tile_w);
    const Scale scale = channel_scale(tensor, shape, c, options.normalization);
    for (int32_t y = 0; y < shape.height; ++y) {
      for (int32_t x = 0; x < shape.width; ++x) {
        const size_t i = (static_cast<size_t>(y) * shape.width + static_cast<size_t>(x)) * shape.channels + c;
        const int32_t level = level_of(tensor, i, scale, options.normalization);
        const Rgb color = level < 0 ? kNanColor : map_color(options.map, static_cast<uint8_t>(level));
        canvas.fill_rect(Rect{x0 + x * z, cell.y + y * z, z, z}, color);
      }
    }
    if (options.labels) {
      char label[render::kNumberChars];
      render::format_uint(c, label);
      TextStyle style;
      style.scale = options.text_scale;
      style.color = render::contrast_text(options.background);
      const int32_t w = text_width(label, options.text_scale);
      (void)draw_text(canvas, render::centered(cell.x, cell.width, w), cell.y + cell.height + 2 * options.text_scale,
                      label, style);
    }
  }
  return Status::kOk;
}

}  // namespace tinytb
