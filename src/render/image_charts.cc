// tinytb: images drawn into a canvas (nearest neighbour), tiled in a grid or side by side.
// Rows come from the PNG encoder's own conversion (src/image/image_convert.h), so a frame looks
// the same drawn in a chart as logged on its own.
#include "image/image_convert.h"
#include "render_internal.h"
#include "tinytb/render/charts.h"

namespace tinytb {
namespace {

constexpr uint8_t kMaxZoom = 16;
constexpr size_t kFixedScratch = detail::kLutBytes + detail::kChunkPixels * 4;

size_t row_bytes(const ImageView& v) { return static_cast<size_t>(v.output_width()) * v.output_channels(); }

// Scratch for one view: [lut + chunk][sums (down-scaled views)][one output row].
struct Rows {
  detail::RowReader reader;
  uint8_t* row;
};

Status open_rows(const ImageView& v, uint8_t* base, size_t size, Rows* rows) {
  // Sums are uint32: align the caller's memory first.
  const size_t skew = (4 - reinterpret_cast<uintptr_t>(base) % 4) % 4;
  const size_t need = image_scratch_bytes(v);
  if (base == nullptr || size < need) return Status::kTooLarge;
  uint8_t* p = base + skew;
  uint32_t* sums = nullptr;
  size_t offset = kFixedScratch;
  if (v.downscale > 1) {
    sums = reinterpret_cast<uint32_t*>(p + offset);
    offset += row_bytes(v) * 4;
  }
  rows->row = p + offset;
  detail::prepare_rows(v, p, sums, &rows->reader);
  return Status::kOk;
}

// The scratch a call uses: the caller's, or this much stack (declared by the caller of
// these helpers, so it lives for the whole chart).
struct ScratchSpan {
  uint8_t* data;
  size_t size;
};
ScratchSpan pick(const Scratch& given, uint8_t* stack, size_t stack_size) {
  if (given.data != nullptr) return ScratchSpan{given.data, given.size};
  return ScratchSpan{stack, stack_size};
}

// Draws an opened view into dest (already checked non-empty).
void draw_rows(Canvas& canvas, const Rect& dest, const ImageView& v, Rows& rows) {
  const int64_t x0 = dest.x < 0 ? 0 : dest.x;
  const int64_t y0 = dest.y < 0 ? 0 : dest.y;
  const int64_t x1 = int64_t{dest.x} + dest.width < canvas.width() ? int64_t{dest.x} + dest.width : canvas.width();
  const int64_t y1 =
      int64_t{dest.y} + dest.height < canvas.height() ? int64_t{dest.y} + dest.height : canvas.height();
  const int64_t sw = v.output_width();
  const int64_t sh = v.output_height();
  const uint8_t ch = v.output_channels();
  const bool gray_canvas = canvas.format() == CanvasFormat::kGray8;
  const size_t bpp = bytes_per_pixel(canvas.format());
  int64_t cached = -1;
  for (int64_t y = y0; y < y1; ++y) {
    const int64_t sy = (y - dest.y) * sh / dest.height;
    if (sy != cached) {
      detail::read_row(rows.reader, static_cast<uint32_t>(sy), rows.row);
      cached = sy;
    }
    uint8_t* out = canvas.pixels() + static_cast<size_t>(y) * canvas.stride() + static_cast<size_t>(x0) * bpp;
    for (int64_t x = x0; x < x1; ++x, out += bpp) {
      const uint8_t* in = rows.row + static_cast<size_t>((x - dest.x) * sw / dest.width) * ch;
      Rgb c = ch == 1 ? Rgb{in[0], in[0], in[0]} : Rgb{in[0], in[1], in[2]};
      if (ch == 4) {
        const Rgb under = gray_canvas ? Rgb{out[0], out[0], out[0]} : Rgb{out[0], out[1], out[2]};
        c = blend(under, c, in[3]);
      }
      if (gray_canvas) {
        out[0] = ch == 1 ? in[0] : luma(c);
      } else {
        out[0] = c.r;
        out[1] = c.g;
        out[2] = c.b;
      }
    }
  }
}

Status check_views(const ImageView* images, size_t count) {
  if (images == nullptr || count == 0) return Status::kInvalidArgument;
  for (size_t i = 0; i < count; ++i) {
    if (images[i].validate() != Status::kOk) return Status::kInvalidArgument;
  }
  return Status::kOk;
}

Status check_scratch(const ImageView* images, size_t count, ScratchSpan span) {
  for (size_t i = 0; i < count; ++i) {
    if (span.size < image_scratch_bytes(images[i])) return Status::kTooLarge;
  }
  return Status::kOk;
}

bool has_text(const char* const* texts, size_t count) {
  if (texts == nullptr) return false;
  for (size_t i = 0; i < count; ++i) {
    if (texts[i] != nullptr && texts[i][0] != '\0') return true;
  }
  return false;
}

// The largest w x h with the view's aspect ratio inside cw x ch (at least 1 x 1).
void fit(const ImageView& v, int64_t cw, int64_t chh, int64_t* w, int64_t* h) {
  const int64_t sw = v.output_width();
  const int64_t sh = v.output_height();
  if (sw * chh <= sh * cw) {  // as tall as the cell
    *h = chh;
    *w = sw * chh / sh;
  } else {
    *w = cw;
    *h = sh * cw / sw;
  }
  if (*w < 1) *w = 1;
  if (*h < 1) *h = 1;
}

// ---- grid ------------------------------------------------------------------------------------------

// The tiles, and the box each image is fitted into (labels may widen a cell past it).
struct GridLayout {
  render::TileLayout tiles;
  int32_t box_width;
};

Status grid_layout(const ImageView* images, size_t count, const GridOptions& o, GridLayout* out) {
  Status st = check_views(images, count);
  if (st != Status::kOk) return st;
  if (o.zoom == 0 || o.zoom > kMaxZoom || o.text_scale == 0 || o.text_scale > kMaxTextScale) {
    return Status::kInvalidArgument;
  }
  int64_t max_w = 0, max_h = 0;
  for (size_t i = 0; i < count; ++i) {
    if (images[i].output_width() > max_w) max_w = images[i].output_width();
    if (images[i].output_height() > max_h) max_h = images[i].output_height();
  }
  const int64_t cell_w = o.cell_width != 0 ? o.cell_width : max_w * o.zoom;
  const int64_t cell_h = o.cell_height != 0 ? o.cell_height : max_h * o.zoom;
  if (cell_w > kMaxCanvasSide || cell_h > kMaxCanvasSide) return Status::kTooLarge;
  render::TileLayout t{};
  t.cols = o.cols != 0 ? (o.cols < count ? o.cols : static_cast<int32_t>(count)) : render::ceil_sqrt(count);
  t.rows = static_cast<int32_t>((count + static_cast<size_t>(t.cols) - 1) / static_cast<size_t>(t.cols));
  t.cell_width = static_cast<int32_t>(cell_w);
  t.cell_height = static_cast<int32_t>(cell_h);
  if (has_text(o.labels, count)) {
    for (size_t i = 0; i < count; ++i) {
      const int32_t w = text_width(o.labels[i], o.text_scale);
      if (w > t.cell_width) t.cell_width = w;
    }
    t.band = (2 + kGlyphHeight) * o.text_scale;
  }
  t.gap = o.gap;
  t.margin = o.margin;
  st = render::check_size(t.width(), t.height());
  if (st != Status::kOk) return st;
  *out = GridLayout{t, static_cast<int32_t>(cell_w)};
  return Status::kOk;
}

// ---- side by side --------------------------------------------------------------------------------------

struct ConcatLayout {
  int64_t extent;
  int64_t band;   // title band above each panel
  int64_t slot;   // vertical: the column's width
  int64_t width;
  int64_t height;
};

// The panel of image i: its size, and the slot it is centred in along the main axis.
void panel(const ImageView& v, const ConcatOptions& o, int64_t extent, int64_t* w, int64_t* h) {
  if (o.direction == Direction::kHorizontal) {
    *h = extent;
    *w = static_cast<int64_t>(v.output_width()) * extent / v.output_height();
  } else {
    *w = extent;
    *h = static_cast<int64_t>(v.output_height()) * extent / v.output_width();
  }
  if (*w < 1) *w = 1;
  if (*h < 1) *h = 1;
}

int64_t title_width(const ConcatOptions& o, size_t i) {
  return o.titles != nullptr ? text_width(o.titles[i], o.text_scale) : 0;
}

Status concat_layout(const ImageView* images, size_t count, const ConcatOptions& o, ConcatLayout* out) {
  Status st = check_views(images, count);
  if (st != Status::kOk) return st;
  if (o.text_scale == 0 || o.text_scale > kMaxTextScale ||
      (o.direction != Direction::kHorizontal && o.direction != Direction::kVertical)) {
    return Status::kInvalidArgument;
  }
  const bool across = o.direction == Direction::kHorizontal;
  ConcatLayout l{};
  l.extent = o.extent;
  if (l.extent == 0) {
    for (size_t i = 0; i < count; ++i) {
      const int64_t e = across ? images[i].output_height() : images[i].output_width();
      if (e > l.extent) l.extent = e;
    }
  }
  if (l.extent > kMaxCanvasSide) return Status::kTooLarge;
  l.band = has_text(o.titles, count) ? (kGlyphHeight + 3) * o.text_scale : 0;
  int64_t along = 0;  // the main axis
  l.slot = l.extent;
  for (size_t i = 0; i < count; ++i) {
    int64_t w, h;
    panel(images[i], o, l.extent, &w, &h);
    const int64_t tw = title_width(o, i);
    if (across) {
      along += (w > tw ? w : tw) + (i > 0 ? o.gap : 0);
    } else {
      along += l.band + h + (i > 0 ? o.gap : 0);
      if (tw > l.slot) l.slot = tw;
    }
    if (along > kMaxCanvasSide) return Status::kTooLarge;
  }
  l.width = 2 * int64_t{o.margin} + (across ? along : l.slot);
  l.height = 2 * int64_t{o.margin} + (across ? l.band + l.extent : along);
  st = render::check_size(l.width, l.height);
  if (st != Status::kOk) return st;
  *out = l;
  return Status::kOk;
}

}  // namespace

size_t image_scratch_bytes(const ImageView& view) {
  if (view.validate() != Status::kOk) return 0;
  const size_t row = row_bytes(view);
  return 3 + kFixedScratch + (view.downscale > 1 ? row * 4 : 0) + row;  // 3: alignment of the sums
}

Status draw_image(Canvas& canvas, const Rect& dest, const ImageView& view, Scratch scratch) {
  if (!canvas.valid() || dest.width <= 0 || dest.height <= 0 || view.validate() != Status::kOk) {
    return Status::kInvalidArgument;
  }
  alignas(4) uint8_t stack[TINYTB_RENDER_STACK_SCRATCH];
  const ScratchSpan span = pick(scratch, stack, sizeof(stack));
  Rows rows;
  const Status st = open_rows(view, span.data, span.size, &rows);
  if (st != Status::kOk) return st;
  draw_rows(canvas, dest, view, rows);
  return Status::kOk;
}

Status grid_size(const ImageView* images, size_t count, const GridOptions& options, Size* size) {
  if (size == nullptr) return Status::kInvalidArgument;
  GridLayout g;
  const Status st = grid_layout(images, count, options, &g);
  if (st != Status::kOk) return st;
  *size = Size{static_cast<uint16_t>(g.tiles.width()), static_cast<uint16_t>(g.tiles.height())};
  return Status::kOk;
}

Status draw_grid(Canvas& canvas, const ImageView* images, size_t count, const GridOptions& o) {
  if (!canvas.valid()) return Status::kInvalidArgument;
  GridLayout g;
  Status st = grid_layout(images, count, o, &g);
  if (st != Status::kOk) return st;
  const render::TileLayout& t = g.tiles;
  alignas(4) uint8_t stack[TINYTB_RENDER_STACK_SCRATCH];
  const ScratchSpan span = pick(o.scratch, stack, sizeof(stack));
  st = check_scratch(images, count, span);
  if (st != Status::kOk) return st;
  st = render::fit_canvas(canvas, t.width(), t.height());
  if (st != Status::kOk) return st;
  canvas.clear(o.background);

  TextStyle text;
  text.scale = o.text_scale;
  text.color = render::contrast_text(o.background);
  for (size_t i = 0; i < count; ++i) {
    const Rect cell = t.cell(i);
    int64_t w, h;
    fit(images[i], g.box_width, cell.height, &w, &h);
    const Rect dest{render::centered(cell.x, cell.width, static_cast<int32_t>(w)),
                    render::centered(cell.y, cell.height, static_cast<int32_t>(h)), static_cast<int32_t>(w),
                    static_cast<int32_t>(h)};
    Rows rows;
    if (open_rows(images[i], span.data, span.size, &rows) == Status::kOk) draw_rows(canvas, dest, images[i], rows);
    if (o.labels != nullptr && o.labels[i] != nullptr) {
      const int32_t lw = text_width(o.labels[i], o.text_scale);
      (void)draw_text(canvas, render::centered(cell.x, cell.width, lw), cell.y + cell.height + 2 * o.text_scale,
                      o.labels[i], text);
    }
  }
  return Status::kOk;
}

Status concat_size(const ImageView* images, size_t count, const ConcatOptions& options, Size* size) {
  if (size == nullptr) return Status::kInvalidArgument;
  ConcatLayout l;
  const Status st = concat_layout(images, count, options, &l);
  if (st != Status::kOk) return st;
  *size = Size{static_cast<uint16_t>(l.width), static_cast<uint16_t>(l.height)};
  return Status::kOk;
}

Status draw_concat(Canvas& canvas, const ImageView* images, size_t count, const ConcatOptions& o) {
  if (!canvas.valid()) return Status::kInvalidArgument;
  ConcatLayout l;
  Status st = concat_layout(images, count, o, &l);
  if (st != Status::kOk) return st;
  alignas(4) uint8_t stack[TINYTB_RENDER_STACK_SCRATCH];
  const ScratchSpan span = pick(o.scratch, stack, sizeof(stack));
  st = check_scratch(images, count, span);
  if (st != Status::kOk) return st;
  st = render::fit_canvas(canvas, l.width, l.height);
  if (st != Status::kOk) return st;
  canvas.clear(o.background);

  TextStyle text;
  text.scale = o.text_scale;
  text.color = render::contrast_text(o.background);
  const bool across = o.direction == Direction::kHorizontal;
  int64_t at = o.margin;  // along the main axis
  for (size_t i = 0; i < count; ++i) {
    int64_t w, h;
    panel(images[i], o, l.extent, &w, &h);
    const int64_t tw = title_width(o, i);
    const int64_t slot = across ? (w > tw ? w : tw) : l.slot;
    const int64_t slot_x = across ? at : o.margin;
    const int64_t top = across ? o.margin : at;
    if (o.titles != nullptr && o.titles[i] != nullptr) {
      (void)draw_text(canvas, static_cast<int32_t>(slot_x + (slot - tw) / 2), static_cast<int32_t>(top),
                      o.titles[i], text);
    }
    const Rect dest{static_cast<int32_t>(slot_x + (slot - w) / 2), static_cast<int32_t>(top + l.band),
                    static_cast<int32_t>(w), static_cast<int32_t>(h)};
    Rows rows;
    if (open_rows(images[i], span.data, span.size, &rows) == Status::kOk) draw_rows(canvas, dest, images[i], rows);
    at += across ? slot + o.gap : l.band + h + o.gap;
  }
  return Status::kOk;
}

}  // namespace tinytb
