// tinytb: a canvas in the caller's memory, rectangles and text on it.
//
//   static tinytb::StaticCanvas<192, 192, tinytb::CanvasFormat::kRgb888> canvas;
//   canvas.clear(tinytb::kWhite);
//   canvas.draw_rect({10, 10, 40, 30}, {214, 39, 40}, 2);
//   (void)tinytb::draw_text(canvas, 12, 44, "person 0.87", {});
//   // canvas.pixels() is now a packed RGB888 image, ready for the PNG encoder.
//
// Ownership: the canvas points at bytes the caller owns (or, for StaticCanvas, holds
// them inline); nothing here allocates or keeps a pointer to anything else.
// Coordinates: origin at the top-left pixel, x right, y down, int32_t, so shapes may
// start off the canvas. Every primitive clips: pixels outside are not drawn, the rest
// are drawn as if the canvas were unbounded. Clipping is not an error.
// docs/rendering.md has every rule (luma, blending, font metrics) with its formula.
// Threads: a canvas belongs to one task.
#ifndef TINYTB_CANVAS_H_
#define TINYTB_CANVAS_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/image/image_view.h"
#include "tinytb/status.h"

namespace tinytb {

// The value is the number of bytes a pixel takes.
enum class CanvasFormat : uint8_t {
  kGray8 = 1,   // one byte a pixel
  kRgb888 = 3,  // R, G, B
};

constexpr size_t bytes_per_pixel(CanvasFormat format) { return static_cast<size_t>(format); }

// Bytes a width x height canvas needs (rows packed). For sizing static buffers.
constexpr size_t canvas_bytes(uint32_t width, uint32_t height, CanvasFormat format) {
  return static_cast<size_t>(width) * height * bytes_per_pixel(format);
}

// A color as stored (sRGB, 8 bits a channel).
struct Rgb {
  uint8_t r;
  uint8_t g;
  uint8_t b;
};
constexpr bool operator==(Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }
constexpr bool operator!=(Rgb a, Rgb b) { return !(a == b); }

constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kWhite{255, 255, 255};

// BT.601 luma in integers: what a color becomes on a gray canvas, and what decides
// white or black text on a colored cell (white below 128).
constexpr uint8_t luma(Rgb c) {
  return static_cast<uint8_t>((77u * c.r + 150u * c.g + 29u * c.b + 128u) >> 8);
}

// The one blending formula: alpha 0 keeps `under`, 255 gives `over`.
constexpr uint8_t blend(uint8_t under, uint8_t over, uint8_t alpha) {
  return static_cast<uint8_t>((under * (255u - alpha) + over * static_cast<unsigned>(alpha) + 127u) / 255u);
}
constexpr Rgb blend(Rgb under, Rgb over, uint8_t alpha) {
  return Rgb{blend(under.r, over.r, alpha), blend(under.g, over.g, alpha), blend(under.b, over.b, alpha)};
}

// Columns x .. x+width-1, rows y .. y+height-1; empty when width or height <= 0.
struct Rect {
  int32_t x;
  int32_t y;
  int32_t width;
  int32_t height;
};

// The largest canvas side. Keeps every size product far from overflow on 32-bit targets.
constexpr uint16_t kMaxCanvasSide = 16384;

class Canvas {
 public:
  Canvas() = default;
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  // Binds `buffer` (buffer_bytes long, owned by the caller, alive as long as the canvas
  // is used) as a width x height canvas. The pixels are not touched.
  // kInvalidArgument: null buffer, zero size or a side above kMaxCanvasSide, unknown format.
  // kTooLarge: the shape needs more than buffer_bytes. On error the canvas is unchanged.
  Status init(uint8_t* buffer, size_t buffer_bytes, uint16_t width, uint16_t height, CanvasFormat format);

  // A new shape in the same buffer and format (charts call this to fit their layout).
  // Pixel contents are unspecified afterwards. kNotOpen before init(); otherwise as init().
  Status resize(uint16_t width, uint16_t height);

  bool valid() const { return pixels_ != nullptr; }
  uint16_t width() const { return width_; }
  uint16_t height() const { return height_; }
  CanvasFormat format() const { return format_; }
  size_t stride() const { return static_cast<size_t>(width_) * bytes_per_pixel(format_); }
  size_t size_bytes() const { return stride() * height_; }
  size_t capacity() const { return capacity_; }
  uint8_t* pixels() { return pixels_; }
  const uint8_t* pixels() const { return pixels_; }

  // Drawing. None of these can fail: they clip, and an empty or off-canvas shape (or a
  // canvas that was never bound) draws nothing.
  void clear(Rgb color);
  void set_pixel(int32_t x, int32_t y, Rgb color);
  void fill_rect(const Rect& rect, Rgb color);
  // A frame `thickness` pixels thick inside `rect`: the rect's outermost pixels are its
  // edge. Thickness <= 0 draws nothing; a frame thicker than half the rect fills it.
  void draw_rect(const Rect& rect, Rgb color, int32_t thickness = 1);
  // Blends `color` over the rect with blend() above.
  void blend_rect(const Rect& rect, Rgb color, uint8_t alpha);

  // The pixel at (x, y) as RGB (gray pixels give r = g = b); black outside the canvas.
  Rgb pixel(int32_t x, int32_t y) const;

  // The canvas as an image to log (a gray or RGB frame over its pixels), or an empty
  // view (validate() fails) when it was never bound.
  ImageView view() const;

 private:
  uint8_t* pixels_ = nullptr;
  size_t capacity_ = 0;
  uint16_t width_ = 0;
  uint16_t height_ = 0;
  CanvasFormat format_ = CanvasFormat::kRgb888;
};

// A canvas with its storage inline: the most it can hold is Width x Height; charts may
// resize it to a smaller shape.
template <uint16_t Width, uint16_t Height, CanvasFormat Format>
class StaticCanvas : public Canvas {
  static_assert(Width >= 1 && Width <= kMaxCanvasSide && Height >= 1 && Height <= kMaxCanvasSide,
                "canvas sides must be 1..kMaxCanvasSide");

 public:
  static constexpr size_t kBytes = canvas_bytes(Width, Height, Format);
  // Bytes of RAM this canvas takes, buffer included.
  static constexpr size_t storage_bytes() { return sizeof(StaticCanvas); }

  // Cannot fail: the shape is checked at compile time.
  StaticCanvas() { (void)init(storage_, kBytes, Width, Height, Format); }

 private:
  uint8_t storage_[kBytes];
};

// ---- text: the built-in 5x7 font ---------------------------------------------------------------

// Metrics at scale 1. A line of n characters is 6n - 1 pixels wide and 9 tall
// (capitals 7, descenders 2 more); lines are 10 apart.
constexpr int32_t kGlyphWidth = 5;
constexpr int32_t kGlyphCapHeight = 7;
constexpr int32_t kGlyphHeight = 9;
constexpr int32_t kCellWidth = 6;
constexpr int32_t kLineHeight = 10;
constexpr uint8_t kMaxTextScale = 8;

enum class TextDirection : uint8_t {
  kRight,  // normal text
  kUp,     // rotated 90 degrees counter-clockwise, read bottom to top (a y-axis label)
};

struct TextStyle {
  Rgb color = kBlack;
  uint8_t scale = 1;  // 1..kMaxTextScale: each font pixel becomes a scale x scale block
  TextDirection direction = TextDirection::kRight;
};

// Draws `text` with its first cell's top-left corner at (x, y) (for kUp: the top-left
// corner of the rotated bounding box). '\n' starts a new line. A byte outside printable
// ASCII draws a hollow box, one per UTF-8 character. The background is left as it is.
// kInvalidArgument (nothing drawn): canvas not bound, null text, scale 0 or above the max.
Status draw_text(Canvas& canvas, int32_t x, int32_t y, const char* text, const TextStyle& style);

// The size of the text's bounding box, unrotated, at `scale` (0 for null or empty text):
// width of the widest line, height = lines * 10 * scale - scale.
int32_t text_width(const char* text, uint8_t scale = 1);
int32_t text_height(const char* text, uint8_t scale = 1);

// The font's bitmap of one glyph: row r (0..8, top first) as 5 bits, bit 4 = leftmost
// column. Non-printable characters give the hollow box. For tests and custom renderers.
uint8_t glyph_row(char c, int row);

}  // namespace tinytb

#endif  // TINYTB_CANVAS_H_
