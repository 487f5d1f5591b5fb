// Image summaries through the writer: the TF2 form, batches, pre-encoded passthrough,
// record sizes, and refused calls that change nothing.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "event_reader.h"
#include "image_reference.h"
#include "lodepng_decoder.h"
#include "png/png_arena.h"
#include "test_sink.h"
#include "tinytb/writer/event_writer.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/summary/sizing.h"
#include "wall_clock.h"

namespace {

using tinytb_test::tensor_form;

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;
using tinytb::Status;

tinytb::WallTime wall() { return wall_time_of(1.7e9); }

std::vector<uint8_t> frame_bytes(uint32_t w, uint32_t h, uint32_t bpp, uint32_t seed) {
  std::vector<uint8_t> v(size_t{w} * h * bpp);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>((i * 7 + seed * 31 + i / 13) & 0xFF);
  return v;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string test_jpeg_path() {
  const std::string here = __FILE__;  // tests/summary/image_summary_test.cc
  return here.substr(0, here.rfind("/summary/")) + "/tensorboard/data/gradient_48x32.jpg";
}

class ImageLog : public ::testing::Test {
 protected:
  void SetUp() override {
    writer = std::make_unique<tinytb::EventWriter<200000, 16, 64>>();
    tinytb::WriterOptions options;
    options.form = tinytb::SummaryForm::kTensor;  // this test reads the tensor form
    options.clock.wall_time = wall;
    options.max_queue = 1;
    ASSERT_EQ(writer->open(sink, options), Status::kOk);
  }
  tinytb_test::ParsedFile parsed() const { return tinytb_test::parse_file(sink.last().bytes); }

  tinytb_test::TestSink sink;
  std::unique_ptr<tinytb::EventWriter<200000, 16, 64>> writer;
};

constexpr PngMode kAllModes[] = {PngMode::kStored, PngMode::kFast, PngMode::kCompressed, PngMode::kLodepng};

const char* mode_name(PngMode mode) { return tinytb::png_mode_name(mode); }

// An encoder with an arena of the exact bound on the heap (tests only).
struct Encoder {
  Encoder(uint32_t w, uint32_t h, uint8_t ch, PngMode mode, uint8_t batch = 1)
      : bytes(tinytb::png_arena_bytes(w, h, ch, mode, batch)),
        memory(new uint64_t[bytes / 8 + 1]),
        png(reinterpret_cast<uint8_t*>(memory.get()), bytes, tinytb::PngLimits{w, h, ch, batch, mode, tinytb::png_lodepng_mode}) {}
  size_t bytes;
  std::unique_ptr<uint64_t[]> memory;
  tinytb::PngEncoderBase png;
};

void expect_png(const std::string& png, const ImageView& view) {
  tinytb_test::DecodedPng got;
  ASSERT_TRUE(tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(png.data()), png.size(), &got)) << got.error;
  const tinytb_test::ReferenceImage want = tinytb_test::reference_pixels(view);
  EXPECT_EQ(got.width, want.width);
  EXPECT_EQ(got.height, want.height);
  EXPECT_EQ(got.channels, want.channels);
  EXPECT_TRUE(got.pixels == want.pixels);
}

TEST_F(ImageLog, OneImageInTheTf2Form) {
  const auto rgb565 = frame_bytes(160, 120, 2, 1);
  const ImageView view = ImageView::frame(PixelFormat::kRgb565Be, rgb565.data(), 160, 120);
  static tinytb::PngEncoder<160, 120, 3, PngMode::kCompressed> png;
  ASSERT_EQ(writer->image("camera/frame", 5, view, png), Status::kOk);
  ASSERT_EQ(writer->image("camera/frame", 6, view, png), Status::kOk);
  const tinytb_test::ParsedFile f = parsed();
  ASSERT_FALSE(f.corrupt || f.torn);
  ASSERT_EQ(f.events.size(), 3u);
  for (size_t e = 1; e < 3; ++e) {
    const tinytb_test::ParsedValue& v = f.events[e].values.at(0);
    EXPECT_EQ(v.tag, "camera/frame");
    EXPECT_EQ(v.dtype, 7);  // DT_STRING
    EXPECT_EQ(v.dims, (std::vector<int64_t>{3}));
    ASSERT_EQ(v.strings.size(), 3u);
    EXPECT_EQ(v.strings[0], "160");
    EXPECT_EQ(v.strings[1], "120");
    expect_png(v.strings[2], view);
    EXPECT_EQ(v.has_metadata, e == 1);  // on the tag's first value in the file only
  }
  const tinytb_test::ParsedValue& first = f.events[1].values[0];
  EXPECT_EQ(first.plugin_name, "images");
  EXPECT_EQ(first.data_class, 3);  // BLOB_SEQUENCE
  EXPECT_EQ(png.images_encoded(), 2u);
  EXPECT_LE(png.arena_high_water(), png.kArenaBytes);
}

TEST_F(ImageLog, ABatchIsKSamples) {
  const auto gray = frame_bytes(96, 96, 1, 2);
  ImageView views[3];
  views[0] = ImageView::frame(PixelFormat::kGray8, gray.data(), 96, 96).cropped(0, 0, 48, 48);
  views[1] = ImageView::frame(PixelFormat::kGray8, gray.data(), 96, 96).cropped(48, 48, 48, 48);
  views[2] = ImageView::frame(PixelFormat::kGray8, gray.data(), 96, 96).downscaled(2);
  int64_t step = 0;
  for (PngMode mode : kAllModes) {
    const size_t arena = tinytb::png_arena_bytes(48, 48, 1, mode, 3);
    std::vector<uint64_t> memory(arena / 8 + 1);
    tinytb::PngEncoderBase png(reinterpret_cast<uint8_t*>(memory.data()), arena, tinytb::PngLimits{48, 48, 1, 3, mode, tinytb::png_lodepng_mode});
    ASSERT_EQ(writer->images("model/crops", step++, views, 3, png), Status::kOk) << mode_name(mode);
    EXPECT_LE(png.arena_high_water(), arena);
    EXPECT_EQ(png.images_encoded(), 3u);
  }
  const tinytb_test::ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 5u);
  for (size_t e = 1; e < 5; ++e) {
    const tinytb_test::ParsedValue& v = f.events[e].values.at(0);
    EXPECT_EQ(v.dims, (std::vector<int64_t>{5}));
    ASSERT_EQ(v.strings.size(), 5u);
    EXPECT_EQ(v.strings[0], "48");
    EXPECT_EQ(v.strings[1], "48");
    for (size_t i = 0; i < 3; ++i) expect_png(v.strings[2 + i], views[i]);
  }
}

TEST_F(ImageLog, JpegAndPngPassThroughUnchanged) {
  const std::vector<uint8_t> jpeg = read_file(test_jpeg_path());
  ASSERT_GT(jpeg.size(), 100u) << test_jpeg_path();
  ASSERT_EQ(writer->encoded_image("camera/jpeg", 1, tinytb::EncodedImage{jpeg.data(), jpeg.size()}, 48, 32),
            Status::kOk);
  // A PNG from the encoder, then logged as pre-encoded bytes.
  const auto gray = frame_bytes(20, 10, 1, 3);
  tinytb::PngEncoder<20, 10, 1> png;
  uint8_t file[1024];
  size_t size = 0;
  ASSERT_EQ(png.encode(ImageView::frame(PixelFormat::kGray8, gray.data(), 20, 10), file, sizeof(file), &size),
            Status::kOk);
  const tinytb::EncodedImage two[] = {{file, size}, {file, size}};
  ASSERT_EQ(writer->encoded_images("camera/png", 1, two, 2, 20, 10), Status::kOk);
  const tinytb_test::ParsedFile f = parsed();
  ASSERT_EQ(f.events.size(), 3u);
  const auto& j = f.events[1].values.at(0);
  EXPECT_EQ(j.dims, (std::vector<int64_t>{3}));
  EXPECT_EQ(j.strings.at(0), "48");
  EXPECT_EQ(j.strings.at(1), "32");
  EXPECT_EQ(j.strings.at(2), std::string(jpeg.begin(), jpeg.end()));
  const auto& p = f.events[2].values.at(0);
  EXPECT_EQ(p.dims, (std::vector<int64_t>{4}));
  EXPECT_EQ(p.strings.at(2), std::string(reinterpret_cast<const char*>(file), size));
  EXPECT_EQ(p.strings.at(3), p.strings.at(2));
}

TEST_F(ImageLog, RecordSizeBounds) {
  const auto rgb = frame_bytes(64, 48, 3, 4);
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, rgb.data(), 64, 48);
  const ImageView two[] = {v, v};
  int64_t step = 0;
  for (PngMode mode : kAllModes) {
    Encoder enc(64, 48, 3, mode, 2);
    for (size_t k : {size_t{1}, size_t{2}}) {
      const size_t before = sink.last().bytes.size();
      ASSERT_EQ(writer->images("t", step++, two, k, enc.png), Status::kOk);
      const size_t record = sink.last().bytes.size() - before;
      const size_t bound = tinytb::image_record_bytes(1, 64, 48, 3, k);
      EXPECT_LE(record, bound) << mode_name(mode);
      if (mode == PngMode::kStored) {
        EXPECT_GE(record + 64, bound) << "a stored record is known to within its length prefixes";
      } else {
        EXPECT_LT(record, bound / 2) << mode_name(mode) << ": this frame compresses";
      }
    }
  }
  const std::vector<uint8_t> jpeg = read_file(test_jpeg_path());
  const size_t before = sink.last().bytes.size();
  ASSERT_EQ(writer->encoded_image("j", 0, tinytb::EncodedImage{jpeg.data(), jpeg.size()}, 48, 32), Status::kOk);
  EXPECT_LE(sink.last().bytes.size() - before, tinytb::encoded_image_record_bytes(1, jpeg.size()));
}

// Noise does not compress: in a queue of exactly image_record_bytes() every mode still
// fits (the image is stored instead, or, kCompressed with frame blocks, written in its own
// stored blocks, as many as kStored's for this frame: the same size), and the PNG decodes
// to the noise.
TEST(ImageLogQueue, NoiseFitsAQueueOfExactlyTheBound) {
  constexpr uint32_t kW = 150, kH = 70;
  constexpr size_t kQueue = tinytb::image_record_bytes(5, kW, kH, 3, 2);
  std::vector<uint8_t> noise(size_t{kW} * kH * 3);
  uint32_t x = 12345;
  for (auto& b : noise) {
    x = x * 1103515245u + 12345u;
    b = static_cast<uint8_t>(x >> 23);
  }
  const ImageView v = ImageView::frame(PixelFormat::kRgb888, noise.data(), kW, kH);
  const ImageView two[] = {v, v.cropped(0, 0, kW, kH)};
  for (PngMode mode : kAllModes) {
    SCOPED_TRACE(mode_name(mode));
    tinytb_test::TestSink sink;
    auto writer = std::make_unique<tinytb::EventWriter<kQueue>>();
    tinytb::WriterOptions options;
    options.form = tinytb::SummaryForm::kTensor;  // this test reads the tensor form
    ASSERT_EQ(writer->open(sink, options), Status::kOk);
    Encoder enc(kW, kH, 3, mode, 2);
    ASSERT_EQ(writer->images("noise", 0, two, 2, enc.png), Status::kOk);
    EXPECT_LE(writer->queued_bytes(), kQueue);
    const bool own_stored_blocks = mode == PngMode::kCompressed && TINYTB_DEFLATE_FRAME_BLOCKS;
    EXPECT_EQ(enc.png.stored_fallbacks(), mode == PngMode::kStored || own_stored_blocks ? 0u : 2u);
    ASSERT_EQ(writer->close(), Status::kOk);
    const auto f = tinytb_test::parse_file(sink.last().bytes);
    ASSERT_FALSE(f.corrupt || f.torn);
    ASSERT_EQ(f.events.size(), 2u);
    const auto& value = f.events[1].values.at(0);
    ASSERT_EQ(value.strings.size(), 4u);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(value.strings[2 + i].size(), tinytb::png_max_bytes(kW, kH, 3));
      expect_png(value.strings[2 + i], two[i]);
    }
  }
}

// Every pixel format in every mode through the writer, with records of other kinds and
// other modes queued in between: each record stays one complete record and each PNG
// decodes to the reference pixels.
TEST(ImageLogQueue, EveryFormatEveryModeThroughAFullQueue) {
  tinytb_test::TestSink sink;
  auto writer = std::make_unique<tinytb::EventWriter<120000, 16, 64>>();
  tinytb::WriterOptions options = tensor_form();
  options.clock.wall_time = wall;
  options.max_queue = 1000;  // flushed only when full
  ASSERT_EQ(writer->open(sink, options), Status::kOk);
  const uint32_t w = 46, h = 30;
  const auto bytes = frame_bytes(w * 2, h * 2, 4, 9);
  std::vector<float> f32(size_t{w} * h * 3);
  for (size_t i = 0; i < f32.size(); ++i) f32[i] = static_cast<float>(i % 97) / 80.0f - 0.1f;
  std::vector<ImageView> views;
  for (PixelFormat f : {PixelFormat::kGray8, PixelFormat::kRgb888, PixelFormat::kBgr888, PixelFormat::kRgba8888,
                        PixelFormat::kRgb565Le, PixelFormat::kRgb565Be, PixelFormat::kYuyv, PixelFormat::kUyvy}) {
    views.push_back(ImageView::frame(f, bytes.data(), w, h));
    views.push_back(ImageView::frame(f, bytes.data(), w * 2, h * 2).cropped(2, 4, w * 2 - 4, h * 2 - 4).downscaled(2));
    views.push_back(ImageView::frame(f, bytes.data() + (h - 1) * size_t{w} * 4, w, h,
                                     -static_cast<int32_t>(w * 4), w * h * 4));  // bottom-up, padded
  }
  views.push_back(ImageView::tensor(bytes.data(), w, h, 3));
  views.push_back(ImageView::tensor(bytes.data(), w, h, 4, tinytb::TensorLayout::kChw));
  views.push_back(ImageView::tensor(reinterpret_cast<const int8_t*>(bytes.data()), w, h, 1,
                                    tinytb::Quantization{0.02f, 3}, tinytb::ValueRange::min_max()));
  views.push_back(ImageView::tensor(f32.data(), w, h, 3));
  std::vector<std::unique_ptr<Encoder>> encoders;
  for (PngMode mode : kAllModes) encoders.push_back(std::make_unique<Encoder>(w, h, 4, mode));
  std::vector<std::pair<ImageView, size_t>> logged;  // view, mode index
  int64_t step = 0;
  for (const ImageView& v : views) {
    for (size_t m = 0; m < encoders.size(); ++m) {
      ASSERT_EQ(writer->image("img", step, v, encoders[m]->png), Status::kOk) << step << " " << mode_name(kAllModes[m]);
      ASSERT_EQ(writer->scalar("loss", step, 0.5f), Status::kOk);
      logged.emplace_back(v, m);
      ++step;
    }
  }
  ASSERT_EQ(writer->close(), Status::kOk);
  const auto f = tinytb_test::parse_file(sink.last().bytes);
  ASSERT_FALSE(f.corrupt || f.torn);
  ASSERT_EQ(f.events.size(), 1 + 2 * logged.size());
  for (size_t i = 0; i < logged.size(); ++i) {
    SCOPED_TRACE(std::to_string(i) + " " + mode_name(kAllModes[logged[i].second]));
    const auto& value = f.events[1 + 2 * i].values.at(0);
    EXPECT_EQ(value.tag, "img");
    ASSERT_EQ(value.strings.size(), 3u);
    expect_png(value.strings[2], logged[i].first);
    EXPECT_EQ(f.events[2 + 2 * i].values.at(0).tag, "loss");
  }
}

// Every refusal: the file and the queue stay as they were, nothing was encoded, and the
// writer goes on working.
class ImageLogRefusals : public ImageLog, public ::testing::WithParamInterface<PngMode> {};

TEST_P(ImageLogRefusals, BadInputWritesNothing) {
  const PngMode mode = GetParam();
  const auto rgb = frame_bytes(64, 48, 3, 5);
  const ImageView ok_view = ImageView::frame(PixelFormat::kRgb888, rgb.data(), 32, 24);
  Encoder enc(32, 24, 3, mode, 2);
  tinytb::PngEncoderBase& png = enc.png;
  ASSERT_EQ(writer->image("cam", 10, ok_view, png), Status::kOk);
  const std::vector<uint8_t> file_before = sink.last().bytes;
  const uint32_t encoded_before = png.images_encoded();
  const size_t tags_before = writer->tag_count();
  auto unchanged = [&](Status got, Status want, const char* what) {
    EXPECT_EQ(got, want) << what << ": " << tinytb::status_name(got);
    EXPECT_EQ(sink.last().bytes, file_before) << what;
    EXPECT_EQ(writer->queued_bytes(), 0u) << what;
    EXPECT_EQ(png.images_encoded(), encoded_before) << what;
    EXPECT_EQ(writer->tag_count(), tags_before) << what;
  };
  ImageView bad = ok_view;
  bad.width = 0;
  unchanged(writer->image("cam2", 11, bad, png), Status::kInvalidArgument, "zero width");
  bad = ok_view;
  bad.height = 0;
  unchanged(writer->image("cam2", 11, bad, png), Status::kInvalidArgument, "zero height");
  bad = ok_view;
  bad.row_stride = 32 * 3 - 1;
  unchanged(writer->image("cam2", 11, bad, png), Status::kInvalidArgument, "stride below a row");
  bad = ok_view;
  bad.data = nullptr;
  unchanged(writer->image("cam2", 11, bad, png), Status::kInvalidArgument, "null data");
  bad = ok_view;
  bad.format = static_cast<PixelFormat>(77);
  unchanged(writer->image("cam2", 11, bad, png), Status::kInvalidArgument, "unknown format");
  unchanged(writer->images("cam2", 11, &ok_view, 0, png), Status::kInvalidArgument, "k = 0");
  unchanged(writer->images("cam2", 11, nullptr, 1, png), Status::kInvalidArgument, "null views");
  const ImageView three[] = {ok_view, ok_view, ok_view};
  unchanged(writer->images("cam2", 11, three, 3, png), Status::kTooLarge, "k above the maximum");
  const ImageView mixed[] = {ok_view, ok_view.cropped(0, 0, 16, 24)};
  unchanged(writer->images("cam2", 11, mixed, 2, png), Status::kInvalidArgument, "mixed sizes");
  const ImageView gray_and_rgb[] = {ok_view, ImageView::frame(PixelFormat::kGray8, rgb.data(), 32, 24)};
  unchanged(writer->images("cam2", 11, gray_and_rgb, 2, png), Status::kInvalidArgument, "mixed channels");
  unchanged(writer->image("cam2", 11, ImageView::frame(PixelFormat::kRgb888, rgb.data(), 64, 48), png),
            Status::kTooLarge, "frame larger than configured");
  std::vector<uint64_t> small(64);
  tinytb::PngEncoderBase tiny(reinterpret_cast<uint8_t*>(small.data()), small.size() * 8,
                              tinytb::PngLimits{32, 24, 3, 1, mode, tinytb::png_lodepng_mode});
  if (mode != PngMode::kStored) {
    unchanged(writer->image("cam2", 11, ok_view, tiny), Status::kTooLarge, "arena too small");
  }
  // Tag and step are checked before any encoding: no CPU spent on a refused image.
  unchanged(writer->image("cam", 10, ok_view, png), Status::kStepNotIncreasing, "step not increasing");
  unchanged(writer->image("bad\xff", 11, ok_view, png), Status::kInvalidTag, "bad tag");
  {
    tinytb::detail::ArenaHeap other;
    tinytb::detail::LodepngBinding held(&other);  // another encoder is in lodepng
    if (mode == PngMode::kLodepng) {
      EXPECT_EQ(writer->image("cam", 11, ok_view, png), Status::kBusy);
      EXPECT_EQ(sink.last().bytes, file_before);
      EXPECT_EQ(writer->queued_bytes(), 0u);
    }
  }
  // A record whose bound is larger than the queue streams to the sink (stream_record_test.cc),
  // but tinytb's deflate needs a window of the queue for that: a queue smaller than window
  // and staging buffer is refused before anything is compressed (kStored streams without a
  // window; kLodepng sizes the record with the PNG it has made instead: this one fits).
  if (mode == PngMode::kFast || mode == PngMode::kCompressed) {
    constexpr size_t kSmall = tinytb::png_stream_window_bytes(PngMode::kCompressed) + 128;
    static_assert(kSmall < tinytb::stream_queue_bytes(PngMode::kCompressed), "no room for the window and staging");
    tinytb::EventWriter<kSmall> small_writer;
    tinytb_test::TestSink small_sink;
    ASSERT_EQ(small_writer.open(small_sink, tensor_form()), Status::kOk);
    EXPECT_EQ(small_writer.image("cam", 1, ok_view, png), Status::kTooLarge);
    EXPECT_EQ(small_writer.queued_bytes(), 0u);
    EXPECT_EQ(small_writer.tag_count(), 0u);
    EXPECT_EQ(png.images_encoded(), encoded_before);
  }
  // Pre-encoded bytes.
  const std::vector<uint8_t> jpeg = read_file(test_jpeg_path());
  const tinytb::EncodedImage j{jpeg.data(), jpeg.size()};
  unchanged(writer->encoded_image("jpg", 1, j, 48, 31), Status::kInvalidArgument, "wrong height");
  unchanged(writer->encoded_image("jpg", 1, j, 0, 32), Status::kInvalidArgument, "zero width");
  unchanged(writer->encoded_image("jpg", 1, tinytb::EncodedImage{jpeg.data(), 0}, 48, 32), Status::kInvalidArgument,
            "empty");
  unchanged(writer->encoded_image("jpg", 1, tinytb::EncodedImage{nullptr, 10}, 48, 32), Status::kInvalidArgument,
            "null");
  unchanged(writer->encoded_image("jpg", 1, tinytb::EncodedImage{jpeg.data(), 150}, 48, 32), Status::kInvalidArgument,
            "cut before its frame header");
  const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 48, 0, 32, 0, 0, 0, 0};
  unchanged(writer->encoded_image("jpg", 1, tinytb::EncodedImage{gif, sizeof(gif)}, 48, 32), Status::kInvalidArgument,
            "not PNG or JPEG");
  unchanged(writer->encoded_images("jpg", 1, &j, 0, 48, 32), Status::kInvalidArgument, "k = 0");

  // Still usable.
  ASSERT_EQ(writer->image("cam", 11, ok_view, png), Status::kOk);
  ASSERT_EQ(writer->encoded_image("jpg", 1, j, 48, 32), Status::kOk);
  const auto f = parsed();
  ASSERT_EQ(f.events.size(), 4u);
  expect_png(f.events[2].values.at(0).strings.at(2), ok_view);
}

INSTANTIATE_TEST_SUITE_P(EveryMode, ImageLogRefusals, ::testing::ValuesIn(kAllModes),
                         [](const ::testing::TestParamInfo<PngMode>& info) {
                           return std::string(mode_name(info.param));
                         });

TEST(ImageLogQueue, ARecordBeyondTheQueueIsStreamed) {
  tinytb_test::TestSink sink;
  tinytb::EventWriter<4096> writer;
  tinytb::WriterOptions options = tensor_form();
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  const auto gray = frame_bytes(96, 96, 1, 6);
  tinytb::PngEncoder<96, 96, 1> png;
  const ImageView frame = ImageView::frame(PixelFormat::kGray8, gray.data(), 96, 96);
  EXPECT_EQ(writer.image("frame", 0, frame, png), Status::kOk);                // 9.4 KB > 4 KiB: streamed
  EXPECT_EQ(writer.queued_bytes(), 0u);
  EXPECT_EQ(writer.image("frame", 1, frame.downscaled(2), png), Status::kOk);  // 2.4 KB fits: queued
  EXPECT_GT(writer.queued_bytes(), 0u);
  static_assert(tinytb::image_record_bytes(5, 48, 48, 1) < 4096, "a 48x48 gray image fits a 4 KiB queue");
  EXPECT_EQ(writer.close(), Status::kOk);
}

// A sink that, while the writer flushes in the middle of an image call, tries to use the
// same encoder: the encoder is taken, so that call gets kBusy and the first one goes on.
class ReentrantSink : public tinytb::Sink {
 public:
  Status open(const char*, const char*) override { return Status::kOk; }
  Status write(const uint8_t* data, size_t size) override {
    bytes.insert(bytes.end(), data, data + size);
    if (png != nullptr) {
      static uint8_t out[4096];
      size_t n = 0;
      inner = png->encode(*view, out, sizeof(out), &n);
      png = nullptr;
    }
    return Status::kOk;
  }
  Status sync() override { return Status::kOk; }
  Status close() override { return Status::kOk; }
  std::vector<uint8_t> bytes;
  tinytb::PngEncoderBase* png = nullptr;
  const ImageView* view = nullptr;
  Status inner = Status::kOk;
};

TEST(ImageLogQueue, AnEncoderInUseIsBusy) {
  for (PngMode mode : kAllModes) {
    SCOPED_TRACE(mode_name(mode));
    ReentrantSink sink;
    tinytb::EventWriter<3000> writer;  // holds one 40x40 gray record (1.7 KB at most), not two
    tinytb::WriterOptions options;
    options.form = tinytb::SummaryForm::kTensor;  // this test reads the tensor form
    options.max_queue = 100;
    ASSERT_EQ(writer.open(sink, options), Status::kOk);
    std::vector<uint8_t> gray(40 * 40);  // noise: stored in every mode, so the second record needs a flush
    uint32_t x = 8;
    for (auto& b : gray) {
      x = x * 1103515245u + 12345u;
      b = static_cast<uint8_t>(x >> 23);
    }
    Encoder enc(40, 40, 1, mode);
    tinytb::PngEncoderBase& png = enc.png;
    const ImageView v = ImageView::frame(PixelFormat::kGray8, gray.data(), 40, 40);
    ASSERT_EQ(writer.image("a", 0, v, png), Status::kOk);  // 1.7 KB queued
    sink.png = &png;
    sink.view = &v;
    ASSERT_EQ(writer.image("a", 1, v, png), Status::kOk);  // makes room: flushes from inside the call
    EXPECT_EQ(sink.inner, Status::kBusy);
    uint8_t out[4096];
    size_t n = 0;
    EXPECT_EQ(png.encode(v, out, sizeof(out), &n), Status::kOk);  // free again afterwards
    EXPECT_EQ(writer.close(), Status::kOk);
    EXPECT_EQ(tinytb_test::parse_file(sink.bytes).events.size(), 3u);
  }
}

TEST(ImageLogQueue, ScopesPrefixImageTags) {
  tinytb_test::TestSink sink;
  tinytb::EventWriter<8192> writer;
  tinytb::WriterOptions options = tensor_form();
  options.max_queue = 1;
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  tinytb::Scope camera(writer, "camera");
  const auto gray = frame_bytes(8, 8, 1, 7);
  tinytb::PngEncoder<8, 8, 1> png;
  const ImageView v = ImageView::frame(PixelFormat::kGray8, gray.data(), 8, 8);
  ASSERT_EQ(camera.image("frame", 0, v, png), Status::kOk);
  ASSERT_EQ(camera.images("frames", 0, &v, 1, png), Status::kOk);
  tinytb::Scope bad(writer, "");
  EXPECT_EQ(bad.image("frame", 0, v, png), Status::kInvalidTag);
  const auto f = tinytb_test::parse_file(sink.last().bytes);
  ASSERT_EQ(f.events.size(), 3u);
  EXPECT_EQ(f.events[1].values.at(0).tag, "camera/frame");
  EXPECT_EQ(f.events[2].values.at(0).tag, "camera/frames");
  EXPECT_EQ(writer.close(), Status::kOk);
}

}  // namespace
