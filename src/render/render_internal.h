// tinytb: what the charts share: number text without printf, text placement, grid layout.
#ifndef TINYTB_SRC_RENDER_RENDER_INTERNAL_H_
#define TINYTB_SRC_RENDER_RENDER_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/render/canvas.h"
#include "tinytb/status.h"

namespace tinytb {
namespace render {

// Enough for any uint32 and for "-123456789.99"-style fixed text; NUL-terminated.
constexpr size_t kNumberChars = 24;

// Decimal digits of v.
void format_uint(uint64_t v, char* out);
// v with two decimals, rounded half away from zero ("0.93", "-1.50"); "nan", "inf",
// "-inf" for non-finite values; |v| >= 1e9 prints as "big" / "-big".
void format_fixed2(float v, char* out);
// numerator / denominator with two decimals, exact integer rounding (half up). denominator > 0.
void format_ratio2(uint64_t numerator, uint64_t denominator, char* out);

// The start of a w-long box centered in [x, x + span) (the smaller half of any slack first).
inline int32_t centered(int32_t x, int32_t span, int32_t w) { return x + (span - w) / 2; }

// The text color that reads on `background`: white on dark, black on light.
inline Rgb contrast_text(Rgb background) { return luma(background) < 128 ? kWhite : kBlack; }

// A grid of equal cells, row-major, with an optional text band under each cell.
struct TileLayout {
  int32_t cols;
  int32_t rows;
  int32_t cell_width;
  int32_t cell_height;  // the image part
  int32_t band;         // text under each cell (0: none)
  int32_t gap;
  int32_t margin;

  int64_t width() const { return 2 * int64_t{margin} + int64_t{cols} * cell_width + int64_t{cols - 1} * gap; }
  int64_t height() const {
    return 2 * int64_t{margin} + int64_t{rows} * (cell_height + band) + int64_t{rows - 1} * gap;
  }
  // The image part of cell i.
  Rect cell(size_t i) const {
    const auto col = static_cast<int32_t>(i % static_cast<size_t>(cols));
    const auto row = static_cast<int32_t>(i / static_cast<size_t>(cols));
    return Rect{margin + col * (cell_width + gap), margin + row * (cell_height + band + gap), cell_width,
                cell_height};
  }
};

// ceil(sqrt(n)) for the default column count.
int32_t ceil_sqrt(size_t n);

// Sets the canvas to width x height (kTooLarge past kMaxCanvasSide or its buffer).
Status fit_canvas(Canvas& canvas, int64_t width, int64_t height);
Status check_size(int64_t width, int64_t height);

}  // namespace render
}  // namespace tinytb

#endif  // TINYTB_SRC_RENDER_RENDER_INTERNAL_H_
