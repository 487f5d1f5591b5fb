// tinytb: detection boxes with their tags, and segmentation masks blended over a frame.
#include "render_internal.h"
#include "tinytb/render/charts.h"

namespace tinytb {
namespace {

constexpr int64_t kInt32Min = -2147483647 - 1;
constexpr int64_t kInt32Max = 2147483647;

int32_t to_int32(int64_t v) { return static_cast<int32_t>(v < kInt32Min ? kInt32Min : v > kInt32Max ? kInt32Max : v); }

// round(v * n) for v in 0..1, clamped to 0..n; NaN gives 0.
int32_t scale_unit(float v, uint16_t n) {
  if (!(v > 0.0f)) return 0;
  if (v >= 1.0f) return n;
  return static_cast<int32_t>(v * static_cast<float>(n) + 0.5f);
}

// The box of d on the canvas, in 64 bits; false when empty.
struct Placed {
  int64_t x, y, w, h;
};
bool place(const Detection& d, const DetectionOptions& o, Placed* p) {
  const int64_t z = o.zoom;
  *p = Placed{o.origin_x + int64_t{d.box.x} * z, o.origin_y + int64_t{d.box.y} * z, int64_t{d.box.width} * z,
              int64_t{d.box.height} * z};
  return p->w > 0 && p->h > 0;
}

void draw_box(Canvas& canvas, const Detection& d, const DetectionOptions& o) {
  Placed b;
  if (!place(d, o, &b)) return;
  const int64_t x = b.x, y = b.y, w = b.w, h = b.h;
  const Rgb color = category_color(d.class_id);
  // Off-canvas boxes are clamped first so no coordinate overflows; what is visible stays exact.
  const int64_t pad = int64_t{o.thickness} + 1;
  const int64_t cx0 = x < -pad ? -pad : x;
  const int64_t cy0 = y < -pad ? -pad : y;
  const int64_t cx1 = x + w > canvas.width() + pad ? canvas.width() + pad : x + w;
  const int64_t cy1 = y + h > canvas.height() + pad ? canvas.height() + pad : y + h;
  if (cx0 >= cx1 || cy0 >= cy1) return;
  canvas.draw_rect(Rect{to_int32(cx0), to_int32(cy0), to_int32(cx1 - cx0), to_int32(cy1 - cy0)}, color,
                   o.thickness);
}

// The tag: "<name> <score>", on the box color, above the top-left corner.
void draw_tag(Canvas& canvas, const Detection& d, const DetectionOptions& o) {
  Placed b;
  if (!place(d, o, &b)) return;
  const int64_t x = b.x, y = b.y;
  const Rgb color = category_color(d.class_id);
  char number[render::kNumberChars];
  const char* name = nullptr;
  if (o.class_names != nullptr && d.class_id < o.class_count) name = o.class_names[d.class_id];
  if (name == nullptr) {
    render::format_uint(d.class_id, number);
    name = number;
  }
  char score[render::kNumberChars];
  render::format_fixed2(d.score, score);
  const int32_t s = o.text_scale;
  const int32_t name_w = text_width(name, o.text_scale);
  // "<name> <score>" as one line of text: the name's own spacing column, then a space.
  const int32_t score_x = name_w + (1 + kCellWidth) * s;
  const int32_t text_w = o.show_score ? score_x + text_width(score, o.text_scale) : name_w;
  const int32_t tag_w = text_w + 2 * s;
  const int32_t tag_h = (kGlyphHeight + 2) * s;
  int64_t tx = x;
  if (tx + tag_w > canvas.width()) tx = canvas.width() - tag_w;
  if (tx < 0) tx = 0;
  int64_t ty = y - tag_h;
  if (ty < 0) ty = y < 0 ? 0 : y;
  if (ty >= canvas.height()) return;
  const Rect tag{to_int32(tx), to_int32(ty), tag_w, tag_h};
  canvas.fill_rect(tag, color);
  TextStyle style;
  style.scale = o.text_scale;
  style.color = render::contrast_text(color);
  (void)draw_text(canvas, tag.x + s, tag.y + s, name, style);
  if (o.show_score) (void)draw_text(canvas, tag.x + s + score_x, tag.y + s, score, style);
}

}  // namespace

Rect box_from_normalized(float ymin, float xmin, float ymax, float xmax, uint16_t frame_width,
                         uint16_t frame_height) {
  const int32_t x0 = scale_unit(xmin, frame_width);
  const int32_t y0 = scale_unit(ymin, frame_height);
  const int32_t x1 = scale_unit(xmax, frame_width);
  const int32_t y1 = scale_unit(ymax, frame_height);
  return Rect{x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

Status draw_detections(Canvas& canvas, const Detection* detections, size_t count, const DetectionOptions& o) {
  if (!canvas.valid() || (detections == nullptr && count > 0) || o.thickness == 0 || o.zoom == 0 ||
      o.text_scale == 0 || o.text_scale > kMaxTextScale || o.min_score != o.min_score) {
    return Status::kInvalidArgument;
  }
  for (size_t i = 0; i < count; ++i) {
    if (detections[i].score >= o.min_score) draw_box(canvas, detections[i], o);
  }
  // Tags after every box, lowest score first, so the most confident tag is on top where
  // tags overlap. The order is found by rescanning (no memory for a sort): count^2 compares.
  bool have_last = false;
  float last_score = 0.0f;
  size_t last = 0;
  for (;;) {
    bool found = false;
    size_t next = 0;
    for (size_t i = 0; i < count; ++i) {
      const float s = detections[i].score;
      if (!(s >= o.min_score)) continue;
      const bool after_last = !have_last || s > last_score || (s == last_score && i > last);
      if (!after_last) continue;
      if (!found || s < detections[next].score || (s == detections[next].score && i < next)) {
        next = i;
        found = true;
      }
    }
    if (!found) break;
    draw_tag(canvas, detections[next], o);
    have_last = true;
    last_score = detections[next].score;
    last = next;
  }
  return Status::kOk;
}

Status blend_mask(Canvas& canvas, const uint8_t* classes, uint16_t mask_width, uint16_t mask_height,
                  const MaskOptions& o) {
  if (!canvas.valid() || classes == nullptr || mask_width == 0 || mask_height == 0 ||
      (o.palette == nullptr) != (o.palette_size == 0)) {
    return Status::kInvalidArgument;
  }
  Rect d = o.destination;
  if (d.width <= 0 || d.height <= 0) d = Rect{0, 0, canvas.width(), canvas.height()};
  // Visible rows and columns of the destination.
  const int64_t x0 = d.x < 0 ? 0 : d.x;
  const int64_t y0 = d.y < 0 ? 0 : d.y;
  const int64_t x1 = int64_t{d.x} + d.width < canvas.width() ? int64_t{d.x} + d.width : canvas.width();
  const int64_t y1 = int64_t{d.y} + d.height < canvas.height() ? int64_t{d.y} + d.height : canvas.height();
  for (int64_t y = y0; y < y1; ++y) {
    const auto my = static_cast<size_t>((y - d.y) * mask_height / d.height);
    const uint8_t* row = classes + my * mask_width;
    // Runs of one class become one blend_rect.
    int64_t run_start = x0;
    int run_class = -1;
    for (int64_t x = x0; x <= x1; ++x) {
      const int cls = x < x1 ? row[static_cast<size_t>((x - d.x) * mask_width / d.width)] : -1;
      if (x < x1 && cls == run_class) continue;
      if (run_class >= 0 && run_class != o.background_class) {
        const Rgb color = o.palette != nullptr ? o.palette[static_cast<size_t>(run_class) % o.palette_size]
                                               : category_color(static_cast<size_t>(run_class));
        canvas.blend_rect(Rect{static_cast<int32_t>(run_start), static_cast<int32_t>(y),
                               static_cast<int32_t>(x - run_start), 1},
                          color, o.alpha);
      }
      run_start = x;
      run_class = cls;
    }
  }
  return Status::kOk;
}

}  // namespace tinytb
