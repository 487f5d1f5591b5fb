// tinytb: color maps, the category palette and the color bar.
//
//   tinytb::Rgb c = tinytb::map_color(tinytb::ColorMap::kViridis, 200);
//   canvas.fill_rect({0, 0, 8, 8}, tinytb::category_color(3));
//
// Each map is a short table of published anchor colors (facts from their sources,
// named below), linearly interpolated in integers: a few dozen bytes of flash, no
// floating point. docs/rendering.md has the formula and how close each map is to
// matplotlib's own.
#ifndef TINYTB_COLORMAP_H_
#define TINYTB_COLORMAP_H_

#include <stddef.h>
#include <stdint.h>

#include "tinytb/render/canvas.h"

namespace tinytb {

enum class ColorMap : uint8_t {
  kGray,       // black to white
  kViridis,    // perceptually uniform, dark purple to yellow (matplotlib's default)
  kBlues,      // ColorBrewer Blues: near-white to dark blue (TensorBoard's confusion matrix)
  kDiverging,  // ColorBrewer RdBu reversed: blue (low), near-white (middle), red (high)
};

// The map's color at `level` (0..255). An unknown map value gives gray.
Rgb map_color(ColorMap map, uint8_t level);

// matplotlib's tab10 palette, repeating every 10: distinct colors for classes.
Rgb category_color(size_t index);

// Fills `rect` with the map as a color bar: vertical (height >= width) with level 255 at
// the top like matplotlib's, horizontal with level 0 at the left. Row i of an h-tall
// bar is level 255 - round(i * 255 / (h - 1)). Clipped like every primitive; never fails.
void draw_color_bar(Canvas& canvas, const Rect& rect, ColorMap map);

}  // namespace tinytb

#endif  // TINYTB_COLORMAP_H_
