// Images: every pixel format and tensor type through every PNG mode, decoded by a
// separate lodepng build and compared with the independent reference; the arena bound;
// the validation of views, limits and batches; lodepng's hook binding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "image_reference.h"
#include "png/lodepng_config.h"
#include "lodepng_decoder.h"
#include "png/png_arena.h"
#include "tinytb/png/png_encoder.h"

namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;
using tinytb::Status;
using tinytb::TensorLayout;
using tinytb::ValueRange;

// An encoder with an arena of any size on the heap (tests only).
struct Encoder {
  Encoder(uint32_t w, uint32_t h, uint8_t ch, PngMode mode, uint8_t batch = 1, size_t arena = 0)
      : bytes(arena ? arena : tinytb::png_arena_bytes(w, h, ch, mode, batch)),
        memory(new uint64_t[(bytes + 7) / 8 + 1]),
        png(reinterpret_cast<uint8_t*>(memory.get()), bytes, tinytb::PngLimits{w, h, ch, batch, mode, tinytb::png_lodepng_mode}) {}
  size_t bytes;
  std::unique_ptr<uint64_t[]> memory;
  tinytb::PngEncoderBase png;
};

constexpr PngMode kAllModes[] = {PngMode::kStored, PngMode::kFast, PngMode::kCompressed, PngMode::kLodepng};
constexpr PngMode kCompressedModes[] = {PngMode::kFast, PngMode::kCompressed, PngMode::kLodepng};

const char* mode_name(PngMode mode) { return tinytb::png_mode_name(mode); }

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

// A camera-like frame: gradients, an edge and sensor noise, `bpp` bytes a pixel.
std::vector<uint8_t> camera_bytes(uint32_t w, uint32_t h, uint32_t bpp, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(size_t{w} * h * bpp);
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x)
      for (uint32_t c = 0; c < bpp; ++c) {
        const int base = static_cast<int>((x * 255) / w + (y * 64) / h + c * 40) + (x > w / 2 ? 60 : 0);
        v[(size_t{y} * w + x) * bpp + c] = static_cast<uint8_t>(base + static_cast<int>(rng() % 9) - 4);
      }
  return v;
}

std::vector<uint8_t> encode(tinytb::PngEncoderBase& png, const ImageView& view, Status* status) {
  std::vector<uint8_t> out(tinytb::png_max_bytes(view.output_width(), view.output_height(), 4) + 16);
  size_t size = 0;
  *status = png.encode(view, out.data(), out.size(), &size);
  out.resize(*status == Status::kOk ? size : 0);
  return out;
}

// Encodes in every mode, decodes with lodepng, compares with the reference.
void expect_pixels(const ImageView& view, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(view.validate(), Status::kOk);
  const tinytb_test::ReferenceImage want = tinytb_test::reference_pixels(view);
  for (PngMode mode : kAllModes) {
    SCOPED_TRACE(mode_name(mode));
    Encoder enc(view.output_width(), view.output_height(), view.output_channels(), mode);
    Status s;
    const std::vector<uint8_t> png = encode(enc.png, view, &s);
    ASSERT_EQ(s, Status::kOk) << tinytb::status_name(s);
    EXPECT_LE(png.size(), tinytb::png_max_bytes(want.width, want.height, want.channels));
    if (mode == PngMode::kStored) {
      EXPECT_EQ(png.size(), tinytb::png_max_bytes(want.width, want.height, want.channels));
    }
    EXPECT_LE(enc.png.arena_high_water(), enc.bytes);
    tinytb_test::DecodedPng got;
    ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got)) << got.error;
    EXPECT_EQ(got.width, want.width);
    EXPECT_EQ(got.height, want.height);
    EXPECT_EQ(got.channels, want.channels);
    ASSERT_EQ(got.pixels.size(), want.pixels.size());
    size_t diff = 0;
    for (size_t i = 0; i < want.pixels.size(); ++i) diff += got.pixels[i] != want.pixels[i];
    EXPECT_EQ(diff, 0u) << "pixels differ";
  }
}

// ---- conversion rules, one format at a time ----------------------------------------------------

TEST(ImagePixels, Gray8PackedPaddedAndBottomUp) {
  const auto bytes = camera_bytes(37, 23, 1, 1);
  expect_pixels(ImageView::frame(PixelFormat::kGray8, bytes.data(), 37, 23), "packed");
  const auto padded = random_bytes(40 * 23, 2);
  expect_pixels(ImageView::frame(PixelFormat::kGray8, padded.data(), 37, 23, 40, 40 * 23), "stride 40");
  // Bottom-up, as a BMP stores it: data at the last stored row, negative stride.
  expect_pixels(ImageView::frame(PixelFormat::kGray8, padded.data() + 22 * 40, 37, 23, -40, 40 * 23), "bottom-up");
}

TEST(ImagePixels, EveryCameraFormat) {
  const uint32_t w = 50, h = 31;
  const auto bytes = random_bytes(size_t{w * 4 + 3} * h, 3);
  for (PixelFormat f : {PixelFormat::kGray8, PixelFormat::kRgb888, PixelFormat::kBgr888, PixelFormat::kRgba8888,
                        PixelFormat::kRgb565Le, PixelFormat::kRgb565Be, PixelFormat::kYuyv, PixelFormat::kUyvy}) {
    const std::string name = "format " + std::to_string(static_cast<int>(f));
    expect_pixels(ImageView::frame(f, bytes.data(), w, h), name);
    expect_pixels(ImageView::frame(f, bytes.data(), w, h, static_cast<int32_t>(w * 4 + 3),
                                   static_cast<uint32_t>(bytes.size())),
                  name + " padded");
    expect_pixels(ImageView::frame(f, bytes.data(), w, h).cropped(3, 5, 41, 20), name + " cropped");
    expect_pixels(ImageView::frame(f, bytes.data(), w, h).cropped(1, 2, 0, 0).downscaled(3), name + " /3");
  }
}

TEST(ImagePixels, Rgb565BitReplicationBothByteOrders) {
  // Pure red, green, blue, white and a mid value, as 16-bit words.
  const uint16_t words[] = {0xF800, 0x07E0, 0x001F, 0xFFFF, 0x8410};
  const uint8_t want[][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {132, 130, 132}};
  uint8_t le[10], be[10];
  for (int i = 0; i < 5; ++i) {
    le[2 * i] = static_cast<uint8_t>(words[i]);
    le[2 * i + 1] = static_cast<uint8_t>(words[i] >> 8);
    be[2 * i] = static_cast<uint8_t>(words[i] >> 8);
    be[2 * i + 1] = static_cast<uint8_t>(words[i]);
  }
  for (const uint8_t* data : {le, be}) {
    const PixelFormat f = data == le ? PixelFormat::kRgb565Le : PixelFormat::kRgb565Be;
    Encoder enc(5, 1, 3, PngMode::kStored);
    Status s;
    const auto png = encode(enc.png, ImageView::frame(f, data, 5, 1), &s);
    ASSERT_EQ(s, Status::kOk);
    tinytb_test::DecodedPng got;
    ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got));
    for (int i = 0; i < 5; ++i)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(got.pixels[3 * i + c], want[i][c]) << i << " " << c;
  }
}

TEST(ImagePixels, YuvKnownValues) {
  // Y U Y V pairs: gray stays gray; JFIF's red (76, 85, 255) comes back as (254, 0, 0);
  // strong chroma clamps.
  const uint8_t yuyv[] = {128, 128, 77, 128, 76, 85, 150, 255, 255, 0, 0, 255};
  Encoder enc(6, 1, 3, PngMode::kStored);
  Status s;
  const auto png = encode(enc.png, ImageView::frame(PixelFormat::kYuyv, yuyv, 6, 1), &s);
  ASSERT_EQ(s, Status::kOk);
  tinytb_test::DecodedPng got;
  ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got));
  const uint8_t want[6][3] = {{128, 128, 128}, {77, 77, 77}, {254, 0, 0}, {255, 74, 74}, {255, 208, 28}, {178, 0, 0}};
  for (int i = 0; i < 6; ++i)
    for (int c = 0; c < 3; ++c) EXPECT_EQ(got.pixels[3 * i + c], want[i][c]) << i << " " << c;
}

TEST(ImagePixels, TensorsHwcChwAndRanges) {
  const uint32_t h = 9, w = 14;
  for (uint8_t ch : {1, 3, 4}) {
    for (TensorLayout layout : {TensorLayout::kHwc, TensorLayout::kChw}) {
      const std::string name = "c" + std::to_string(ch) + (layout == TensorLayout::kChw ? " chw" : " hwc");
      const auto u8 = random_bytes(size_t{h} * w * ch, 10 + ch);
      expect_pixels(ImageView::tensor(u8.data(), w, h, ch, layout), name + " u8");
      std::vector<int8_t> i8(u8.size());
      for (size_t i = 0; i < u8.size(); ++i) i8[i] = static_cast<int8_t>(u8[i]);
      const tinytb::Quantization q{1.0f / 255.0f, -128};
      expect_pixels(ImageView::tensor(i8.data(), w, h, ch, q, ValueRange{}, layout), name + " i8 [0,1]");
      expect_pixels(
          ImageView::tensor(i8.data(), w, h, ch, tinytb::Quantization{0.0371f, 5}, ValueRange::min_max(), layout),
          name + " i8 min-max");
      std::vector<float> f32(u8.size());
      std::mt19937 rng(ch);
      for (auto& v : f32) v = std::uniform_real_distribution<float>(-0.2f, 1.2f)(rng);
      expect_pixels(ImageView::tensor(f32.data(), w, h, ch, ValueRange{}, layout), name + " f32 [0,1]");
      expect_pixels(ImageView::tensor(f32.data(), w, h, ch, ValueRange::fixed(-3.0f, 0.75f), layout),
                    name + " f32 fixed");
      expect_pixels(ImageView::tensor(f32.data(), w, h, ch, ValueRange::min_max(), layout).cropped(2, 1, 9, 6),
                    name + " f32 min-max cropped");
      expect_pixels(ImageView::tensor(f32.data(), w, h, ch, ValueRange::min_max(), layout).downscaled(2),
                    name + " f32 min-max /2");
    }
  }
}

TEST(ImagePixels, FloatEdgeValues) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const float values[] = {nan,           inf,
                          -inf,          0.0f,
                          -0.0f,         1.0f,
                          0.5f,          0.999f,
                          1e-30f,        -1e-30f,
                          1.0001f,       std::nextafter(1.0f, 0.0f),
                          1.0f / 255.5f, std::nextafter(1.0f / 255.5f, 0.0f),
                          3e38f,         -3e38f};
  const uint32_t n = sizeof(values) / sizeof(values[0]);
  expect_pixels(ImageView::tensor(values, n, 1, 1), "[0,1]");
  expect_pixels(ImageView::tensor(values, n, 1, 1, ValueRange::min_max()), "min-max");
  // hi - lo overflows float32: the scale is 0 and (v - lo) * 0 may be NaN; both give 0.
  expect_pixels(ImageView::tensor(values, n, 1, 1, ValueRange::fixed(-3.0e38f, 3.0e38f)), "huge range");
  const float constant[] = {0.25f, 0.25f, nan, inf};
  expect_pixels(ImageView::tensor(constant, 2, 2, 1, ValueRange::min_max()), "constant");
  const float none[] = {nan, nan};
  expect_pixels(ImageView::tensor(none, 2, 1, 1, ValueRange::min_max()), "no finite value");
  // The [0, 1] rule is tf.summary.image's: floor(v * 255.5), saturating.
  Encoder enc(4, 1, 1, PngMode::kStored);
  const float tf_values[] = {0.5f, 1.0f, 0.0f, 0.999f};
  Status s;
  const auto png = encode(enc.png, ImageView::tensor(tf_values, 4, 1, 1), &s);
  tinytb_test::DecodedPng got;
  ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got));
  EXPECT_EQ(got.pixels, (std::vector<uint8_t>{127, 255, 0, 255}));
}

TEST(ImagePixels, Int8PersonDetectionInput) {
  // TFLM person detection: int8 input, scale 1/256, zero point -128: q = -128 is 0.0.
  std::vector<int8_t> q(96 * 96);
  for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<int8_t>(static_cast<int>(i % 256) - 128);
  expect_pixels(ImageView::tensor(q.data(), 96, 96, 1, tinytb::Quantization{1.0f / 256.0f, -128}), "input");
}

TEST(ImagePixels, DownscaleRoundsHalfUp) {
  const uint8_t gray[] = {0, 1, 2, 2, 255, 254, 10, 11};  // 4x2: blocks of 2x2
  Encoder enc(2, 1, 1, PngMode::kStored);
  Status s;
  const auto png = encode(enc.png, ImageView::frame(PixelFormat::kGray8, gray, 4, 2).downscaled(2), &s);
  tinytb_test::DecodedPng got;
  ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got));
  // (0 + 1 + 255 + 254 + 2) / 4 = 128 (510 / 4 = 127.5 rounds up); (2 + 2 + 10 + 11 + 2) / 4 = 6.
  EXPECT_EQ(got.pixels, (std::vector<uint8_t>{128, 6}));
}

// Down-scaling sums 8 output pixels at a time (image_convert.cc, no row of sums in the arena):
// a last group of fewer pixels, and factors whose group spans more source columns than one
// converted chunk of 64 (8 x 10, 8 x 9 from an odd YUV window).
TEST(ImagePixels, DownscaleInGroupsWiderThanAChunk) {
  const auto rgb = camera_bytes(253, 41, 3, 11);
  expect_pixels(ImageView::frame(PixelFormat::kRgb888, rgb.data(), 253, 41).downscaled(10), "rgb /10, 25 wide");
  const auto yuv = random_bytes(size_t{200} * 2 * 30, 12);
  expect_pixels(ImageView::frame(PixelFormat::kYuyv, yuv.data(), 200, 30).cropped(3, 1, 0, 0).downscaled(9),
                "yuyv /9 from x 3, 21 wide");
}

TEST(ImagePixels, LargeFramesAcrossDeflateBlocks) {
  // 320x240 RGB: 230 KB of filtered data, several stored blocks and deflate blocks.
  const auto rgb = camera_bytes(320, 240, 3, 7);
  expect_pixels(ImageView::frame(PixelFormat::kRgb888, rgb.data(), 320, 240), "QVGA");
}

// ---- the arena -------------------------------------------------------------------------------------

std::vector<uint8_t> pattern(size_t n, int kind, uint32_t seed) {
  std::vector<uint8_t> v(n);
  std::mt19937 rng(seed);
  for (size_t i = 0; i < n; ++i) {
    switch (kind) {
      case 0:
        v[i] = static_cast<uint8_t>(rng());
        break;  // noise: all literals
      case 1:
        v[i] = 0;
        break;  // zeros: long matches
      case 2:
        v[i] = static_cast<uint8_t>(i * 7 + i / 97);
        break;  // smooth
      default:
        v[i] = static_cast<uint8_t>((i % 3 == 0) ? rng() % 4 : (i / 3) % 5);
        break;  // short matches
    }
  }
  return v;
}

TEST(ImageArena, HighWaterStaysUnderTheBoundForAnyContent) {
  struct Shape {
    uint32_t w, h;
    uint8_t ch;
  };
  for (const Shape& sh : {Shape{96, 96, 1}, Shape{160, 120, 3}, Shape{7, 3, 4}, Shape{320, 240, 3}, Shape{1, 1, 1}}) {
    for (int kind = 0; kind < 4; ++kind) {
      SCOPED_TRACE("shape " + std::to_string(sh.w) + "x" + std::to_string(sh.h) + "x" + std::to_string(sh.ch) +
                   " content " + std::to_string(kind));
      const auto bytes = pattern(size_t{sh.w} * sh.h * sh.ch, kind, kind + sh.w);
      const ImageView v = sh.ch == 1   ? ImageView::frame(PixelFormat::kGray8, bytes.data(), sh.w, sh.h)
                          : sh.ch == 3 ? ImageView::frame(PixelFormat::kRgb888, bytes.data(), sh.w, sh.h)
                                       : ImageView::frame(PixelFormat::kRgba8888, bytes.data(), sh.w, sh.h);
      for (PngMode mode : kAllModes) {
        SCOPED_TRACE(mode_name(mode));
        Encoder enc(sh.w, sh.h, sh.ch, mode);
        Status s;
        const auto png = encode(enc.png, v, &s);
        ASSERT_EQ(s, Status::kOk);
        EXPECT_LE(enc.png.arena_high_water(), enc.bytes);
        EXPECT_GT(enc.png.arena_high_water(), 0u);
        EXPECT_LE(png.size(), tinytb::png_max_bytes(sh.w, sh.h, sh.ch));
        tinytb_test::DecodedPng got;
        ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got)) << got.error;
        EXPECT_TRUE(got.pixels == bytes);
        if (mode != PngMode::kStored && kind == 1 && sh.w * sh.h > 100) {
          EXPECT_LT(png.size(), tinytb::png_max_bytes(sh.w, sh.h, sh.ch) / 4);  // zeros compress
        }
      }
    }
  }
}

TEST(ImageArena, NoiseFallsBackToStoredNeverLarger) {
  // Noise does not compress: tinytb's deflate in blocks of one buffer (kFast) would need a
  // few bytes a block more than stored (png_deflate_max_bytes), lodepng more still: those
  // modes store it instead. kCompressed with frame blocks (TINYTB_DEFLATE_FRAME_BLOCKS)
  // writes its own stored blocks of up to 65 529 bytes, as many as kStored's 65 535-byte
  // ones for these frames (one and two), so its PNG is already the stored size and nothing
  // falls back (a frame just under a multiple of 65 535 bytes would still fall back).
  for (PngMode mode : kCompressedModes) {
    SCOPED_TRACE(mode_name(mode));
    for (const uint32_t side : {64u, 200u}) {
      const auto noise = pattern(size_t{side} * side * 3, 0, 99 + side);
      Encoder enc(side, side, 3, mode);
      Status s;
      const auto png = encode(enc.png, ImageView::frame(PixelFormat::kRgb888, noise.data(), side, side), &s);
      ASSERT_EQ(s, Status::kOk);
      EXPECT_EQ(enc.png.stored_fallbacks(), mode == PngMode::kCompressed && TINYTB_DEFLATE_FRAME_BLOCKS ? 0u : 1u);
      EXPECT_EQ(png.size(), tinytb::png_max_bytes(side, side, 3));
      tinytb_test::DecodedPng got;
      ASSERT_TRUE(tinytb_test::decode_png(png.data(), png.size(), &got)) << got.error;
      EXPECT_TRUE(got.pixels == noise);
    }
  }
}

TEST(ImageArena, OwnDeflateWritesStraightIntoTheCallersBuffer) {
  // kFast/kCompressed compress into `out` itself: a buffer smaller than the stored PNG
  // works when the compressed one fits, and any shorter one is kTooLarge with nothing
  // written past its end.
  const auto bytes = camera_bytes(60, 40, 3, 12);
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, bytes.data(), 60, 40);
  for (PngMode mode : {PngMode::kFast, PngMode::kCompressed}) {
    SCOPED_TRACE(mode_name(mode));
    Encoder enc(60, 40, 3, mode);
    Status s;
    const auto full = encode(enc.png, v, &s);
    ASSERT_EQ(s, Status::kOk);
    ASSERT_LT(full.size(), tinytb::png_max_bytes(60, 40, 3) / 4 * 3);
    std::vector<uint8_t> out(full.size() + 64, 0xA5);
    size_t size = 0;
    ASSERT_EQ(enc.png.encode(v, out.data(), full.size(), &size), Status::kOk);
    EXPECT_EQ(size, full.size());
    EXPECT_TRUE(std::equal(full.begin(), full.end(), out.begin()));
    for (size_t cap : {full.size() - 1, full.size() / 2, size_t{60}, size_t{0}}) {
      std::fill(out.begin(), out.end(), 0xA5);
      EXPECT_EQ(enc.png.encode(v, out.data(), cap, &size), Status::kTooLarge) << cap;
      for (size_t i = cap; i < out.size(); ++i) ASSERT_EQ(out[i], 0xA5) << "written past " << cap;
    }
  }
}

TEST(ImageArena, InPlaceRowsGiveTheSameBytesAsConvertedRows) {
  // A packed gray frame is read in place; a one-channel CHW uint8 tensor of the same bytes
  // goes through the conversion into the two row buffers. Same pixels, same PNG.
  const auto bytes = camera_bytes(45, 33, 1, 13);
  for (PngMode mode : {PngMode::kFast, PngMode::kCompressed}) {
    SCOPED_TRACE(mode_name(mode));
    Encoder enc(45, 33, 1, mode);
    Status s1, s2;
    const auto direct = encode(enc.png, ImageView::frame(PixelFormat::kGray8, bytes.data(), 45, 33), &s1);
    const auto converted = encode(enc.png, ImageView::tensor(bytes.data(), 45, 33, 1, TensorLayout::kChw), &s2);
    ASSERT_EQ(s1, Status::kOk);
    ASSERT_EQ(s2, Status::kOk);
    EXPECT_TRUE(direct == converted);
  }
}

TEST(ImageArena, StoredModeNeedsOnlyRows) {
  // The arena of a stored encoder does not grow with the height.
  EXPECT_EQ(tinytb::png_arena_bytes(160, 120, 3, PngMode::kStored),
            tinytb::png_arena_bytes(160, 4000, 3, PngMode::kStored));
  static_assert(tinytb::PngEncoder<96, 96, 1>::kArenaBytes < 2048, "a 96x96 gray stored encoder is small");
  static_assert(tinytb::PngEncoder<160, 120, 3, PngMode::kLodepng>::kArenaBytes > tinytb::png_sizing::hash_bytes(),
                "kLodepng holds lodepng's hash table");
  // tinytb's deflate: the state, two rows and the conversion's scratch, whatever the height;
  // within 16 KiB for 96x96 gray and 160x120 RGB, the frames a microcontroller logs.
  for (PngMode mode : {PngMode::kFast, PngMode::kCompressed}) {
    EXPECT_EQ(tinytb::png_arena_bytes(160, 120, 3, mode), tinytb::png_arena_bytes(160, 16384, 3, mode));
    EXPECT_EQ(tinytb::png_arena_bytes(96, 96, 1, mode), tinytb::png_arena_bytes(96, 1, 1, mode));
    EXPECT_EQ(tinytb::png_arena_bytes(160, 120, 3, mode),
              tinytb::png_arena_bytes(160, 120, 3, PngMode::kStored) + 480 + tinytb::png_sizing::kDeflateStateBytes);
  }
  static_assert(tinytb::PngEncoder<96, 96, 1, PngMode::kCompressed>::kArenaBytes <= 16 * 1024, "96x96 gray fits 16 KiB");
  static_assert(tinytb::PngEncoder<160, 120, 3, PngMode::kCompressed>::kArenaBytes <= 16 * 1024,
                "160x120 RGB fits 16 KiB");
}

TEST(ImageArena, AnArenaOneByteShortIsRefusedBeforeAnything) {
  const auto bytes = camera_bytes(40, 30, 3, 5);
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, bytes.data(), 40, 30);
  for (PngMode mode : kAllModes) {
    SCOPED_TRACE(mode_name(mode));
    const size_t need = tinytb::png_arena_bytes(40, 30, 3, mode);
    // The full bound with an 8-aligned start needs 8 bytes less than the bound (its slack).
    Encoder tight(40, 30, 3, mode, 1, need - tinytb::png_sizing::kAlignSlack);
    Status s;
    (void)encode(tight.png, v, &s);
    EXPECT_EQ(s, Status::kOk);
    Encoder short_by_one(40, 30, 3, mode, 1, need - tinytb::png_sizing::kAlignSlack - 1);
    (void)encode(short_by_one.png, v, &s);
    EXPECT_EQ(s, Status::kTooLarge);
    EXPECT_EQ(short_by_one.png.images_encoded(), 0u);
    EXPECT_EQ(short_by_one.png.arena_high_water(), 0u);
  }
  tinytb::PngEncoderBase none(nullptr, 0, tinytb::PngLimits{40, 30, 3, 1, PngMode::kStored});
  Status s;
  (void)encode(none, v, &s);
  EXPECT_EQ(s, Status::kTooLarge);
}

TEST(ImageArena, MisalignedCallerArenaWorksWithTheSlack) {
  const auto bytes = camera_bytes(33, 17, 3, 6);
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, bytes.data(), 33, 17);
  for (PngMode mode : kAllModes) {
    SCOPED_TRACE(mode_name(mode));
    const size_t need = tinytb::png_arena_bytes(33, 17, 3, mode);
    std::vector<uint64_t> memory(need / 8 + 2);
    for (size_t offset = 0; offset < 8; ++offset) {
      tinytb::PngEncoderBase png(reinterpret_cast<uint8_t*>(memory.data()) + offset, need,
                                 tinytb::PngLimits{33, 17, 3, 1, mode, tinytb::png_lodepng_mode});
      Status s;
      (void)encode(png, v, &s);
      EXPECT_EQ(s, Status::kOk) << offset;
      EXPECT_LE(png.arena_high_water(), need);
    }
  }
}

// ---- refusals -----------------------------------------------------------------------------------

TEST(ImageView, ValidateRefusesBadViews) {
  const uint8_t px[64] = {};
  const float f[4] = {};
  const int8_t q[4] = {};
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, px, 4, 4).validate(), Status::kOk);
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, nullptr, 4, 4).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, px, 0, 4).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, px, 4, 0).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, px, 16385, 1).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kRgb888, px, 4, 4, 11, sizeof(px)).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kRgb888, px, 4, 4, -11, sizeof(px)).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kRgb888, px, 4, 4, 12, sizeof(px)).validate(), Status::kOk);
  EXPECT_EQ(ImageView::frame(PixelFormat::kRgb888, px + 36, 4, 4, -12, sizeof(px)).validate(), Status::kOk);
  EXPECT_EQ(ImageView::frame(static_cast<PixelFormat>(0), px, 4, 4).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(static_cast<PixelFormat>(99), px, 4, 4).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView{}.validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kYuyv, px, 3, 2).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::frame(PixelFormat::kUyvy, px, 4, 2).validate(), Status::kOk);
  // Windows and factors.
  const ImageView g = ImageView::frame(PixelFormat::kGray8, px, 4, 4);
  EXPECT_EQ(g.cropped(4, 0, 0, 0).validate(), Status::kInvalidArgument);
  EXPECT_EQ(g.cropped(1, 1, 4, 1).validate(), Status::kInvalidArgument);
  EXPECT_EQ(g.cropped(1, 1, 3, 3).validate(), Status::kOk);
  EXPECT_EQ(g.downscaled(0).validate(), Status::kInvalidArgument);
  EXPECT_EQ(g.downscaled(5).validate(), Status::kInvalidArgument);
  EXPECT_EQ(g.downscaled(4).validate(), Status::kOk);
  // Tensors.
  EXPECT_EQ(ImageView::tensor(px, 2, 2, 2).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::tensor(px, 2, 2, 0).validate(), Status::kInvalidArgument);
  ImageView strided = ImageView::tensor(px, 2, 2, 1);
  strided.row_stride = 4;
  EXPECT_EQ(strided.validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::tensor(q, 2, 2, 1, tinytb::Quantization{0.0f, 0}).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::tensor(q, 2, 2, 1, tinytb::Quantization{NAN, 0}).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::tensor(f, 2, 2, 1, ValueRange::fixed(1.0f, 1.0f)).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::tensor(f, 2, 2, 1, ValueRange::fixed(0.0f, INFINITY)).validate(), Status::kInvalidArgument);
  EXPECT_EQ(ImageView::tensor(f, 2, 2, 1, ValueRange::min_max()).validate(), Status::kOk);
}

TEST(ImageEncoder, LimitsAndBusy) {
  const auto bytes = camera_bytes(64, 48, 4, 8);
  tinytb::PngEncoder<32, 24, 3, PngMode::kLodepng> png;
  uint8_t out[8192];
  size_t size = 0;
  const ImageView rgb = ImageView::frame(PixelFormat::kRgb888, bytes.data(), 64, 48);
  EXPECT_EQ(png.encode(rgb, out, sizeof(out), &size), Status::kTooLarge);          // larger than configured
  EXPECT_EQ(png.encode(rgb.downscaled(2), out, sizeof(out), &size), Status::kOk);  // 32x24 fits
  EXPECT_EQ(png.encode(rgb.cropped(0, 0, 33, 24), out, sizeof(out), &size), Status::kTooLarge);
  const ImageView rgba = ImageView::frame(PixelFormat::kRgba8888, bytes.data(), 32, 24);
  EXPECT_EQ(png.encode(rgba, out, sizeof(out), &size), Status::kTooLarge);  // 4 channels > 3
  EXPECT_EQ(png.encode(ImageView::frame(PixelFormat::kGray8, bytes.data(), 32, 24), out, sizeof(out), &size),
            Status::kOk);                                                        // gray in an RGB encoder
  EXPECT_EQ(png.encode(rgb.downscaled(2), out, 100, &size), Status::kTooLarge);  // output buffer too small
  EXPECT_EQ(png.encode(rgb.downscaled(2), nullptr, 100, &size), Status::kInvalidArgument);
  const uint32_t encoded = png.images_encoded();

  // lodepng's hooks held by someone else: kBusy, nothing encoded.
  {
    tinytb::detail::ArenaHeap other;
    tinytb::detail::LodepngBinding held(&other);
    ASSERT_TRUE(held.bound());
    tinytb::detail::LodepngBinding second(&other);
    EXPECT_FALSE(second.bound());
    EXPECT_EQ(png.encode(rgb.downscaled(2), out, sizeof(out), &size), Status::kBusy);
  }
  EXPECT_EQ(png.images_encoded(), encoded);
  EXPECT_EQ(png.encode(rgb.downscaled(2), out, sizeof(out), &size), Status::kOk);  // usable again
}

// Issue 18: a stride of INT32_MIN over an 8x8 buffer crashed the encoder (ASan SEGV in the
// PNG batch). A strided view says how big its buffer is, and validate() checks the rows fit.
TEST(ImageEncoder, AStrideBeyondTheBufferIsRefusedNotRead) {
  static uint8_t buffer[8 * 8];
  tinytb::PngEncoder<8, 8, 1> png;
  uint8_t out[1024];
  size_t size = 0;
  for (const int32_t stride : {INT32_MIN, INT32_MAX, -9 * 8, 9 * 8}) {
    const ImageView v = ImageView::frame(PixelFormat::kGray8, buffer, 8, 8, stride, sizeof(buffer));
    EXPECT_EQ(v.validate(), Status::kInvalidArgument) << stride;
    EXPECT_EQ(png.encode(v, out, sizeof(out), &size), Status::kInvalidArgument) << stride;
  }
  ImageView unsized = ImageView::frame(PixelFormat::kGray8, buffer, 8, 8);
  unsized.row_stride = INT32_MIN;  // a stride with no buffer size: nothing to check it against
  EXPECT_EQ(png.encode(unsized, out, sizeof(out), &size), Status::kInvalidArgument);
  // Strides that fit, either way round.
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, buffer, 4, 8, 8, sizeof(buffer)).validate(), Status::kOk);
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, buffer + 56, 8, 8, -8, sizeof(buffer)).validate(), Status::kOk);
  EXPECT_EQ(ImageView::frame(PixelFormat::kGray8, buffer, 8, 8, 8, sizeof(buffer) - 1).validate(),
            Status::kInvalidArgument);
  EXPECT_EQ(png.encode(ImageView::frame(PixelFormat::kGray8, buffer, 4, 8, 8, sizeof(buffer)), out, sizeof(out), &size),
            Status::kOk);
}

TEST(ImageEncoder, LodepngUnboundGetsNoMemory) {
  // Nothing bound: lodepng's allocations fail instead of reaching into an arena.
  const uint8_t data[100] = {};
  unsigned char* out = nullptr;
  size_t size = 0;
  LodePNGCompressSettings settings;
  lodepng_compress_settings_init(&settings);
  EXPECT_EQ(lodepng_deflate(&out, &size, data, sizeof(data), &settings), 83u);  // lodepng's "alloc fail"
}

}  // namespace

namespace {

// Names for logs and reports; a value outside the enum is "unknown", never a crash.
// kLodepng is linked only through PngLimits::lodepng (png_encoder.h): a size-erased encoder
// in that mode without the hook refuses every call and touches nothing.
TEST(ImageEncoder, LodepngModeWithoutItsHookIsUnsupported) {
  const auto bytes = camera_bytes(16, 8, 3, 1);
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, bytes.data(), 16, 8);
  static uint8_t arena[1 << 19];
  tinytb::PngEncoderBase unhooked(arena, sizeof(arena), tinytb::PngLimits{16, 8, 3, 1, PngMode::kLodepng});
  Status s;
  (void)encode(unhooked, v, &s);
  EXPECT_EQ(s, Status::kUnsupported);
  EXPECT_EQ(unhooked.images_encoded(), 0u);
  EXPECT_EQ(unhooked.arena_high_water(), 0u);
  tinytb::PngEncoderBase hooked(arena, sizeof(arena),
                                tinytb::PngLimits{16, 8, 3, 1, PngMode::kLodepng, tinytb::png_lodepng_mode});
  const std::vector<uint8_t> png = encode(hooked, v, &s);
  EXPECT_EQ(s, Status::kOk);
  EXPECT_FALSE(png.empty());
}

TEST(PngModeName, EveryModeHasItsName) {
  EXPECT_STREQ(tinytb::png_mode_name(PngMode::kStored), "stored");
  EXPECT_STREQ(tinytb::png_mode_name(PngMode::kFast), "fast");
  EXPECT_STREQ(tinytb::png_mode_name(PngMode::kCompressed), "compressed");
  EXPECT_STREQ(tinytb::png_mode_name(PngMode::kLodepng), "lodepng");
  EXPECT_STREQ(tinytb::png_mode_name(static_cast<PngMode>(200)), "unknown");
}

}  // namespace
