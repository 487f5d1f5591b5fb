// tinytb: color maps from published anchor colors, interpolated in integers.
#include "tinytb/render/colormap.h"

namespace tinytb {
namespace {

// A map is a list of anchors: a position in sixteenths of a level (so evenly spaced
// anchors such as 255 * k / 8 are exact) and the color there.
struct Anchor {
  uint16_t at16;
  Rgb color;
};

// matplotlib's _viridis_data (lib/matplotlib/_cm_listed.py), the entries at these levels,
// each channel round(255 * value). The levels are where straight lines between entries
// stay within 1 of every entry in between (fewer where viridis is straight, more where
// it bends towards yellow).
constexpr Anchor kViridis[] = {
    {0 * 16, {68, 1, 84}},      {20 * 16, {72, 29, 111}},   {35 * 16, {70, 48, 126}},   {59 * 16, {61, 77, 138}},
    {93 * 16, {45, 112, 142}},  {127 * 16, {33, 144, 141}}, {143 * 16, {31, 159, 136}}, {154 * 16, {35, 169, 131}},
    {166 * 16, {47, 180, 124}}, {181 * 16, {72, 193, 110}}, {198 * 16, {108, 205, 90}}, {221 * 16, {165, 219, 54}},
    {236 * 16, {205, 225, 29}}, {244 * 16, {226, 228, 24}}, {253 * 16, {248, 230, 33}}, {255 * 16, {253, 231, 37}},
};

// ColorBrewer "Blues", 9 classes (Cynthia Brewer, colorbrewer2.org), light to dark, evenly
// spaced over 0..255 as matplotlib spaces them.
constexpr Anchor kBlues[] = {
    {0 * 510, {247, 251, 255}}, {1 * 510, {222, 235, 247}}, {2 * 510, {198, 219, 239}},
    {3 * 510, {158, 202, 225}}, {4 * 510, {107, 174, 214}}, {5 * 510, {66, 146, 198}},
    {6 * 510, {33, 113, 181}},  {7 * 510, {8, 81, 156}},    {8 * 510, {8, 48, 107}},
};

// ColorBrewer "RdBu", 11 classes, listed from blue to red (matplotlib's RdBu_r), evenly spaced.
constexpr Anchor kBlueRed[] = {
    {0 * 408, {5, 48, 97}},      {1 * 408, {33, 102, 172}},  {2 * 408, {67, 147, 195}},  {3 * 408, {146, 197, 222}},
    {4 * 408, {209, 229, 240}},  {5 * 408, {247, 247, 247}}, {6 * 408, {253, 219, 199}}, {7 * 408, {244, 165, 130}},
    {8 * 408, {214, 96, 77}},    {9 * 408, {178, 24, 43}},   {10 * 408, {103, 0, 31}},
};

// matplotlib's tab10 (the default property cycle's colors).
constexpr Rgb kTab10[] = {
    {31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
};

template <typename T, size_t N>
constexpr size_t count_of(const T (&)[N]) {
  return N;
}

// a + (b - a) * f / n, rounded half away from zero.
uint8_t lerp(uint8_t a, uint8_t b, int32_t f, int32_t n) {
  const int32_t d = static_cast<int32_t>(b) - static_cast<int32_t>(a);
  const int32_t step = d >= 0 ? (2 * d * f + n) / (2 * n) : -((-2 * d * f + n) / (2 * n));
  return static_cast<uint8_t>(a + step);
}

Rgb interpolate(const Anchor* anchors, size_t k, uint8_t level) {
  const int32_t at = int32_t{level} * 16;
  size_t i = 0;
  while (i + 2 < k && anchors[i + 1].at16 <= at) ++i;
  const Anchor& a = anchors[i];
  const Anchor& b = anchors[i + 1];
  const int32_t f = at - a.at16;
  const int32_t n = b.at16 - a.at16;
  return Rgb{lerp(a.color.r, b.color.r, f, n), lerp(a.color.g, b.color.g, f, n), lerp(a.color.b, b.color.b, f, n)};
}

}  // namespace

Rgb map_color(ColorMap map, uint8_t level) {
  switch (map) {
    case ColorMap::kGray: return Rgb{level, level, level};
    case ColorMap::kViridis: return interpolate(kViridis, count_of(kViridis), level);
    case ColorMap::kBlues: return interpolate(kBlues, count_of(kBlues), level);
    case ColorMap::kDiverging: return interpolate(kBlueRed, count_of(kBlueRed), level);
  }
  return Rgb{level, level, level};
}

Rgb category_color(size_t index) { return kTab10[index % count_of(kTab10)]; }

void draw_color_bar(Canvas& canvas, const Rect& rect, ColorMap map) {
  if (rect.width <= 0 || rect.height <= 0) return;
  const bool vertical = rect.height >= rect.width;
  const int64_t n = vertical ? rect.height : rect.width;
  const int64_t start = vertical ? rect.y : rect.x;
  const int64_t limit = vertical ? canvas.height() : canvas.width();
  for (int64_t i = start < 0 ? -start : 0; i < n && start + i < limit; ++i) {
    // Level 0 at one end, 255 at the other, the nearest level in between.
    const int64_t level = n == 1 ? 255 : (i * 510 + (n - 1)) / (2 * (n - 1));
    const auto at = static_cast<int32_t>(start + i);
    if (vertical) {
      canvas.fill_rect(Rect{rect.x, at, rect.width, 1}, map_color(map, static_cast<uint8_t>(255 - level)));
    } else {
      canvas.fill_rect(Rect{at, rect.y, 1, rect.height}, map_color(map, static_cast<uint8_t>(level)));
    }
  }
}

}  // namespace tinytb
