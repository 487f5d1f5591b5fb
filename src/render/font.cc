// tinytb: the built-in font, drawn for this project, and text drawing.
//
// Glyphs are stored as pictures, 8 to a band: 5 columns each ('#' on), 9 rows (capitals
// and digits on rows 0-6, lower case x-height rows 2-6, descenders rows 7-8). The
// pictures are turned into bits at compile time, so what is reviewed here is exactly
// what is drawn. The 96th glyph is the hollow box drawn for bytes outside 0x20-0x7E.
#include "tinytb/render/canvas.h"

namespace tinytb {
namespace {

// ---- the glyphs -----------------------------------------------------------------------------

constexpr int kBands = 12;
constexpr int kPerBand = 8;
constexpr int kRows = 9;
constexpr int kBandLine = kPerBand * 6 - 1;  // 5 columns + 1 separator a glyph, none after the last

constexpr char kArt[] =
    // sp    !     "     #     $     %     &     '
    "..... ..#.. .#.#. .#.#. ..#.. ##... .##.. ..#.."
    "..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#.."
    "..... ..#.. .#.#. ##### #.#.. ...#. #.#.. .#..."
    "..... ..#.. ..... .#.#. .###. ..#.. .#... ....."
    "..... ..#.. ..... ##### ..#.# .#... #.#.# ....."
    "..... ..... ..... .#.#. ####. #..## #..#. ....."
    "..... ..#.. ..... .#.#. ..#.. ...## .##.# ....."
    "..... ..... ..... ..... ..... ..... ..... ....."
    "..... ..... ..... ..... ..... ..... ..... ....."
    // (     )     *     +     ,     -     .     /
    "...#. .#... ..... ..... ..... ..... ..... ....#"
    "..#.. ..#.. ..#.. ..#.. ..... ..... ..... ....#"
    ".#... ...#. #.#.# ..#.. ..... ..... ..... ...#."
    ".#... ...#. .###. ##### ..... ##### ..... ..#.."
    ".#... ...#. #.#.# ..#.. ..... ..... ..... .#..."
    "..#.. ..#.. ..#.. ..#.. .##.. ..... .##.. #...."
    "...#. .#... ..... ..... .##.. ..... .##.. #...."
    "..... ..... ..... ..... ..#.. ..... ..... ....."
    "..... ..... ..... ..... .#... ..... ..... ....."
    // 0     1     2     3     4     5     6     7
    ".###. ..#.. .###. ##### ...#. ##### ..##. #####"
    "#...# .##.. #...# ...#. ..##. #.... .#... ....#"
    "#..## #.#.. ....# ..#.. .#.#. ####. #.... ...#."
    "#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#.."
    "##..# ..#.. ..#.. ....# ##### ....# #...# .#..."
    "#...# ..#.. .#... #...# ...#. #...# #...# .#..."
    ".###. ##### ##### .###. ...#. .###. .###. .#..."
    "..... ..... ..... ..... ..... ..... ..... ....."
    "..... ..... ..... ..... ..... ..... ..... ....."
    // 8     9     :     ;     <     =     >     ?
    ".###. .###. ..... ..... ...#. ..... .#... .###."
    "#...# #...# ..... ..... ..#.. ..... ..#.. #...#"
    "#...# #...# .##.. .##.. .#... ##### ...#. ....#"
    ".###. .#### .##.. .##.. #.... ..... ....# ...#."
    "#...# ....# ..... ..... .#... ##### ...#. ..#.."
    "#...# ...#. .##.. .##.. ..#.. ..... ..#.. ....."
    ".###. .##.. .##.. .##.. ...#. ..... .#... ..#.."
    "..... ..... ..... ..#.. ..... ..... ..... ....."
    "..... ..... ..... .#... ..... ..... ..... ....."
    // @     A     B     C     D     E     F     G
    ".###. .###. ####. .###. ###.. ##### ##### .###."
    "#...# #...# #...# #...# #..#. #.... #.... #...#"
    "#.### #...# #...# #.... #...# #.... #.... #...."
    "#.#.# ##### ####. #.... #...# ####. ####. #.###"
    "#.### #...# #...# #.... #...# #.... #.... #...#"
    "#.... #...# #...# #...# #..#. #.... #.... #...#"
    ".#### #...# ####. .###. ###.. ##### #.... .####"
    "..... ..... ..... ..... ..... ..... ..... ....."
    "..... ..... ..... ..... ..... ..... ..... ....."
    // H     I     J     K     L     M     N     O
    "#...# .###. ..### #...# #.... #...# #...# .###."
    "#...# ..#.. ...#. #..#. #.... ##.## #...# #...#"
    "#...# ..#.. ...#. #.#.. #.... #.#.# ##..# #...#"
    "##### ..#.. ...#. ##... #.... #.#.# #.#.# #...#"
    "#...# ..#.. ...#. #.#.. #.... #...# #..## #...#"
    "#...# ..#.. #..#. #..#. #.... #...# #...# #...#"
    "#...# .###. .##.. #...# ##### #...# #...# .###."
    "..... ..... ..... ..... ..... ..... ..... ....."
    "..... ..... ..... ..... ..... ..... ..... ....."
    // P     Q     R     S     T     U     V     W
    "####. .###. ####. .#### ##### #...# #...# #...#"
    "#...# #...# #...# #.... ..#.. #...# #...# #...#"
    "#...# #...# #...# #.... ..#.. #...# #...# #...#"
    "####. #...# ####. .###. ..#.. #...# #...# #.#.#"
    "#.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.#"
    "#.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.#"
    "#.... .##.# #...# ####. ..#.. .###. ..#.. .#.#."
    "..... ..... ..... ..... ..... ..... ..... ....."
    "..... ..... ..... ..... ..... ..... ..... ....."
    // X     Y     Z     [     \     ]     ^     _
    "#...# #...# ##### .###. #.... .###. ..#.. ....."
    "#...# #...# ....# .#... #.... ...#. .#.#. ....."
    ".#.#. .#.#. ...#. .#... .#... ...#. #...# ....."
    "..#.. ..#.. ..#.. .#... ..#.. ...#. ..... ....."
    ".#.#. ..#.. .#... .#... ...#. ...#. ..... ....."
    "#...# ..#.. #.... .#... ....# ...#. ..... ....."
    "#...# ..#.. ##### .###. ....# .###. ..... ....."
    "..... ..... ..... ..... ..... ..... ..... #####"
    "..... ..... ..... ..... ..... ..... ..... ....."
    // `     a     b     c     d     e     f     g
    ".#... ..... #.... ..... ....# ..... ..##. ....."
    "..#.. ..... #.... ..... ....# ..... .#..# ....."
    "..... .###. #.##. .###. .##.# .###. .#... .####"
    "..... ....# ##..# #.... #..## #...# ####. #...#"
    "..... .#### #...# #.... #...# ##### .#... #...#"
    "..... #...# #...# #...# #...# #.... .#... #...#"
    "..... .#### ####. .###. .#### .###. .#... .####"
    "..... ..... ..... ..... ..... ..... ..... ....#"
    "..... ..... ..... ..... ..... ..... ..... .###."
    // h     i     j     k     l     m     n     o
    "#.... ..#.. ...#. #.... .##.. ..... ..... ....."
    "#.... ..... ..... #.... ..#.. ..... ..... ....."
    "#.##. .##.. ..##. #..#. ..#.. ##.#. #.##. .###."
    "##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..# #...#"
    "#...# ..#.. ...#. ##... ..#.. #.#.# #...# #...#"
    "#...# ..#.. ...#. #.#.. ..#.. #.#.# #...# #...#"
    "#...# .###. ...#. #..#. .###. #.#.# #...# .###."
    "..... ..... #..#. ..... ..... ..... ..... ....."
    "..... ..... .##.. ..... ..... ..... ..... ....."
    // p     q     r     s     t     u     v     w
    "..... ..... ..... ..... .#... ..... ..... ....."
    "..... ..... ..... ..... .#... ..... ..... ....."
    "####. .#### #.##. .#### ####. #...# #...# #...#"
    "#...# #...# ##..# #.... .#... #...# #...# #...#"
    "#...# #...# #.... .###. .#... #...# #...# #.#.#"
    "#...# #...# #.... ....# .#..# #..## .#.#. #.#.#"
    "####. .#### #.... ####. ..##. .##.# ..#.. .#.#."
    "#.... ....# ..... ..... ..... ..... ..... ....."
    "#.... ....# ..... ..... ..... ..... ..... ....."
    // x     y     z     {     |     }     ~     box
    "..... ..... ..... ...## ..#.. ##... ..... #####"
    "..... ..... ..... ..#.. ..#.. ..#.. ..... #...#"
    "#...# #...# ##### ..#.. ..#.. ..#.. ..... #...#"
    ".#.#. #...# ...#. .#... ..#.. ...#. .#... #...#"
    "..#.. #...# ..#.. ..#.. ..#.. ..#.. #.#.# #...#"
    ".#.#. #...# .#... ..#.. ..#.. ..#.. ...#. #...#"
    "#...# .#### ##### ...## ..#.. ##... ..... #####"
    "..... ....# ..... ..... ..#.. ..... ..... ....."
    "..... .###. ..... ..... ..... ..... ..... .....";
static_assert(sizeof(kArt) == kBands * kRows * kBandLine + 1, "every band row holds 8 glyphs of 5 columns");

struct Glyphs {
  uint8_t rows[kBands * kPerBand][kRows];
};

constexpr Glyphs parse_art() {
  Glyphs g{};
  for (int band = 0; band < kBands; ++band) {
    for (int row = 0; row < kRows; ++row) {
      const char* line = kArt + (band * kRows + row) * kBandLine;
      for (int k = 0; k < kPerBand; ++k) {
        uint8_t bits = 0;
        for (int col = 0; col < kGlyphWidth; ++col) {
          bits = static_cast<uint8_t>((bits << 1) | (line[k * 6 + col] == '#' ? 1 : 0));
        }
        g.rows[band * kPerBand + k][row] = bits;
      }
    }
  }
  return g;
}

constexpr Glyphs kGlyphs = parse_art();
constexpr int kBoxGlyph = 95;
static_assert(kGlyphs.rows[kBoxGlyph][0] == 0x1F && kGlyphs.rows['A' - 0x20][3] == 0x1F, "art parsed as drawn");

int glyph_index(unsigned char c) { return c >= 0x20 && c <= 0x7E ? c - 0x20 : kBoxGlyph; }

// Walks a string one drawn character at a time: a glyph index, kNewline, or kEnd. A UTF-8
// character is one box: bytes 0x80-0xBF right after a byte >= 0x80 are skipped.
constexpr int kNewline = -1;
constexpr int kEnd = -2;
struct Cursor {
  const unsigned char* p;
  int next() {
    for (;;) {
      const unsigned char c = *p;
      if (c == 0) return kEnd;
      ++p;
      if (c == '\n') return kNewline;
      if (c >= 0x80 && c <= 0xBF && p - 1 > begin && p[-2] >= 0x80) continue;
      return glyph_index(c);
    }
  }
  const unsigned char* begin;
};

Cursor cursor(const char* text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  return Cursor{p, p};
}

// One font pixel (a scale x scale block) at 64-bit coordinates, so no position overflows.
void block(Canvas& canvas, int64_t x, int64_t y, int32_t s, Rgb color) {
  if (x >= canvas.width() || y >= canvas.height() || x + s <= 0 || y + s <= 0) return;
  canvas.fill_rect(Rect{static_cast<int32_t>(x), static_cast<int32_t>(y), s, s}, color);
}

constexpr int64_t kInt32Max = 2147483647;
int32_t saturate(int64_t v) { return static_cast<int32_t>(v > kInt32Max ? kInt32Max : v); }

}  // namespace

uint8_t glyph_row(char c, int row) {
  if (row < 0 || row >= kRows) return 0;
  return kGlyphs.rows[glyph_index(static_cast<unsigned char>(c))][row];
}

int32_t text_width(const char* text, uint8_t scale) {
  if (text == nullptr) return 0;
  int64_t widest = 0;
  int64_t chars = 0;
  Cursor c = cursor(text);
  for (int g = c.next();; g = c.next()) {
    if (g == kEnd || g == kNewline) {
      if (chars > widest) widest = chars;
      chars = 0;
      if (g == kEnd) break;
    } else {
      ++chars;
    }
  }
  return widest == 0 ? 0 : saturate((widest * kCellWidth - 1) * scale);
}

int32_t text_height(const char* text, uint8_t scale) {
  if (text == nullptr || *text == '\0') return 0;
  int64_t lines = 1;
  for (const char* p = text; *p != '\0'; ++p) lines += *p == '\n' ? 1 : 0;
  return saturate((lines * kLineHeight - 1) * scale);
}

Status draw_text(Canvas& canvas, int32_t x, int32_t y, const char* text, const TextStyle& style) {
  if (!canvas.valid() || text == nullptr || style.scale == 0 || style.scale > kMaxTextScale) {
    return Status::kInvalidArgument;
  }
  const int32_t s = style.scale;
  const bool up = style.direction == TextDirection::kUp;
  // Rotated text maps the unrotated point (u, v) to (x + v, y + width - 1 - u).
  const int64_t width = up ? text_width(text, style.scale) : 0;
  int64_t u = 0;  // the current cell, in unrotated text coordinates
  int64_t v = 0;
  Cursor c = cursor(text);
  for (int g = c.next(); g != kEnd; g = c.next()) {
    if (g == kNewline) {
      u = 0;
      v += kLineHeight * s;
      continue;
    }
    for (int row = 0; row < kRows; ++row) {
      const uint8_t bits = kGlyphs.rows[g][row];
      for (int col = 0; col < kGlyphWidth; ++col) {
        if ((bits & (0x10 >> col)) == 0) continue;
        const int64_t pu = u + col * s;
        const int64_t pv = v + row * s;
        if (up) {
          block(canvas, x + pv, y + width - pu - s, s, style.color);
        } else {
          block(canvas, x + pu, y + pv, s, style.color);
        }
      }
    }
    u += kCellWidth * s;
  }
  return Status::kOk;
}

}  // namespace tinytb
