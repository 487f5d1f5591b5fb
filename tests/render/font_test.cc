// The built-in font: glyph patterns drawn pixel for pixel, scaling, rotation, metrics,
// the font's own design rules (cap height, x-height, descenders), bad input.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "render_test_util.h"
#include "tinytb/render/canvas.h"

namespace {

using tinytb::Rgb;
using tinytb::Status;
using tinytb::TextStyle;
using tinytb_test::at;

// A few glyphs as the design says they look (rows 0..8, '#' on).
const char* const kA[9] = {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#", ".....", "....."};
const char* const kZero[9] = {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###.", ".....", "....."};
const char* const kG[9] = {".....", ".....", ".####", "#...#", "#...#", "#...#", ".####", "....#", ".###."};
const char* const kBox[9] = {"#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####", ".....", "....."};

// Checks that exactly the glyph's pixels, at (x0, y0) and `scale`, differ from the background.
void expect_glyph(const tinytb::Canvas& c, int x0, int y0, const char* const art[9], int scale, Rgb ink, Rgb bg) {
  for (int row = 0; row < 9 * scale; ++row) {
    for (int col = 0; col < 5 * scale; ++col) {
      const bool on = art[row / scale][col / scale] == '#';
      EXPECT_EQ(at(c, x0 + col, y0 + row), on ? ink : bg) << "col " << col << " row " << row;
    }
  }
}

TEST(Font, GlyphsArePixelExact) {
  tinytb_test::RgbCanvas c(40, 20);
  const Rgb bg{250, 250, 250};
  const Rgb ink{10, 20, 30};
  c.canvas.clear(bg);
  TextStyle style;
  style.color = ink;
  ASSERT_EQ(tinytb::draw_text(c.canvas, 3, 4, "A0g", style), Status::kOk);
  expect_glyph(c.canvas, 3, 4, kA, 1, ink, bg);
  expect_glyph(c.canvas, 9, 4, kZero, 1, ink, bg);   // cells are 6 apart
  expect_glyph(c.canvas, 15, 4, kG, 1, ink, bg);
  // The spacing column and everything else stay background.
  for (int y = 0; y < 20; ++y) {
    EXPECT_EQ(at(c.canvas, 8, y), bg);
    EXPECT_EQ(at(c.canvas, 2, y), bg);
    EXPECT_EQ(at(c.canvas, 20, y), bg);
  }
}

TEST(Font, ScaleTwoMakesExactBlocks) {
  tinytb_test::RgbCanvas c(30, 30);
  c.canvas.clear(tinytb::kWhite);
  TextStyle style;
  style.scale = 2;
  ASSERT_EQ(tinytb::draw_text(c.canvas, 5, 6, "g", style), Status::kOk);
  expect_glyph(c.canvas, 5, 6, kG, 2, tinytb::kBlack, tinytb::kWhite);
}

TEST(Font, RotatedTextReadsBottomToTop) {
  // "A" rotated 90 degrees counter-clockwise: glyph (col, row) lands at (x + row, y + 4 - col).
  tinytb_test::RgbCanvas c(20, 20);
  c.canvas.clear(tinytb::kWhite);
  TextStyle style;
  style.direction = tinytb::TextDirection::kUp;
  ASSERT_EQ(tinytb::draw_text(c.canvas, 7, 3, "A", style), Status::kOk);
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 20; ++x) {
      const int row = x - 7;
      const int col = 4 - (y - 3);
      const bool on = row >= 0 && row < 9 && col >= 0 && col < 5 && kA[row][col] == '#';
      EXPECT_EQ(at(c.canvas, x, y), on ? tinytb::kBlack : tinytb::kWhite) << x << "," << y;
    }
  }
  // Two characters: the first is at the bottom.
  c.canvas.clear(tinytb::kWhite);
  ASSERT_EQ(tinytb::draw_text(c.canvas, 0, 0, "A.", style), Status::kOk);
  EXPECT_EQ(tinytb::text_width("A.", 1), 11);
  EXPECT_EQ(at(c.canvas, 3, 10), tinytb::kBlack);  // 'A' row 3 is full: x = 3, y = 10 - col
  EXPECT_EQ(at(c.canvas, 3, 6), tinytb::kBlack);
  EXPECT_EQ(at(c.canvas, 6, 2), tinytb::kBlack);  // '.' rows 5-6, cols 1-2 -> y = 10 - 6 - col
}

TEST(Font, Metrics) {
  EXPECT_EQ(tinytb::text_width("abc"), 17);
  EXPECT_EQ(tinytb::text_width("abc", 2), 34);
  EXPECT_EQ(tinytb::text_height("abc"), 9);
  EXPECT_EQ(tinytb::text_height("abc", 3), 27);
  EXPECT_EQ(tinytb::text_width("ab\nlonger\nc"), 35);
  EXPECT_EQ(tinytb::text_height("ab\nlonger\nc"), 29);
  EXPECT_EQ(tinytb::text_width(""), 0);
  EXPECT_EQ(tinytb::text_height(""), 0);
  EXPECT_EQ(tinytb::text_width(nullptr), 0);
  // One UTF-8 character (two bytes) is one box.
  EXPECT_EQ(tinytb::text_width("caf\xc3\xa9"), 23);
}

TEST(Font, NewlineStartsALineTenBelow) {
  tinytb_test::RgbCanvas c(20, 30);
  c.canvas.clear(tinytb::kWhite);
  ASSERT_EQ(tinytb::draw_text(c.canvas, 1, 2, "0\nA", TextStyle{}), Status::kOk);
  expect_glyph(c.canvas, 1, 2, kZero, 1, tinytb::kBlack, tinytb::kWhite);
  expect_glyph(c.canvas, 1, 12, kA, 1, tinytb::kBlack, tinytb::kWhite);
}

TEST(Font, UnprintableBytesDrawABox) {
  tinytb_test::RgbCanvas c(30, 12);
  c.canvas.clear(tinytb::kWhite);
  ASSERT_EQ(tinytb::draw_text(c.canvas, 0, 0, "\x01\xc3\xa9" "A", TextStyle{}), Status::kOk);
  expect_glyph(c.canvas, 0, 0, kBox, 1, tinytb::kBlack, tinytb::kWhite);
  expect_glyph(c.canvas, 6, 0, kBox, 1, tinytb::kBlack, tinytb::kWhite);  // é: one box, not two
  expect_glyph(c.canvas, 12, 0, kA, 1, tinytb::kBlack, tinytb::kWhite);
}

TEST(Font, DesignRules) {
  std::set<std::vector<uint8_t>> seen;
  for (int c = 0x20; c <= 0x7E; ++c) {
    std::vector<uint8_t> rows;
    for (int r = 0; r < 9; ++r) rows.push_back(tinytb::glyph_row(static_cast<char>(c), r));
    EXPECT_TRUE(seen.insert(rows).second) << "glyph '" << char(c) << "' repeats another";
    const bool descends = rows[7] != 0 || rows[8] != 0;
    const bool may_descend = std::string("gjpqy,;_|").find(char(c)) != std::string::npos;
    EXPECT_EQ(descends, may_descend) << "'" << char(c) << "'";
    for (uint8_t r : rows) EXPECT_EQ(r & ~0x1F, 0);
    const bool cap = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (cap) {  // capitals and digits: 7 rows tall, rows 0 and 6 both used
      EXPECT_NE(rows[0], 0) << char(c);
      EXPECT_NE(rows[6], 0) << char(c);
    }
    if (std::string("acemnorsuvwxz").find(char(c)) != std::string::npos) {  // x-height: rows 2-6
      EXPECT_EQ(rows[0] | rows[1], 0) << char(c);
      EXPECT_NE(rows[2], 0) << char(c);
      EXPECT_NE(rows[6], 0) << char(c);
    }
  }
  // The pairs that matter when reading numbers and class names.
  for (const char* pair : {"O0", "l1", "I1", "Il", "S5", "B8", "Z2"}) {
    bool differ = false;
    for (int r = 0; r < 9; ++r) differ = differ || tinytb::glyph_row(pair[0], r) != tinytb::glyph_row(pair[1], r);
    EXPECT_TRUE(differ) << pair;
  }
  for (int r = 0; r < 9; ++r) EXPECT_EQ(tinytb::glyph_row(' ', r), 0);
}

TEST(Font, BadInputDrawsNothing) {
  tinytb_test::RgbCanvas c(10, 10);
  c.canvas.clear(tinytb::kWhite);
  const auto before = c.bytes();
  TextStyle style;
  EXPECT_EQ(tinytb::draw_text(c.canvas, 0, 0, nullptr, style), Status::kInvalidArgument);
  style.scale = 0;
  EXPECT_EQ(tinytb::draw_text(c.canvas, 0, 0, "A", style), Status::kInvalidArgument);
  style.scale = 9;
  EXPECT_EQ(tinytb::draw_text(c.canvas, 0, 0, "A", style), Status::kInvalidArgument);
  tinytb::Canvas unbound;
  EXPECT_EQ(tinytb::draw_text(unbound, 0, 0, "A", TextStyle{}), Status::kInvalidArgument);
  EXPECT_EQ(c.bytes(), before);
  // Off the canvas is clipping, not an error.
  EXPECT_EQ(tinytb::draw_text(c.canvas, -2147483647 - 1, 2147483600, "far away", TextStyle{}), Status::kOk);
  EXPECT_EQ(c.bytes(), before);
}

}  // namespace
