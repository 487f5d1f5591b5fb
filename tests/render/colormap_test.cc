// Color maps against matplotlib's own tables, their published end points, the category
// palette and the color bar's rows.
#include <gtest/gtest.h>

#include <stdlib.h>

#include "colormap_reference.h"
#include "render_test_util.h"
#include "tinytb/render/colormap.h"

namespace {

using tinytb::ColorMap;
using tinytb::Rgb;
using tinytb_test::at;

// The largest per-channel difference from a matplotlib table over all 256 levels.
int max_error(ColorMap map, const uint8_t (&ref)[256][3], int* worst_level) {
  int worst = 0;
  for (int level = 0; level < 256; ++level) {
    const Rgb c = tinytb::map_color(map, static_cast<uint8_t>(level));
    const int e[3] = {abs(c.r - ref[level][0]), abs(c.g - ref[level][1]), abs(c.b - ref[level][2])};
    for (int k = 0; k < 3; ++k) {
      if (e[k] > worst) {
        worst = e[k];
        *worst_level = level;
      }
    }
  }
  return worst;
}

TEST(ColorMap, ViridisMatchesMatplotlib) {
  int level = -1;
  const int err = max_error(ColorMap::kViridis, tinytb_test::kMplViridis, &level);
  RecordProperty("max_error", err);
  EXPECT_LE(err, 1) << "worst at level " << level;
  // Published end points: #440154 and #fde725; the middle entry (128) is #21918c.
  EXPECT_EQ(tinytb::map_color(ColorMap::kViridis, 0), (Rgb{0x44, 0x01, 0x54}));
  EXPECT_EQ(tinytb::map_color(ColorMap::kViridis, 255), (Rgb{0xfd, 0xe7, 0x25}));
  const Rgb mid = tinytb::map_color(ColorMap::kViridis, 128);
  EXPECT_NEAR(mid.r, 0x21, 1);
  EXPECT_NEAR(mid.g, 0x91, 1);
  EXPECT_NEAR(mid.b, 0x8c, 1);
}

TEST(ColorMap, BluesMatchesMatplotlib) {
  int level = -1;
  EXPECT_LE(max_error(ColorMap::kBlues, tinytb_test::kMplBlues, &level), 1) << "worst at level " << level;
  EXPECT_EQ(tinytb::map_color(ColorMap::kBlues, 0), (Rgb{0xf7, 0xfb, 0xff}));
  EXPECT_EQ(tinytb::map_color(ColorMap::kBlues, 255), (Rgb{0x08, 0x30, 0x6b}));
}

TEST(ColorMap, DivergingMatchesMatplotlibRdBuReversed) {
  int level = -1;
  EXPECT_LE(max_error(ColorMap::kDiverging, tinytb_test::kMplRdBuR, &level), 1) << "worst at level " << level;
  EXPECT_EQ(tinytb::map_color(ColorMap::kDiverging, 0), (Rgb{0x05, 0x30, 0x61}));    // ColorBrewer #053061
  EXPECT_EQ(tinytb::map_color(ColorMap::kDiverging, 255), (Rgb{0x67, 0x00, 0x1f}));  // #67001f
  // The middle is the neutral #f7f7f7 give or take one step.
  const Rgb mid = tinytb::map_color(ColorMap::kDiverging, 128);
  EXPECT_NEAR(mid.r, 0xf7, 1);
  EXPECT_NEAR(mid.g, 0xf7, 1);
  EXPECT_NEAR(mid.b, 0xf7, 1);
}

TEST(ColorMap, GrayIsTheLevel) {
  for (int level = 0; level < 256; ++level) {
    const auto l = static_cast<uint8_t>(level);
    EXPECT_EQ(tinytb::map_color(ColorMap::kGray, l), (Rgb{l, l, l}));
  }
}

TEST(ColorMap, MapsAreMonotonicInLuma) {
  // Sequential maps read as "more" when brighter (viridis, gray) or darker (Blues).
  for (int level = 1; level < 256; ++level) {
    const auto l = static_cast<uint8_t>(level);
    const auto prev = static_cast<uint8_t>(level - 1);
    EXPECT_GE(tinytb_test::spec_luma(tinytb::map_color(ColorMap::kViridis, l)) + 1,
              tinytb_test::spec_luma(tinytb::map_color(ColorMap::kViridis, prev)));
    EXPECT_LE(tinytb_test::spec_luma(tinytb::map_color(ColorMap::kBlues, l)),
              tinytb_test::spec_luma(tinytb::map_color(ColorMap::kBlues, prev)) + 1);
  }
}

TEST(ColorMap, CategoryColorsAreTab10) {
  for (size_t i = 0; i < 25; ++i) EXPECT_EQ(tinytb::category_color(i), tinytb_test::tab10(i)) << i;
}

TEST(ColorBar, VerticalHasTheTopLevelFirst) {
  tinytb_test::RgbCanvas c(20, 300);
  c.canvas.clear(tinytb::kBlack);
  tinytb::draw_color_bar(c.canvas, tinytb::Rect{3, 10, 6, 256}, ColorMap::kViridis);
  for (int i = 0; i < 256; ++i) {
    const Rgb expect = tinytb::map_color(ColorMap::kViridis, static_cast<uint8_t>(255 - i));
    EXPECT_EQ(at(c.canvas, 3, 10 + i), expect) << i;
    EXPECT_EQ(at(c.canvas, 8, 10 + i), expect) << i;
    EXPECT_EQ(at(c.canvas, 2, 10 + i), tinytb::kBlack);
    EXPECT_EQ(at(c.canvas, 9, 10 + i), tinytb::kBlack);
  }
  EXPECT_EQ(at(c.canvas, 3, 9), tinytb::kBlack);
  EXPECT_EQ(at(c.canvas, 3, 266), tinytb::kBlack);
}

TEST(ColorBar, ShortBarRoundsLevels) {
  // 4 rows: levels 255, 255 - round(255/3) = 170, 85, 0.
  tinytb_test::RgbCanvas c(2, 4);
  tinytb::draw_color_bar(c.canvas, tinytb::Rect{0, 0, 2, 4}, ColorMap::kGray);
  EXPECT_EQ(at(c.canvas, 0, 0).r, 255);
  EXPECT_EQ(at(c.canvas, 0, 1).r, 170);
  EXPECT_EQ(at(c.canvas, 0, 2).r, 85);
  EXPECT_EQ(at(c.canvas, 0, 3).r, 0);
  // Horizontal: level 0 at the left.
  tinytb_test::RgbCanvas h(6, 2);
  tinytb::draw_color_bar(h.canvas, tinytb::Rect{0, 0, 6, 2}, ColorMap::kGray);
  EXPECT_EQ(at(h.canvas, 0, 1).r, 0);
  EXPECT_EQ(at(h.canvas, 1, 1).r, 51);
  EXPECT_EQ(at(h.canvas, 5, 0).r, 255);
}

}  // namespace
