// The charts, checked pixel by pixel against positions and colors worked out here from
// docs/rendering.md's layout rules (not from the library's own layout code).
#include <gtest/gtest.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "alloc_trap.h"
#include "render_test_util.h"
#include "tinytb/render/charts.h"

namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::Rect;
using tinytb::Rgb;
using tinytb::Status;
using tinytb_test::at;
using tinytb_test::RgbCanvas;

// Pixels inside r that differ from `bg`, as a string of '#' and '.' rows (for text checks).
std::string ink(const tinytb::Canvas& c, Rect r, Rgb bg) {
  std::string s;
  for (int y = r.y; y < r.y + r.height; ++y) {
    for (int x = r.x; x < r.x + r.width; ++x) s += at(c, x, y) == bg ? '.' : '#';
    s += '\n';
  }
  return s;
}

// The same text drawn alone on a blank canvas of r's size, as the string above.
std::string expected_text(const char* text, Rect r, int dx, int dy) {
  RgbCanvas t(static_cast<uint16_t>(r.width), static_cast<uint16_t>(r.height));
  t.canvas.clear(tinytb::kWhite);
  EXPECT_EQ(tinytb::draw_text(t.canvas, dx, dy, text, tinytb::TextStyle{}), Status::kOk);
  return ink(t.canvas, Rect{0, 0, r.width, r.height}, tinytb::kWhite);
}

// ---- confusion matrix --------------------------------------------------------------------------

struct CmGeometry {
  int width, height, mx, my, cell, bar_x;
};

// docs/rendering.md's layout, at text scale 1, for names that fit the cells horizontally.
CmGeometry cm_geometry(const std::vector<std::string>& names, const char* title, const char* xl, const char* yl) {
  const int n = static_cast<int>(names.size());
  int name_w = 0;
  for (const auto& s : names) name_w = std::max(name_w, tinytb_test::spec_text_width(s));
  const int cell = std::max(tinytb_test::spec_text_width("0.00") + 6, 9 + 6);
  const int side = n * cell;
  // Bounding box relative to the matrix's top-left corner.
  int x0 = -1, y0 = -1, x1 = side + 1, y1 = side + 1;
  x0 = std::min(x0, -4 - name_w);
  const int yl_len = tinytb_test::spec_text_width(yl);
  x0 = std::min(x0, -4 - name_w - 4 - 9);
  y0 = std::min(y0, (side - yl_len) / 2);
  y1 = std::max(y1, (side - yl_len) / 2 + yl_len);
  const int cols_y = side + 4;
  y1 = std::max(y1, cols_y + 9 + 6 + 9);  // column names, then the x label
  (void)xl;
  y0 = std::min(y0, -6 - 9);  // title
  const int title_w = tinytb_test::spec_text_width(title);
  x0 = std::min(x0, (side - title_w) / 2);
  const int bar_x = side + 8;
  x1 = std::max(x1, bar_x + 8 + 5 + tinytb_test::spec_text_width("1.0"));
  y0 = std::min(y0, -3);
  return CmGeometry{x1 - x0 + 12, y1 - y0 + 12, 6 - x0, 6 - y0, cell, bar_x + 6 - x0};
}

TEST(ConfusionMatrix, CellsAreShadedByRowNormalisedValueWithTheValueWritten) {
  const char* names[3] = {"cat", "dog", "bird"};
  const uint32_t counts[9] = {45, 3, 2, 10, 30, 10, 0, 0, 0};  // bird: no samples
  tinytb::ConfusionMatrixOptions o;
  o.class_names = names;
  RgbCanvas c(1, 1, 400 * 300 * 3);
  ASSERT_EQ(tinytb::draw_confusion_matrix(c.canvas, counts, 3, o), Status::kOk);
  const CmGeometry g = cm_geometry({"cat", "dog", "bird"}, "Confusion matrix", "Predicted label", "True label");
  ASSERT_EQ(c.canvas.width(), g.width);
  ASSERT_EQ(c.canvas.height(), g.height);
  EXPECT_EQ(g.cell, 29);

  tinytb::Size size;
  ASSERT_EQ(tinytb::confusion_matrix_size(counts, 3, o, &size), Status::kOk);
  EXPECT_EQ(size.width, g.width);
  EXPECT_EQ(size.height, g.height);

  for (int t = 0; t < 3; ++t) {
    double total = 0;
    for (int p = 0; p < 3; ++p) total += counts[t * 3 + p];
    for (int p = 0; p < 3; ++p) {
      const Rect cell{g.mx + p * g.cell, g.my + t * g.cell, g.cell, g.cell};
      Rgb fill{230, 230, 230};
      std::string text = "-";
      if (total > 0) {
        const double v = counts[t * 3 + p] / total;
        fill = tinytb::map_color(tinytb::ColorMap::kBlues, static_cast<uint8_t>(floor(255 * v + 0.5)));
        char buf[8];
        snprintf(buf, sizeof(buf), "%.2f", floor(100 * v + 0.5) / 100);
        text = buf;
      }
      // The cell's corners are its color; its text is centred and contrasts with it.
      EXPECT_EQ(at(c.canvas, cell.x, cell.y), fill) << t << "," << p;
      EXPECT_EQ(at(c.canvas, cell.x + cell.width - 1, cell.y + cell.height - 1), fill) << t << "," << p;
      const Rgb want_ink = tinytb_test::spec_luma(fill) < 128 ? tinytb::kWhite : tinytb::kBlack;
      const int tw = tinytb_test::spec_text_width(text);
      const int tx = cell.x + (cell.width - tw) / 2;
      const int ty = cell.y + (cell.height - 7) / 2;
      EXPECT_EQ(ink(c.canvas, cell, fill), expected_text(text.c_str(), cell, tx - cell.x, ty - cell.y))
          << "cell " << t << "," << p << " should read " << text;
      bool saw_ink = false;
      for (int y = cell.y; y < cell.y + cell.height; ++y) {
        for (int x = cell.x; x < cell.x + cell.width; ++x) {
          const Rgb px = at(c.canvas, x, y);
          if (px != fill) {
            EXPECT_EQ(px, want_ink);
            saw_ink = true;
          }
        }
      }
      EXPECT_TRUE(saw_ink);
    }
  }
  // The 1 px gray frame around the matrix, the color bar from 1.0 (top) to 0.0 (bottom).
  EXPECT_EQ(at(c.canvas, g.mx - 1, g.my - 1), (Rgb{128, 128, 128}));
  EXPECT_EQ(at(c.canvas, g.mx + 3 * g.cell, g.my + 3 * g.cell), (Rgb{128, 128, 128}));
  EXPECT_EQ(at(c.canvas, g.bar_x, g.my), tinytb::map_color(tinytb::ColorMap::kBlues, 255));
  EXPECT_EQ(at(c.canvas, g.bar_x + 7, g.my + 3 * g.cell - 1), tinytb::map_color(tinytb::ColorMap::kBlues, 0));
  // Row names right-aligned 4 px left of the matrix: "cat" ends at mx - 5.
  const Rect cat{g.mx - 4 - 17, g.my + (g.cell - 7) / 2, 17, 9};
  EXPECT_EQ(ink(c.canvas, cat, tinytb::kWhite), expected_text("cat", cat, 0, 0));
}

TEST(ConfusionMatrix, LongNamesAreRotatedAndCountsFitTheirCells) {
  const char* names[2] = {"T-shirt/top", "Ankle boot"};
  const uint32_t counts[4] = {123456, 7, 0, 99};
  tinytb::ConfusionMatrixOptions o;
  o.class_names = names;
  o.cell_text = tinytb::CellText::kCount;
  o.title = nullptr;
  o.color_bar = false;
  RgbCanvas c(1, 1, 300 * 300 * 3);
  ASSERT_EQ(tinytb::draw_confusion_matrix(c.canvas, counts, 2, o), Status::kOk);
  // Cells fit "123456" (35 px) + 6: 41. Names (65 px) do not fit: rotated, so the canvas is
  // at least matrix + 4 + 65 + 6 + 9 tall.
  tinytb::Size size;
  ASSERT_EQ(tinytb::confusion_matrix_size(counts, 2, o, &size), Status::kOk);
  EXPECT_EQ(size.width, c.canvas.width());
  const int side = 2 * 41;
  EXPECT_EQ(c.canvas.height(), 6 + 1 + side + 4 + 65 + 6 + 9 + 6);
}

TEST(ConfusionMatrix, BadInputDrawsNothing) {
  RgbCanvas c(50, 40);
  c.canvas.clear(Rgb{1, 2, 3});
  const auto before = c.bytes();
  const uint32_t counts[4] = {1, 2, 3, 4};
  tinytb::ConfusionMatrixOptions o;
  EXPECT_EQ(tinytb::draw_confusion_matrix(c.canvas, nullptr, 2, o), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::draw_confusion_matrix(c.canvas, counts, 0, o), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::draw_confusion_matrix(c.canvas, counts, 257, o), Status::kInvalidArgument);
  o.text_scale = 0;
  EXPECT_EQ(tinytb::draw_confusion_matrix(c.canvas, counts, 2, o), Status::kInvalidArgument);
  o.text_scale = 1;
  // Too big for this canvas's 6000 bytes: kTooLarge, shape and pixels kept.
  EXPECT_EQ(tinytb::draw_confusion_matrix(c.canvas, counts, 2, o), Status::kTooLarge);
  EXPECT_EQ(c.canvas.width(), 50);
  EXPECT_EQ(c.bytes(), before);
}

// ---- feature maps ------------------------------------------------------------------------------

TEST(FeatureMaps, Int8ChannelsAreNormalisedOnTheirOwn) {
  // 2 x 3 x 2 (HWC): channel 0 spans -100..50, channel 1 is constant.
  const int8_t q[12] = {-100, 7, -50, 7, 0, 7, 50, 7, 25, 7, -75, 7};
  tinytb::FeatureMapOptions o;
  o.map = tinytb::ColorMap::kGray;
  o.zoom = 2;
  o.gap = 1;
  o.margin = 3;
  o.cols = 2;
  RgbCanvas c(1, 1, 100 * 100 * 3);
  ASSERT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(q, 12, {0.1f, -3}), {2, 3, 2}, o), Status::kOk);
  // Tiles 6 x 4, two columns: 3 + 6 + 1 + 6 + 3 wide, 3 + 4 + 3 tall.
  ASSERT_EQ(c.canvas.width(), 19);
  ASSERT_EQ(c.canvas.height(), 10);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      const double v = q[(y * 3 + x) * 2];
      const int level = static_cast<int>(floor(255.0 * (v + 100) / 150 + 0.5));
      for (int k = 0; k < 4; ++k) {
        EXPECT_EQ(at(c.canvas, 3 + 2 * x + k % 2, 3 + 2 * y + k / 2).r, level) << x << "," << y;
        EXPECT_EQ(at(c.canvas, 10 + 2 * x + k % 2, 3 + 2 * y + k / 2).r, 0);  // constant: level 0
      }
    }
  }
  EXPECT_EQ(at(c.canvas, 9, 5), tinytb::kWhite);  // the gap
  EXPECT_EQ(at(c.canvas, 2, 2), tinytb::kWhite);  // the margin
}

TEST(FeatureMaps, SymmetricPutsZeroInTheMiddle) {
  // One channel around zero point 10: q - 10 = -40, 0, 20.
  const int8_t q[3] = {-30, 10, 30};
  tinytb::FeatureMapOptions o;
  o.map = tinytb::ColorMap::kGray;
  o.normalization = tinytb::Normalization::kSymmetric;
  o.margin = 0;
  RgbCanvas c(1, 1, 64);
  ASSERT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(q, 3, {0.5f, 10}), {1, 3, 1}, o), Status::kOk);
  EXPECT_EQ(at(c.canvas, 0, 0).r, 0);
  EXPECT_EQ(at(c.canvas, 1, 0).r, 128);  // round(127.5)
  EXPECT_EQ(at(c.canvas, 2, 0).r, static_cast<int>(floor(127.5 + 127.5 * 20 / 40 + 0.5)));
}

TEST(FeatureMaps, FloatNonFiniteValues) {
  const float f[6] = {1.0f, NAN, 3.0f, INFINITY, -INFINITY, 2.0f};
  tinytb::FeatureMapOptions o;
  o.map = tinytb::ColorMap::kGray;
  o.margin = 0;
  RgbCanvas c(1, 1, 64);
  ASSERT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(f, 6), {1, 6, 1}, o), Status::kOk);
  EXPECT_EQ(at(c.canvas, 0, 0).r, 0);
  EXPECT_EQ(at(c.canvas, 1, 0), (Rgb{255, 0, 255}));
  EXPECT_EQ(at(c.canvas, 2, 0).r, 255);
  EXPECT_EQ(at(c.canvas, 3, 0).r, 255);
  EXPECT_EQ(at(c.canvas, 4, 0).r, 0);
  EXPECT_EQ(at(c.canvas, 5, 0).r, 128);  // round(255 * 1 / 2) = 127.5 -> 128
}

TEST(FeatureMaps, LabelsAndBadInput) {
  float f[4 * 4 * 3] = {};
  for (int i = 0; i < 48; ++i) f[i] = static_cast<float>(i % 7);
  tinytb::FeatureMapOptions o;
  o.labels = true;
  tinytb::Size size;
  ASSERT_EQ(tinytb::feature_maps_size({4, 4, 3}, o, &size), Status::kOk);
  // 2 columns (ceil sqrt 3), cells 5 wide (the label "2" is 5 px, wider than the 4 px tile).
  EXPECT_EQ(size.width, 2 + 5 + 2 + 5 + 2);
  EXPECT_EQ(size.height, 2 + 2 * (4 + 11) + 2 + 2);
  RgbCanvas c(30, 40);
  c.canvas.clear(Rgb{9, 9, 9});
  const auto before = c.bytes();
  EXPECT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(f, 47), {4, 4, 3}, o), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(f, 48), {4, 4, 0}, o), Status::kInvalidArgument);
  const int8_t q[2] = {0, 1};
  EXPECT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(q, 2, {0.0f, 0}), {1, 2, 1}, o),
            Status::kInvalidArgument);
  o.zoom = 0;
  EXPECT_EQ(tinytb::draw_feature_maps(c.canvas, tinytb::Values(f, 48), {4, 4, 3}, o), Status::kInvalidArgument);
  EXPECT_EQ(c.bytes(), before);
  EXPECT_EQ(c.canvas.width(), 30);
}

// ---- detections and masks ----------------------------------------------------------------------

TEST(Detections, BoxEdgesAndTagAreWhereTheySayInTheClassColor) {
  RgbCanvas c(100, 80);
  const Rgb bg{0, 0, 0};
  c.canvas.clear(bg);
  const tinytb::Detection d{{10, 20, 30, 25}, 3, 0.875f};
  tinytb::DetectionOptions o;  // thickness 2, no names: the tag reads "3 0.88"
  ASSERT_EQ(tinytb::draw_detections(c.canvas, &d, 1, o), Status::kOk);
  const Rgb red = tinytb_test::tab10(3);  // #d62728
  EXPECT_EQ(red, (Rgb{214, 39, 40}));
  const int tag_w = tinytb_test::spec_text_width("3 0.88") + 2;  // 1 px padding each side
  const Rect tag{10, 20 - 11, tag_w, 11};
  for (int y = 0; y < 80; ++y) {
    for (int x = 0; x < 100; ++x) {
      const bool box = x >= 10 && x < 40 && y >= 20 && y < 45;
      const bool inner = x >= 12 && x < 38 && y >= 22 && y < 43;
      const bool in_tag = x >= tag.x && x < tag.x + tag.width && y >= tag.y && y < tag.y + tag.height;
      if (in_tag) continue;
      EXPECT_EQ(at(c.canvas, x, y), box && !inner ? red : bg) << x << "," << y;
    }
  }
  // The tag: box color with white text (luma of #d62728 is below 128).
  EXPECT_LT(tinytb_test::spec_luma(red), 128);
  const Rect text{tag.x + 1, tag.y + 1, tag.width - 2, 9};
  EXPECT_EQ(at(c.canvas, tag.x, tag.y), red);
  EXPECT_EQ(ink(c.canvas, text, red), expected_text("3 0.88", text, 0, 0));
  for (int y = text.y; y < text.y + text.height; ++y) {
    for (int x = text.x; x < text.x + text.width; ++x) {
      const Rgb px = at(c.canvas, x, y);
      EXPECT_TRUE(px == red || px == tinytb::kWhite);
    }
  }
}

TEST(Detections, ZoomOriginNamesAndTagInsideAtTheTop) {
  RgbCanvas c(120, 100);
  c.canvas.clear(tinytb::kWhite);
  const char* names[2] = {"bg", "person"};
  const tinytb::Detection d[2] = {{{2, 1, 10, 12}, 1, 0.5f}, {{30, 30, 5, 5}, 0, 0.1f}};
  tinytb::DetectionOptions o;
  o.class_names = names;
  o.class_count = 2;
  o.zoom = 3;
  o.origin_x = 5;
  o.origin_y = 4;
  o.thickness = 1;
  o.min_score = 0.2f;
  ASSERT_EQ(tinytb::draw_detections(c.canvas, d, 2, o), Status::kOk);
  // Box at 5 + 2*3 = 11, 4 + 1*3 = 7, 30 x 36; no room above, so the tag is inside at y = 7.
  const Rgb orange = tinytb_test::tab10(1);
  EXPECT_EQ(at(c.canvas, 11, 42), orange);
  EXPECT_EQ(at(c.canvas, 40, 42), orange);
  EXPECT_EQ(at(c.canvas, 12, 41), tinytb::kWhite);
  EXPECT_EQ(at(c.canvas, 41, 42), tinytb::kWhite);
  const Rect tag{11, 7, tinytb_test::spec_text_width("person 0.50") + 2, 11};
  EXPECT_EQ(at(c.canvas, tag.x + tag.width - 1, tag.y + tag.height - 1), orange);
  EXPECT_EQ(at(c.canvas, tag.x + tag.width, tag.y + 5), tinytb::kWhite);  // the tag ends there
  // The 0.1 detection is below min_score: nothing at (5 + 90, 4 + 90).
  EXPECT_EQ(at(c.canvas, 95, 94), tinytb::kWhite);
}

TEST(Detections, NormalizedBoxes) {
  const Rect r = tinytb::box_from_normalized(0.25f, 0.1f, 0.75f, 0.6f, 96, 96);
  EXPECT_EQ(r.x, 10);  // round(9.6)
  EXPECT_EQ(r.y, 24);
  EXPECT_EQ(r.width, 58 - 10);  // round(57.6) = 58
  EXPECT_EQ(r.height, 72 - 24);
  const Rect clamped = tinytb::box_from_normalized(-0.5f, NAN, 1.5f, 2.0f, 160, 120);
  EXPECT_EQ(clamped.x, 0);
  EXPECT_EQ(clamped.y, 0);
  EXPECT_EQ(clamped.width, 160);
  EXPECT_EQ(clamped.height, 120);
}

TEST(Detections, BadInput) {
  RgbCanvas c(10, 10);
  tinytb::DetectionOptions o;
  EXPECT_EQ(tinytb::draw_detections(c.canvas, nullptr, 1, o), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::draw_detections(c.canvas, nullptr, 0, o), Status::kOk);
  o.thickness = 0;
  const tinytb::Detection d{{0, 0, 5, 5}, 0, 1.0f};
  EXPECT_EQ(tinytb::draw_detections(c.canvas, &d, 1, o), Status::kInvalidArgument);
  o.thickness = 1;
  o.min_score = NAN;
  EXPECT_EQ(tinytb::draw_detections(c.canvas, &d, 1, o), Status::kInvalidArgument);
}

TEST(Mask, BlendsEachClassWithTheDocumentedFormula) {
  RgbCanvas c(4, 4);
  const Rgb under{100, 150, 200};
  c.canvas.clear(under);
  const uint8_t mask[4] = {0, 1, 2, 1};  // 2 x 2, scaled to 4 x 4
  tinytb::MaskOptions o;
  o.alpha = 100;
  ASSERT_EQ(tinytb::blend_mask(c.canvas, mask, 2, 2, o), Status::kOk);
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      const int cls = mask[(y / 2) * 2 + x / 2];
      const Rgb want = cls == 0 ? under : tinytb_test::spec_blend(under, tinytb_test::tab10(cls), 100);
      EXPECT_EQ(at(c.canvas, x, y), want) << x << "," << y;
    }
  }
  // A palette and a destination rect; background -1 blends class 0 too.
  c.canvas.clear(under);
  const Rgb palette[2] = {{255, 0, 0}, {0, 0, 255}};
  o.palette = palette;
  o.palette_size = 2;
  o.background_class = -1;
  o.alpha = 255;
  o.destination = Rect{1, 1, 2, 2};
  ASSERT_EQ(tinytb::blend_mask(c.canvas, mask, 2, 2, o), Status::kOk);
  EXPECT_EQ(at(c.canvas, 0, 0), under);
  EXPECT_EQ(at(c.canvas, 1, 1), palette[0]);
  EXPECT_EQ(at(c.canvas, 2, 1), palette[1]);
  EXPECT_EQ(at(c.canvas, 1, 2), palette[0]);  // class 2 cycles to palette[0]
  EXPECT_EQ(at(c.canvas, 3, 3), under);
  o.palette_size = 0;
  EXPECT_EQ(tinytb::blend_mask(c.canvas, mask, 2, 2, o), Status::kInvalidArgument);
}

// ---- images: draw, grid, concat ----------------------------------------------------------------------

TEST(Grid, CellsHoldEachImageAtItsZoom) {
  // Three 2x2 gray images, two columns, zoom 3, gap 1, margin 2.
  const uint8_t a[4] = {10, 20, 30, 40}, b[4] = {50, 60, 70, 80}, d[4] = {90, 100, 110, 120};
  const ImageView views[3] = {ImageView::frame(PixelFormat::kGray8, a, 2, 2),
                              ImageView::frame(PixelFormat::kGray8, b, 2, 2),
                              ImageView::frame(PixelFormat::kGray8, d, 2, 2)};
  tinytb::GridOptions o;
  o.cols = 2;
  o.zoom = 3;
  o.gap = 1;
  o.background = Rgb{255, 0, 0};
  RgbCanvas c(1, 1, 40 * 40 * 3);
  ASSERT_EQ(tinytb::draw_grid(c.canvas, views, 3, o), Status::kOk);
  ASSERT_EQ(c.canvas.width(), 2 + 6 + 1 + 6 + 2);
  ASSERT_EQ(c.canvas.height(), 2 + 6 + 1 + 6 + 2);
  const uint8_t* src[4] = {a, b, d, nullptr};
  for (int y = 0; y < 17; ++y) {
    for (int x = 0; x < 17; ++x) {
      const int cx = x - 2, cy = y - 2;
      const int col = cx >= 0 && cx < 6 ? 0 : cx >= 7 && cx < 13 ? 1 : -1;
      const int row = cy >= 0 && cy < 6 ? 0 : cy >= 7 && cy < 13 ? 1 : -1;
      Rgb want = o.background;
      if (col >= 0 && row >= 0 && src[row * 2 + col] != nullptr) {
        const int ix = (cx - col * 7) / 3, iy = (cy - row * 7) / 3;
        const uint8_t v = src[row * 2 + col][iy * 2 + ix];
        want = Rgb{v, v, v};
      }
      EXPECT_EQ(at(c.canvas, x, y), want) << x << "," << y;
    }
  }
}

TEST(Grid, AspectIsKeptCentredAndLabelsGoUnder) {
  // A 4x2 image in an 8x8 cell: 8x4, centred vertically (rows 2..5 of the cell).
  uint8_t wide[8];
  for (int i = 0; i < 8; ++i) wide[i] = static_cast<uint8_t>(i * 30);
  const ImageView v = ImageView::frame(PixelFormat::kGray8, wide, 4, 2);
  const char* labels[1] = {"wide"};
  tinytb::GridOptions o;
  o.cell_width = 8;
  o.cell_height = 8;
  o.margin = 0;
  o.labels = labels;
  RgbCanvas c(1, 1, 60 * 60 * 3);
  ASSERT_EQ(tinytb::draw_grid(c.canvas, &v, 1, o), Status::kOk);
  // The label (23 px) widens the cell; the image keeps its 8 px box, centred in 23.
  ASSERT_EQ(c.canvas.width(), 23);
  ASSERT_EQ(c.canvas.height(), 8 + 11);
  const int x0 = (23 - 8) / 2;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 23; ++x) {
      Rgb want = tinytb::kWhite;
      if (x >= x0 && x < x0 + 8 && y >= 2 && y < 6) {
        const uint8_t s = wide[((y - 2) / 2) * 4 + (x - x0) / 2];
        want = Rgb{s, s, s};
      }
      EXPECT_EQ(at(c.canvas, x, y), want) << x << "," << y;
    }
  }
  const Rect label{0, 10, 23, 9};
  EXPECT_EQ(ink(c.canvas, label, tinytb::kWhite), expected_text("wide", label, 0, 0));
}

TEST(Concat, PanelsShareTheirHeightWithTitlesAbove) {
  uint8_t a[8] = {1, 2, 3, 4, 5, 6, 7, 8};  // 4 x 2
  const uint8_t rgb[2 * 2 * 3] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0};
  const ImageView views[2] = {ImageView::frame(PixelFormat::kGray8, a, 4, 2),
                              ImageView::frame(PixelFormat::kRgb888, rgb, 2, 2)};
  const char* titles[2] = {"in", nullptr};
  tinytb::ConcatOptions o;
  o.extent = 4;
  o.gap = 3;
  o.margin = 1;
  o.titles = titles;
  RgbCanvas c(1, 1, 40 * 40 * 3);
  ASSERT_EQ(tinytb::draw_concat(c.canvas, views, 2, o), Status::kOk);
  // Panels 8x4 and 4x4; "in" is 11 px wide, so the first slot is 11 and the panel centred in it.
  ASSERT_EQ(c.canvas.width(), 1 + 11 + 3 + 4 + 1);
  ASSERT_EQ(c.canvas.height(), 1 + 12 + 4 + 1);
  const int y0 = 1 + 12;
  EXPECT_EQ(at(c.canvas, 1 + 1, y0), (Rgb{1, 1, 1}));  // (11 - 8) / 2 = 1
  EXPECT_EQ(at(c.canvas, 1 + 1 + 7, y0 + 3), (Rgb{8, 8, 8}));
  EXPECT_EQ(at(c.canvas, 1, y0), tinytb::kWhite);
  EXPECT_EQ(at(c.canvas, 15, y0), (Rgb{255, 0, 0}));
  EXPECT_EQ(at(c.canvas, 18, y0 + 3), (Rgb{255, 255, 0}));
  const Rect title{1, 1, 11, 9};
  EXPECT_EQ(ink(c.canvas, title, tinytb::kWhite), expected_text("in", title, 0, 0));

  tinytb::Size size;
  ASSERT_EQ(tinytb::concat_size(views, 2, o, &size), Status::kOk);
  EXPECT_EQ(size.width, c.canvas.width());
  o.direction = tinytb::Direction::kVertical;
  o.titles = nullptr;
  ASSERT_EQ(tinytb::draw_concat(c.canvas, views, 2, o), Status::kOk);
  EXPECT_EQ(c.canvas.width(), 1 + 4 + 1);
  EXPECT_EQ(c.canvas.height(), 1 + 2 + 3 + 4 + 1);
}

TEST(DrawImage, ConvertsFormatsThroughTheImageRules) {
  // RGB565 little-endian: pure red, green, blue, white.
  const uint16_t px[4] = {0xF800, 0x07E0, 0x001F, 0xFFFF};
  RgbCanvas c(2, 2);
  ASSERT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 2, 2}, ImageView::frame(PixelFormat::kRgb565Le, px, 2, 2)),
            Status::kOk);
  EXPECT_EQ(at(c.canvas, 0, 0), (Rgb{255, 0, 0}));
  EXPECT_EQ(at(c.canvas, 1, 0), (Rgb{0, 255, 0}));
  EXPECT_EQ(at(c.canvas, 0, 1), (Rgb{0, 0, 255}));
  EXPECT_EQ(at(c.canvas, 1, 1), (Rgb{255, 255, 255}));
  // RGBA blends over what is there; a gray canvas stores luma.
  const uint8_t rgba[4] = {0, 0, 255, 128};
  c.canvas.clear(Rgb{200, 100, 0});
  ASSERT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 1, 1}, ImageView::frame(PixelFormat::kRgba8888, rgba, 1, 1)),
            Status::kOk);
  EXPECT_EQ(at(c.canvas, 0, 0), tinytb_test::spec_blend(Rgb{200, 100, 0}, Rgb{0, 0, 255}, 128));
  RgbCanvas g(2, 1, 0, tinytb::CanvasFormat::kGray8);
  const uint8_t rgb[3] = {10, 200, 30};
  ASSERT_EQ(tinytb::draw_image(g.canvas, Rect{0, 0, 2, 1}, ImageView::frame(PixelFormat::kRgb888, rgb, 1, 1)),
            Status::kOk);
  EXPECT_EQ(at(g.canvas, 1, 0).r, tinytb_test::spec_luma(Rgb{10, 200, 30}));
}

TEST(DrawImage, WideRowsNeedTheCallersScratch) {
  std::vector<uint8_t> wide(2000 * 2 * 3, 77);
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, wide.data(), 2000, 2);
  RgbCanvas c(10, 1);
  c.canvas.clear(tinytb::kBlack);
  EXPECT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 10, 1}, v), Status::kTooLarge);
  EXPECT_EQ(at(c.canvas, 0, 0), tinytb::kBlack);
  const size_t need = tinytb::image_scratch_bytes(v);
  EXPECT_GE(need, 6000u);
  std::vector<uint8_t> scratch(need);
  EXPECT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 10, 1}, v, tinytb::Scratch{scratch.data(), need - 1}),
            Status::kTooLarge);
  ASSERT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 10, 1}, v, tinytb::Scratch{scratch.data(), need}), Status::kOk);
  EXPECT_EQ(at(c.canvas, 9, 0), (Rgb{77, 77, 77}));
  // A down-scaled view also needs its row sums (4 bytes a value); any alignment works.
  const ImageView half = v.downscaled(2);
  const size_t need_half = tinytb::image_scratch_bytes(half);
  EXPECT_GE(need_half, 512u + 1000u * 3u * 5u);
  std::vector<uint8_t> more(need_half + 1);
  c.canvas.clear(tinytb::kBlack);
  ASSERT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 10, 1}, half, tinytb::Scratch{more.data() + 1, need_half}),
            Status::kOk);
  EXPECT_EQ(at(c.canvas, 9, 0), (Rgb{77, 77, 77}));
}

TEST(DrawImage, BadViewsAreRefused) {
  RgbCanvas c(4, 4);
  c.canvas.clear(tinytb::kBlack);
  const auto before = c.bytes();
  EXPECT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 4, 4}, ImageView{}), Status::kInvalidArgument);
  const uint8_t p[4] = {};
  const ImageView ok = ImageView::frame(PixelFormat::kGray8, p, 2, 2);
  EXPECT_EQ(tinytb::draw_image(c.canvas, Rect{0, 0, 0, 4}, ok), Status::kInvalidArgument);
  const ImageView views[2] = {ok, ImageView{}};
  EXPECT_EQ(tinytb::draw_grid(c.canvas, views, 2, tinytb::GridOptions{}), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::draw_concat(c.canvas, views, 2, tinytb::ConcatOptions{}), Status::kInvalidArgument);
  EXPECT_EQ(tinytb::draw_grid(c.canvas, views, 0, tinytb::GridOptions{}), Status::kInvalidArgument);
  EXPECT_EQ(c.bytes(), before);
  EXPECT_EQ(c.canvas.width(), 4);
}

// ---- no heap ----------------------------------------------------------------------------------------

TEST(NoHeap, EveryChartOnOneCanvas) {
  static uint8_t storage[300 * 300 * 3];
  tinytb::Canvas canvas;
  ASSERT_EQ(canvas.init(storage, sizeof(storage), 10, 10, tinytb::CanvasFormat::kRgb888), Status::kOk);
  const uint32_t counts[4] = {5, 1, 2, 7};
  const int8_t q[8 * 8 * 4] = {1, 2, 3};
  const uint8_t frame[16 * 16] = {9};
  const ImageView views[2] = {ImageView::frame(PixelFormat::kGray8, frame, 16, 16),
                              ImageView::frame(PixelFormat::kGray8, frame, 16, 16).downscaled(2)};
  const tinytb::Detection d{{1, 1, 8, 8}, 2, 0.5f};
  const uint8_t mask[4] = {0, 1, 1, 2};
  tinytb_test::Armed armed;
  EXPECT_EQ(tinytb::draw_confusion_matrix(canvas, counts, 2, tinytb::ConfusionMatrixOptions{}), Status::kOk);
  EXPECT_EQ(tinytb::draw_feature_maps(canvas, tinytb::Values(q, sizeof(q), {0.1f, 0}), {8, 8, 4},
                                      tinytb::FeatureMapOptions{}),
            Status::kOk);
  EXPECT_EQ(tinytb::draw_grid(canvas, views, 2, tinytb::GridOptions{}), Status::kOk);
  EXPECT_EQ(tinytb::draw_concat(canvas, views, 2, tinytb::ConcatOptions{}), Status::kOk);
  EXPECT_EQ(tinytb::draw_image(canvas, Rect{0, 0, 5, 5}, views[0]), Status::kOk);
  EXPECT_EQ(tinytb::draw_detections(canvas, &d, 1, tinytb::DetectionOptions{}), Status::kOk);
  EXPECT_EQ(tinytb::blend_mask(canvas, mask, 2, 2, tinytb::MaskOptions{}), Status::kOk);
  EXPECT_EQ(tinytb::draw_text(canvas, 0, 0, "no heap", tinytb::TextStyle{}), Status::kOk);
  tinytb::draw_color_bar(canvas, Rect{0, 0, 4, 20}, tinytb::ColorMap::kViridis);
#ifdef TINYTB_ALLOC_TRAP  // render_tests; under ASan (its own allocator) the draws are checked for memory errors
  EXPECT_EQ(armed.allocs(), 0);
#else
  (void)armed;
#endif
}

#ifdef TINYTB_ALLOC_TRAP
TEST(NoHeap, TheTrapCounts) {  // the control: a trap that never counts would pass everything
  tinytb_test::Armed armed;
  void* volatile p = malloc(16);
  free(p);
  EXPECT_EQ(armed.allocs(), 2);
}
#endif

}  // namespace
