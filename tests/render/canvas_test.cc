// The canvas: binding, shapes, clipping, rectangles, blending, gray conversion. Every
// expectation is computed here from docs/rendering.md's rules, pixel by pixel.
#include <gtest/gtest.h>

#include <string.h>

#include <vector>

#include "render_test_util.h"
#include "tinytb/render/canvas.h"

namespace {

using tinytb::Canvas;
using tinytb::CanvasFormat;
using tinytb::Rect;
using tinytb::Rgb;
using tinytb::Status;
using tinytb_test::at;

TEST(Canvas, InitChecksEverythingAndChangesNothingOnError) {
  uint8_t buffer[64];
  Canvas c;
  EXPECT_EQ(c.init(nullptr, sizeof(buffer), 4, 4, CanvasFormat::kGray8), Status::kInvalidArgument);
  EXPECT_EQ(c.init(buffer, sizeof(buffer), 0, 4, CanvasFormat::kGray8), Status::kInvalidArgument);
  EXPECT_EQ(c.init(buffer, sizeof(buffer), 4, 0, CanvasFormat::kGray8), Status::kInvalidArgument);
  EXPECT_EQ(c.init(buffer, sizeof(buffer), 16385, 1, CanvasFormat::kGray8), Status::kInvalidArgument);
  EXPECT_EQ(c.init(buffer, sizeof(buffer), 4, 4, static_cast<CanvasFormat>(2)), Status::kInvalidArgument);
  EXPECT_EQ(c.init(buffer, sizeof(buffer), 5, 5, CanvasFormat::kRgb888), Status::kTooLarge);  // 75 > 64
  EXPECT_FALSE(c.valid());
  EXPECT_EQ(c.resize(2, 2), Status::kNotOpen);

  ASSERT_EQ(c.init(buffer, sizeof(buffer), 4, 4, CanvasFormat::kRgb888), Status::kOk);
  EXPECT_EQ(c.width(), 4);
  EXPECT_EQ(c.stride(), 12u);
  EXPECT_EQ(c.size_bytes(), 48u);
  EXPECT_EQ(c.init(buffer, 10, 8, 8, CanvasFormat::kGray8), Status::kTooLarge);
  EXPECT_EQ(c.width(), 4);  // unchanged
  EXPECT_EQ(c.format(), CanvasFormat::kRgb888);
  EXPECT_EQ(c.resize(5, 5), Status::kTooLarge);
  EXPECT_EQ(c.height(), 4);
  EXPECT_EQ(c.resize(21, 1), Status::kOk);  // 63 bytes: the same buffer, another shape
  EXPECT_EQ(c.stride(), 63u);
}

TEST(Canvas, StaticCanvasHoldsItsStorage) {
  static tinytb::StaticCanvas<96, 64, CanvasFormat::kRgb888> canvas;
  EXPECT_TRUE(canvas.valid());
  EXPECT_EQ(canvas.width(), 96);
  EXPECT_EQ(canvas.height(), 64);
  EXPECT_EQ(canvas.capacity(), 96u * 64u * 3u);
  static_assert(decltype(canvas)::kBytes == tinytb::canvas_bytes(96, 64, CanvasFormat::kRgb888), "");
  static_assert(decltype(canvas)::storage_bytes() >= 96 * 64 * 3, "");
  EXPECT_EQ(canvas.view().validate(), Status::kOk);
  EXPECT_EQ(canvas.view().output_channels(), 3);
}

TEST(Canvas, FillRectClipsExactly) {
  tinytb_test::RgbCanvas c(20, 10);
  c.canvas.clear(tinytb::kBlack);
  const Rgb red{200, 10, 20};
  c.canvas.fill_rect(Rect{-3, 7, 6, 9}, red);  // columns -3..2, rows 7..15
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 20; ++x) {
      const bool in = x <= 2 && y >= 7;
      EXPECT_EQ(at(c.canvas, x, y), in ? red : tinytb::kBlack) << x << "," << y;
    }
  }
}

TEST(Canvas, EmptyAndFarAwayShapesDrawNothing) {
  tinytb_test::RgbCanvas c(8, 8);
  c.canvas.clear(tinytb::kWhite);
  const std::vector<uint8_t> before = c.bytes();
  const Rgb k{1, 2, 3};
  c.canvas.fill_rect(Rect{1, 1, 0, 5}, k);
  c.canvas.fill_rect(Rect{1, 1, 5, -1}, k);
  c.canvas.fill_rect(Rect{8, 0, 5, 5}, k);
  c.canvas.fill_rect(Rect{-5, 0, 5, 5}, k);
  c.canvas.fill_rect(Rect{2147483647, 2147483647, 2147483647, 2147483647}, k);
  c.canvas.fill_rect(Rect{-2147483647 - 1, 3, 2147483647, 1}, k);  // ends at -1
  c.canvas.draw_rect(Rect{0, 0, 8, 8}, k, 0);
  c.canvas.draw_rect(Rect{2147483600, 2147483600, 2147483647, 2147483647}, k, 3);
  c.canvas.set_pixel(-1, 0, k);
  c.canvas.set_pixel(0, 8, k);
  c.canvas.blend_rect(Rect{0, 0, 8, 8}, k, 0);  // alpha 0 keeps every pixel
  EXPECT_EQ(c.bytes(), before);

  Canvas unbound;
  unbound.fill_rect(Rect{0, 0, 4, 4}, k);  // must not crash
  unbound.clear(k);
  EXPECT_EQ(unbound.pixel(0, 0), tinytb::kBlack);
}

TEST(Canvas, DrawRectPutsTheFrameInsideTheBox) {
  tinytb_test::RgbCanvas c(60, 50);
  const Rgb bg{9, 9, 9};
  const Rgb edge{31, 119, 180};
  c.canvas.clear(bg);
  const int x0 = 10, y0 = 20, w = 30, h = 15, t = 2;
  c.canvas.draw_rect(Rect{x0, y0, w, h}, edge, t);
  for (int y = 0; y < 50; ++y) {
    for (int x = 0; x < 60; ++x) {
      const bool inside_box = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
      const bool inner = x >= x0 + t && x < x0 + w - t && y >= y0 + t && y < y0 + h - t;
      EXPECT_EQ(at(c.canvas, x, y), inside_box && !inner ? edge : bg) << x << "," << y;
    }
  }
}

TEST(Canvas, ThickFrameFillsSmallBox) {
  tinytb_test::RgbCanvas c(10, 10);
  c.canvas.clear(tinytb::kBlack);
  c.canvas.draw_rect(Rect{2, 2, 3, 4}, tinytb::kWhite, 5);
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 10; ++x) {
      const bool in = x >= 2 && x < 5 && y >= 2 && y < 6;
      EXPECT_EQ(at(c.canvas, x, y), in ? tinytb::kWhite : tinytb::kBlack);
    }
  }
}

TEST(Canvas, GrayCanvasStoresLuma) {
  uint8_t buffer[16];
  Canvas c;
  ASSERT_EQ(c.init(buffer, sizeof(buffer), 4, 4, CanvasFormat::kGray8), Status::kOk);
  c.clear(Rgb{255, 0, 0});
  EXPECT_EQ(buffer[0], (77 * 255 + 128) >> 8);  // BT.601 in integers: 77
  c.set_pixel(1, 0, Rgb{0, 255, 0});
  EXPECT_EQ(buffer[1], (150 * 255 + 128) >> 8);
  c.set_pixel(2, 0, tinytb::kWhite);
  EXPECT_EQ(buffer[2], 255);
  c.set_pixel(3, 0, Rgb{16, 32, 64});
  EXPECT_EQ(buffer[3], (77 * 16 + 150 * 32 + 29 * 64 + 128) >> 8);
  EXPECT_EQ(c.pixel(3, 0), (Rgb{buffer[3], buffer[3], buffer[3]}));
}

TEST(Canvas, BlendFollowsTheDocumentedFormula) {
  tinytb_test::RgbCanvas c(4, 1);
  const Rgb under{200, 0, 37};
  const Rgb over{0, 255, 250};
  for (int alpha : {0, 1, 64, 128, 200, 254, 255}) {
    c.canvas.clear(under);
    c.canvas.blend_rect(Rect{0, 0, 4, 1}, over, static_cast<uint8_t>(alpha));
    auto expect = [&](int u, int o) { return static_cast<uint8_t>((u * (255 - alpha) + o * alpha + 127) / 255); };
    EXPECT_EQ(at(c.canvas, 3, 0), (Rgb{expect(200, 0), expect(0, 255), expect(37, 250)})) << alpha;
  }
  c.canvas.clear(under);
  c.canvas.blend_rect(Rect{0, 0, 4, 1}, over, 255);
  EXPECT_EQ(at(c.canvas, 0, 0), over);
}

}  // namespace
