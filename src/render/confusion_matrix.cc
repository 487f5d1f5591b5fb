// tinytb: the confusion matrix of TensorBoard's image-summary tutorial, without matplotlib.
//
// The layout is worked out around the matrix (its top-left at 0, 0), then the bounding box
// of everything is shifted to the margins: long titles or class names never fall off.
#include "render_internal.h"
#include "tinytb/render/charts.h"

namespace tinytb {
namespace {

constexpr size_t kMaxClasses = 256;
constexpr Rgb kEmptyRow{230, 230, 230};
constexpr Rgb kFrame{128, 128, 128};
const char* const kBarLabels[3] = {"1.0", "0.5", "0.0"};

bool has_text(const char* s) { return s != nullptr && *s != '\0'; }

// A class's name, or its number written into `buffer`.
const char* class_name(const ConfusionMatrixOptions& o, size_t i, char* buffer) {
  if (o.class_names != nullptr && o.class_names[i] != nullptr) return o.class_names[i];
  render::format_uint(i, buffer);
  return buffer;
}

struct Layout {
  int32_t s;          // text scale
  int32_t n;          // classes
  int32_t cell;       // cell side
  bool rotated_x;     // column names read upwards
  int32_t name_w;     // widest class name
  // Everything below relative to the matrix's top-left corner until shift().
  int32_t mx, my;     // matrix
  int32_t title_x, title_y;
  int32_t ylabel_x, ylabel_y;
  int32_t rows_right;  // row names end here (right-aligned)
  int32_t cols_y;      // column names start here
  int32_t xlabel_x, xlabel_y;
  int32_t bar_x, bar_w;
  int32_t width, height;
};

struct Box {
  int64_t x0, y0, x1, y1;
  void add(int64_t x, int64_t y, int64_t w, int64_t h) {
    if (w <= 0 || h <= 0) return;
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x + w > x1) x1 = x + w;
    if (y + h > y1) y1 = y + h;
  }
};

Status make_layout(const uint32_t* counts, size_t classes, const ConfusionMatrixOptions& o, Layout* out) {
  if (counts == nullptr || classes == 0 || classes > kMaxClasses || o.text_scale == 0 ||
      o.text_scale > kMaxTextScale) {
    return Status::kInvalidArgument;
  }
  Layout l{};
  const int32_t s = o.text_scale;
  l.s = s;
  l.n = static_cast<int32_t>(classes);

  // The cell fits its text with 3*s on each side, and is never smaller than a line of text.
  int32_t text_w = 0;
  if (o.cell_text == CellText::kNormalized) {
    text_w = text_width("0.00", o.text_scale);
  } else if (o.cell_text == CellText::kCount) {
    uint32_t most = 0;
    for (size_t i = 0; i < classes * classes; ++i) most = counts[i] > most ? counts[i] : most;
    char digits[render::kNumberChars];
    render::format_uint(most, digits);
    text_w = text_width(digits, o.text_scale);
  }
  l.cell = text_w + 6 * s;
  if (l.cell < (kGlyphHeight + 6) * s) l.cell = (kGlyphHeight + 6) * s;
  if (l.cell < o.cell_size) l.cell = o.cell_size;

  char buffer[render::kNumberChars];
  for (size_t i = 0; i < classes; ++i) {
    const int32_t w = text_width(class_name(o, i, buffer), o.text_scale);
    if (w > l.name_w) l.name_w = w;
  }
  l.rotated_x = l.name_w > l.cell - 2 * s;

  const int64_t side = int64_t{l.n} * l.cell;
  const int32_t line = kGlyphHeight * s;
  Box box{-1, -1, side + 1, side + 1};  // the matrix and its 1 px frame

  // Row names, right-aligned 4*s left of the matrix; the y label 4*s left of them.
  l.rows_right = -4 * s;
  box.add(l.rows_right - l.name_w, 0, l.name_w, side);
  if (has_text(o.y_label)) {
    const int32_t len = text_width(o.y_label, o.text_scale);
    l.ylabel_x = l.rows_right - l.name_w - 4 * s - line;
    l.ylabel_y = static_cast<int32_t>((side - len) / 2);
    box.add(l.ylabel_x, l.ylabel_y, line, len);
  }
  // Column names 4*s under the matrix; the x label 6*s under them.
  l.cols_y = static_cast<int32_t>(side) + 4 * s;
  const int32_t cols_h = l.rotated_x ? l.name_w : line;
  box.add(0, l.cols_y, side, cols_h);
  if (has_text(o.x_label)) {
    const int32_t len = text_width(o.x_label, o.text_scale);
    l.xlabel_x = static_cast<int32_t>((side - len) / 2);
    l.xlabel_y = l.cols_y + cols_h + 6 * s;
    box.add(l.xlabel_x, l.xlabel_y, len, line);
  }
  if (has_text(o.title)) {
    const int32_t len = text_width(o.title, o.text_scale);
    l.title_x = static_cast<int32_t>((side - len) / 2);
    l.title_y = -6 * s - line;
    box.add(l.title_x, l.title_y, len, line);
  }
  if (o.color_bar) {
    l.bar_x = static_cast<int32_t>(side) + 8 * s;
    l.bar_w = 8 * s;
    const int32_t label_w = text_width(kBarLabels[0], o.text_scale);
    const int32_t half = (kGlyphCapHeight * s) / 2;
    box.add(l.bar_x - 1, -1, l.bar_w + 2, side + 2);
    box.add(l.bar_x + l.bar_w, -half, 5 * s + label_w, side + 2 * half);
  }

  // Shift so the bounding box starts at the margin.
  const int64_t margin = 6 * s;
  const int64_t width = box.x1 - box.x0 + 2 * margin;
  const int64_t height = box.y1 - box.y0 + 2 * margin;
  const Status st = render::check_size(width, height);
  if (st != Status::kOk) return st;
  const auto dx = static_cast<int32_t>(margin - box.x0);
  const auto dy = static_cast<int32_t>(margin - box.y0);
  l.mx = dx;
  l.my = dy;
  l.title_x += dx, l.title_y += dy;
  l.ylabel_x += dx, l.ylabel_y += dy;
  l.rows_right += dx;
  l.cols_y += dy;
  l.xlabel_x += dx, l.xlabel_y += dy;
  l.bar_x += dx;
  l.width = static_cast<int32_t>(width);
  l.height = static_cast<int32_t>(height);
  *out = l;
  return Status::kOk;
}

}  // namespace

Status confusion_matrix_size(const uint32_t* counts, size_t classes, const ConfusionMatrixOptions& options,
                             Size* size) {
  if (size == nullptr) return Status::kInvalidArgument;
  Layout l;
  const Status s = make_layout(counts, classes, options, &l);
  if (s != Status::kOk) return s;
  *size = Size{static_cast<uint16_t>(l.width), static_cast<uint16_t>(l.height)};
  return Status::kOk;
}

Status draw_confusion_matrix(Canvas& canvas, const uint32_t* counts, size_t classes,
                             const ConfusionMatrixOptions& o) {
  if (!canvas.valid()) return Status::kInvalidArgument;
  Layout l;
  Status st = make_layout(counts, classes, o, &l);
  if (st != Status::kOk) return st;
  st = render::fit_canvas(canvas, l.width, l.height);
  if (st != Status::kOk) return st;
  canvas.clear(o.background);

  const int32_t s = l.s;
  const int32_t side = l.n * l.cell;
  TextStyle text;
  text.scale = o.text_scale;
  text.color = render::contrast_text(o.background);
  const int32_t cap = kGlyphCapHeight * s;

  // Cells: shade by the row-normalised value, write the value centred.
  for (int32_t t = 0; t < l.n; ++t) {
    uint64_t total = 0;
    for (int32_t p = 0; p < l.n; ++p) total += counts[static_cast<size_t>(t) * classes + static_cast<size_t>(p)];
    for (int32_t p = 0; p < l.n; ++p) {
      const uint32_t count = counts[static_cast<size_t>(t) * classes + static_cast<size_t>(p)];
      const Rect cell{l.mx + p * l.cell, l.my + t * l.cell, l.cell, l.cell};
      char label[render::kNumberChars];
      Rgb color = kEmptyRow;
      if (total == 0) {
        label[0] = '-', label[1] = '\0';
      } else {
        const uint64_t level = (510 * uint64_t{count} + total) / (2 * total);
        color = map_color(o.map, static_cast<uint8_t>(level));
        if (o.cell_text == CellText::kNormalized) {
          render::format_ratio2(count, total, label);
        } else {
          render::format_uint(count, label);
        }
      }
      canvas.fill_rect(cell, color);
      if (o.cell_text == CellText::kNone && total != 0) continue;
      TextStyle cell_text = text;
      cell_text.color = render::contrast_text(color);
      // Centred on the capitals (digits have no descenders).
      (void)draw_text(canvas, render::centered(cell.x, cell.width, text_width(label, o.text_scale)),
                      render::centered(cell.y, cell.height, cap), label, cell_text);
    }
  }
  canvas.draw_rect(Rect{l.mx - 1, l.my - 1, side + 2, side + 2}, kFrame, 1);

  // Class names: rows right-aligned, columns centred (or rotated, ending under the matrix).
  char buffer[render::kNumberChars];
  for (int32_t i = 0; i < l.n; ++i) {
    const char* name = class_name(o, static_cast<size_t>(i), buffer);
    const int32_t w = text_width(name, o.text_scale);
    (void)draw_text(canvas, l.rows_right - w, render::centered(l.my + i * l.cell, l.cell, cap), name, text);
    if (l.rotated_x) {
      TextStyle up = text;
      up.direction = TextDirection::kUp;
      (void)draw_text(canvas, render::centered(l.mx + i * l.cell, l.cell, cap), l.cols_y, name, up);
    } else {
      (void)draw_text(canvas, render::centered(l.mx + i * l.cell, l.cell, w), l.cols_y, name, text);
    }
  }
  if (has_text(o.y_label)) {
    TextStyle up = text;
    up.direction = TextDirection::kUp;
    (void)draw_text(canvas, l.ylabel_x, l.ylabel_y, o.y_label, up);
  }
  if (has_text(o.x_label)) (void)draw_text(canvas, l.xlabel_x, l.xlabel_y, o.x_label, text);
  if (has_text(o.title)) (void)draw_text(canvas, l.title_x, l.title_y, o.title, text);

  if (o.color_bar) {
    const Rect bar{l.bar_x, l.my, l.bar_w, side};
    draw_color_bar(canvas, bar, o.map);
    canvas.draw_rect(Rect{bar.x - 1, bar.y - 1, bar.width + 2, bar.height + 2}, kFrame, 1);
    const int32_t ticks[3] = {l.my, l.my + (side - 1) / 2, l.my + side - 1};
    for (int k = 0; k < 3; ++k) {
      canvas.fill_rect(Rect{bar.x + bar.width, ticks[k], 3 * s, s}, text.color);
      (void)draw_text(canvas, bar.x + bar.width + 5 * s, ticks[k] - cap / 2, kBarLabels[k], text);
    }
  }
  return Status::kOk;
}

}  // namespace tinytb
