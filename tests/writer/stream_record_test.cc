// Records larger than the writer's queue, streamed to the sink (docs/storage.md, "Records
// larger than the queue"): the same bytes as the in-queue path, bounded pieces, and every
// failure at every write leaving whole records behind.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "event_reader.h"
#include "faulty_fs.h"
#include "lodepng_decoder.h"
#include "memory_sink.h"
#include "test_sink.h"
#include "tinytb/png/png_encoder.h"
#include "tinytb/summary/sizing.h"
#include "tinytb/writer/event_writer.h"

namespace {

using tinytb::ImageView;
using tinytb::PixelFormat;
using tinytb::PngMode;
using tinytb::Status;

// A camera-like frame: smooth gradients, a few edges and some sensor noise, so deflate
// makes it smaller but not trivially so.
std::vector<uint8_t> camera_rgb(uint32_t w, uint32_t h, uint32_t seed) {
  std::vector<uint8_t> v(size_t{w} * h * 3);
  uint32_t lcg = seed * 2654435761u + 1;
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      lcg = lcg * 1664525u + 1013904223u;
      const uint32_t noise = (lcg >> 29) & 3;
      uint8_t* p = &v[(size_t{y} * w + x) * 3];
      p[0] = static_cast<uint8_t>((x * 255 / w + noise) & 0xFF);
      p[1] = static_cast<uint8_t>(((y * 255 / h) ^ ((x / 40) * 16)) + noise);
      p[2] = static_cast<uint8_t>(((x + y) / 3 + seed) & 0xFF);
    }
  }
  return v;
}

// An encoder with its arena on the heap (tests only).
struct Encoder {
  Encoder(uint32_t w, uint32_t h, uint8_t ch, PngMode mode)
      : bytes(tinytb::png_arena_bytes(w, h, ch, mode)),
        memory(new uint64_t[bytes / 8 + 1]),
        png(reinterpret_cast<uint8_t*>(memory.get()), bytes,
            tinytb::PngLimits{w, h, ch, 1, mode, tinytb::png_lodepng_mode}) {}
  size_t bytes;
  std::unique_ptr<uint64_t[]> memory;
  tinytb::PngEncoderBase png;
};

// A camera frame of w x h RGB (seed picks the picture) and an encoder of `mode` for it.
struct Shot {
  Shot(uint32_t w, uint32_t h, uint32_t seed, PngMode mode)
      : rgb(camera_rgb(w, h, seed)), view(ImageView::frame(PixelFormat::kRgb888, rgb.data(), w, h)), enc(w, h, 3, mode) {}
  const std::vector<uint8_t> rgb;
  const ImageView view;
  Encoder enc;
};

// Records each write's size; fails the write numbered fail_at (from 1, counted from
// arm()), letting half its bytes through.
class CountingSink : public tinytb_test::TestSink {
 public:
  Status write(const uint8_t* data, size_t size) override {
    sizes.push_back(size);
    ++armed_writes;
    if (fail_at != 0 && armed_writes == fail_at) {
      fail_write = Status::kIoError;
      partial_bytes = size / 2;
      const Status s = TestSink::write(data, size);
      fail_write = Status::kOk;
      return s;
    }
    return TestSink::write(data, size);
  }
  void arm(int at) {
    fail_at = at;
    armed_writes = 0;
    sizes.clear();
  }
  std::vector<size_t> sizes;
  int fail_at = 0;
  int armed_writes = 0;
};

void expect_pixels(const std::string& png, const std::vector<uint8_t>& rgb, uint32_t w, uint32_t h) {
  tinytb_test::DecodedPng got;
  ASSERT_TRUE(tinytb_test::decode_png(reinterpret_cast<const uint8_t*>(png.data()), png.size(), &got)) << got.error;
  EXPECT_EQ(got.width, w);
  EXPECT_EQ(got.height, h);
  EXPECT_EQ(got.channels, 3u);
  EXPECT_TRUE(got.pixels == rgb);
}

// The PNG of an image value in either form.
std::string png_of(const tinytb_test::ParsedValue& v) { return v.classic == 4 ? v.encoded : v.strings.at(2); }

constexpr PngMode kModes[] = {PngMode::kStored, PngMode::kFast, PngMode::kCompressed, PngMode::kLodepng};

struct Case {
  PngMode mode;
  tinytb::SummaryForm form;
};

class StreamedImage : public ::testing::TestWithParam<Case> {};

// A frame through a 6 KiB queue gives the same file, byte for byte, as through a queue
// that holds the whole record; every write is bounded by the queue.
TEST_P(StreamedImage, SameBytesAsTheQueueInBoundedWrites) {
  const Case c = GetParam();
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 3, c.mode);
  tinytb::WriterOptions options;
  options.form = c.form;
  options.max_queue = 100;

  auto big = std::make_unique<tinytb::EventWriter<200000>>();
  tinytb_test::TestSink big_sink;
  ASSERT_EQ(big->open(big_sink, options), Status::kOk);
  auto small_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& small = *small_owner;
  CountingSink small_sink;
  ASSERT_EQ(small.open(small_sink, options), Status::kOk);
  small_sink.arm(0);
  for (int step = 0; step < 3; ++step) {
    ASSERT_EQ(big->scalar("loss", step, 0.5f * static_cast<float>(step)), Status::kOk);
    ASSERT_EQ(big->image("cam", step, shot.view, shot.enc.png), Status::kOk);
    ASSERT_EQ(small.scalar("loss", step, 0.5f * static_cast<float>(step)), Status::kOk);
    ASSERT_EQ(small.image("cam", step, shot.view, shot.enc.png), Status::kOk) << tinytb::png_mode_name(c.mode);
  }
  EXPECT_GT(big->queued_bytes(), 0u);  // the big writer never had to flush
  ASSERT_EQ(big->close(), Status::kOk);
  ASSERT_EQ(small.close(), Status::kOk);
  EXPECT_EQ(small_sink.last().bytes, big_sink.last().bytes);
  for (size_t n : small_sink.sizes) EXPECT_LE(n, small.queue_capacity());
  EXPECT_GT(small_sink.sizes.size(), 6u);  // really in pieces
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(small_sink.last().bytes);
  ASSERT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 7u);
  expect_pixels(png_of(f.events[6].values.at(0)), shot.rgb, kW, kH);
  EXPECT_LE(small.queue_high_water(), small.queue_capacity());
}

std::vector<Case> every_case() {
  std::vector<Case> cases;
  for (PngMode m : kModes) {
    cases.push_back({m, tinytb::SummaryForm::kClassic});
    cases.push_back({m, tinytb::SummaryForm::kTensor});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryModeAndForm, StreamedImage, ::testing::ValuesIn(every_case()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(tinytb::png_mode_name(info.param.mode)) +
                                  (info.param.form == tinytb::SummaryForm::kClassic ? "_classic" : "_tensor");
                         });

// VGA RGB, the largest frame, through a 6 KiB queue (its stored bound is 0.9 MB).
TEST(StreamedRecord, Vga640x480RgbThroughASmallQueue) {
  constexpr uint32_t kW = 640, kH = 480;
  const std::vector<uint8_t> rgb = camera_rgb(kW, kH, 9);
  const ImageView view = ImageView::frame(PixelFormat::kRgb888, rgb.data(), kW, kH);
  static tinytb::PngEncoder<kW, kH, 3, PngMode::kCompressed> png;
  auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
  CountingSink sink;
  ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
  static_assert(tinytb::image_record_bytes(3, kW, kH, 3) > 900000, "the stored bound is far above the queue");
  sink.arm(0);
  ASSERT_EQ(writer.image("vga", 1, view, png), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  for (size_t n : sink.sizes) EXPECT_LE(n, writer.queue_capacity());
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.last().bytes);
  ASSERT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_EQ(f.events[1].values.at(0).strings.at(0), "640");
  expect_pixels(f.events[1].values.at(0).strings.at(2), rgb, kW, kH);
  EXPECT_EQ(png.images_encoded(), 1u);
  EXPECT_EQ(png.stored_fallbacks(), 0u);
}

// A batch of three frames beyond the queue, in both forms: one record, three holes, each
// PNG deflated twice through the same window; the bytes equal the in-queue path's.
TEST(StreamedRecord, BatchOfThreeInBothForms) {
  constexpr uint32_t kW = 96, kH = 64;
  std::vector<uint8_t> rgb[3];
  ImageView views[3];
  for (int i = 0; i < 3; ++i) {
    rgb[i] = camera_rgb(kW, kH, static_cast<uint32_t>(10 + i));
    views[i] = ImageView::frame(PixelFormat::kRgb888, rgb[i].data(), kW, kH);
  }
  for (auto form : {tinytb::SummaryForm::kClassic, tinytb::SummaryForm::kTensor}) {
    static tinytb::PngEncoder<kW, kH, 3, PngMode::kCompressed, 3> png;
    tinytb::WriterOptions options;
    options.form = form;
    auto big = std::make_unique<tinytb::EventWriter<100000>>();
    auto small = std::make_unique<tinytb::EventWriter<5000>>();
    tinytb_test::TestSink big_sink, small_sink;
    ASSERT_EQ(big->open(big_sink, options), Status::kOk);
    ASSERT_EQ(small->open(small_sink, options), Status::kOk);
    ASSERT_EQ(big->images("batch", 1, views, 3, png), Status::kOk);
    ASSERT_EQ(small->images("batch", 1, views, 3, png), Status::kOk);
    ASSERT_EQ(big->close(), Status::kOk);
    ASSERT_EQ(small->close(), Status::kOk);
    EXPECT_EQ(small_sink.last().bytes, big_sink.last().bytes);
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(small_sink.last().bytes);
    ASSERT_FALSE(f.torn || f.corrupt);
    ASSERT_EQ(f.events.size(), 2u);
    const auto& values = f.events[1].values;
    for (int i = 0; i < 3; ++i) {
      const std::string p = form == tinytb::SummaryForm::kClassic ? values.at(static_cast<size_t>(i)).encoded
                                                                  : values.at(0).strings.at(static_cast<size_t>(2 + i));
      expect_pixels(p, rgb[i], kW, kH);
    }
  }
}

// Noise does not compress: the measured size says "stored", and the stored PNG streams.
TEST(StreamedRecord, IncompressibleFrameGoesOutStored) {
  constexpr uint32_t kW = 96, kH = 96;
  std::vector<uint8_t> rgb(kW * kH * 3);
  uint32_t lcg = 7;
  for (auto& b : rgb) b = static_cast<uint8_t>((lcg = lcg * 1664525u + 1013904223u) >> 24);
  const ImageView view = ImageView::frame(PixelFormat::kRgb888, rgb.data(), kW, kH);
  static tinytb::PngEncoder<kW, kH, 3, PngMode::kCompressed> png;
  auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
  tinytb_test::TestSink sink;
  ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
  ASSERT_EQ(writer.image("noise", 1, view, png), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  EXPECT_EQ(png.stored_fallbacks(), 1u);
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.last().bytes);
  ASSERT_FALSE(f.torn || f.corrupt);
  const std::string& p = f.events.at(1).values.at(0).strings.at(2);
  EXPECT_EQ(p.size(), tinytb::png_max_bytes(kW, kH, 3));
  expect_pixels(p, rgb, kW, kH);
}

// Pre-encoded files and other records beyond the queue stream as well.
TEST(StreamedRecord, EncodedImageAndHistogramBeyondTheQueue) {
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 5, PngMode::kStored);
  std::vector<uint8_t> file(tinytb::png_max_bytes(kW, kH, 3));
  size_t size = 0;
  ASSERT_EQ(shot.enc.png.encode(shot.view, file.data(), file.size(), &size), Status::kOk);
  auto writer_owner = std::make_unique<tinytb::EventWriter<1024>>();
  auto& writer = *writer_owner;
  CountingSink sink;
  ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
  sink.arm(0);
  ASSERT_EQ(writer.encoded_image("jpeg_like", 2, tinytb::EncodedImage{file.data(), size}, kW, kH), Status::kOk);
  tinytb::Histogram<256> h;
  std::vector<float> values(5000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 977) * 0.01f;
  ASSERT_EQ(h.compute({values.data(), values.size()}), Status::kOk);
  ASSERT_EQ(writer.histogram("h", 2, h), Status::kOk);
  ASSERT_EQ(writer.close(), Status::kOk);
  for (size_t n : sink.sizes) EXPECT_LE(n, writer.queue_capacity());
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.last().bytes);
  ASSERT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 3u);
  EXPECT_EQ(f.events[1].values.at(0).strings.at(2), std::string(reinterpret_cast<const char*>(file.data()), size));
  EXPECT_EQ(f.events[2].values.at(0).tag, "h");
}

// A queue that cannot hold the deflate's window next to a staging buffer: refused before
// anything is flushed or compressed.
TEST(StreamedRecord, QueueTooSmallForTheWindowIsTooLarge) {
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 1, PngMode::kCompressed);
  auto writer_owner = std::make_unique<tinytb::EventWriter<tinytb::stream_queue_bytes(PngMode::kCompressed) - 8>>();
  auto& writer = *writer_owner;
  tinytb_test::TestSink sink;
  ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
  ASSERT_EQ(writer.scalar("s", 1, 1.0f), Status::kOk);
  const size_t queued = writer.queued_bytes();
  EXPECT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kTooLarge);
  EXPECT_EQ(writer.queued_bytes(), queued);
  EXPECT_EQ(shot.enc.png.images_encoded(), 0u);
  EXPECT_EQ(writer.tag_count(), 1u);
  static_assert(tinytb::png_stream_window_bytes(PngMode::kCompressed) + 256 > tinytb::stream_queue_bytes(PngMode::kCompressed) - 8,
                "the window does not fit");
}

// A record that no file under rotate_bytes can hold is kTooLarge; one that only the
// current file cannot hold starts the next file, with its metadata.
TEST(StreamedRecord, RotationAndItsLimit) {
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 2, PngMode::kStored);
  const size_t record = tinytb::image_record_bytes(3, kW, kH, 3);
  auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
  tinytb_test::TestSink sink;
  tinytb::WriterOptions options = tinytb_test::tensor_form();
  options.rotate_bytes = record + 6144;  // holds one frame, not two
  ASSERT_EQ(writer.open(sink, options), Status::kOk);
  ASSERT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kOk);
  EXPECT_EQ(writer.files_opened(), 1u);
  ASSERT_EQ(writer.image("cam", 2, shot.view, shot.enc.png), Status::kOk);
  EXPECT_EQ(writer.files_opened(), 2u);
  ASSERT_EQ(writer.close(), Status::kOk);
  ASSERT_EQ(sink.order.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.file(i).bytes);
    ASSERT_FALSE(f.torn || f.corrupt);
    ASSERT_EQ(f.events.size(), 2u);
    EXPECT_TRUE(f.events[1].values.at(0).has_metadata);  // each file carries the tag's metadata
    EXPECT_LE(sink.file(i).bytes.size(), options.rotate_bytes);
  }
  auto tight_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& tight = *tight_owner;
  tinytb_test::TestSink tight_sink;
  options.rotate_bytes = record / 2;
  ASSERT_EQ(tight.open(tight_sink, options), Status::kOk);
  const size_t opened = tight_sink.last().bytes.size();
  EXPECT_EQ(tight.image("cam", 1, shot.view, shot.enc.png), Status::kTooLarge);
  EXPECT_EQ(tight_sink.last().bytes.size(), opened);
  EXPECT_EQ(tight.tag_count(), 0u);
}

// Every write of a streamed record (and of the flush before it) fails once, in turn:
// the call returns the sink's error, the file holds whole records only (cut back, or left
// for a new file where the sink cannot truncate), and the same call then succeeds.
class StreamedFaults : public ::testing::TestWithParam<bool> {};

TEST_P(StreamedFaults, EveryWriteFailsOnceInTurn) {
  const bool can_truncate = GetParam();
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 4, PngMode::kCompressed);
  // How many writes one logging call makes without faults.
  int writes = 0;
  {
    auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
    CountingSink sink;
    ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
    ASSERT_EQ(writer.scalar("s", 1, 1.0f), Status::kOk);
    sink.arm(0);
    ASSERT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kOk);
    writes = static_cast<int>(sink.sizes.size());
    ASSERT_EQ(writer.close(), Status::kOk);
  }
  ASSERT_GT(writes, 4);
  for (int k = 1; k <= writes; ++k) {
    SCOPED_TRACE("failing write " + std::to_string(k) + " of " + std::to_string(writes));
    auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
    CountingSink sink;
    sink.can_truncate = can_truncate;
    ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
    ASSERT_EQ(writer.scalar("s", 1, 1.0f), Status::kOk);
    sink.arm(k);
    EXPECT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kIoError);
    // Whole records only, in the file written to: nothing of the image.
    const tinytb_test::ParsedFile after = tinytb_test::parse_file(sink.last().bytes);
    EXPECT_FALSE(after.corrupt);
    if (can_truncate) {
      EXPECT_FALSE(after.torn);
    }
    for (const auto& e : after.events) {
      for (const auto& v : e.values) EXPECT_NE(v.tag, "cam");
    }
    sink.arm(0);
    ASSERT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kOk);  // the step was not taken
    ASSERT_EQ(writer.close(), Status::kOk);
    // Across the files: the scalar once, the image once, pixel-exact.
    int scalars = 0, images = 0;
    for (size_t i = 0; i < sink.order.size(); ++i) {
      const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.file(i).bytes);
      EXPECT_FALSE(f.corrupt);
      if (i + 1 == sink.order.size()) {
        EXPECT_FALSE(f.torn);
      }
      for (const auto& e : f.events) {
        for (const auto& v : e.values) {
          if (v.tag == "s") ++scalars;
          if (v.tag == "cam") {
            ++images;
            expect_pixels(v.strings.at(2), shot.rgb, kW, kH);
          }
        }
      }
    }
    EXPECT_EQ(scalars, 1);
    EXPECT_EQ(images, 1);
  }
}

INSTANTIATE_TEST_SUITE_P(TruncateOrNot, StreamedFaults, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "truncates" : "cannot_truncate");
                         });

// A failed sync after the streamed record: it is not durable and no queue holds it, so it
// is cut off and the value refused; the file is given up and the same value then goes to a
// new file, with its tag's metadata.
TEST(StreamedRecord, FailedSyncGivesUpTheFile) {
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 6, PngMode::kCompressed);
  auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
  tinytb_test::TestSink sink;
  ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
  sink.fail_sync = Status::kIoError;
  EXPECT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kIoError);
  EXPECT_EQ(writer.last_flush_status(), Status::kIoError);
  EXPECT_EQ(writer.tag_count(), 0u);
  EXPECT_EQ(sink.file(0).bytes.size(), sink.file(0).synced);  // cut back to what was durable
  sink.fail_sync = Status::kOk;
  ASSERT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kOk);
  EXPECT_EQ(writer.files_opened(), 2u);
  ASSERT_EQ(writer.close(), Status::kOk);
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.last().bytes);
  ASSERT_FALSE(f.torn || f.corrupt);
  ASSERT_EQ(f.events.size(), 2u);
  EXPECT_TRUE(f.events[1].values.at(0).has_metadata);
  expect_pixels(f.events[1].values.at(0).strings.at(2), shot.rgb, kW, kH);
}

// The faulty port: power cut at every operation of a streamed record. After the reboot
// the file holds whole records and at most one torn tail (what readers and `tinytb
// repair` handle), never a corrupt one, and the synced records are all there.
TEST(StreamedRecord, FaultyFsPowerCutAtEveryOperation) {
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 8, PngMode::kCompressed);
  std::vector<uint8_t> arena(1 << 20);
  tinytb::FaultyFs::File table[4];
  uint32_t total_ops = 0;
  {
    tinytb::FaultyFs fs(arena.data(), arena.size(), table, 4);
    tinytb::FaultySink sink(fs);
    auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
    ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
    ASSERT_EQ(writer.scalar("s", 1, 1.0f), Status::kOk);
    ASSERT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kOk);
    ASSERT_EQ(writer.close(), Status::kOk);
    total_ops = fs.ops();
  }
  for (uint32_t cut = 1; cut <= total_ops; ++cut) {
    for (auto model : {tinytb::FaultyFs::PowerLoss::kDropUnsynced, tinytb::FaultyFs::PowerLoss::kGarbleUnsynced}) {
      SCOPED_TRACE("cut at op " + std::to_string(cut));
      tinytb::FaultyFs fs(arena.data(), arena.size(), table, 4);
      tinytb::FaultySink sink(fs);
      fs.cut_power_at(cut);
      auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
      const Status opened = writer.open(sink, tinytb_test::tensor_form());
      Status logged = Status::kIoError;
      if (opened == Status::kOk) {
        (void)writer.scalar("s", 1, 1.0f);
        logged = writer.image("cam", 1, shot.view, shot.enc.png);
        (void)writer.close();
        if (writer.is_open()) {  // records still queued: the board is off, give it up
          (void)writer.close();
        }
      }
      std::vector<size_t> synced;  // what the writer had made durable before the cut
      for (size_t i = 0; i < fs.file_count(); ++i) synced.push_back(fs.file(i).synced);
      fs.reboot(model, cut);
      EXPECT_EQ(fs.contract_violations(), 0u);
      for (size_t i = 0; i < fs.file_count(); ++i) {
        const tinytb::FaultyFs::File& file = fs.file(i);
        const tinytb_test::ParsedFile f = tinytb_test::parse_file(fs.data(i), file.size);
        // Garbled unsynced bytes may fail a CRC; synced bytes are whole records, always.
        ASSERT_GE(file.size, synced[i]);
        const tinytb_test::ParsedFile durable = tinytb_test::parse_file(fs.data(i), synced[i]);
        EXPECT_FALSE(durable.corrupt || durable.torn);
        EXPECT_GE(f.clean_bytes, synced[i]);
        if (model == tinytb::FaultyFs::PowerLoss::kDropUnsynced) {
          EXPECT_FALSE(f.corrupt);
        }
        if (logged == Status::kOk) {  // reported written: it was synced (metadata forces it)
          bool found = false;
          for (const auto& e : durable.events) {
            for (const auto& v : e.values) found = found || v.tag == "cam";
          }
          EXPECT_TRUE(found);
        }
      }
    }
  }
}

// The memory port (write-all-or-nothing, no partial writes): a full buffer in the middle
// of a streamed record is kNoSpace and leaves the records before it.
TEST(StreamedRecord, MemorySinkRunsOutOfSpace) {
  constexpr uint32_t kW = 160, kH = 120;
  Shot shot(kW, kH, 7, PngMode::kCompressed);
  std::vector<uint8_t> buffer(12000);  // the PNG is larger than this
  tinytb::MemorySink sink(buffer.data(), buffer.size());
  auto writer_owner = std::make_unique<tinytb::EventWriter<6144>>();
  auto& writer = *writer_owner;
  ASSERT_EQ(writer.open(sink, tinytb_test::tensor_form()), Status::kOk);
  ASSERT_EQ(writer.scalar("s", 1, 1.0f), Status::kOk);
  EXPECT_EQ(writer.image("cam", 1, shot.view, shot.enc.png), Status::kNoSpace);
  const tinytb_test::ParsedFile f = tinytb_test::parse_file(sink.data(), sink.size());
  EXPECT_FALSE(f.torn || f.corrupt);
  EXPECT_EQ(f.events.size(), 2u);  // file_version and the scalar
  (void)writer.close();
}

}  // namespace
